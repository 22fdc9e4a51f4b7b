/**
 * Checks of (event, source) pairs, a batch at a time: one read of the
 * batch's sources, their markets fetched concurrently through the one
 * transport (its per-platform limits apply), then ONE write transaction for
 * the batch — changed markets (listings, change-only history, the alert
 * outbox row), the check times of unchanged ones (one statement), failures —
 * then the batch's outbox rows evaluated together (rules, alerts,
 * notifications and deliveries in multi-row writes).
 *
 * No lock: the dispatcher's claim (event_sources.claimed_until, set in the
 * one statement that claims the batch) is the lock. A batch run with a claim
 * checks only the pairs that still carry it, and the write clears it, so a
 * job that runs twice, or late after its claim expired and the pair was
 * claimed again, checks nothing twice. A connector error marks that check
 * failed with its reason and leaves its stored listings as they were; the
 * rest of the batch goes on.
 */
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import type { TransactionClientContract } from '@adonisjs/lucid/types/database'
import { connectorRuntime } from '#connectors/runtime'
import {
  ConnectorError,
  EventGone,
  InvalidPayload,
  RateLimited,
  SourceBlocked,
  Unavailable,
} from '#connectors/errors'
import type { MarketSnapshot } from '#connectors/contract'
import type Platform from '#models/platform'
import { writeMarketIn, type WriteResult } from '#monitoring/market_writer'
import { marketHash } from '#monitoring/market_hash'
import { writeStamps, type Stamp } from '#monitoring/check_stamps'
import { healthRecorder } from '#monitoring/source_health'
import { recordCheck } from '#monitoring/metrics'
import { intervalFor, type EventStatus } from '#monitoring/check_planner'
import { watchersOf } from '#monitoring/watcher_counts'
import { publishMarketChange } from '#monitoring/live_feed'
import { processOutboxes } from '#alerts/alert_service'
import { alertBlockedSource } from '#monitoring/platform_notices'
import { isDeadlock, transactionWithRetry } from '#monitoring/write_retry'
import { updateMarketRollups } from '#analytics/event_rollup'

export type CheckOutcome =
  | { outcome: 'done'; changes: number; statusChanged: WriteResult['statusChanged'] }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; reason: string; error: string }

/** How long a dispatched check holds its claim before another dispatcher may take the pair again. */
export const CLAIM_MS = 120_000
const FAILURE_BASE_MS = 30_000
/** Markets of one batch fetched at once (the transport's per-platform limits still apply). */
export const FETCH_CONCURRENCY = 32

/** A payload problem is logged once per source, endpoint and path every 15 minutes. */
const LOG_WINDOW_MS = 15 * 60_000
const lastLogged = new Map<string, number>()
function shouldLog(key: string, now: Date) {
  const last = lastLogged.get(key)
  if (last !== undefined && now.getTime() - last < LOG_WINDOW_MS) return false
  if (lastLogged.size > 10_000) lastLogged.clear()
  lastLogged.set(key, now.getTime())
  return true
}

function backoffMs(failures: number) {
  return Math.min(3_600_000, FAILURE_BASE_MS * 2 ** Math.min(failures, 7))
}

/** Moving average of "this check found a change" over about the last ten checks. */
export function nextVolatility(previous: number, changed: boolean) {
  return previous + 0.1 * ((changed ? 1 : 0) - previous)
}

/** One check, outside any batch (an operator's "check now", tests): a batch of one, no claim. */
export async function checkSource(sourceId: number, now = new Date()): Promise<CheckOutcome> {
  return (await checkSources([sourceId], now)).get(sourceId)!
}

interface SourceRow {
  id: number
  event_id: number
  platform_id: number
  external_id: string
  state: string
  consecutive_failures: number
  market_hash: string | null
  volatility: number | null
  claimed_until: number | string | null
  importance: number | null
  starts_at: unknown
  onsale_at: unknown
  event_status: string
}

interface Check {
  source: SourceRow
  platform: Platform
  watchers: number
  ms: number
  snapshot?: MarketSnapshot
  hash?: string
  error?: Error
}

/** A changed market, as the batch's transaction wrote it (for the rollups, the live feed, the outbox). */
export interface WrittenMarket {
  sourceId: number
  eventId: number
  snapshot: MarketSnapshot
  result: WriteResult
}

