import type {
  ChannelDriver,
  ConfigValidation,
  DeliveryContext,
  DeliveryResult,
} from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import { type GuardedPoster, failureFromResponse } from '#notifications/channels/http_post'
import {
  fieldError,
  invalid,
  isRecord,
  redactUrl,
  requireRecord,
} from '#notifications/channels/validation'
import { PermanentDeliveryError } from '#notifications/errors'
import { SIGNATURE_HEADER, generateWebhookSecret, signPayload } from '#notifications/signature'

/**
 * Signed JSON webhooks to user URLs.
 *
 * Body (stable, versioned; new fields may be added inside `data`, nothing is
 * renamed or removed without a new `version`):
 *
 *   { "version": 1, "id": "n42:c7", "type": "price_alert",
 *     "created_at": "2026-03-14T18:02:11.000Z",
 *     "data": { "notification_id": "42", "title": "…", "body": "…",
 *               "link": "https://…", "priority": "normal",
 *               "event_id": 3, "event_name": "…", "price_minor": 8500,
 *               "currency": "USD", "section": "112", "quantity": 2, … } }
 *
 * `id` is the delivery's idempotency key: the same on every retry, so a
 * receiver de-duplicates on it (also sent as `HDTickets-Delivery` and
 * `Idempotency-Key`). Headers: `HDTickets-Signature: t=…,v1=…` (see
 * signature.ts), `HDTickets-Event: <type>`.
 */
export const WEBHOOK_SCHEMA_VERSION = 1

export interface WebhookConfig {
  url: string
  /** Per-endpoint signing secret ("whsec_…"); generated at save when not given */
  secret: string
}

export interface WebhookPayload {
  version: typeof WEBHOOK_SCHEMA_VERSION
  id: string
  type: string
  created_at: string
  data: Record<string, unknown>
}

export function toWebhookPayload(message: NotificationMessage, deliveryId: string): WebhookPayload {
  return {
    version: WEBHOOK_SCHEMA_VERSION,
    id: deliveryId,
    type: message.type,
    created_at: message.createdAt,
    data: {
      notification_id: message.notificationId,
      title: message.title,
      body: message.body,
      link: message.link,
      priority: message.priority,
      ...(snakeKeys(message.data) as Record<string, unknown>),
      ...(message.digest ? { digest: snakeKeys(message.digest) } : {}),
    },
  }
}

export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys)
  if (!isRecord(value)) return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .map(([key, entry]) => [
        key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`),
        snakeKeys(entry),
      ])
  )
}

export default class WebhookChannel implements ChannelDriver<WebhookConfig> {
  readonly kind = 'webhook' as const
  readonly #poster: GuardedPoster

  constructor(poster: GuardedPoster) {
    this.#poster = poster
  }

  async validateConfig(input: unknown): Promise<ConfigValidation<WebhookConfig>> {
    const notRecord = requireRecord(input)
    if (notRecord) return invalid(notRecord)
    const record = input as Record<string, unknown>
    const errors = []
    const checked = await this.#poster.checkUrl(record.url, 'url')
    if ('error' in checked) errors.push(checked.error)
    let secret = record.secret
    if (secret === undefined || secret === null || secret === '') {
      secret = generateWebhookSecret()
    } else if (
      typeof secret !== 'string' ||
      secret.length < 16 ||
      secret.length > 200 ||
      /\s/.test(secret)
    ) {
      errors.push(
        fieldError(
          'secret',
          'E_WEAK_SECRET',
          'The signing secret must be 16 to 200 characters without spaces'
        )
      )
    }
    if (errors.length > 0 || 'error' in checked) return invalid(...errors)
    return { ok: true, config: { url: checked.url.toString(), secret: secret as string } }
  }

  async deliver(
    message: NotificationMessage,
    config: WebhookConfig,
    context: DeliveryContext
  ): Promise<DeliveryResult> {
    if (
      !config ||
      typeof config.url !== 'string' ||
      typeof config.secret !== 'string' ||
      config.secret === ''
    ) {
      throw new PermanentDeliveryError(
        'webhook',
        'invalid_config',
        'the stored webhook settings lack a URL or secret'
      )
    }
    const body = JSON.stringify(toWebhookPayload(message, context.idempotencyKey))
    const timestamp = Math.floor((context.now ?? new Date()).getTime() / 1000)
    const where = redactUrl(config.url)
    const result = await this.#poster.post(
      'webhook',
      config.url,
      body,
      {
        [SIGNATURE_HEADER]: signPayload(config.secret, body, timestamp),
        'HDTickets-Event': message.type,
        'HDTickets-Delivery': context.idempotencyKey,
        'Idempotency-Key': context.idempotencyKey,
      },
      context.signal
    )
    if (result.status < 200 || result.status >= 300)
      throw failureFromResponse('webhook', result, `webhook ${where}`)
    const requestId = result.headers['x-request-id']
    return {
      providerId: typeof requestId === 'string' && requestId.length <= 191 ? requestId : null,
    }
  }
}
