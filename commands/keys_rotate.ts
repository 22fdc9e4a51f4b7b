import { BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Key rotation, step by step:
 *   1. move the current APP_KEY to APP_PREVIOUS_KEYS (comma-separated),
 *   2. set a new APP_KEY (`node ace generate:key --show`),
 *   3. run `node ace keys:rotate` — every stored secret is re-encrypted
 *      with the new key,
 *   4. drop the old key from APP_PREVIOUS_KEYS.
 */
export default class KeysRotate extends BaseCommand {
  static commandName = 'keys:rotate'
  static description =
    'Re-encrypt every stored secret (credentials, sessions, channel configs) with the current APP_KEY'
  static options: CommandOptions = { startApp: true }

  async run() {
    const { reencryptAll } = await import('#security/secrets')
    try {
      const counts = await reencryptAll({
        onProgress: (table, done) => this.logger.info(`${table}: ${done} re-encrypted`),
      })
      for (const [table, count] of Object.entries(counts)) {
        this.logger.success(`${table}: ${count} value(s) now encrypted with the current key`)
      }
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