function plan(check: Check, status: string, changed: boolean, failures: number, now: Date) {
  const { source, platform } = check
  const volatility = nextVolatility(Number(source.volatility ?? 1 / 3), changed)
  const planned = intervalFor(
    {
      importance: Number(source.importance ?? 3),
      watchers: check.watchers,
      startsAt: source.starts_at ? new Date(source.starts_at as string) : null,
      onsaleAt: source.onsale_at ? new Date(source.onsale_at as string) : null,
      status: status as EventStatus,
      volatility,
      consecutiveFailures: failures,
    },
    now,
    platform.intervalScale ?? 1
  )
  return { volatility, planned }
}

/**
 * A pair the planner says to stop (the event passed, ended or was
 * cancelled): the source stops being checked, and the event is archived
 * once none of its sources is checked any more.
 */
async function stopChecking(
  trx: TransactionClientContract,
  sourceId: number,
  eventId: number,
  reason: string,
  now: Date
) {
  await trx.from('event_sources').where('id', sourceId).update({
    state: 'ended',
    state_reason: reason,
    last_checked_at: now,
    updated_at: now,
    claimed_until: null,
  })
  const stillChecked = await trx
    .from('event_sources')
    .where('event_id', eventId)
    .where('state', 'active')
    .first()
  if (!stillChecked)
    await trx
      .from('events')
      .where('id', eventId)
      .whereNull('archived_at')
      .update({ archived_at: now })
}

async function readSources(ids: number[]) {
  const rows: SourceRow[] = []
  for (let offset = 0; offset < ids.length; offset += 500) {
    rows.push(
      ...(await db
        .from('event_sources')
        .join('events', 'events.id', 'event_sources.event_id')
        .whereIn('event_sources.id', ids.slice(offset, offset + 500))
        .select(
          'event_sources.id',
          'event_sources.event_id',
          'event_sources.platform_id',
          'event_sources.external_id',
          'event_sources.state',
          'event_sources.consecutive_failures',
          'event_sources.market_hash',
          'event_sources.volatility',
          'event_sources.claimed_until',
          'events.importance',
          'events.starts_at',
          'events.onsale_at',
          'events.status as event_status'
        ))
    )
  }
  return rows
}

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0
  const run = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run))
}

function failureKind(error: Error) {
  return error instanceof SourceBlocked
    ? 'blocked'
    : error instanceof RateLimited
      ? 'rate_limited'
      : 'failed'
}

/**
 * Checks a batch of pairs. With `claim`, only the pairs still carrying that
 * claim are checked (the others are reported skipped). Returns each id's
 * outcome.
 */
