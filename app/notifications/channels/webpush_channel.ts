import { createHash, createPublicKey } from 'node:crypto'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import webpush from 'web-push'
import type { NotificationType } from '#models/notification'
import { type SsrfGuard, SsrfRefused } from '#security/ssrf_guard'
import type {
  ChannelDriver,
  ConfigValidation,
  DeliveryContext,
  DeliveryResult,
  FieldError,
} from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import {
  fieldError,
  invalid,
  isRecord,
  redactUrl,
  requireRecord,
} from '#notifications/channels/validation'
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  networkErrorCode,
  parseRetryAfter,
} from '#notifications/errors'
import { truncate } from '#notifications/format'
import type { VapidKeys } from '#notifications/vapid'

/**
 * Web push (RFC 8030 + 8291 aes128gcm + 8292 VAPID) through `web-push`.
 * The config is the browser's PushSubscription JSON. 404/410 from the push
 * service → PermanentDeliveryError code `subscription_gone` (the caller
 * deletes the subscription). The endpoint is a URL the browser gave us, so
 * it passes the SSRF guard at save and at send (connect-time lookup).
 */
export interface WebPushConfig {
  endpoint: string
  expirationTime?: number | null
  keys: { p256dh: string; auth: string }
}

export interface WebPushChannelOptions {
  vapid: VapidKeys & { subject: string }
  guard: SsrfGuard
  /** APP_URL, for the action links */
  appUrl: string
  timeoutMs?: number
  /** Seconds the push service keeps an undelivered message, per type */
  ttlSeconds?: Partial<Record<NotificationType, number>>
  /** Extra trust anchors for the push endpoint's TLS (tests' local push service) */
  ca?: string | Buffer
  /** Snooze length the action offers */
  snoozeMinutes?: number
}

export const DEFAULT_PUSH_TTL_SECONDS: Record<NotificationType, number> = {
  ticket_available: 60 * 60,
  price_alert: 6 * 60 * 60,
  purchase_success: 24 * 60 * 60,
  purchase_failed: 24 * 60 * 60,
  account_issue: 24 * 60 * 60,
  system_alert: 24 * 60 * 60,
}

export interface PushAction {
  action: 'open' | 'snooze' | 'approve'
  title: string
}

/** What the service worker receives (JSON). */
export interface PushPayload {
  title: string
  body: string
  tag: string
  timestamp: number
  requireInteraction: boolean
  renotify: boolean
  actions: PushAction[]
  data: {
    url: string
    type: NotificationType
    priority: NotificationMessage['priority']
    notificationId: string | null
    purchaseRequestId: number | null
    snoozeMinutes: number
    /** Where each action leads; the service worker opens or POSTs to it */
    actionUrls: Partial<Record<PushAction['action'], string>>
  }
}

export function pushPayload(
  message: NotificationMessage,
  options: { appUrl: string; snoozeMinutes?: number; idempotencyKey: string }
): PushPayload {
  const data = message.data as Record<string, unknown>
  const purchaseRequestId =
    typeof data.purchaseRequestId === 'number' ? data.purchaseRequestId : null
  const snoozeMinutes = options.snoozeMinutes ?? 60
  const base = options.appUrl.replace(/\/+$/, '')
  const actions: PushAction[] = []
  const actionUrls: PushPayload['data']['actionUrls'] = { open: message.link }
  // Browsers show the first actions only (Notification.maxActions, often 2): the decision comes first.
  if (
    purchaseRequestId !== null &&
    !message.digest?.length &&
    (message.type === 'ticket_available' || message.type === 'price_alert')
  ) {
    actions.push({ action: 'approve', title: 'Approve purchase' })
    // Opens the request with the approval dialog: approving still needs the signed-in user's confirmation.
    actionUrls.approve = `${base}/purchases/${purchaseRequestId}?approve=1`
  }
  if (message.notificationId) {
    actions.push({
      action: 'snooze',
      title: `Snooze ${snoozeMinutes >= 60 && snoozeMinutes % 60 === 0 ? `${snoozeMinutes / 60} h` : `${snoozeMinutes} min`}`,
    })
    actionUrls.snooze = `${base}/api/v1/notifications/${message.notificationId}/snooze`
  }
  actions.push({ action: 'open', title: 'Open' })
  return {
    title: truncate(message.title, 120),
    body: truncate(message.body, 600),
    tag: message.notificationId
      ? `hdt-${message.notificationId}`
      : `hdt-${topicFor(options.idempotencyKey)}`,
    timestamp: Date.parse(message.createdAt),
    requireInteraction: message.priority === 'high',
    renotify: message.priority === 'high',
    actions,
    data: {
      url: message.link,
      type: message.type,
      priority: message.priority,
      notificationId: message.notificationId,
      purchaseRequestId,
      snoozeMinutes,
      actionUrls,
    },
  }
}

