/**
 * Bulk export and import of watch rules, events and linked accounts, in
 * JSON or CSV — one use case for the API (/api/v1/export|import/:kind) and
 * the Ace commands (data:export, data:import).
 *
 * Portable by design: rules name their event by `platform:externalId` (ids
 * differ between instances), events carry their platform id, accounts
 * carry the platform slug and username and NEVER a credential.
 *
 * Import is all-or-nothing: every row is checked first (the same
 * validators and service checks as the API), the report lists each bad row
 * with its field, and nothing is written unless every row is good. A dry
 * run stops after the checks. Rows that already exist (a rule of the same
 * name, an event source already known, an account on that platform) are
 * skipped, so importing the same file twice changes nothing.
 *
 * Accounts are imported without credentials (an export never has them):
 * they are created with status `no_credentials`, holding an encrypted empty
 * credential; the owner then sets it (PUT /api/v1/accounts/:id/credentials
 * or the Accounts page), which checks it with the platform as usual.
 */
import db from '@adonisjs/lucid/services/db'
import vine, { errors as vineErrors } from '@vinejs/vine'
import type User from '#models/user'
import WatchRule from '#models/watch_rule'
import Account from '#models/account'
import { ApiException, apiErrors } from '#exceptions/catalogue'
import WatchRuleService from '#alerts/watch_rule_service'
import { forgetRuleCache } from '#alerts/alert_service'
import { forgetWatcherCounts } from '#monitoring/watcher_counts'
import { watchRuleValidator } from '#validators/watch_rule_validator'
import { upsertEvent } from '#monitoring/event_catalogue'
import { encryptSecret } from '#security/secrets'
import { recordAudit } from '#services/audit_log'
import { isoTime } from '#purchasing/sql'

export const KINDS = ['watch-rules', 'events', 'accounts'] as const
export type Kind = (typeof KINDS)[number]
export type Format = 'json' | 'csv'

type Value = string | number | boolean | null | Record<string, unknown> | unknown[]
type Item = Record<string, Value>

/** Column → how a CSV cell becomes a value. */
type ColumnType = 'string' | 'int' | 'bool' | 'json' | 'date'

export const COLUMNS: Record<Kind, Record<string, ColumnType>> = {
  'watch-rules': {
    name: 'string',
    event: 'string',
    filters: 'json',
    maxPriceMinor: 'int',
    currency: 'string',
    includeFees: 'bool',
    minQuantity: 'int',
    sections: 'json',
    triggers: 'json',
    hysteresisMinor: 'int',
    cooldownSeconds: 'int',
    channels: 'json',
    importance: 'int',
    autoPurchase: 'bool',
    enabled: 'bool',
  },
  'events': {
    platform: 'string',
    externalId: 'string',
    url: 'string',
    name: 'string',
    sport: 'string',
    league: 'string',
    homeTeam: 'string',
    awayTeam: 'string',
    venue: 'string',
    city: 'string',
    country: 'string',
    startsAt: 'date',
    timezone: 'string',
    dateTbd: 'bool',
    status: 'string',
    onsaleAt: 'date',
    importance: 'int',
  },
  'accounts': { platform: 'string', username: 'string' },
}

export interface RowError {
  row: number
  field: string | null
  message: string
}

export interface ImportReport {
  kind: Kind
  dryRun: boolean
  total: number
  created: number
  skipped: number
  errors: RowError[]
}

const iso = isoTime

export function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value)
}

/** CSV cells (text) → typed values; a cell that is not of its column's type is a row error. */
export function fromCsvRecord(
  kind: Kind,
  record: Record<string, string>,
  row: number
): { item: Item; errors: RowError[] } {
  const columns = COLUMNS[kind]
  const item: Item = {}
  const errors: RowError[] = []
  for (const [name, text] of Object.entries(record)) {
    const type = columns[name]
    if (!type) {
      errors.push({ row, field: name, message: `Unknown column "${name}"` })
      continue
    }
    if (text === '') {
      item[name] = null
      continue
    }
    if (type === 'int') {
      if (!/^-?\d+$/.test(text))
        errors.push({ row, field: name, message: `"${name}" must be a whole number` })
      else item[name] = Number(text)
    } else if (type === 'bool') {
      if (text !== 'true' && text !== 'false')
        errors.push({ row, field: name, message: `"${name}" must be true or false` })
      else item[name] = text === 'true'
    } else if (type === 'json') {
      try {
        item[name] = JSON.parse(text)
      } catch {
        errors.push({ row, field: name, message: `"${name}" must be JSON` })
      }
    } else {
      item[name] = text
    }
  }
  return { item, errors }
}

