import { createHash } from 'node:crypto'
import type { Message } from '@adonisjs/mail'
import type {
  ChannelDriver,
  ConfigValidation,
  DeliveryContext,
  DeliveryResult,
} from '#notifications/channels/contract'
import type { NotificationMessage } from '#notifications/message'
import { invalid, normaliseEmail, requireRecord } from '#notifications/channels/validation'
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  networkErrorCode,
} from '#notifications/errors'
import { renderEmail } from '#notifications/templates/email'

/**
 * Email through @adonisjs/mail (SMTP by default; SES, Resend… by
 * config/mail.ts). The mailer is passed in (a factory), so the driver does
 * not care whether it came from the container (`mail.use()`) or was built
 * directly around a transport.
 *
 * Idempotency: the Message-ID is derived from the idempotency key, so a
 * retried send carries the same Message-ID and mail clients show it once.
 */
export interface EmailConfig {
  address: string
  name?: string | null
}

/** What the driver needs of a mailer: @adonisjs/mail's Mailer fits. */
export interface MailerLike {
  send(compose: (message: Message) => void | Promise<void>): Promise<unknown>
}

export interface EmailChannelOptions {
  mailer: () => MailerLike | Promise<MailerLike>
  from: { address: string; name?: string }
  /** Right-hand side of generated Message-IDs (the APP_URL host) */
  messageIdDomain: string
}

/** SMTP reply codes that say the recipient address itself is bad (RFC 5321 §4.2.3). */
const BAD_RECIPIENT_CODES = new Set([501, 550, 551, 552, 553])

export default class EmailChannel implements ChannelDriver<EmailConfig> {
  readonly kind = 'email' as const
  readonly #options: EmailChannelOptions

  constructor(options: EmailChannelOptions) {
    this.#options = options
  }

  async validateConfig(input: unknown): Promise<ConfigValidation<EmailConfig>> {
    const notRecord = requireRecord(input)
    if (notRecord) return invalid(notRecord)
    const record = input as Record<string, unknown>
    const email = normaliseEmail(record.address, 'address')
    if ('error' in email) return invalid(email.error)
    const name =
      typeof record.name === 'string' && record.name.trim() !== ''
        ? record.name.trim().slice(0, 120)
        : null
    return { ok: true, config: { address: email.value, name } }
  }

  messageIdFor(idempotencyKey: string): string {
    const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)
    return `<hdt.${digest}@${this.#options.messageIdDomain}>`
  }

  async deliver(
    message: NotificationMessage,
    config: EmailConfig,
    context: DeliveryContext
  ): Promise<DeliveryResult> {
    const email = normaliseEmail(config?.address)
    if ('error' in email)
      throw new PermanentDeliveryError('email', 'invalid_recipient', email.error.message)
    if (context.signal?.aborted)
      throw new TransientDeliveryError('email', 'aborted', 'attempt aborted before sending')

    const rendered = renderEmail(message)
    const messageId = this.messageIdFor(context.idempotencyKey)
    const mailer = await this.#options.mailer()
    let response: unknown
    try {
      response = await mailer.send((mail) => {
        mail
          .from(this.#options.from.address, this.#options.from.name)
          .to(email.value, config.name ?? undefined)
          .subject(rendered.subject)
          .html(rendered.html)
          .text(rendered.text)
          .messageId(messageId)
          .priority(message.priority)
          .header('X-HDTickets-Type', message.type)
          .header('X-HDTickets-Delivery', context.idempotencyKey)
          .header('Auto-Submitted', 'auto-generated')
      })
    } catch (error) {
      throw classifyMailError(error)
    }
    const sentId = (response as { messageId?: unknown } | null)?.messageId
    return { providerId: typeof sentId === 'string' && sentId !== '' ? sentId : messageId }
  }
}

/** nodemailer / transport error → typed delivery error. */
export function classifyMailError(error: unknown): PermanentDeliveryError | TransientDeliveryError {
  const details = error as {
    code?: string
    responseCode?: number
    response?: string
    message?: string
  }
  const reply = typeof details.responseCode === 'number' ? details.responseCode : null
  const said = (details.response ?? details.message ?? String(error))
    .replace(/\s+/g, ' ')
    .slice(0, 240)
  if (details.code === 'EAUTH' || reply === 535 || reply === 530 || reply === 534) {
    return new PermanentDeliveryError(
      'email',
      'provider_misconfigured',
      `the mail server refused HDTickets' credentials: ${said}`,
      {
        status: reply,
        channelAtFault: false,
        cause: error,
      }
    )
  }
  if (reply !== null && reply >= 400 && reply < 500) {
    return new TransientDeliveryError(
      'email',
      'smtp_deferred',
      `the mail server deferred the message (${reply}): ${said}`,
      {
        status: reply,
        cause: error,
      }
    )
  }
  if (reply !== null && reply >= 500) {
    const recipient = details.code === 'EENVELOPE' || BAD_RECIPIENT_CODES.has(reply)
    return new PermanentDeliveryError(
      'email',
      recipient ? 'invalid_recipient' : 'message_rejected',
      `the mail server rejected the ${recipient ? 'recipient' : 'message'} (${reply}): ${said}`,
      { status: reply, channelAtFault: recipient, cause: error }
    )
  }
  if (details.code === 'EENVELOPE') {
    return new PermanentDeliveryError('email', 'invalid_recipient', `no valid recipient: ${said}`, {
      cause: error,
    })
  }
  const network = networkErrorCode(error)
  if (
    network ||
    ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL'].includes(
      details.code ?? ''
    )
  ) {
    return new TransientDeliveryError(
      'email',
      'smtp_unreachable',
      `could not talk to the mail server (${details.code ?? network}): ${said}`,
      {
        cause: error,
      }
    )
  }
  return new TransientDeliveryError('email', 'unexpected', `sending failed: ${said}`, {
    cause: error,
  })
}
