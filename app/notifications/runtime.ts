/**
 * The process's notification runtime: the ChannelRegistry built from
 * config/notifications.ts with the VAPID keys of this deployment. The keys
 * come from VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when set, otherwise from the
 * `app_secrets` table (encrypted), generated and stored on first start.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import notificationsConfig from '#config/notifications'
import { ChannelRegistry } from '#notifications/channels/registry'
import { ensureVapidKeys, type VapidKeys } from '#notifications/vapid'
import { decryptSecret, encryptSecret } from '#security/secrets'
import { dbTime } from '#purchasing/sql'

const VAPID_KEY = 'vapid'

/**
 * The deployment's VAPID pair: configured, stored, or generated and stored
 * (insert-or-ignore then re-read, so two processes starting together agree).
 */
export async function loadVapidKeys(): Promise<VapidKeys> {
  const configured = notificationsConfig.webpush
  if (configured.publicKey || configured.privateKey) {
    return ensureVapidKeys({
      publicKey: configured.publicKey ?? undefined,
      privateKey: configured.privateKey ?? undefined,
    }).keys
  }
  const read = async () => {
    const row = await db.from('app_secrets').where('key', VAPID_KEY).first()
    return row ? decryptSecret<VapidKeys>(row.encrypted_value, 'app.secret') : null
  }
  const stored = await read()
  if (stored) return ensureVapidKeys(stored).keys
  const { keys } = ensureVapidKeys(null)
  await db
    .table('app_secrets')
    .insert({
      key: VAPID_KEY,
      encrypted_value: encryptSecret(keys, 'app.secret'),
      created_at: dbTime(db.connection(), new Date()),
    })
    .onConflict('key')
    .ignore()
  logger.info('generated and stored the VAPID keys for web push')
  return (await read()) ?? keys
}

let current: Promise<ChannelRegistry> | null = null
let vapidPublicKey: string | null = null

/** The registry of this process (built once). */
export function channelRegistry(): Promise<ChannelRegistry> {
  current ??= (async () => {
    let vapid: VapidKeys | null = null
    try {
      vapid = await loadVapidKeys()
      vapidPublicKey = vapid.publicKey
    } catch (error) {
      logger.error({ err: error }, 'web push unavailable: %s', (error as Error).message)
    }
    return new ChannelRegistry({ settings: notificationsConfig, vapidKeys: vapid })
  })()
  current.catch(() => {
    current = null
  })
  return current
}

/** The public VAPID key browsers subscribe with (null when web push is unavailable). */
export async function publicVapidKey(): Promise<string | null> {
  await channelRegistry()
  return vapidPublicKey
}

/**
 * Replaces the registry (tests and the benchmark point the channels at local
 * peers: a guard allowing 127.0.0.1, a test CA for push, a test SMTP mailer).
 */
export function useChannelRegistry(registry: ChannelRegistry, publicKey: string | null = null) {
  current = Promise.resolve(registry)
  vapidPublicKey = publicKey
}

export async function resetChannelRegistry() {
  const previous = current
  current = null
  vapidPublicKey = null
  if (previous) await (await previous).close().catch(() => {})
}
