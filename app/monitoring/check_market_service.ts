/**
 * One check of one (event, source) pair: fetch the market through the
 * connector, then write what changed (market_writer). A connector error marks
 * the check failed with its reason and leaves the stored listings as they
 * were. A lock keeps two workers from checking the same pair at once.
 */
import lock from '@adonisjs/lock/services/main'
import db from '@adonisjs/lucid/services/db'
import logger from '@adonisjs/core/services/logger'
import { connectorRuntime } from '#connectors/runtime'
import {
  ConnectorError,
  EventGone,
  InvalidPayload,
  RateLimited,
  SourceBlocked,
  Unavailable,
} from '#connectors/errors'
import { writeMarket, type WriteResult } from '#monitoring/market_writer'
import { marketHash } from '#monitoring/market_hash'
import { checkStamps } from '#monitoring/check_stamps'
import { healthRecorder } from '#monitoring/source_health'
import { recordCheck } from '#monitoring/metrics'
import { intervalFor, type EventStatus } from '#monitoring/check_planner'
import { watchersOf } from '#monitoring/watcher_counts'
import { publishMarketChange } from '#monitoring/live_feed'
import { processOutbox } from '#alerts/alert_service'
import { alertBlockedSource } from '#monitoring/platform_notices'

/**
 * A pair the planner says to stop (the event passed, ended or was
 * cancelled): the source stops being checked, and the event is archived
 * once none of its sources is checked any more.
 */
async function stopChecking(sourceId: number, eventId: number, reason: string, now: Date) {
  await db.transaction(async (trx) => {
    await trx
      .from('event_sources')
      .where('id', sourceId)
      .update({ state: 'ended', state_reason: reason, last_checked_at: now, updated_at: now })
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
  })
}

export type CheckOutcome =
  | { outcome: 'done'; changes: number; statusChanged: WriteResult['statusChanged'] }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; reason: string; error: string }

/** How long a dispatched check holds its claim before another dispatcher may take the pair again. */
export const CLAIM_MS = 120_000
const FAILURE_BASE_MS = 30_000

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

export async function checkSource(sourceId: number, now = new Date()): Promise<CheckOutcome> {
  const checkLock = lock.createLock(`check:source:${sourceId}`, '2 mins')
  const acquired = await checkLock.acquireImmediately()
  if (!acquired) return { outcome: 'skipped', reason: 'another worker is checking this source' }
  try {
    return await runCheck(sourceId, now)
  } finally {
    await checkLock.release()
  }
}

/** Moving average of "this check found a change" over about the last ten checks. */
export function nextVolatility(previous: number, changed: boolean) {
  return previous + 0.1 * ((changed ? 1 : 0) - previous)
}

