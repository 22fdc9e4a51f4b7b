/**
 * What a person needs to recognise a purchase at a glance: the event (name,
 * date), where the seats are (section, row, how many), the platform's name,
 * and what it costs in total — the order's total once there is one, before
 * that the most it can cost (seats × the accepted price per ticket).
 * One query per table for a whole page of requests.
 */
import db from '@adonisjs/lucid/services/db'
import type { RequestRow } from '#purchasing/requests'
import { isoTime } from '#purchasing/sql'

export interface PurchaseDetails {
  event: { id: number; name: string; startsAt: string | null; timezone: string | null } | null
  section: string | null
  row: string | null
  seats: number
  platformName: string | null
  /** The order's total, or the most the request can cost before it is placed */
  total: { amountMinor: number; currency: string; final: boolean }
  /** The platform's state of the order, when there is one */
  orderStatus: string | null
}

export async function purchaseDetails(rows: RequestRow[]): Promise<Map<number, PurchaseDetails>> {
  const details = new Map<number, PurchaseDetails>()
  if (rows.length === 0) return details
  const ids = rows.map((row) => row.id)
  const eventIds = [...new Set(rows.map((row) => row.event_id))]
  const listingIds = [
    ...new Set(rows.map((row) => row.listing_id).filter((id): id is number => id !== null)),
  ]
  const platformIds = [...new Set(rows.map((row) => row.platform_id))]
  const [events, listings, orders, platforms] = await Promise.all([
    db.from('events').whereIn('id', eventIds).select('id', 'name', 'starts_at', 'timezone'),
    listingIds.length
      ? db.from('listings').whereIn('id', listingIds).select('id', 'section', 'row')
      : [],
    db
      .from('orders')
      .whereIn('purchase_request_id', ids)
      .select('purchase_request_id', 'status', 'total_minor', 'currency', 'quantity'),
    db.from('platforms').whereIn('id', platformIds).select('id', 'name'),
  ])
  const eventById = new Map(events.map((row: any) => [Number(row.id), row]))
  const listingById = new Map(listings.map((row: any) => [Number(row.id), row]))
  const orderByRequest = new Map(orders.map((row: any) => [Number(row.purchase_request_id), row]))
  const platformById = new Map(platforms.map((row: any) => [Number(row.id), row.name as string]))
  for (const row of rows) {
    const event = eventById.get(row.event_id)
    const listing = row.listing_id === null ? undefined : listingById.get(row.listing_id)
    const order = orderByRequest.get(row.id)
    const perTicket = row.quoted_unit_minor ?? row.max_price_minor
    details.set(row.id, {
      event: event
        ? {
            id: Number(event.id),
            name: event.name,
            startsAt: isoTime(event.starts_at),
            timezone: event.timezone ?? null,
          }
        : null,
      section: listing?.section ?? null,
      row: listing?.row ?? null,
      seats: order ? Number(order.quantity) : row.quantity,
      platformName: platformById.get(row.platform_id) ?? null,
      total: order
        ? { amountMinor: Number(order.total_minor), currency: order.currency, final: true }
        : { amountMinor: perTicket * row.quantity, currency: row.currency, final: false },
      orderStatus: order?.status ?? null,
    })
  }
  return details
}
