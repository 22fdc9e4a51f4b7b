import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

/**
 * Back to a fresh demo: every table dropped and migrated again, the demo
 * seeded (platforms, and the demo admin with a new password, printed once —
 * or DEMO_ADMIN_PASSWORD's). The demo rules and purchase are recreated at
 * the next `npm start`. Asks first; `--force` skips the question (needed
 * when not at a terminal).
 */
export default class DemoReset extends BaseCommand {
  static commandName = 'demo:reset'
  static description =
    'Erase ALL data and re-seed the demo (asks first; --force to skip the question)'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Do not ask' })
  declare force: boolean

  async run() {
    if (!this.force) {
      const sure = process.stdin.isTTY
        ? await this.prompt.confirm(
            'Erase every user, event, rule, alert and purchase and start a fresh demo?'
          )
        : false
      if (!sure) {
        this.logger.error('Nothing changed (run with --force to reset without the question)')
        this.exitCode = 1
        return
      }
    }
    const fresh = await this.kernel.exec('migration:fresh', ['--force'])
    if (fresh.exitCode) {
      this.exitCode = fresh.exitCode
      return
    }
    const seed = await this.kernel.exec('db:seed', [])
    this.exitCode = seed.exitCode ?? 0
    if (!this.exitCode)
      this.logger.success(
        'Demo reset: log in with the demo admin above; `npm start` adds the demo rules again'
      )
  }
}
