import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { ensurePlatformRows } from '#connectors/platform_rows'

/** One row per registered connector; an admin's edits survive re-seeding. */
export default class PlatformSeeder extends BaseSeeder {
  async run() {
    await ensurePlatformRows()
  }
}
