import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * The private iCal feed of a user's watched events. The feed's token is not
 * stored: it is an HMAC (APP_KEY) of the user id and this random nonce, so a
 * copy of the database alone does not reveal it; a new nonce regenerates it
 * (the old URL then answers 404). NULL: no feed yet.
 */
export default class extends BaseSchema {
  async up() {
    this.schema.alterTable('users', (table) => {
      table.string('calendar_nonce', 64).nullable()
    })
  }

  async down() {
    this.schema.alterTable('users', (table) => {
      table.dropColumn('calendar_nonce')
    })
  }
}
