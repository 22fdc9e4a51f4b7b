import encryption from '@adonisjs/core/services/encryption'
import db from '@adonisjs/lucid/services/db'

/**
 * Secrets at rest (platform credentials, platform sessions, notification
 * channel configs): AES-256-GCM through the framework's encryption, bound
 * to a purpose so a ciphertext from one column cannot be replayed into
 * another. The first configured key encrypts; every key decrypts, so an
 * old APP_KEY moved to APP_PREVIOUS_KEYS still reads until `keys:rotate`.
 */
export type SecretPurpose =
  | 'account.credentials'
  | 'account.session'
  | 'platform.credentials'
  | 'channel.config'
  | 'app.secret'

/** What encrypts: the app's configured encryption unless another is passed (a rotation run, a test). */
export interface Encrypter {
  encrypt(value: unknown, options: { purpose: string }): string
  decrypt<T>(value: string, purpose: string): T | null
}

export function encryptSecret(
  value: unknown,
  purpose: SecretPurpose,
  encrypter: Encrypter = encryption
): string {
  return encrypter.encrypt(value, { purpose })
}

export function decryptSecret<T = Record<string, string>>(
  cipherText: string,
  purpose: SecretPurpose,
  encrypter: Encrypter = encryption
): T {
  const value = encrypter.decrypt<T>(cipherText, purpose)
  if (value === null) {
    throw new Error(`Cannot decrypt a stored ${purpose}: none of the configured keys opens it`)
  }
  return value
}

/** Every encrypted column, with the purpose its values are bound to. */
const ENCRYPTED_COLUMNS: Array<{ table: string; column: string; purpose: SecretPurpose }> = [
  { table: 'accounts', column: 'encrypted_credentials', purpose: 'account.credentials' },
  { table: 'account_sessions', column: 'session_token', purpose: 'account.session' },
  { table: 'platforms', column: 'encrypted_credentials', purpose: 'platform.credentials' },
  { table: 'notification_channels', column: 'encrypted_config', purpose: 'channel.config' },
  { table: 'app_secrets', column: 'encrypted_value', purpose: 'app.secret' },
]

/**
 * Re-encrypts every stored secret with the current key, in batches, each
 * table in one transaction. Returns how many values were rewritten per table.
 * A value no key can open aborts that table's transaction: nothing is lost.
 */
export async function reencryptAll(
  options: { encrypter?: Encrypter; onProgress?: (table: string, done: number) => void } = {}
) {
  const { encrypter = encryption, onProgress } = options
  const counts: Record<string, number> = {}
  for (const { table, column, purpose } of ENCRYPTED_COLUMNS) {
    counts[table] = 0
    await db.transaction(async (trx) => {
      let lastId = 0
      for (;;) {
        const rows = await trx
          .from(table)
          .select('id', column)
          .whereNotNull(column)
          .where('id', '>', lastId)
          .orderBy('id')
          .limit(500)
        if (rows.length === 0) break
        for (const row of rows) {
          const plain = decryptSecret(row[column], purpose, encrypter)
          await trx
            .from(table)
            .where('id', row.id)
            .update({ [column]: encryptSecret(plain, purpose, encrypter) })
          counts[table]++
        }
        lastId = rows[rows.length - 1].id
        onProgress?.(table, counts[table])
      }
    })
  }
  return counts
}
