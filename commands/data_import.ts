import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { readFileSync } from 'node:fs'

async function actorFor(email: string | undefined) {
  const { default: User } = await import('#models/user')
  const user = email
    ? await User.findBy('email', email)
    : await User.query().where('role', 'admin').orderBy('id').first()
  if (!user) throw new Error(email ? `No user ${email}` : 'No admin user: pass --user')
  return user
}

/** `node ace data:import <kind> <file> [--dry-run] [--user=email]` — the format follows the file's extension (.csv or .json). */
export default class DataImport extends BaseCommand {
  static commandName = 'data:import'
  static description =
    'Import watch rules, events or accounts from JSON or CSV (all-or-nothing, per-row report; --dry-run only checks)'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'watch-rules, events or accounts' })
  declare kind: string

  @args.string({ description: 'A .json (as exported) or .csv file' })
  declare file: string

  @flags.boolean({ description: 'Check every row, write nothing' })
  declare dryRun: boolean

  @flags.string({ description: 'Whose rules and accounts (default: the first admin)' })
  declare user?: string

  async run() {
    const { default: BulkTransfer, fromCsvRecord, isKind } = await import('#services/bulk_transfer')
    const { parseCsv } = await import('#api/csv')
    if (!isKind(this.kind)) {
      this.logger.error('kind must be watch-rules, events or accounts')
      this.exitCode = 1
      return
    }
    try {
      const text = readFileSync(this.file, 'utf8')
      const preErrors: any[] = []
      const items = this.file.endsWith('.csv')
        ? parseCsv(text).map((record, index) => {
            const { item, errors } = fromCsvRecord(this.kind as any, record, index + 1)
            preErrors.push(...errors)
            return item
          })
        : (JSON.parse(text).items as unknown[])
      if (!Array.isArray(items)) throw new Error('The JSON file must hold { "items": [...] }')
      const report = await new BulkTransfer().import(await actorFor(this.user), this.kind, items, {
        dryRun: this.dryRun,
        preErrors,
      })
      for (const error of report.errors)
        this.logger.error(
          `row ${error.row}${error.field ? ` (${error.field})` : ''}: ${error.message}`
        )
      const verb = report.dryRun ? 'would create' : 'created'
      const summary = `${report.total} rows: ${verb} ${report.created}, skipped ${report.skipped} already present, ${report.errors.length} error(s)`
      if (report.errors.length) {
        this.logger.error(`${summary}; nothing was written`)
        this.exitCode = 1
      } else {
        this.logger.success(summary)
      }
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    }
  }
}
