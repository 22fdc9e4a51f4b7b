/**
 * Transmit's routes refuse a call without its `uid` or `channel`
 * (app/middleware/transmit_input_middleware.ts): a 400, E_BAD_REQUEST naming
 * the input. A call of the Transmit client, not a form: no redirect back.
 */
import { test } from '@japa/runner'
import { createUser } from '#tests/helpers/users'

test.group('Transmit routes: their input', () => {
  test('a subscribe without uid or channel is a 400 naming it', async ({ client }) => {
    const user = await createUser('member')
    const noUid = await client
      .post('/__transmit/subscribe')
      .header('accept', 'application/json')
      .json({ channel: `users/${user.id}` })
      .loginAs(user)
    noUid.assertStatus(400)
    noUid.assertBody({
      errors: [
        {
          code: 'E_BAD_REQUEST',
          field: 'uid',
          message: '"uid" is required, as text of at most 200 characters',
        },
      ],
    })
    const noChannel = await client
      .post('/__transmit/subscribe')
      .json({ uid: 'x'.repeat(36) })
      .loginAs(user)
    noChannel.assertStatus(400)
  })
})
