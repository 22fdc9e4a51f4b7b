import type {
  ChannelDriver,
  ConfigValidation,
  DeliveryContext,
  DeliveryResult,
} from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import { type GuardedPoster, failureFromResponse } from '#notifications/channels/http_post'
import { fieldError, invalid, redactUrl, requireRecord } from '#notifications/channels/validation'
import { PermanentDeliveryError } from '#notifications/errors'
import { discordPayload } from '#notifications/templates/chat'

/**
 * Discord webhooks: POST `{ content, embeds }` to
 * https://discord.com/api/webhooks/{id}/{token}?wait=true, which answers 200
 * with the created message (its id is the provider id). 401/404 (unknown or
 * revoked webhook) → permanent; 400 is our payload (not the channel's
 * fault); 429 (with `retry_after` seconds in the body) and 5xx → transient.
 */
export interface DiscordConfig {
  url: string
}

const DISCORD_HOSTS = new Set([
  'discord.com',
  'discordapp.com',
  'ptb.discord.com',
  'canary.discord.com',
])
const DISCORD_PATH = /^\/api\/(?:v\d{1,2}\/)?webhooks\/\d{15,22}\/[A-Za-z0-9_-]{20,100}\/?$/

export default class DiscordChannel implements ChannelDriver<DiscordConfig> {
  readonly kind = 'discord' as const
  readonly #poster: GuardedPoster
  readonly #anyHost: boolean

  constructor(poster: GuardedPoster, options: { anyHost?: boolean } = {}) {
    this.#poster = poster
    this.#anyHost = options.anyHost ?? false
  }

  async validateConfig(input: unknown): Promise<ConfigValidation<DiscordConfig>> {
    const notRecord = requireRecord(input)
    if (notRecord) return invalid(notRecord)
    const value = (input as Record<string, unknown>).url
    const shapeError = fieldError(
      'url',
      'E_INVALID_DISCORD_URL',
      'Not a Discord webhook URL (https://discord.com/api/webhooks/{id}/{token})'
    )
    if (typeof value !== 'string' || value.trim() === '')
      return invalid(fieldError('url', 'E_REQUIRED', 'Enter the Discord webhook URL'))
    let url: URL
    try {
      url = new URL(value.trim())
    } catch {
      return invalid(shapeError)
    }
    if (!DISCORD_PATH.test(url.pathname) || (!this.#anyHost && !DISCORD_HOSTS.has(url.hostname)))
      return invalid(shapeError)
    url.search = ''
    const checked = await this.#poster.checkUrl(url.toString(), 'url')
    if ('error' in checked) return invalid(checked.error)
    return { ok: true, config: { url: checked.url.toString() } }
  }

  async deliver(
    message: NotificationMessage,
    config: DiscordConfig,
    context: DeliveryContext
  ): Promise<DeliveryResult> {
    if (!config || typeof config.url !== 'string') {
      throw new PermanentDeliveryError(
        'discord',
        'invalid_config',
        'the stored Discord settings lack a URL'
      )
    }
    const target = new URL(config.url)
    target.searchParams.set('wait', 'true')
    const result = await this.#poster.post(
      'discord',
      target,
      JSON.stringify(discordPayload(message)),
      {},
      context.signal
    )
    let json: Record<string, unknown> | null = null
    try {
      json = result.text ? (JSON.parse(result.text) as Record<string, unknown>) : null
    } catch {
      json = null
    }
    if (result.status >= 200 && result.status < 300) {
      return { providerId: json && typeof json.id === 'string' ? json.id : null }
    }
    const retryAfter =
      json && typeof json.retry_after === 'number' ? Math.ceil(json.retry_after * 1000) : null
    throw failureFromResponse('discord', result, `Discord webhook ${redactUrl(config.url)}`, {
      code:
        result.status === 404
          ? 'webhook_gone'
          : result.status === 401
            ? 'webhook_token_invalid'
            : undefined,
      channelAtFault: result.status !== 400,
      retryAfterMs: retryAfter,
    })
  }
}
