import { test } from '@japa/runner'
import { formatMoney } from '../../../inertia/composables/format.js'
import { toMinor } from '../../../inertia/composables/units.js'

test.group('Front end: money as people type and read it', () => {
  test('an unknown currency code shows the amount with the code, never a RangeError', ({
    assert,
  }) => {
    assert.equal(formatMoney({ amountMinor: 12_345, currency: 'USD' }), '$123.45')
    assert.doesNotThrow(() => formatMoney({ amountMinor: 12_345, currency: 'XYZW' }))
    assert.equal(formatMoney({ amountMinor: 12_345, currency: 'US' }), '123.45 US')
  })

  test('dollars typed become cents; text that is no amount is sent as typed, never as "no cap"', ({
    assert,
  }) => {
    assert.equal(toMinor('149.99'), 14_999)
    assert.equal(toMinor('1,500'), 150_000)
    assert.isNull(toMinor('  '))
    assert.equal(toMinor('abc'), 'abc')
  })
})
