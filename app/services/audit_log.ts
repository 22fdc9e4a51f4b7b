import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import AuditLog from '#models/audit_log'

export interface AuditEntry {
  actorId: number | null
  action: string
  subjectType: string
  subjectId?: string | number | null
  fromState?: string | null
  toState?: string | null
  reason?: string | null
  meta?: Record<string, unknown> | null
  ip?: string | null
}

/**
 * Append-only audit log of purchases, approvals, credential changes and role
 * changes. There is no update or delete path.
 */
export async function recordAudit(entry: AuditEntry, trx?: TransactionClientContract) {
  return AuditLog.create(
    {
      actorId: entry.actorId,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId:
        entry.subjectId === undefined || entry.subjectId === null ? null : String(entry.subjectId),
      fromState: entry.fromState ?? null,
      toState: entry.toState ?? null,
      reason: entry.reason ?? null,
      meta: entry.meta ?? null,
      ip: entry.ip ?? null,
    },
    { client: trx }
  )
}