export async function checkSources(
  ids: number[],
  now = new Date(),
  options: { claim?: number } = {}
): Promise<Map<number, CheckOutcome>> {
  const outcomes = new Map<number, CheckOutcome>()
  const unique = [...new Set(ids)]
  const rows = new Map((await readSources(unique)).map((row) => [Number(row.id), row]))
  const runtime = await connectorRuntime()

  const checks: Check[] = []
  for (const id of unique) {
    const source = rows.get(id)
    if (!source) {
      outcomes.set(id, { outcome: 'skipped', reason: 'source no longer exists' })
      continue
    }
    if (options.claim !== undefined && Number(source.claimed_until) !== options.claim) {
      outcomes.set(id, { outcome: 'skipped', reason: 'claim expired or already checked' })
      continue
    }
    if (source.state !== 'active') {
      outcomes.set(id, { outcome: 'skipped', reason: `source ${source.state}` })
      continue
    }
    const platform = await runtime.platformById(source.platform_id)
    if (!platform || !platform.enabled) {
      outcomes.set(id, { outcome: 'skipped', reason: 'platform disabled' })
      continue
    }
    /** Read before the write transaction: SQLite's one connection is the transaction's then. */
    const watchers = await watchersOf(source.event_id)
    checks.push({ source, platform, watchers, ms: 0 })
  }
  if (checks.length === 0) return outcomes

  /** Fetch: a failing, slow or rate-limited source holds back only itself. */
  await eachLimited(checks, FETCH_CONCURRENCY, async (check) => {
    const { source, platform } = check
    const started = performance.now()
    try {
      const connector = runtime.connector(platform.slug)
      check.snapshot = await connector.fetchMarket(
        source.external_id,
        await runtime.context(platform, null, `${platform.slug}:${source.id}`)
      )
      check.hash = marketHash(check.snapshot)
      check.ms = performance.now() - started
      healthRecorder.record(platform.id, 'ok', check.ms, now)
      recordCheck(platform.slug, 'ok', check.ms)
    } catch (error) {
      check.ms = performance.now() - started
      check.error =
        error instanceof Error ? error : new Error(String(error), { cause: error as unknown })
      if (error instanceof ConnectorError) {
        const kind = failureKind(error)
        healthRecorder.record(platform.id, kind, check.ms, now)
        recordCheck(platform.slug, kind, check.ms)
      } else {
        /** A bug in a connector: that check fails, named, and the batch goes on (logged once per message every 15 minutes). */
        if (shouldLog(`${platform.slug}:${check.error.message}`, now))
          logger.error(
            { err: error, source: platform.slug, sourceId: source.id, event: source.external_id },
            'market check failed'
          )
        recordCheck(platform.slug, 'failed', check.ms)
      }
    }
  })

  /** Rows are written in (event, source) order, the same in every worker's batch: no lock cycles. */
  checks.sort((a, b) => a.source.event_id - b.source.event_id || a.source.id - b.source.id)

  let written: WrittenMarket[] = []
  let blocked: Array<{ check: Check; error: SourceBlocked }> = []
  /**
   * `isolate`: each changed market in a savepoint of its own. The batch is
   * first written without them (two statements less per changed market);
   * if a market cannot be written, the whole batch rolls back and is
   * written again with savepoints, so that market alone fails.
   */
  const writeBatch = (isolate: boolean) =>
    transactionWithRetry(async (trx) => {
      /** A deadlocked attempt is rolled back whole and runs again from here. */
      written = []
      blocked = []
      const stamps: Stamp[] = []
      for (const check of checks) {
        const { source } = check
        if (check.error) {
          await recordFailure(trx, check, check.error, now, blocked, outcomes)
          continue
        }
        const snapshot = check.snapshot!
        if (check.hash === source.market_hash && Number(source.consecutive_failures) === 0) {
          /** Nothing changed: no diff, no history; the check time goes in the batch's one statement. */
          const { volatility, planned } = plan(check, snapshot.event.status, false, 0, now)
          if (planned.intervalMs === null) {
            await stopChecking(trx, source.id, source.event_id, planned.reason, now)
          } else {
            stamps.push({
              sourceId: source.id,
              nextCheckAt: new Date(now.getTime() + planned.intervalMs),
              intervalMs: planned.intervalMs,
              volatility,
            })
          }
          outcomes.set(source.id, { outcome: 'done', changes: 0, statusChanged: null })
          continue
        }
        /** A changed market: its own savepoint, so one that cannot be written leaves nothing of it behind. */
        try {
          const writeOne = async (market: TransactionClientContract) => {
            let stop: string | null = null
            /** The next check time goes in the writer's own UPDATE of the source row. */
            const wrote = await writeMarketIn(
              market,
              { id: source.id, eventId: source.event_id },
              snapshot,
              now,
              check.hash,
              source.market_hash === null,
              (result) => {
                const { volatility, planned } = plan(
                  check,
                  snapshot.event.status,
                  result.changes.length > 0 || result.statusChanged !== null,
                  0,
                  now
                )
                if (planned.intervalMs === null) {
                  stop = planned.reason
                  return { claimed_until: null }
                }
                return {
                  next_check_at: new Date(now.getTime() + planned.intervalMs),
                  check_interval_ms: Math.round(planned.intervalMs),
                  volatility,
                  claimed_until: null,
                }
              },
              /** Without savepoints the batch's rollups are written together, after its markets. */
              { deferRollups: !isolate }
            )
            if (stop !== null) await stopChecking(market, source.id, source.event_id, stop, now)
            return wrote
          }
          const result = isolate ? await trx.transaction(writeOne) : await writeOne(trx)
          written.push({ sourceId: source.id, eventId: source.event_id, snapshot, result })
          outcomes.set(source.id, {
            outcome: 'done',
            changes: result.changes.length,
            statusChanged: result.statusChanged,
          })
        } catch (error) {
          if (isDeadlock(error) || !isolate) throw error
          const named = new Error(
            `${check.platform.slug}: event ${source.external_id}: market not written: ${(error as Error).message}`,
            { cause: error }
          )
          logger.error(
            { err: error, source: check.platform.slug, sourceId: source.id },
            named.message
          )
          await recordFailure(trx, check, named, now, blocked, outcomes)
        }
      }
      await writeStamps(trx, stamps, now)
      /**
       * What is derived from the changed markets goes in this same
       * transaction, batch-wide, with `written` holding the batch's markets
       * in (event, source) order: the market rollups of those whose listings
       * changed, in one set of statements (with savepoints, each market
       * wrote its own inside its savepoint).
       */
      if (!isolate) {
        await updateMarketRollups(
          trx,
          written
            .filter((market) => market.result.changes.length > 0)
            .map((market) => ({ id: market.sourceId, eventId: market.eventId })),
          now
        )
      }
    })
  try {
    await writeBatch(false)
  } catch (error) {
    if (isDeadlock(error)) throw error
    await writeBatch(true)
  }

  for (const { check, error } of blocked) {
    if (error.flagsHost)
      await alertBlockedSource(check.platform, check.source.id, error.reason, now).catch(
        (alertError) =>
          logger.error(
            { err: alertError, sourceId: check.source.id },
            'could not alert the operators'
          )
      )
  }

  const outboxIds = written
    .map((market) => market.result.outboxId)
    .filter((id): id is number => id !== null)
  if (outboxIds.length > 0) {
    try {
      await processOutboxes(outboxIds)
    } catch (error) {
      /** The outbox rows stay; the sweep evaluates them again. */
      logger.error({ err: error, outboxIds: outboxIds.length }, 'rule evaluation failed')
    }
  }
  for (const { eventId, snapshot, result } of written) {
    if (result.changes.length === 0 && !result.statusChanged) continue
    publishMarketChange({
      eventId,
      changes: result.changes.length,
      statusChanged: result.statusChanged,
      lowestPriceMinor: snapshot.summary.min?.amountMinor ?? null,
      currency: snapshot.summary.min?.currency ?? null,
      at: now.toISOString(),
    })
  }
  return outcomes
}

