import { BaseSeeder } from '@adonisjs/lucid/seeders'
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { resolve } from 'node:path'
import env from '#start/env'
import User from '#models/user'
import PlatformSeeder from '#database/seeders/platform_seeder'

/**
 * The demo: an admin to log in with, created on a fresh install only.
 * Idempotent — running it again changes nothing.
 *
 * A generated password is printed once, when the admin is created, and kept
 * nowhere in plain text (only its hash, in the users table): it is never
 * printed again, so a password the admin has since changed never shows up
 * in a log. Set DEMO_ADMIN_PASSWORD to choose one instead.
 */
export default class MainSeeder extends BaseSeeder {
  async run() {
    await new PlatformSeeder(this.client).run()
    /** Earlier versions kept the generated password here, in plain text. */
    rmSync(resolve('storage/demo-admin.txt'), { force: true })

    const email = env.get('DEMO_ADMIN_EMAIL', 'admin@hdtickets.local')
    if (await User.query().first()) return

    const chosen = env.get('DEMO_ADMIN_PASSWORD')?.release()
    const password = chosen ?? randomBytes(12).toString('base64url')
    await User.create({ email, password, fullName: 'Demo admin', role: 'admin', timezone: 'UTC' })
    console.log('')
    console.log('  Demo admin created')
    console.log(`    email:    ${email}`)
    console.log(
      chosen
        ? '    password: the one in DEMO_ADMIN_PASSWORD'
        : `    password: ${password}    (shown this once: note it, then change it in Settings)`
    )
    console.log('')
  }
}
