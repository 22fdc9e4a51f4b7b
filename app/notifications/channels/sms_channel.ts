import twilio from 'twilio'
import type {
  ChannelDriver,
  ConfigValidation,
  DeliveryContext,
  DeliveryResult,
} from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import { invalid, normaliseE164, requireRecord } from '#notifications/channels/validation'
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  classifyHttpStatus,
  networkErrorCode,
} from '#notifications/errors'
import { renderSms } from '#notifications/templates/sms'

/**
 * SMS through Twilio's official Node SDK (Programmable Messaging:
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json with To, From (or
 * MessagingServiceSid) and Body, HTTP basic auth SID:token).
 *
 * The API base URL is configurable (TWILIO_API_BASE): the SDK's `api`
 * domain keeps its base in `client.api.baseUrl`, so tests and a local relay
 * point it at their own server. Twilio's Messages API takes no idempotency
 * key, so a retry after an ambiguous failure (timeout after Twilio accepted)
 * can send twice: the delivery log is the guard.
 */
export interface SmsConfig {
  /** E.164, e.g. +14155550123 */
  number: string
}

export interface SmsChannelOptions {
  accountSid: string | null
  authToken: string | null
  /** An E.164 sender number, or a Messaging Service SID (MG…) */
  from: string | null
  /** Default https://api.twilio.com */
  apiBase?: string | null
  timeoutMs?: number
  /** Twilio calls this URL with delivery status updates, when set */
  statusCallback?: string | null
}

/** Twilio error codes that mean the recipient number is bad for SMS (https://www.twilio.com/docs/api/errors). */
const RECIPIENT_CODES: Record<number, string> = {
  21211: 'invalid_recipient', // invalid 'To' number
  21614: 'invalid_recipient', // 'To' is not a mobile number
  21612: 'invalid_recipient', // 'To' not reachable via SMS
  21217: 'invalid_recipient', // phone number does not appear to be valid
  21610: 'recipient_opted_out', // the recipient replied STOP
}
/** Codes that are the operator's set-up, not the user's number. */
const OPERATOR_CODES: Record<number, string> = {
  20003: 'provider_misconfigured', // authentication failed
  20404: 'provider_misconfigured', // account / resource not found
  21212: 'provider_misconfigured', // invalid 'From'
  21606: 'provider_misconfigured', // 'From' is not a valid, SMS-capable number
  21659: 'provider_misconfigured', // 'From' is not a Twilio number
  21408: 'region_not_enabled', // geo permission for the destination not enabled
}

export default class SmsChannel implements ChannelDriver<SmsConfig> {
  readonly kind = 'sms' as const
  readonly #options: SmsChannelOptions
  #client: twilio.Twilio | null = null

  constructor(options: SmsChannelOptions) {
    this.#options = options
  }

  /** True when the operator configured Twilio (the settings page hides SMS otherwise). */
  get configured(): boolean {
    return Boolean(this.#options.accountSid && this.#options.authToken && this.#options.from)
  }

  async validateConfig(input: unknown): Promise<ConfigValidation<SmsConfig>> {
    const notRecord = requireRecord(input)
    if (notRecord) return invalid(notRecord)
    const phone = normaliseE164((input as Record<string, unknown>).number, 'number')
    if ('error' in phone) return invalid(phone.error)
    return { ok: true, config: { number: phone.value } }
  }

  #getClient(): twilio.Twilio {
    if (!this.#client) {
      const client = twilio(this.#options.accountSid!, this.#options.authToken!, {
        timeout: this.#options.timeoutMs ?? 10_000,
        autoRetry: false,
        lazyLoading: true,
        env: {},
      })
      if (this.#options.apiBase) client.api.baseUrl = this.#options.apiBase.replace(/\/+$/, '')
      this.#client = client
    }
    return this.#client
  }

  async deliver(
    message: NotificationMessage,
    config: SmsConfig,
    context: DeliveryContext
  ): Promise<DeliveryResult> {
    if (!this.configured) {
      throw new PermanentDeliveryError(
        'sms',
        'provider_not_configured',
        'SMS is not configured on this server (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM)',
        {
          channelAtFault: false,
        }
      )
    }
    const to = normaliseE164(config?.number)
    if ('error' in to)
      throw new PermanentDeliveryError('sms', 'invalid_recipient', to.error.message)
    if (context.signal?.aborted)
      throw new TransientDeliveryError('sms', 'aborted', 'attempt aborted before sending')

    const from = this.#options.from!
    let created: { sid?: unknown }
    try {
      created = await this.#getClient().messages.create({
        to: to.value,
        body: renderSms(message),
        ...(from.startsWith('MG') ? { messagingServiceSid: from } : { from }),
        ...(this.#options.statusCallback ? { statusCallback: this.#options.statusCallback } : {}),
      })
    } catch (error) {
      throw classifyTwilioError(error)
    }
    if (!created || typeof created.sid !== 'string' || created.sid === '') {
      throw new TransientDeliveryError(
        'sms',
        'provider_garbage',
        'Twilio answered 2xx without a message SID'
      )
    }
    return { providerId: created.sid }
  }
}

export function classifyTwilioError(
  error: unknown
): PermanentDeliveryError | TransientDeliveryError {
  const details = error as { status?: unknown; code?: unknown; message?: string; moreInfo?: string }
  if (typeof details.status === 'number') {
    const status = details.status
    const code = typeof details.code === 'number' ? details.code : null
    const said = `Twilio answered HTTP ${status}${code ? ` (error ${code})` : ''}: ${(details.message ?? '').slice(0, 200)}`
    if (code !== null && RECIPIENT_CODES[code]) {
      return new PermanentDeliveryError('sms', RECIPIENT_CODES[code], said, {
        status,
        channelAtFault: true,
        cause: error,
      })
    }
    if (code !== null && OPERATOR_CODES[code]) {
      return new PermanentDeliveryError('sms', OPERATOR_CODES[code], said, {
        status,
        channelAtFault: false,
        cause: error,
      })
    }
    if (status === 401 || status === 403) {
      return new PermanentDeliveryError('sms', 'provider_misconfigured', said, {
        status,
        channelAtFault: false,
        cause: error,
      })
    }
    if (classifyHttpStatus(status) === 'transient' || code === 20429) {
      return new TransientDeliveryError(
        'sms',
        status === 429 || code === 20429 ? 'rate_limited' : `http_${status}`,
        said,
        { status, cause: error }
      )
    }
    return new PermanentDeliveryError('sms', 'provider_rejected', said, {
      status,
      channelAtFault: false,
      cause: error,
    })
  }
  if (error instanceof SyntaxError) {
    return new TransientDeliveryError(
      'sms',
      'provider_garbage',
      `Twilio answered something that is not JSON: ${error.message}`,
      { cause: error }
    )
  }
  const network = networkErrorCode(error)
  if (network) {
    return new TransientDeliveryError(
      'sms',
      network === 'ECONNABORTED' ? 'timeout' : 'network_error',
      `could not reach Twilio (${network})`,
      {
        cause: error,
      }
    )
  }
  return new TransientDeliveryError(
    'sms',
    'unexpected',
    `sending failed: ${(error as Error)?.message ?? String(error)}`,
    { cause: error }
  )
}
