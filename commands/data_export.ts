import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync } from 'node:fs'

async function actorFor(email: string | undefined) {
  const { default: User } = await import('#models/user')
  const user = email
    ? await User.findBy('email', email)
    : await User.query().where('role', 'admin').orderBy('id').first()
  if (!user) throw new Error(email ? `No user ${email}` : 'No admin user: pass --user')
  return user
}

/** `node ace data:export <kind> [--format=json|csv] [--out=file] [--user=email]` */
export default class DataExport extends BaseCommand {
  static commandName = 'data:export'
  static description =
    'Export watch rules, events or linked accounts (never a secret) as JSON or CSV'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'watch-rules, events or accounts' })
  declare kind: string

  @flags.string({ description: 'json (default) or csv' })
  declare format?: string

  @flags.string({ description: 'File to write (default: standard output)' })
  declare out?: string

  @flags.string({ description: 'Whose rules and accounts (default: the first admin)' })
  declare user?: string

  async run() {
    const { default: BulkTransfer, COLUMNS, isKind } = await import('#services/bulk_transfer')
    const { toCsv } = await import('#api/csv')
    const format = this.format ?? 'json'
    if (!isKind(this.kind) || !['json', 'csv'].includes(format)) {
      this.logger.error('kind must be watch-rules, events or accounts; --format json or csv')
      this.exitCode = 1
      return
    }
    try {
      const items = await new BulkTransfer().export(await actorFor(this.user), this.kind)
      const text =
        format === 'csv'
          ? toCsv(Object.keys(COLUMNS[this.kind]), items)
          : JSON.stringify({ kind: this.kind, version: 1, items }, null, 2) + '\n'
      if (this.out) {
        writeFileSync(this.out, text)
        this.logger.success(`${items.length} ${this.kind} written to ${this.out}`)
      } else {
        process.stdout.write(text)
      }
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
