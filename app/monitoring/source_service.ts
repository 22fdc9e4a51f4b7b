/**
 * Operators' controls on a source: pause, resume, check now. Managers and
 * admins only (checked by the caller's route); every action is audited.
 */
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import CheckTicketAvailability from '#jobs/check_ticket_availability'
import { recordAudit } from '#services/audit_log'
import type User from '#models/user'

async function sourceOrFail(id: number) {
  const source = await db.from('event_sources').where('id', id).first()
  if (!source) throw new apiErrors.E_NOT_FOUND('No such source')
  return source
}

export default class SourceService {
  async pause(actor: User, id: number, reason: string | null) {
    const source = await sourceOrFail(id)
    if (source.state === 'gone')
      throw new apiErrors.E_SOURCE_GONE('This event is gone from the platform')
    await db
      .from('event_sources')
      .where('id', id)
      .update({
        state: 'paused',
        state_reason: reason ?? 'paused by an operator',
        updated_at: new Date(),
      })
    await recordAudit({
      actorId: actor.id,
      action: 'source.paused',
      subjectType: 'event_source',
      subjectId: id,
      fromState: source.state,
      toState: 'paused',
      reason,
    })
  }

  /** Back to active, checked at once; a blocked source is resumed only by a person who looked at it. */
  async resume(actor: User, id: number) {
    const source = await sourceOrFail(id)
    if (source.state === 'gone')
      throw new apiErrors.E_SOURCE_GONE('This event is gone from the platform')
    await db.from('event_sources').where('id', id).update({
      state: 'active',
      state_reason: null,
      consecutive_failures: 0,
      next_check_at: new Date(),
      updated_at: new Date(),
    })
    await recordAudit({
      actorId: actor.id,
      action: 'source.resumed',
      subjectType: 'event_source',
      subjectId: id,
      fromState: source.state,
      toState: 'active',
    })
  }

  async checkNow(actor: User, id: number) {
    const source = await sourceOrFail(id)
    if (source.state !== 'active')
      throw new apiErrors.E_SOURCE_NOT_ACTIVE(`This source is ${source.state}: resume it first`)
    await CheckTicketAvailability.dispatch({ sourceId: id })
    await recordAudit({
      actorId: actor.id,
      action: 'source.check_now',
      subjectType: 'event_source',
      subjectId: id,
    })
  }
}