async function runCheck(sourceId: number, now: Date): Promise<CheckOutcome> {
  const source = await db
    .from('event_sources')
    .join('events', 'events.id', 'event_sources.event_id')
    .where('event_sources.id', sourceId)
    .select(
      'event_sources.id',
      'event_sources.event_id',
      'event_sources.platform_id',
      'event_sources.external_id',
      'event_sources.state',
      'event_sources.consecutive_failures',
      'event_sources.market_hash',
      'event_sources.volatility',
      'events.importance',
      'events.starts_at',
      'events.onsale_at',
      'events.status as event_status'
    )
    .first()
  if (!source) return { outcome: 'skipped', reason: 'source no longer exists' }
  if (source.state !== 'active') return { outcome: 'skipped', reason: `source ${source.state}` }
  const runtime = await connectorRuntime()
  const platform = await runtime.platformById(source.platform_id)
  if (!platform || !platform.enabled) return { outcome: 'skipped', reason: 'platform disabled' }

  const plan = async (status: string, changed: boolean, failures: number) => {
    const volatility = nextVolatility(Number(source.volatility ?? 1 / 3), changed)
    const planned = intervalFor(
      {
        importance: Number(source.importance ?? 3),
        watchers: await watchersOf(source.event_id),
        startsAt: source.starts_at ? new Date(source.starts_at) : null,
        onsaleAt: source.onsale_at ? new Date(source.onsale_at) : null,
        status: status as EventStatus,
        volatility,
        consecutiveFailures: failures,
      },
      now,
      platform.intervalScale ?? 1
    )
    return { volatility, planned }
  }

  const started = performance.now()
  try {
    const connector = runtime.connector(platform.slug)
    const snapshot = await connector.fetchMarket(
      source.external_id,
      await runtime.context(platform, null, `${platform.slug}:${sourceId}`)
    )
    healthRecorder.record(platform.id, 'ok', performance.now() - started, now)
    recordCheck(platform.slug, 'ok', performance.now() - started)
    const hash = marketHash(snapshot)
    if (hash === source.market_hash && Number(source.consecutive_failures) === 0) {
      /** Nothing changed: no diff, no history; the check time is written in a batch. */
      const { volatility, planned } = await plan(snapshot.event.status, false, 0)
      if (planned.intervalMs === null) {
        await stopChecking(sourceId, source.event_id, planned.reason, now)
      } else {
        checkStamps.add(sourceId, {
          checkedAt: now,
          nextCheckAt: new Date(now.getTime() + planned.intervalMs),
          intervalMs: planned.intervalMs,
          volatility,
        })
      }
      return { outcome: 'done', changes: 0, statusChanged: null }
    }
    const written = await writeMarket(
      { id: sourceId, eventId: source.event_id },
      snapshot,
      now,
      hash,
      source.market_hash === null
    )
    const { volatility, planned } = await plan(
      snapshot.event.status,
      written.changes.length > 0 || written.statusChanged !== null,
      0
    )
    if (planned.intervalMs === null) {
      await stopChecking(sourceId, source.event_id, planned.reason, now)
    } else {
      await db
        .from('event_sources')
        .where('id', sourceId)
        .update({
          next_check_at: new Date(now.getTime() + planned.intervalMs),
          check_interval_ms: Math.round(planned.intervalMs),
          volatility,
        })
    }
    if (written.changes.length > 0 || written.statusChanged) {
      if (written.outboxId !== null) {
        try {
          await processOutbox(written.outboxId)
        } catch (error) {
          /** The outbox row stays; the sweep evaluates it again. */
          logger.error({ err: error, sourceId }, 'rule evaluation failed')
        }
      }
      publishMarketChange({
        eventId: source.event_id,
        changes: written.changes.length,
        statusChanged: written.statusChanged,
        lowestPriceMinor: snapshot.summary.min?.amountMinor ?? null,
        currency: snapshot.summary.min?.currency ?? null,
        at: now.toISOString(),
      })
    }
    return {
      outcome: 'done',
      changes: written.changes.length,
      statusChanged: written.statusChanged,
    }
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error
    const kind =
      error instanceof SourceBlocked
        ? 'blocked'
        : error instanceof RateLimited
          ? 'rate_limited'
          : 'failed'
    healthRecorder.record(platform.id, kind, performance.now() - started, now)
    recordCheck(platform.slug, kind, performance.now() - started)
    const failures = Number(source.consecutive_failures) + 1
    const update: Record<string, unknown> = {
      last_checked_at: now,
      last_error: error.message.slice(0, 500),
      consecutive_failures: failures,
      updated_at: now,
    }
    if (error instanceof EventGone) {
      update.state = 'gone'
      update.state_reason = 'the platform no longer has this event'
    } else if (error instanceof SourceBlocked) {
      /** Never retried in a loop (DESIGN §1): paused until an operator looks. */
      update.state = 'blocked'
      update.state_reason = error.reason.slice(0, 500)
      logger.warn(
        { source: platform.slug, sourceId },
        'source blocked, paused for an operator: %s',
        error.reason
      )
      if (error.flagsHost)
        await alertBlockedSource(platform, sourceId, error.reason, now).catch((alertError) =>
          logger.error({ err: alertError, sourceId }, 'could not alert the operators')
        )
    } else {
      const { planned } = await plan(source.event_status, false, failures)
      const retryAfter =
        error instanceof RateLimited || error instanceof Unavailable ? (error.retryAfterMs ?? 0) : 0
      const backoff = planned.intervalMs ?? backoffMs(failures)
      update.next_check_at = new Date(now.getTime() + Math.max(retryAfter, backoff))
      if (
        error instanceof InvalidPayload &&
        shouldLog(`${sourceId}:${error.endpoint}:${error.path}`, now)
      ) {
        logger.warn({ source: platform.slug, sourceId, path: error.path }, error.message)
      }
    }
    await db.from('event_sources').where('id', sourceId).update(update)
    return { outcome: 'failed', reason: error.name, error: error.message }
  }
}
