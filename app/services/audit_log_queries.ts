/**
 * The audit log as the admin viewer reads it: newest first, filtered by
 * actor, action, subject and date, paginated by an opaque id cursor (the
 * table is append-only, so ids only grow).
 */
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import { dbTime, fromDbTime } from '#purchasing/sql'

export type AuditFilters = {
  actor?: string
  action?: string
  subjectType?: string
  subjectId?: string
  from?: Date
  to?: Date
  before?: string
}

const PAGE_SIZE = 50

export function decodeAuditCursor(value: string): number {
  const decoded = /^[A-Za-z0-9_-]{1,40}$/.test(value)
    ? Buffer.from(value, 'base64url').toString('utf8')
    : ''
  const match = decoded.match(/^a:(\d{1,15})$/)
  if (!match) {
    throw new apiErrors.E_INVALID_CURSOR(
      'This page link is not valid. Start again from the newest entries.',
      'before'
    )
  }
  return Number(match[1])
}
const encodeAuditCursor = (id: number) => Buffer.from(`a:${id}`).toString('base64url')

export default class AuditLogQueries {
  async list(filters: AuditFilters, pageSize = PAGE_SIZE) {
    const query = db
      .from('audit_logs')
      .leftJoin('users', 'users.id', 'audit_logs.actor_id')
      .select('audit_logs.*', 'users.email as actor_email', 'users.full_name as actor_name')
      .orderBy('audit_logs.id', 'desc')
      .limit(pageSize + 1)
    if (filters.actor) {
      const actor = filters.actor.trim()
      if (actor === 'system') query.whereNull('audit_logs.actor_id')
      else if (/^\d+$/.test(actor)) query.where('audit_logs.actor_id', Number(actor))
      else
        query.whereRaw('lower(users.email) like ?', [
          `%${actor.toLowerCase().replace(/[%_]/g, '')}%`,
        ])
    }
    if (filters.action) query.where('audit_logs.action', filters.action)
    if (filters.subjectType) query.where('audit_logs.subject_type', filters.subjectType)
    if (filters.subjectId) query.where('audit_logs.subject_id', filters.subjectId)
    /** Written by the Lucid model: text on SQLite, so the bounds are written the same way. */
    const client = db.connection()
    if (filters.from) query.where('audit_logs.created_at', '>=', dbTime(client, filters.from))
    if (filters.to)
      query.where(
        'audit_logs.created_at',
        '<',
        dbTime(client, new Date(filters.to.getTime() + 86_400_000))
      )
    if (filters.before) query.where('audit_logs.id', '<', decodeAuditCursor(filters.before))
    const rows = await query
    const page = rows.slice(0, pageSize)
    return {
      entries: page.map((row) => ({
        id: Number(row.id),
        at: fromDbTime(row.created_at)?.toISOString() ?? null,
        actor:
          row.actor_id === null
            ? null
            : {
                id: Number(row.actor_id),
                email: row.actor_email ?? null,
                name: row.actor_name ?? null,
              },
        action: row.action as string,
        subjectType: row.subject_type as string,
        subjectId: row.subject_id as string | null,
        fromState: row.from_state as string | null,
        toState: row.to_state as string | null,
        reason: row.reason as string | null,
        ip: row.ip as string | null,
      })),
      nextCursor:
        rows.length > pageSize ? encodeAuditCursor(Number(page[page.length - 1].id)) : null,
    }
  }

  /** The actions and subject types present, for the filter selects. */
  async options() {
    const actions = await db.from('audit_logs').distinct('action').orderBy('action').limit(200)
    const subjects = await db
      .from('audit_logs')
      .distinct('subject_type')
      .orderBy('subject_type')
      .limit(200)
    return {
      actions: actions.map((row) => row.action as string),
      subjectTypes: subjects.map((row) => row.subject_type as string),
    }
  }
}
