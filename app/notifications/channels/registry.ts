import { SsrfGuard } from '#security/ssrf_guard'
import { honestUserAgent } from '#connectors/transport/user_agent'
import type { ChannelDriver, ChannelKind } from '#notifications/channels/contract'
import { GuardedPoster } from '#notifications/channels/http_post'
import EmailChannel from '#notifications/channels/email_channel'
import type { MailerLike } from '#notifications/channels/email_channel'
import SmsChannel from '#notifications/channels/sms_channel'
import WebPushChannel from '#notifications/channels/webpush_channel'
import WebhookChannel from '#notifications/channels/webhook_channel'
import SlackChannel from '#notifications/channels/slack_channel'
import DiscordChannel from '#notifications/channels/discord_channel'
import InAppChannel from '#notifications/channels/inapp_channel'
import type { VapidKeys } from '#notifications/vapid'
import { resolveVapidSubject } from '#notifications/vapid'

/**
 * The one place channel drivers are built, from config/notifications.ts.
 * Adding a kind: one file implementing ChannelDriver and one line here.
 */
export interface NotificationsSettings {
  appUrl: string
  version: string
  email: { enabled: boolean; from: { address: string; name?: string }; messageIdDomain: string }
  sms: {
    accountSid: string | null
    authToken: string | null
    from: string | null
    apiBase: string | null
    timeoutMs: number
  }
  webpush: { subject: string | null; snoozeMinutes: number }
  webhooks: {
    allowPrivate: boolean
    allowHttp: boolean
    allowedHosts: string[]
    allowedCidrs: string[]
    timeoutMs: number
    connectTimeoutMs: number
  }
}

export interface ChannelRegistryOptions {
  settings: NotificationsSettings
  /** From ensureVapidKeys(); null leaves web push unavailable */
  vapidKeys: VapidKeys | null
  /** Defaults to the container's mailer: `mail.use()` (needs the mail provider) */
  mailer?: () => MailerLike | Promise<MailerLike>
  /** Overrides for tests: an SSRF guard (e.g. with a fake resolver), extra TLS trust for push */
  guard?: SsrfGuard
  pushCa?: string | Buffer
}

export const containerMailer = async (): Promise<MailerLike> => {
  const { default: mail } = await import('@adonisjs/mail/services/main')
  return mail.use()
}

export class ChannelRegistry {
  readonly #drivers = new Map<ChannelKind, ChannelDriver<any>>()
  readonly #available = new Set<ChannelKind>()
  readonly #poster: GuardedPoster
  readonly #push: WebPushChannel | null

  constructor(options: ChannelRegistryOptions) {
    const { settings } = options
    const guard =
      options.guard ??
      new SsrfGuard({
        allowPrivate: settings.webhooks.allowPrivate,
        allowedHosts: settings.webhooks.allowedHosts,
        allowedCidrs: settings.webhooks.allowedCidrs,
      })
    this.#poster = new GuardedPoster({
      guard,
      allowHttp: settings.webhooks.allowHttp,
      timeoutMs: settings.webhooks.timeoutMs,
      connectTimeoutMs: settings.webhooks.connectTimeoutMs,
      userAgent: honestUserAgent(settings.version, settings.appUrl),
    })

    const sms = new SmsChannel(settings.sms)
    this.#push = options.vapidKeys
      ? new WebPushChannel({
          vapid: {
            ...options.vapidKeys,
            subject: resolveVapidSubject(
              settings.webpush.subject,
              settings.appUrl,
              settings.email.from.address
            ),
          },
          guard,
          appUrl: settings.appUrl,
          timeoutMs: settings.webhooks.timeoutMs,
          snoozeMinutes: settings.webpush.snoozeMinutes,
          ca: options.pushCa,
        })
      : null

    this.#add(
      new EmailChannel({
        mailer: options.mailer ?? containerMailer,
        from: settings.email.from,
        messageIdDomain: settings.email.messageIdDomain,
      }),
      settings.email.enabled
    )
    this.#add(sms, sms.configured)
    if (this.#push) this.#add(this.#push, true)
    this.#add(new WebhookChannel(this.#poster), true)
    this.#add(new SlackChannel(this.#poster, { anyHost: settings.webhooks.allowPrivate }), true)
    this.#add(new DiscordChannel(this.#poster, { anyHost: settings.webhooks.allowPrivate }), true)
    this.#add(new InAppChannel(), true)
  }

  #add(driver: ChannelDriver<any>, available: boolean) {
    this.#drivers.set(driver.kind, driver)
    if (available) this.#available.add(driver.kind)
  }

  /** The driver of a kind; throws for a kind this server cannot send (web push without VAPID keys). */
  get(kind: ChannelKind): ChannelDriver<any> {
    const driver = this.#drivers.get(kind)
    if (!driver) throw new Error(`no notification channel driver for "${kind}"`)
    return driver
  }

  /** Kinds the operator configured (the settings page offers these). */
  availableKinds(): ChannelKind[] {
    return [...this.#available]
  }

  isAvailable(kind: ChannelKind): boolean {
    return this.#available.has(kind)
  }

  async close(): Promise<void> {
    await this.#poster.close()
    this.#push?.close()
  }
}
