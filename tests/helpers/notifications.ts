import env from '#start/env'
import emitter from '@adonisjs/core/services/emitter'
import db from '@adonisjs/lucid/services/db'
import { SMTPTransport } from '@adonisjs/mail/transports/smtp'
import { Mailer } from '@adonisjs/mail'
import webpush from 'web-push'
import { ChannelRegistry, type NotificationsSettings } from '#notifications/channels/registry'
import { useChannelRegistry, resetChannelRegistry } from '#notifications/runtime'
import { encryptSecret } from '#security/secrets'
import { dbTime, insertReturningId } from '#purchasing/sql'
import { TEST_CA } from '#tests/unit/notifications/helpers/servers'

export const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef'
export const TWILIO_TOKEN = 'twilio-test-token'
export const TWILIO_FROM = '+15005550006'

/**
 * The process's ChannelRegistry pointed at the tests' local peers: SMTP on
 * `smtpPort`, Twilio's Messages endpoint at `twilioUrl`, a push service
 * trusted through the test CA, webhooks to 127.0.0.1 allowed (http too).
 */
export function useLocalPeers(options: { smtpPort?: number; twilioUrl?: string } = {}) {
  const vapid = webpush.generateVAPIDKeys()
  const settings: NotificationsSettings = {
    appUrl: 'http://localhost:3333',
    version: '0.1.0',
    email: {
      enabled: Boolean(options.smtpPort),
      from: { address: 'alerts@hdtickets.test', name: 'HDTickets' },
      messageIdDomain: 'hdtickets.test',
    },
    sms: {
      accountSid: options.twilioUrl ? TWILIO_SID : null,
      authToken: options.twilioUrl ? TWILIO_TOKEN : null,
      from: options.twilioUrl ? TWILIO_FROM : null,
      apiBase: options.twilioUrl ?? null,
      timeoutMs: 3_000,
    },
    webpush: { subject: 'mailto:ops@hdtickets.test', snoozeMinutes: 60 },
    webhooks: {
      allowPrivate: true,
      allowHttp: true,
      allowedHosts: [],
      allowedCidrs: [],
      timeoutMs: 3_000,
      connectTimeoutMs: 2_000,
    },
  }
  const mailer = options.smtpPort
    ? new Mailer(
        'smtp',
        new SMTPTransport({
          host: '127.0.0.1',
          port: options.smtpPort,
          secure: false,
          ignoreTLS: true,
          connectionTimeout: 3_000,
        }),
        emitter as any,
        {}
      )
    : null
  const registry = new ChannelRegistry({
    settings,
    vapidKeys: vapid,
    mailer: mailer ? () => mailer : undefined,
    pushCa: TEST_CA,
  })
  useChannelRegistry(registry, vapid.publicKey)
  return {
    registry,
    vapid,
    async close() {
      await resetChannelRegistry()
      await mailer?.close()
    },
  }
}

/** Stores a channel as the settings page would (config encrypted). */
export async function storeChannel(
  userId: number,
  kind: string,
  config: unknown,
  name = `${kind} channel`
) {
  const now = dbTime(db.connection(), new Date())
  return insertReturningId(db.connection(), 'notification_channels', {
    user_id: userId,
    kind,
    name,
    encrypted_config: encryptSecret(config, 'channel.config'),
    consecutive_failures: 0,
    created_at: now,
    updated_at: now,
  })
}

/**
 * Jobs still queued on the notifications queue (another test file emitted a
 * purchase outcome, say, with no worker running) would otherwise be run by
 * the next test's worker against rows whose ids have been handed out again.
 */
export async function clearNotificationJobs() {
  if (env.get('QUEUE_DRIVER', 'database') === 'redis') {
    const { default: redis } = await import('@adonisjs/redis/services/main')
    const { scanKeys } = await import('#services/queue_monitor')
    const connection = redis.connection().ioConnection
    const keys = await scanKeys(connection, 'jobs::notifications*')
    if (keys.length) await connection.del(...keys)
  } else {
    await db.from('queue_jobs').where('queue', 'notifications').delete()
  }
}

export async function clearNotifications() {
  await clearNotificationJobs()
  await db.from('notification_attempts').delete()
  await db.from('notification_escalations').delete()
  await db.from('notification_deliveries').delete()
  await db.from('notifications').delete()
  await db.from('notification_preferences').delete()
  await db.from('notification_channels').delete()
}
