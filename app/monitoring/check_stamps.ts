/**
 * Check times of a batch's unchanged checks, in one UPDATE per 500 pairs
 * (a CASE per column) inside the batch's write transaction, instead of one
 * UPDATE per check. The statement also clears each pair's claim.
 */
import type { QueryClientContract } from '@adonisjs/lucid/types/database'

export interface Stamp {
  sourceId: number
  nextCheckAt: Date
  intervalMs: number
  volatility: number
}

/** PostgreSQL types a CASE's parameters as text unless told. */
function casts(client: QueryClientContract) {
  return client.dialect.name === 'postgres'
    ? { time: '::timestamptz', int: '::integer', real: '::double precision' }
    : { time: '', int: '', real: '' }
}

export async function writeStamps(client: QueryClientContract, stamps: Stamp[], checkedAt: Date) {
  const cast = casts(client)
  const sorted = [...stamps].sort((a, b) => a.sourceId - b.sourceId)
  for (let offset = 0; offset < sorted.length; offset += 500) {
    const chunk = sorted.slice(offset, offset + 500)
    const whens = (placeholder: string) =>
      `CASE id ${chunk.map(() => `WHEN ? THEN ?${placeholder}`).join(' ')} END`
    const bindings: Array<number | Date> = []
    for (const stamp of chunk) bindings.push(stamp.sourceId, stamp.nextCheckAt)
    for (const stamp of chunk) bindings.push(stamp.sourceId, Math.round(stamp.intervalMs))
    for (const stamp of chunk) bindings.push(stamp.sourceId, stamp.volatility)
    await client
      .from('event_sources')
      .whereIn(
        'id',
        chunk.map((stamp) => stamp.sourceId)
      )
      .update({
        next_check_at: client.raw(whens(cast.time), bindings.slice(0, chunk.length * 2)),
        check_interval_ms: client.raw(
          whens(cast.int),
          bindings.slice(chunk.length * 2, chunk.length * 4)
        ),
        volatility: client.raw(whens(cast.real), bindings.slice(chunk.length * 4)),
        last_checked_at: checkedAt,
        last_success_at: checkedAt,
        consecutive_failures: 0,
        last_error: null,
        claimed_until: null,
      })
  }
}
