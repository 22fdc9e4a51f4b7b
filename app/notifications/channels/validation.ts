import type { ConfigValidation, FieldError } from '#notifications/channels/contract'
import type { FieldErrorCode } from '#exceptions/catalogue'

/**
 * Small field validators shared by the channel drivers. Each returns a
 * FieldError naming the field, or null.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function fieldError(field: string, code: FieldErrorCode, message: string): FieldError {
  return { field, code, message }
}

export function invalid<C>(...errors: FieldError[]): ConfigValidation<C> {
  return { ok: false, errors }
}

export function requireRecord(input: unknown): FieldError | null {
  return isRecord(input)
    ? null
    : fieldError('config', 'E_INVALID_CONFIG', 'The channel settings must be an object')
}

/**
 * Practical email syntax (what mail servers accept, not all of RFC 5322): one
 * "@", a local part without spaces or control characters, a dotted domain
 * with a 2+ letter TLD or an IP literal. Lower-cases the domain.
 */
export function normaliseEmail(
  value: unknown,
  field = 'address'
): { value: string } | { error: FieldError } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { error: fieldError(field, 'E_REQUIRED', 'Enter an email address') }
  }
  if (typeof value !== 'string')
    return { error: fieldError(field, 'E_INVALID_EMAIL', 'An email address is text') }
  const text = value.trim()
  const at = text.lastIndexOf('@')
  const local = text.slice(0, at)
  const domain = text.slice(at + 1).toLowerCase()
  const localOk =
    at > 0 &&
    local.length <= 64 &&
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    /^[^\s@<>()[\]\\,;:"\u0000-\u001f]+$/.test(local) &&
    !local.startsWith('.') &&
    !local.endsWith('.') &&
    !local.includes('..')
  const domainOk =
    domain.length <= 253 &&
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(
      domain.normalize('NFKC')
    )
  if (!localOk || !domainOk || text.length > 254) {
    return {
      error: fieldError(
        field,
        'E_INVALID_EMAIL',
        `"${text.slice(0, 80)}" is not a valid email address`
      ),
    }
  }
  return { value: `${local}@${domain}` }
}

/**
 * E.164: "+", a country code not starting with 0, 8 to 15 digits in all.
 * Spaces, dashes, dots and parentheses a user types are removed first;
 * anything else (letters, a missing "+", a leading 00) is refused.
 */
export function normaliseE164(
  value: unknown,
  field = 'number'
): { value: string } | { error: FieldError } {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return {
      error: fieldError(
        field,
        'E_REQUIRED',
        'Enter a phone number in international format, e.g. +14155550123'
      ),
    }
  }
  if (typeof value !== 'string') {
    return {
      error: fieldError(
        field,
        'E_INVALID_PHONE',
        'Enter the number as text in E.164 format, e.g. +14155550123'
      ),
    }
  }
  const compact = value.trim().replace(/[\s().-]/g, '')
  if (!/^\+[1-9]\d{7,14}$/.test(compact)) {
    return {
      error: fieldError(
        field,
        'E_INVALID_PHONE',
        `"${value.trim().slice(0, 40)}" is not an E.164 phone number: use "+", the country code and the number, e.g. +14155550123`
      ),
    }
  }
  return { value: compact }
}

/** Shows a URL without its secrets: origin + first path segment (Slack and Discord URLs embed their token). */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = new URL(String(url))
    const first = parsed.pathname.split('/').filter(Boolean)[0]
    return `${parsed.origin}/${first ? `${first}/…` : ''}`
  } catch {
    return '(invalid URL)'
  }
}