export default class BulkTransfer {
  // ---------------------------------------------------------------- export

  async export(actor: User, kind: Kind): Promise<Item[]> {
    if (kind === 'watch-rules') return this.#exportRules(actor)
    if (kind === 'events') return this.#exportEvents()
    return this.#exportAccounts(actor)
  }

  async #exportRules(actor: User): Promise<Item[]> {
    const rules = await WatchRule.query().where('user_id', actor.id).orderBy('id')
    const eventIds = [
      ...new Set(rules.map((rule) => rule.eventId).filter((id): id is number => id !== null)),
    ]
    const refs = new Map<number, string>()
    if (eventIds.length) {
      const sources = await db
        .from('event_sources')
        .join('platforms', 'platforms.id', 'event_sources.platform_id')
        .whereIn('event_sources.event_id', eventIds)
        .orderBy('event_sources.id')
        .select('event_sources.event_id', 'event_sources.external_id', 'platforms.slug')
      for (const source of sources)
        if (!refs.has(source.event_id))
          refs.set(source.event_id, `${source.slug}:${source.external_id}`)
    }
    return rules.map((rule) => ({
      name: rule.name,
      event: rule.eventId === null ? null : (refs.get(rule.eventId) ?? null),
      filters: (rule.filters ?? {}) as Record<string, unknown>,
      maxPriceMinor: rule.maxPriceMinor,
      currency: rule.currency,
      includeFees: rule.includeFees,
      minQuantity: rule.minQuantity,
      sections: rule.sections ?? [],
      triggers: (rule.triggers ?? []) as unknown[],
      hysteresisMinor: rule.hysteresisMinor,
      cooldownSeconds: rule.cooldownSeconds,
      channels: rule.channels ?? [],
      importance: rule.importance,
      autoPurchase: rule.autoPurchase,
      enabled: rule.enabled,
    }))
  }

  async #exportEvents(): Promise<Item[]> {
    const rows = await db
      .from('event_sources')
      .join('events', 'events.id', 'event_sources.event_id')
      .join('platforms', 'platforms.id', 'event_sources.platform_id')
      .whereNull('events.archived_at')
      .orderBy('platforms.slug')
      .orderBy('event_sources.external_id')
      .select(
        'events.*',
        'event_sources.external_id',
        'event_sources.url as source_url',
        'platforms.slug as platform_slug'
      )
    return rows.map((row: any) => ({
      platform: row.platform_slug,
      externalId: String(row.external_id),
      url: row.source_url ?? null,
      name: row.name,
      sport: row.sport ?? null,
      league: row.league ?? null,
      homeTeam: row.home_team ?? null,
      awayTeam: row.away_team ?? null,
      venue: row.venue ?? null,
      city: row.city ?? null,
      country: row.country ?? null,
      startsAt: iso(row.starts_at),
      timezone: row.timezone ?? null,
      dateTbd: Boolean(row.date_tbd),
      status: row.status,
      onsaleAt: iso(row.onsale_at),
      importance: Number(row.importance),
    }))
  }

  async #exportAccounts(actor: User): Promise<Item[]> {
    const rows = await db
      .from('accounts')
      .join('platforms', 'platforms.id', 'accounts.platform_id')
      .where('accounts.user_id', actor.id)
      .orderBy('platforms.slug')
      .select('platforms.slug', 'accounts.username')
    return rows.map((row: any) => ({ platform: row.slug, username: row.username }))
  }

  // ---------------------------------------------------------------- import

  async import(
    actor: User,
    kind: Kind,
    items: unknown[],
    options: { dryRun: boolean; preErrors?: RowError[]; ip?: string | null }
  ): Promise<ImportReport> {
    if (kind === 'events' && !actor.hasRoleAtLeast('manager')) {
      throw new apiErrors.E_FORBIDDEN('Importing events needs the manager role or higher')
    }
    if ((kind === 'watch-rules' || kind === 'accounts') && !actor.hasRoleAtLeast('member')) {
      throw new apiErrors.E_FORBIDDEN('Viewers cannot import')
    }
    if (items.length > 5000)
      throw new apiErrors.E_VALIDATION('At most 5,000 rows per import', 'items')
    const report: ImportReport = {
      kind,
      dryRun: options.dryRun,
      total: items.length,
      created: 0,
      skipped: 0,
      errors: [...(options.preErrors ?? [])],
    }
    const planned: Array<() => Promise<void>> = []
    const columns = COLUMNS[kind]

    for (const [index, raw] of items.entries()) {
      const row = index + 1
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
        report.errors.push({ row, field: null, message: 'Each row must be an object' })
        continue
      }
      const unknown = Object.keys(raw).find((key) => !(key in columns))
      if (unknown) {
        report.errors.push({ row, field: unknown, message: `Unknown field "${unknown}"` })
        continue
      }
      if (report.errors.some((error) => error.row === row)) continue
      try {
        const step =
          kind === 'watch-rules'
            ? await this.#checkRule(actor, raw as Item)
            : kind === 'events'
              ? await this.#checkEvent(raw as Item)
              : await this.#checkAccount(actor, raw as Item, options.ip ?? null)
        if (step === 'skip') report.skipped++
        else planned.push(step)
      } catch (error) {
        report.errors.push(...rowErrors(row, error))
      }
    }
    report.errors.sort((a, b) => a.row - b.row)
    if (report.errors.length || options.dryRun) {
      if (options.dryRun) report.created = planned.length
      return report
    }
    for (const write of planned) await write()
    report.created = planned.length
    if (kind === 'watch-rules' && planned.length) {
      forgetWatcherCounts()
      forgetRuleCache()
    }
    return report
  }

  async #checkRule(actor: User, item: Item): Promise<'skip' | (() => Promise<void>)> {
    let eventId: number | null = null
    if (typeof item.event === 'string' && item.event !== '') {
      const split = item.event.indexOf(':')
      const source =
        split > 0
          ? await db
              .from('event_sources')
              .join('platforms', 'platforms.id', 'event_sources.platform_id')
              .where('platforms.slug', item.event.slice(0, split))
              .where('event_sources.external_id', item.event.slice(split + 1))
              .select('event_sources.event_id')
              .first()
          : null
      if (!source)
        throw new apiErrors.E_VALIDATION(
          `No event "${item.event}" here (import events first; format platform:externalId)`,
          'event'
        )
      eventId = Number(source.event_id)
    }
    const input: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(item))
      if (key !== 'event' && value !== null) input[key] = value
    if (eventId !== null) input.eventId = eventId
    if (input.filters && typeof input.filters === 'object' && !Object.keys(input.filters).length)
      delete input.filters
    const payload = await watchRuleValidator.validate(input)
    const values = await new WatchRuleService().normalise(payload)
    const existing = await db
      .from('watch_rules')
      .where({ user_id: actor.id, name: payload.name })
      .first()
    if (existing) return 'skip'
    return async () => {
      await WatchRule.create({ ...values, userId: actor.id } as any)
    }
  }

  async #checkEvent(item: Item): Promise<'skip' | (() => Promise<void>)> {
    const payload = await eventImportValidator.validate(item)
    const platform = await db.from('platforms').where('slug', payload.platform).first()
    if (!platform)
      throw new apiErrors.E_VALIDATION(`Unknown platform "${payload.platform}"`, 'platform')
    const known = await db
      .from('event_sources')
      .where({ platform_id: platform.id, external_id: payload.externalId })
      .first()
    if (known) return 'skip'
    return async () => {
      const result = await upsertEvent(platform.id, {
        ref: payload.externalId,
        platform: payload.platform,
        url: payload.url ?? null,
        name: payload.name,
        sport: payload.sport ?? null,
        league: payload.league ?? null,
        homeTeam: payload.homeTeam ?? null,
        awayTeam: payload.awayTeam ?? null,
        venue: payload.venue ?? null,
        city: payload.city ?? null,
        country: payload.country ?? null,
        startsAt: payload.startsAt ?? null,
        timezone: payload.timezone ?? null,
        dateTbd: payload.dateTbd ?? false,
        status: payload.status,
        publicSale: payload.onsaleAt
          ? { name: 'public', startsAt: payload.onsaleAt, endsAt: null }
          : null,
        presales: [],
      })
      if (payload.importance !== undefined && payload.importance !== null) {
        await db
          .from('events')
          .where('id', result.eventId)
          .update({ importance: payload.importance })
      }
    }
  }

  async #checkAccount(
    actor: User,
    item: Item,
    ip: string | null
  ): Promise<'skip' | (() => Promise<void>)> {
    const payload = await accountImportValidator.validate(item)
    const platform = await db.from('platforms').where('slug', payload.platform).first()
    if (!platform || !platform.enabled)
      throw new apiErrors.E_VALIDATION(
        `Unknown or disabled platform "${payload.platform}"`,
        'platform'
      )
    const existing = await db
      .from('accounts')
      .where({ user_id: actor.id, platform_id: platform.id })
      .first()
    if (existing) return 'skip'
    return async () => {
      await db.transaction(async (trx) => {
        const account = await Account.create(
          {
            userId: actor.id,
            platformId: platform.id,
            username: payload.username,
            encryptedCredentials: encryptSecret({}, 'account.credentials'),
            status: 'no_credentials',
            lastError: 'Imported without credentials: set them to use this account',
            lastCheck: null,
          },
          { client: trx }
        )
        await recordAudit(
          {
            actorId: actor.id,
            action: 'account.imported',
            subjectType: 'account',
            subjectId: account.id,
            toState: 'no_credentials',
            meta: { platform: payload.platform },
            ip,
          },
          trx
        )
      })
    }
  }
}