/** RFC 8030 Topic: ≤ 32 base64url characters. A retried send replaces an undelivered copy. */
export function topicFor(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32)
}

const URGENCY = { high: 'high', normal: 'normal', low: 'low' } as const

export default class WebPushChannel implements ChannelDriver<WebPushConfig> {
  readonly kind = 'webpush' as const
  readonly #options: WebPushChannelOptions
  readonly #agent: https.Agent

  constructor(options: WebPushChannelOptions) {
    this.#options = options
    this.#agent = new https.Agent({
      keepAlive: true,
      lookup: options.guard.lookup as unknown as LookupFunction,
      ...(options.ca ? { ca: options.ca } : {}),
    })
  }

  get publicKey(): string {
    return this.#options.vapid.publicKey
  }

  async validateConfig(input: unknown): Promise<ConfigValidation<WebPushConfig>> {
    const notRecord = requireRecord(input)
    if (notRecord) return invalid(notRecord)
    const record = input as Record<string, unknown>
    const errors: FieldError[] = []

    let endpoint: URL | null = null
    if (typeof record.endpoint !== 'string' || record.endpoint === '') {
      errors.push(fieldError('endpoint', 'E_REQUIRED', 'The push subscription has no endpoint'))
    } else {
      try {
        endpoint = new URL(record.endpoint)
      } catch {
        errors.push(fieldError('endpoint', 'E_INVALID_URL', 'The push endpoint is not a valid URL'))
      }
      if (endpoint && endpoint.protocol !== 'https:') {
        errors.push(fieldError('endpoint', 'E_INSECURE_URL', 'The push endpoint must be https'))
        endpoint = null
      }
      if (endpoint) {
        try {
          await this.#options.guard.check(endpoint)
        } catch (error) {
          if (!(error instanceof SsrfRefused)) throw error
          errors.push(
            fieldError(
              'endpoint',
              'E_PRIVATE_URL',
              `This push endpoint is not allowed: ${error.reason}`
            )
          )
        }
      }
    }

    const keys = isRecord(record.keys) ? record.keys : null
    if (!keys) {
      errors.push(fieldError('keys', 'E_REQUIRED', 'The push subscription has no keys'))
    } else {
      const p256dh = decodeBase64Url(keys.p256dh)
      if (!p256dh || p256dh.length !== 65 || p256dh[0] !== 0x04 || !isP256Point(p256dh)) {
        errors.push(
          fieldError(
            'keys.p256dh',
            'E_INVALID_PUSH_KEY',
            'keys.p256dh must be a base64url uncompressed P-256 public key (65 bytes)'
          )
        )
      }
      const auth = decodeBase64Url(keys.auth)
      if (!auth || auth.length !== 16) {
        errors.push(
          fieldError(
            'keys.auth',
            'E_INVALID_PUSH_KEY',
            'keys.auth must be a base64url 16-byte secret'
          )
        )
      }
    }
    const expirationTime = record.expirationTime
    if (
      expirationTime !== undefined &&
      expirationTime !== null &&
      (typeof expirationTime !== 'number' || !Number.isFinite(expirationTime))
    ) {
      errors.push(
        fieldError(
          'expirationTime',
          'E_INVALID_PUSH_SUBSCRIPTION',
          'expirationTime must be a number of milliseconds or null'
        )
      )
    }
    if (errors.length > 0) return invalid(...errors)
    return {
      ok: true,
      config: {
        endpoint: endpoint!.toString(),
        expirationTime: (expirationTime as number | null | undefined) ?? null,
        keys: { p256dh: String(keys!.p256dh), auth: String(keys!.auth) },
      },
    }
  }

  async deliver(
    message: NotificationMessage,
    config: WebPushConfig,
    context: DeliveryContext
  ): Promise<DeliveryResult> {
    if (!config || typeof config.endpoint !== 'string' || !isRecord(config.keys)) {
      throw new PermanentDeliveryError(
        'webpush',
        'invalid_config',
        'the stored push subscription is malformed'
      )
    }
    const where = redactUrl(config.endpoint)
    if (!config.endpoint.startsWith('https://')) {
      throw new PermanentDeliveryError(
        'webpush',
        'insecure_url',
        `push endpoint ${where} is not https`
      )
    }
    try {
      await this.#options.guard.check(config.endpoint)
    } catch (error) {
      if (error instanceof SsrfRefused) {
        throw new PermanentDeliveryError(
          'webpush',
          'ssrf_refused',
          `refused to push to ${where}: ${error.reason}`,
          { cause: error }
        )
      }
      throw error
    }
    if (context.signal?.aborted)
      throw new TransientDeliveryError('webpush', 'aborted', 'attempt aborted before sending')

    const payload = JSON.stringify(
      pushPayload(message, {
        appUrl: this.#options.appUrl,
        snoozeMinutes: this.#options.snoozeMinutes,
        idempotencyKey: context.idempotencyKey,
      })
    )
    const ttl = this.#options.ttlSeconds?.[message.type] ?? DEFAULT_PUSH_TTL_SECONDS[message.type]
    const { vapid } = this.#options
    try {
      const result = await webpush.sendNotification(
        { endpoint: config.endpoint, keys: config.keys as WebPushConfig['keys'] },
        payload,
        {
          vapidDetails: {
            subject: vapid.subject,
            publicKey: vapid.publicKey,
            privateKey: vapid.privateKey,
          },
          TTL: ttl,
          urgency: URGENCY[message.priority],
          topic: topicFor(context.idempotencyKey),
          contentEncoding: 'aes128gcm',
          timeout: this.#options.timeoutMs ?? 10_000,
          agent: this.#agent,
        }
      )
      // Push services answer 201 with a Location naming the message resource.
      const location = result.headers?.location
      return {
        providerId: typeof location === 'string' && location.length <= 191 ? location : null,
      }
    } catch (error) {
      throw classifyPushError(error, where)
    }
  }

  close(): void {
    this.#agent.destroy()
  }
}

