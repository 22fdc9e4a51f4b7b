import { request } from 'undici'
import type { Dispatcher } from 'undici'
import { type SsrfGuard, SsrfRefused } from '#security/ssrf_guard'
import type { ChannelKind } from '#models/notification_channel'
import {
  PermanentDeliveryError,
  TransientDeliveryError,
  classifyHttpStatus,
  networkErrorCode,
  parseRetryAfter,
} from '#notifications/errors'
import { fieldError, redactUrl } from '#notifications/channels/validation'
import type { FieldError } from '#notifications/channels/contract'

/**
 * The one HTTP call site of the webhook-style channels (webhook, slack,
 * discord): user-supplied URLs only, through the SSRF guard at save and at
 * send (a connect-time lookup refuses DNS rebinding), no redirects followed,
 * one overall timeout per attempt, a capped response read.
 */
export interface GuardedPosterOptions {
  guard: SsrfGuard
  /** Allow plain http:// (lab installs; defaults to the guard's allowPrivate) */
  allowHttp: boolean
  /** Whole attempt: connect + headers + body */
  timeoutMs: number
  connectTimeoutMs?: number
  userAgent: string
  /** Defaults to guard.createDispatcher(): keep-alive pool whose lookups the guard checks */
  dispatcher?: Dispatcher
}

export interface PostResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** First 64 KiB of the body, as text */
  text: string
}

const MAX_READ_BYTES = 64 * 1024

export class GuardedPoster {
  readonly #options: GuardedPosterOptions
  #dispatcher: Dispatcher | null

  constructor(options: GuardedPosterOptions) {
    this.#options = options
    this.#dispatcher = options.dispatcher ?? null
  }

  get guard(): SsrfGuard {
    return this.#options.guard
  }

  get allowHttp(): boolean {
    return this.#options.allowHttp
  }

  #getDispatcher(): Dispatcher {
    this.#dispatcher ??= this.#options.guard.createDispatcher({
      connectTimeoutMs: this.#options.connectTimeoutMs ?? Math.min(5_000, this.#options.timeoutMs),
      readTimeoutMs: this.#options.timeoutMs,
    })
    return this.#dispatcher
  }

  /**
   * Save-time URL check: parses, requires https (unless allowed), runs the
   * SSRF guard. Returns the URL or a FieldError naming `field`.
   */
  async checkUrl(value: unknown, field = 'url'): Promise<{ url: URL } | { error: FieldError }> {
    if (typeof value !== 'string' || value.trim() === '')
      return { error: fieldError(field, 'E_REQUIRED', 'Enter a URL') }
    let url: URL
    try {
      url = new URL(value.trim())
    } catch {
      return { error: fieldError(field, 'E_INVALID_URL', 'Not a valid URL') }
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#options.allowHttp)) {
      return {
        error: fieldError(
          field,
          'E_INSECURE_URL',
          `The URL must use https (got ${url.protocol.replace(':', '')})`
        ),
      }
    }
    if (url.username || url.password) {
      return {
        error: fieldError(
          field,
          'E_INVALID_URL',
          'URLs with a user name or password are not allowed'
        ),
      }
    }
    try {
      await this.#options.guard.check(url)
    } catch (error) {
      if (error instanceof SsrfRefused) {
        return {
          error: fieldError(field, 'E_PRIVATE_URL', `This URL is not allowed: ${error.reason}`),
        }
      }
      throw error
    }
    return { url }
  }

  /**
   * POSTs `body` and returns the answer whatever its status; throws only
   * typed delivery errors for what never got an answer (refused by the
   * guard, timeout, network failure, aborted).
   */
  async post(
    kind: ChannelKind,
    target: string | URL,
    body: string,
    headers: Record<string, string>,
    signal?: AbortSignal
  ): Promise<PostResult> {
    const url = new URL(String(target))
    const shown = redactUrl(url)
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#options.allowHttp)) {
      throw new PermanentDeliveryError(
        kind,
        'insecure_url',
        `refused to post to ${shown}: https is required`
      )
    }
    try {
      await this.#options.guard.check(url)
    } catch (error) {
      if (error instanceof SsrfRefused) {
        throw new PermanentDeliveryError(
          kind,
          'ssrf_refused',
          `refused to post to ${shown}: ${error.reason}`,
          { cause: error }
        )
      }
      throw error
    }

    const timeout = AbortSignal.timeout(this.#options.timeoutMs)
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout
    try {
      const response = await request(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': this.#options.userAgent,
          ...headers,
        },
        dispatcher: this.#getDispatcher(),
        signal: combined,
      })
      const text = await readCapped(response.body, MAX_READ_BYTES)
      return { status: response.statusCode, headers: response.headers, text }
    } catch (error) {
      if (timeout.aborted) {
        throw new TransientDeliveryError(
          kind,
          'timeout',
          `no answer from ${shown} within ${this.#options.timeoutMs} ms`,
          { cause: error }
        )
      }
      if (signal?.aborted) {
        throw new TransientDeliveryError(kind, 'aborted', `attempt to ${shown} aborted`, {
          cause: error,
        })
      }
      const refused = findSsrfRefusal(error)
      if (refused) {
        throw new PermanentDeliveryError(
          kind,
          'ssrf_refused',
          `refused to post to ${shown}: ${refused.reason}`,
          { cause: error }
        )
      }
      const code = networkErrorCode(error) ?? networkErrorCode((error as { cause?: unknown }).cause)
      throw new TransientDeliveryError(
        kind,
        code === 'ECONNREFUSED' ? 'connection_refused' : 'network_error',
        `POST ${shown} failed: ${code ?? (error as Error).message}`,
        { cause: error }
      )
    }
  }

  async close(): Promise<void> {
    if (this.#dispatcher && !this.#options.dispatcher) await this.#dispatcher.close()
    this.#dispatcher = null
  }
}

/**
 * A non-2xx answer → typed error with the default rules (classifyHttpStatus);
 * `overrides` lets Slack and Discord refine codes from their bodies.
 */
export function failureFromResponse(
  kind: ChannelKind,
  result: PostResult,
  where: string,
  refine: { code?: string; channelAtFault?: boolean; retryAfterMs?: number | null } = {}
): PermanentDeliveryError | TransientDeliveryError {
  const snippet = result.text.replace(/\s+/g, ' ').trim().slice(0, 200)
  const detail = `${where} answered HTTP ${result.status}${snippet ? `: ${snippet}` : ''}`
  const verdict = classifyHttpStatus(result.status)
  if (verdict === 'transient') {
    return new TransientDeliveryError(
      kind,
      refine.code ?? (result.status === 429 ? 'rate_limited' : `http_${result.status}`),
      detail,
      {
        status: result.status,
        retryAfterMs: refine.retryAfterMs ?? parseRetryAfter(result.headers['retry-after']),
      }
    )
  }
  if (result.status >= 300 && result.status < 400) {
    return new PermanentDeliveryError(
      kind,
      refine.code ?? 'redirect_not_followed',
      `${where} answered a redirect (HTTP ${result.status}); redirects are not followed: store the final URL`,
      { status: result.status, channelAtFault: refine.channelAtFault ?? true }
    )
  }
  return new PermanentDeliveryError(kind, refine.code ?? `http_${result.status}`, detail, {
    status: result.status,
    channelAtFault: refine.channelAtFault ?? true,
  })
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy?: () => void },
  limit: number
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.length
    if (size >= limit) {
      body.destroy?.()
      break
    }
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8')
}

function findSsrfRefusal(error: unknown): SsrfRefused | null {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof SsrfRefused) return current
    current = (current as { cause?: unknown }).cause
  }
  return null
}
