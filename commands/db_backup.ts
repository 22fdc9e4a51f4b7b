import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * An online backup of the SQLite database: `VACUUM INTO` writes a
 * consistent, compacted copy while the app keeps running (readers and the
 * writer are not stopped; the copy is one transaction's view).
 *
 * MySQL/MariaDB and PostgreSQL have their own online tools; this command
 * prints the equivalent instead of re-implementing them:
 *   mysqldump --single-transaction --routines --triggers -h HOST -u USER -p DB > hdtickets.sql
 *   pg_dump --format=custom --no-owner -h HOST -U USER DB > hdtickets.dump
 */
export default class DbBackup extends BaseCommand {
  static commandName = 'db:backup'
  static description =
    'Online backup of the SQLite database to a file (prints the mysqldump / pg_dump equivalent elsewhere)'
  static options: CommandOptions = { startApp: true }

  @flags.string({
    description: 'Where to write the copy (default storage/backups/hdtickets-<UTC time>.sqlite3)',
  })
  declare out?: string

  async run() {
    const db = (await import('@adonisjs/lucid/services/db')).default
    const dialect = db.connection().dialect.name
    if (!dialect.includes('sqlite')) {
      const { default: database } = await import('#config/database')
      const connection: any = (database.connections as any)[database.connection]
      const c = connection.connection ?? {}
      const command =
        dialect === 'postgres'
          ? `pg_dump --format=custom --no-owner -h ${c.host} -p ${c.port} -U ${c.user} ${c.database} > hdtickets-$(date -u +%Y%m%dT%H%M%SZ).dump`
          : `mysqldump --single-transaction --routines --triggers -h ${c.host} -P ${c.port} -u ${c.user} -p ${c.database} > hdtickets-$(date -u +%Y%m%dT%H%M%SZ).sql`
      this.logger.error(
        `db:backup copies SQLite only. For ${dialect}, run the online dump of the database server:\n  ${command}`
      )
      this.exitCode = 1
      return
    }
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')
    /** Relative to the directory HDTickets runs in, like SQLITE_PATH. */
    const target = resolve(this.out ?? `storage/backups/hdtickets-${stamp}.sqlite3`)
    if (existsSync(target)) {
      this.logger.error(`${target} already exists; choose another --out`)
      this.exitCode = 1
      return
    }
    mkdirSync(dirname(target), { recursive: true })
    const started = Date.now()
    /** Only the owner reads a backup, as the database itself (VACUUM INTO fills an empty file). */
    closeSync(openSync(target, 'wx', 0o600))
    await db.rawQuery('VACUUM INTO ?', [target])
    this.logger.success(
      `Backed up to ${target} (${(statSync(target).size / 1024 / 1024).toFixed(1)} MB, ${Date.now() - started} ms)`
    )
  }
}
