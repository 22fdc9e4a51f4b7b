import { BaseSchema } from '@adonisjs/lucid/schema'

/**
 * Web sessions live on the server (@adonisjs/session's database store; the
 * scaled mode keeps them in Redis instead): logging out, changing the
 * password or "sign out everywhere" ends them for good, which a cookie that
 * carries the whole session cannot do. `user_id` tags a session with its
 * user so that all of theirs can be found and ended.
 */
export default class extends BaseSchema {
  protected tableName = 'sessions'

  async up() {
    this.schema.createTable(this.tableName, (table) => {
      table.string('id').primary()
      table.text('data').notNullable()
      table.string('user_id').nullable().index()
      table.timestamp('expires_at').notNullable().index()
    })
  }

  async down() {
    this.schema.dropTable(this.tableName)
  }
}
