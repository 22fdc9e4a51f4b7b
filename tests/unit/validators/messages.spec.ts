import { test } from '@japa/runner'
import vine from '@vinejs/vine'
import { FieldMessagesProvider } from '#validators/messages'
import { watchRuleValidator } from '#validators/watch_rule_validator'
import { budgetValidator } from '#validators/purchase_validator'
import { signupValidator } from '#validators/auth_validator'

async function messages(run: () => Promise<unknown>) {
  try {
    await run()
  } catch (error) {
    return Object.fromEntries(
      (error as any).messages.map((m: any) => [m.field, m.message])
    ) as Record<string, string>
  }
  throw new Error('expected a validation error')
}

test.group('Validation messages speak of labels and the units people type', (group) => {
  group.setup(() => {
    const before = vine.messagesProvider
    vine.messagesProvider = new FieldMessagesProvider()
    return () => void (vine.messagesProvider = before)
  })

  test('a price cap over the limit is stated in dollars, under the field label', async ({
    assert,
  }) => {
    const found = await messages(() =>
      watchRuleValidator.validate({
        name: 'x',
        maxPriceMinor: 100_000_001,
        triggers: [],
        cooldownSeconds: 40 * 86_400,
      })
    )
    assert.equal(found.maxPriceMinor, 'Max price per ticket can be at most 1,000,000.00')
    assert.equal(found.triggers, 'Choose at least 1 for Tell me when')
    assert.equal(found.cooldownSeconds, 'Quiet period can be at most 43,200 minutes')
  })

  test('a tolerance is a percentage, and "abc" in a money field is said to be no amount', async ({
    assert,
  }) => {
    const found = await messages(() =>
      budgetValidator.validate({
        currency: 'USD',
        perEventMinor: null,
        perDayMinor: 'abc',
        perMonthMinor: null,
        priceDriftBps: 6_000,
      })
    )
    assert.equal(found.perDayMinor, 'Per day must be an amount, like 150 or 149.99')
    assert.equal(found.priceDriftBps, 'Price tolerance can be at most 50 %')
  })

  test('two different passwords are said so, beside the repeated password', async ({ assert }) => {
    const found = await messages(() =>
      signupValidator.validate({
        email: 'new@example.test',
        password: 'a long enough password',
        passwordConfirmation: 'another long password',
      })
    )
    assert.equal(
      found.passwordConfirmation,
      'The two passwords differ: type the same password twice'
    )
  })
})
