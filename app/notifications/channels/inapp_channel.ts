import type {
  ChannelDriver,
  ConfigValidation,
  DeliveryContext,
  DeliveryResult,
} from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import { fieldError, invalid, isRecord } from '#notifications/channels/validation'

/**
 * In-app: no external call. The caller has already stored the notification
 * (the `notifications` row is the in-app inbox) and pushes it over SSE to the
 * user's open dashboards; this driver only makes in-app a channel like the
 * others, so preferences, the delivery log and receipts treat it the same.
 */
export type InAppConfig = Record<string, never>

export default class InAppChannel implements ChannelDriver<InAppConfig> {
  readonly kind = 'inapp' as const

  async validateConfig(input: unknown): Promise<ConfigValidation<InAppConfig>> {
    if (input === undefined || input === null) return { ok: true, config: {} }
    if (!isRecord(input))
      return invalid(
        fieldError('config', 'E_INVALID_CONFIG', 'The channel settings must be an object')
      )
    return { ok: true, config: {} }
  }

  async deliver(
    _message: NotificationMessage,
    _config: InAppConfig,
    _context: DeliveryContext
  ): Promise<DeliveryResult> {
    return { providerId: null }
  }
}
