import { BaseSeeder } from '@adonisjs/lucid/seeders'
import app from '@adonisjs/core/services/app'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import env from '#start/env'
import User from '#models/user'
import PlatformSeeder from '#database/seeders/platform_seeder'

/**
 * The demo: an admin to log in with. Idempotent — running it again changes
 * nothing. A generated password is kept in storage/demo-admin.txt (mode
 * 0600) so every start can print it; set DEMO_ADMIN_PASSWORD to choose one.
 */
export default class MainSeeder extends BaseSeeder {
  async run() {
    await new PlatformSeeder(this.client).run()

    const email = env.get('DEMO_ADMIN_EMAIL', 'admin@hdtickets.local')
    /** Beside the SQLite file's default place: relative to the folder HDTickets runs in, not build/. */
    const credentialsFile = resolve('storage/demo-admin.txt')

    let password = env.get('DEMO_ADMIN_PASSWORD')?.release()
    const existing = await User.findBy('email', email)
    if (!existing) {
      const anyUser = await User.query().first()
      if (anyUser) return
      password ??= randomBytes(9).toString('base64url')
      await User.create({ email, password, fullName: 'Demo admin', role: 'admin', timezone: 'UTC' })
      if (!env.get('DEMO_ADMIN_PASSWORD')) {
        mkdirSync(dirname(credentialsFile), { recursive: true })
        writeFileSync(credentialsFile, `${email}\n${password}\n`, { mode: 0o600 })
      }
    } else if (!password && existsSync(credentialsFile)) {
      password = readFileSync(credentialsFile, 'utf8').split('\n')[1]
    }

    if (password && !app.inTest) {
      console.log('')
      console.log('  Demo admin')
      console.log(`    email:    ${email}`)
      console.log(`    password: ${password}`)
      console.log('  Change it in Settings after logging in.')
      console.log('')
    }
  }
}
