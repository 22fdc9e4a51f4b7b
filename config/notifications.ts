import env from '#start/env'
import { hdtickets } from '#config/app'
import { mailFrom } from '#config/mail'

/**
 * Notification channels: provider credentials (operator-level), the SSRF
 * rules for user URLs, timeouts and the webhook retry policy. Domain code
 * imports this, never the env.
 */
const allowPrivate = env.get('WEBHOOK_ALLOW_PRIVATE', false)
const ssrfAllow = (env.get('SSRF_ALLOW') ?? '')
  .split(',')
  .map((entry) => entry.trim())
  .filter(Boolean)
const mailer = env.get('MAIL_MAILER', 'smtp')

export default {
  appUrl: hdtickets.url,
  version: hdtickets.version,
  email: {
    /** SMTP needs a host; API mailers their key */
    enabled:
      mailer === 'smtp'
        ? Boolean(env.get('SMTP_HOST'))
        : mailer === 'ses' || Boolean(env.get('MAIL_API_KEY')),
    from: mailFrom,
    /** Right-hand side of the Message-IDs HDTickets generates */
    messageIdDomain: new URL(hdtickets.url).hostname,
  },
  sms: {
    accountSid: env.get('TWILIO_ACCOUNT_SID') ?? null,
    authToken: env.get('TWILIO_AUTH_TOKEN')?.release() ?? null,
    from: env.get('TWILIO_FROM') ?? null,
    apiBase: env.get('TWILIO_API_BASE') ?? null,
    timeoutMs: 10_000,
  },
  webpush: {
    /** Both unset: generated on first start (ensureVapidKeys) and stored by the caller */
    publicKey: env.get('VAPID_PUBLIC_KEY') ?? null,
    privateKey: env.get('VAPID_PRIVATE_KEY')?.release() ?? null,
    subject: env.get('VAPID_SUBJECT') ?? null,
    snoozeMinutes: 60,
  },
  webhooks: {
    /** Private/loopback targets and plain http allowed (trusted lab installs) */
    allowPrivate,
    allowHttp: allowPrivate,
    /** SSRF_ALLOW: hosts and CIDRs reachable despite the guard (shared with the connectors) */
    allowedHosts: ssrfAllow.filter((entry) => !entry.includes('/')),
    allowedCidrs: ssrfAllow.filter((entry) => entry.includes('/')),
    timeoutMs: env.get('WEBHOOK_TIMEOUT_MS', 10_000),
    connectTimeoutMs: 5_000,
    /** Receivers should accept signatures this old at most */
    signatureToleranceSeconds: 300,
    /** Retry delays after each failed attempt: 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h */
    retryScheduleMs: [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000],
    /** Disable an endpoint after this many consecutive failed attempts over at least `minFailingMs` */
    disableAfterFailures: 24,
    minFailingMs: 6 * 60 * 60_000,
  },
  policy: {
    /** Defaults a new user starts with */
    defaultDigestMinutes: 30,
    defaultEscalationMinutes: 10,
  },
}
