import {
  buildAccountIssue,
  buildPriceAlert,
  buildPurchaseFailed,
  buildPurchaseSuccess,
  buildSystemAlert,
  buildTicketAvailable,
} from '#notifications/message'
import type { NotificationMessage } from '#notifications/message'

export const APP_URL = 'https://tickets.example.org'
export const NOW = new Date('2026-03-14T18:02:11.000Z')

export function ticketAvailable(
  overrides: { purchaseRequestId?: number | null; priority?: 'low' | 'normal' | 'high' } = {}
) {
  return buildTicketAvailable(
    {
      eventId: 31,
      eventName: 'Arsenal v Chelsea',
      eventStartsAt: '2026-04-04T14:00:00.000Z',
      venue: 'Emirates Stadium',
      eventTimeZone: 'Europe/London',
      listingId: 9001,
      platform: 'ticketevolution',
      section: '112',
      row: 'F',
      quantity: 2,
      priceMinor: 8550,
      currency: 'GBP',
      alertId: 77,
      purchaseRequestId: overrides.purchaseRequestId ?? null,
    },
    { appUrl: APP_URL, now: NOW, notificationId: 42, priority: overrides.priority }
  )
}

export function priceAlert(priority: 'low' | 'normal' | 'high' = 'normal', at = NOW) {
  return buildPriceAlert(
    {
      eventId: 5,
      eventName: 'Lakers v Celtics',
      listingId: 'L-1',
      section: '101',
      quantity: 4,
      priceMinor: 12000,
      previousPriceMinor: 15000,
      thresholdMinor: 13000,
      currency: 'USD',
      platform: 'sandbox',
    },
    { appUrl: APP_URL, now: at, notificationId: 43, priority }
  )
}

export function everyType(): NotificationMessage[] {
  const options = { appUrl: APP_URL, now: NOW, notificationId: 50 }
  return [
    ticketAvailable(),
    priceAlert(),
    buildPurchaseSuccess(
      {
        eventName: 'Yankees v Red Sox',
        purchaseRequestId: 12,
        orderId: 'TE-99812',
        platform: 'ticketevolution',
        section: '214',
        row: '3',
        quantity: 2,
        totalMinor: 31000,
        currency: 'USD',
      },
      options
    ),
    buildPurchaseFailed(
      {
        eventName: 'Yankees v Red Sox',
        purchaseRequestId: 13,
        platform: 'ticketevolution',
        reason: 'The listing sold before the order was placed',
        quantity: 2,
        totalMinor: 31000,
        currency: 'USD',
      },
      options
    ),
    buildAccountIssue(
      {
        platform: 'stubhub',
        accountId: 4,
        issue: 'The API token was rejected',
        action: 'Enter a new token on the Accounts page',
      },
      options
    ),
    buildSystemAlert(
      { component: 'source ticketmaster', detail: 'Challenge page detected; the source is paused' },
      options
    ),
  ]
}
