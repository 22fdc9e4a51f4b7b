/**
 * Platform notices: what an operator should see on the source health page
 * that is no single source's state. A host that answered with a challenge
 * page while an event was being added (no source row exists yet), a search
 * page that contradicted itself. One row per (platform, kind, subject),
 * counted and timestamped; the health page lists the recent ones.
 */
import db from '@adonisjs/lucid/services/db'
import { isoTime } from '#purchasing/sql'
import { alertOperators } from '#alerts/operator_alerts'

export type NoticeKind = 'challenge_page' | 'inconsistent_page'

export interface Notice {
  platformId: number
  kind: NoticeKind
  /** The host, or the search */
  subject: string
  detail: string
}

export async function recordNotice(notice: Notice, now = new Date()): Promise<void> {
  const row = {
    platform_id: notice.platformId,
    kind: notice.kind,
    subject: notice.subject.slice(0, 191),
    detail: notice.detail.slice(0, 500),
    occurrences: 1,
    first_seen_at: now,
    last_seen_at: now,
  }
  await db
    .table('platform_notices')
    .insert(row)
    .onConflict(['platform_id', 'kind', 'subject'])
    .merge({
      detail: row.detail,
      last_seen_at: now,
      occurrences: db.raw('platform_notices.occurrences + 1'),
    })
}

/**
 * A challenge page (CAPTCHA, bot check, login wall) met where no source row
 * can carry it: the host is flagged on the source health page and the
 * operators get a system_alert, as a blocked scheduled check gets. Nothing
 * is retried and nothing is worked around (DESIGN §1).
 */
export async function reportChallenge(
  platform: { id: number; slug: string },
  host: string,
  reason: string,
  now = new Date()
): Promise<void> {
  await recordNotice(
    { platformId: platform.id, kind: 'challenge_page', subject: host, detail: reason },
    now
  )
  await alertOperators(
    {
      condition: 'source_blocked',
      subject: `${platform.slug}:${host}`,
      source: platform.slug,
      text: `${host} answered with a challenge page (${reason}); HDTickets does not work around it. Adding events from this host will fail until it lets HDTickets in.`,
      figures: { host },
    },
    now
  )
}

/** Notices seen in the last `days` days, newest first, for the health page. */
export async function recentNotices(now = new Date(), days = 7) {
  const rows = await db
    .from('platform_notices')
    .join('platforms', 'platforms.id', 'platform_notices.platform_id')
    .where('platform_notices.last_seen_at', '>=', new Date(now.getTime() - days * 86_400_000))
    .orderBy('platform_notices.last_seen_at', 'desc')
    .limit(50)
    .select('platform_notices.*', 'platforms.name as platform_name')
  return rows.map((row) => ({
    id: Number(row.id),
    platformId: Number(row.platform_id),
    platformName: String(row.platform_name),
    kind: row.kind as NoticeKind,
    subject: String(row.subject),
    detail: String(row.detail),
    occurrences: Number(row.occurrences),
    firstSeenAt: isoTime(row.first_seen_at),
    lastSeenAt: isoTime(row.last_seen_at),
  }))
}

/** A scheduled check met a challenge: the source is paused (by the check) and the operators are told. */
export async function alertBlockedSource(
  platform: { slug: string },
  sourceId: number,
  reason: string,
  now = new Date()
): Promise<void> {
  await alertOperators(
    {
      condition: 'source_blocked',
      subject: `${platform.slug}:source:${sourceId}`,
      source: platform.slug,
      text: `Source #${sourceId} on ${platform.slug} is blocked and paused until someone looks: ${reason}`,
      figures: { sourceId },
    },
    now
  )
}