export function classifyPushError(
  error: unknown,
  where: string
): PermanentDeliveryError | TransientDeliveryError {
  if (error instanceof webpush.WebPushError) {
    const status = error.statusCode
    const said = `push service ${where} answered HTTP ${status}${error.body ? `: ${String(error.body).replace(/\s+/g, ' ').slice(0, 160)}` : ''}`
    if (status === 404 || status === 410) {
      return new PermanentDeliveryError('webpush', 'subscription_gone', said, {
        status,
        channelAtFault: true,
      })
    }
    if (status === 413)
      return new PermanentDeliveryError('webpush', 'payload_too_large', said, {
        status,
        channelAtFault: false,
      })
    if (status === 401 || status === 403) {
      return new PermanentDeliveryError('webpush', 'vapid_rejected', said, {
        status,
        channelAtFault: false,
      })
    }
    if (status === 408 || status === 425 || status === 429 || status >= 500) {
      return new TransientDeliveryError(
        'webpush',
        status === 429 ? 'rate_limited' : `http_${status}`,
        said,
        {
          status,
          retryAfterMs: parseRetryAfter(error.headers?.['retry-after']),
        }
      )
    }
    return new PermanentDeliveryError('webpush', `http_${status}`, said, {
      status,
      channelAtFault: false,
    })
  }
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof SsrfRefused) {
      return new PermanentDeliveryError(
        'webpush',
        'ssrf_refused',
        `refused to push to ${where}: ${current.reason}`,
        { cause: error }
      )
    }
    current = (current as { cause?: unknown }).cause
  }
  const message = (error as Error)?.message ?? String(error)
  if (message === 'Socket timeout')
    return new TransientDeliveryError('webpush', 'timeout', `no answer from ${where}`, {
      cause: error,
    })
  const network = networkErrorCode(error)
  return new TransientDeliveryError(
    'webpush',
    network ? 'network_error' : 'unexpected',
    `push to ${where} failed: ${network ?? message.slice(0, 200)}`,
    {
      cause: error,
    }
  )
}

function decodeBase64Url(value: unknown): Buffer | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+={0,2}$/.test(value)) return null
  return Buffer.from(value.replace(/=+$/, ''), 'base64url')
}

function isP256Point(point: Buffer): boolean {
  try {
    createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
      format: 'jwk',
    })
    return true
  } catch {
    return false
  }
}