const isoDate = () =>
  vine
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/)

const eventImportValidator = vine.create({
  platform: vine.string().trim().minLength(1).maxLength(40),
  externalId: vine.string().trim().minLength(1).maxLength(191),
  url: vine.string().trim().url().maxLength(1000).nullable().optional(),
  name: vine.string().trim().minLength(1).maxLength(300),
  sport: vine.string().trim().maxLength(60).nullable().optional(),
  league: vine.string().trim().maxLength(60).nullable().optional(),
  homeTeam: vine.string().trim().maxLength(120).nullable().optional(),
  awayTeam: vine.string().trim().maxLength(120).nullable().optional(),
  venue: vine.string().trim().maxLength(200).nullable().optional(),
  city: vine.string().trim().maxLength(120).nullable().optional(),
  country: vine.string().trim().fixedLength(2).nullable().optional(),
  startsAt: isoDate().nullable().optional(),
  timezone: vine.string().trim().maxLength(64).nullable().optional(),
  dateTbd: vine.boolean().nullable().optional(),
  status: vine.enum([
    'scheduled',
    'onsale',
    'offsale',
    'cancelled',
    'postponed',
    'rescheduled',
    'ended',
  ] as const),
  onsaleAt: isoDate().nullable().optional(),
  importance: vine.number().withoutDecimals().min(1).max(5).nullable().optional(),
})

const accountImportValidator = vine.create({
  platform: vine.string().trim().minLength(1).maxLength(40),
  username: vine.string().trim().minLength(1).maxLength(190),
})

function rowErrors(row: number, error: unknown): RowError[] {
  if (error instanceof vineErrors.E_VALIDATION_ERROR) {
    return (error.messages as Array<{ field: string; message: string }>).map((message) => ({
      row,
      field: message.field,
      message: message.message,
    }))
  }
  if (error instanceof ApiException && error.status < 500)
    return [{ row, field: error.field ?? null, message: error.message }]
  throw error
}
