import { InvalidPayload } from '#connectors/errors'

export type JsonObject = Record<string, unknown>

/**
 * A small typed reader over external JSON. Every failure is an InvalidPayload
 * naming the platform, the endpoint, the event and the JSON path.
 */
export class PayloadReader {
  readonly source: string
  readonly endpoint: string | null
  readonly eventRef: string | null

  constructor(context: { source: string; endpoint?: string | null; eventRef?: string | null }) {
    this.source = context.source
    this.endpoint = context.endpoint ?? null
    this.eventRef = context.eventRef ?? null
  }

  withEvent(eventRef: string | null): PayloadReader {
    return new PayloadReader({ source: this.source, endpoint: this.endpoint, eventRef })
  }

  fail(path: string, reason: string): never {
    throw new InvalidPayload({
      source: this.source,
      endpoint: this.endpoint,
      eventRef: this.eventRef,
      path,
      reason,
    })
  }

  object(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `expected an object, got ${describe(value)}`)
    }
    return value as JsonObject
  }

  optObject(value: unknown, path: string): JsonObject | null {
    return value === undefined || value === null ? null : this.object(value, path)
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, got ${describe(value)}`)
    return value
  }

  optArray(value: unknown, path: string): unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path)
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, got ${describe(value)}`)
    return value
  }

  optString(value: unknown, path: string): string | null {
    return value === undefined || value === null ? null : this.string(value, path)
  }

  /** A finite number; numeric strings are accepted when `allowString` */
  number(value: unknown, path: string, options: { allowString?: boolean } = {}): number {
    if (typeof value === 'number' && Number.isFinite(value)) return value
    if (options.allowString && typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value))
      return Number(value)
    this.fail(path, `expected a number, got ${describe(value)}`)
  }

  optNumber(value: unknown, path: string, options: { allowString?: boolean } = {}): number | null {
    return value === undefined || value === null ? null : this.number(value, path, options)
  }

  optBoolean(value: unknown, path: string): boolean | null {
    if (value === undefined || value === null) return null
    if (typeof value !== 'boolean') this.fail(path, `expected a boolean, got ${describe(value)}`)
    return value
  }

  /** A string or a number, returned as a string (platform ids) */
  id(value: unknown, path: string): string {
    if (typeof value === 'string' && value.length > 0) return value
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value)
    this.fail(path, `expected an id, got ${describe(value)}`)
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  return typeof value
}
