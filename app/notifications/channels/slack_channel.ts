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
import { slackPayload } from '#notifications/templates/chat'

/**
 * Slack incoming webhooks: POST `{ text, blocks }` to
 * https://hooks.slack.com/services/T…/B…/… ; Slack answers 200 "ok".
 * Errors (https://api.slack.com/messaging/webhooks#handling_errors):
 * 400 invalid_payload (ours: not the channel's fault), 403
 * action_prohibited / invalid_token, 404 channel_not_found / no_service
 * (webhook revoked), 410 channel_is_archived → permanent; 429 and 5xx →
 * transient.
 */
export interface SlackConfig {
  url: string
}

const SLACK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com'])
const SLACK_PATH =
  /^\/(services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+|workflows\/[A-Z0-9]+\/[A-Z0-9]+\/\d+\/[A-Za-z0-9]+|triggers\/[A-Z0-9]+\/\d+\/[A-Za-z0-9]+)\/?$/

export default class SlackChannel implements ChannelDriver<SlackConfig> {
  readonly kind = 'slack' as const
  readonly #poster: GuardedPoster
  /** Lab installs (WEBHOOK_ALLOW_PRIVATE) may point Slack-format webhooks at any host with the Slack path shape */
  readonly #anyHost: boolean

  constructor(poster: GuardedPoster, options: { anyHost?: boolean } = {}) {
    this.#poster = poster
    this.#anyHost = options.anyHost ?? false
  }

  async validateConfig(input: unknown): Promise<ConfigValidation<SlackConfig>> {
    const notRecord = requireRecord(input)
    if (notRecord) return invalid(notRecord)
    const value = (input as Record<string, unknown>).url
    const shapeError = fieldError(
      'url',
      'E_INVALID_SLACK_URL',
      'Not a Slack incoming-webhook URL (https://hooks.slack.com/services/T…/B…/…)'
    )
    if (typeof value !== 'string' || value.trim() === '')
      return invalid(fieldError('url', 'E_REQUIRED', 'Enter the Slack webhook URL'))
    let url: URL
    try {
      url = new URL(value.trim())
    } catch {
      return invalid(shapeError)
    }
    if (
      !SLACK_PATH.test(url.pathname) ||
      url.search !== '' ||
      (!this.#anyHost && !SLACK_HOSTS.has(url.hostname))
    ) {
      return invalid(shapeError)
    }
    const checked = await this.#poster.checkUrl(url.toString(), 'url')
    if ('error' in checked) return invalid(checked.error)
    return { ok: true, config: { url: checked.url.toString() } }
  }

  async deliver(
    message: NotificationMessage,
    config: SlackConfig,
    context: DeliveryContext
  ): Promise<DeliveryResult> {
    if (!config || typeof config.url !== 'string') {
      throw new PermanentDeliveryError(
        'slack',
        'invalid_config',
        'the stored Slack settings lack a URL'
      )
    }
    const result = await this.#poster.post(
      'slack',
      config.url,
      JSON.stringify(slackPayload(message)),
      {},
      context.signal
    )
    if (result.status >= 200 && result.status < 300) return { providerId: null }
    const slackCode = /^[a-z_]+$/.test(result.text.trim()) ? result.text.trim() : null
    const ourPayload =
      result.status === 400 &&
      (slackCode === null ||
        slackCode.startsWith('invalid_payload') ||
        slackCode === 'invalid_blocks')
    throw failureFromResponse('slack', result, `Slack webhook ${redactUrl(config.url)}`, {
      code: slackCode ?? undefined,
      channelAtFault: !ourPayload,
    })
  }
}