/** A failed check: its reason on the source, the next try backed off; its listings untouched. */
async function recordFailure(
  trx: TransactionClientContract,
  check: Check,
  error: Error,
  now: Date,
  blocked: Array<{ check: Check; error: SourceBlocked }>,
  outcomes: Map<number, CheckOutcome>
) {
  const { source, platform } = check
  const failures = Number(source.consecutive_failures) + 1
  const update: Record<string, unknown> = {
    last_checked_at: now,
    last_error: error.message.slice(0, 500),
    consecutive_failures: failures,
    updated_at: now,
    claimed_until: null,
  }
  if (error instanceof EventGone) {
    update.state = 'gone'
    update.state_reason = 'the platform no longer has this event'
  } else if (error instanceof SourceBlocked) {
    /** Never retried in a loop (DESIGN §1): paused until an operator looks. */
    update.state = 'blocked'
    update.state_reason = error.reason.slice(0, 500)
    logger.warn(
      { source: platform.slug, sourceId: source.id },
      'source blocked, paused for an operator: %s',
      error.reason
    )
    blocked.push({ check, error })
  } else {
    const { planned } = plan(check, source.event_status, false, failures, now)
    const retryAfter =
      error instanceof RateLimited || error instanceof Unavailable ? (error.retryAfterMs ?? 0) : 0
    const backoff = planned.intervalMs ?? backoffMs(failures)
    update.next_check_at = new Date(now.getTime() + Math.max(retryAfter, backoff))
    if (
      error instanceof InvalidPayload &&
      shouldLog(`${source.id}:${error.endpoint}:${error.path}`, now)
    ) {
      logger.warn({ source: platform.slug, sourceId: source.id, path: error.path }, error.message)
    }
  }
  await trx.from('event_sources').where('id', source.id).update(update)
  outcomes.set(source.id, {
    outcome: 'failed',
    reason: error instanceof ConnectorError ? error.name : 'Error',
    error: error.message,
  })
}
