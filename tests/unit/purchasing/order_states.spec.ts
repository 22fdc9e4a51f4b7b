import { test } from '@japa/runner'
import { orderVerdict } from '#purchasing/order_states'
import { buildPurchaseSuccess } from '#notifications/message'

test.group("Order states: what the platform says, in the buyer's terms", () => {
  test('accepted and completed are confirmed; rejected and cancelled refused; the rest still open', ({
    assert,
  }) => {
    assert.equal(orderVerdict('accepted'), 'confirmed')
    assert.equal(orderVerdict('completed'), 'confirmed')
    assert.equal(orderVerdict('rejected'), 'refused')
    assert.equal(orderVerdict('canceled_after_accepted'), 'refused')
    assert.equal(orderVerdict('pending'), 'open')
    assert.equal(orderVerdict('pending_substitution'), 'open')
  })

  test('the notification says "placed" while the seller has yet to accept, "confirmed" after', ({
    assert,
  }) => {
    const data = {
      eventName: 'Rangers at Oilers',
      purchaseRequestId: 3,
      orderId: '300001-700001',
      platform: 'Sandbox exchange',
      quantity: 2,
      totalMinor: 9_000,
      currency: 'USD',
    }
    const options = { appUrl: 'http://localhost', now: new Date('2026-01-01T00:00:00Z') }
    assert.match(
      buildPurchaseSuccess({ ...data, orderStatus: 'pending' }, options).title,
      /^Order placed, awaiting the platform's confirmation/
    )
    assert.match(
      buildPurchaseSuccess({ ...data, orderStatus: 'accepted' }, options).title,
      /^Purchase confirmed/
    )
  })
})
