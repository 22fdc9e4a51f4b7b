import Platform from '#models/platform'
import { platformSeeds } from '#connectors/registry'
import { sandboxCredential } from '#connectors/sandbox/sandbox_credentials'
import { encryptSecret } from '#security/secrets'

/**
 * One platform row per registered connector. Only missing rows are created: an
 * admin's edits (limits, enabled, credentials) survive. Run by `db:seed` and at
 * the embedded start, so a server whose release step only migrated still knows
 * its platforms (the sandbox's discovery failed with "Unknown platform" there).
 */
export async function ensurePlatformRows() {
  for (const seed of platformSeeds) {
    const existing = await Platform.findBy('slug', seed.slug)
    if (existing) continue
    await Platform.create({
      ...seed,
      enabled: true,
      /** The sandbox works out of the box: its demo credential is the deployment's. */
      encryptedCredentials:
        seed.slug === 'sandbox' ? encryptSecret(sandboxCredential(), 'platform.credentials') : null,
    })
  }
}
