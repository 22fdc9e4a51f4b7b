import type { ChannelKind } from '#models/notification_channel'
import type { NotificationMessage } from '#notifications/message'
import type { FieldErrorCode } from '#exceptions/catalogue'

/**
 * The one channel contract. Every kind (email, sms, webpush, webhook, slack,
 * discord, inapp) is one file implementing it; the delivery job never
 * switches on the kind.
 *
 * - `validateConfig` runs when a channel is saved (and `deliver` re-checks
 *   what it must at send time, e.g. the SSRF guard). It returns the
 *   normalised config to encrypt (purpose 'channel.config') or errors naming
 *   the field, ready for a 422 `{ errors: [{ code, message, field }] }`.
 * - `deliver` sends one message and resolves `{ providerId }`, or throws
 *   `PermanentDeliveryError` (stop; mark the channel when `channelAtFault`)
 *   or `TransientDeliveryError` (retry on the schedule). Nothing else.
 */
export type { ChannelKind }

export const CHANNEL_KINDS = [
  'email',
  'sms',
  'webpush',
  'webhook',
  'slack',
  'discord',
  'inapp',
] as const satisfies readonly ChannelKind[]

export interface FieldError {
  /** The config field, dotted for nested ones: "url", "subscription.keys.p256dh" */
  field: string
  /** A 422 code of the catalogue (#exceptions/catalogue): E_INVALID_EMAIL, E_INSECURE_URL… */
  code: FieldErrorCode
  message: string
}

export type ConfigValidation<Config> =
  { ok: true; config: Config } | { ok: false; errors: FieldError[] }

export interface DeliveryContext {
  /**
   * One per (notification, channel), stable across retries: see
   * `idempotencyKeyFor`. Passed to the provider where it can use it (email
   * Message-ID, webhook `HDTickets-Delivery` header and body id, web push
   * Topic) so a retried job does not send twice where the provider can tell.
   */
  idempotencyKey: string
  /** Cancels the attempt (worker shutdown); an aborted attempt is transient */
  signal?: AbortSignal
  /** Send time, for signatures; defaults to the real clock */
  now?: Date
}

export interface DeliveryResult {
  /** The provider's id for what it accepted (SMTP Message-ID, Twilio SM…, Discord message id); null when it gives none */
  providerId: string | null
}

export interface ChannelDriver<Config = unknown> {
  readonly kind: ChannelKind
  validateConfig(input: unknown): Promise<ConfigValidation<Config>>
  deliver(
    message: NotificationMessage,
    config: Config,
    context: DeliveryContext
  ): Promise<DeliveryResult>
}

/** The idempotency key of a (notification, channel) pair; fits notification_deliveries.idempotency_key. */
export function idempotencyKeyFor(
  notificationId: number | string,
  channelId: number | string | null,
  kind: ChannelKind
): string {
  return `n${notificationId}:${channelId === null ? kind : `c${channelId}`}`
}
