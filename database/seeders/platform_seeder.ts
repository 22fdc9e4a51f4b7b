import { BaseSeeder } from '@adonisjs/lucid/seeders'
import Platform from '#models/platform'
import { platformSeeds } from '#connectors/registry'
import { sandboxCredential } from '#connectors/sandbox/sandbox_credentials'
import { encryptSecret } from '#security/secrets'

/**
 * One row per registered connector. Only missing rows are created: an admin's
 * edits (limits, enabled, credentials) survive re-seeding.
 */
export default class PlatformSeeder extends BaseSeeder {
  async run() {
    for (const seed of platformSeeds) {
      const existing = await Platform.findBy('slug', seed.slug)
      if (existing) continue
      await Platform.create({
        ...seed,
        enabled: true,
        /** The sandbox works out of the box: its demo credential is the deployment's. */
        encryptedCredentials:
          seed.slug === 'sandbox'
            ? encryptSecret(sandboxCredential(), 'platform.credentials')
            : null,
      })
    }
  }
}
