/**
 * The demo's past: played games of the demo's league, between its own
 * teams, with a simulated price history each (about 60 days of listings
 * appearing, moving and selling before the game), so that on the first
 * start every analytics chart has something to show — buy now or wait, the
 * days-before-event curve, the weekly trend. Labelled as demo data: each
 * event's name ends in "(demo history)" and its source is the sandbox,
 * paused, so nothing is ever checked for it.
 *
 * Deterministic (seeded), idempotent (a second run finds its events and
 * does nothing), written with multi-row inserts. Its own module so that
 * other demo seeding (deal scores, price bands) can reuse it.
 */
import db from '@adonisjs/lucid/services/db'
import { insertReturningId } from '#purchasing/sql'
import { mulberry32 } from '#sandbox/random'

const DAY = 86_400_000
export const DEMO_HISTORY_LABEL = '(demo history)'
const EXTERNAL_PREFIX = 'demo-history-'

export interface PlayedEventsOptions {
  platformId: number
  league: string
  teams: string[]
  /** How many played games (default 40: enough to hold some back for the advice's backtest), over the last `spanDays` (default 150) */
  count?: number
  spanDays?: number
  now?: Date
  seed?: number
}

export async function seedPlayedEvents(options: PlayedEventsOptions) {
  /** Once per league: each league's played games are its own comparables */
  const existing = await db
    .from('event_sources')
    .join('events', 'events.id', 'event_sources.event_id')
    .where('event_sources.platform_id', options.platformId)
    .where('event_sources.external_id', 'like', `${EXTERNAL_PREFIX}%`)
    .where('events.league', options.league)
    .count('* as total')
    .first()
  if (Number(existing?.total ?? 0) > 0) return { events: 0, changes: 0 }
  const teams = options.teams.length >= 2 ? options.teams : ['Home', 'Away']
  const now = (options.now ?? new Date()).getTime()
  const count = options.count ?? 40
  const spanDays = options.spanDays ?? 150
  const random = mulberry32(options.seed ?? 2024)

  let events = 0
  let changes = 0
  for (let index = 0; index < count; index++) {
    const home = teams[index % teams.length]
    const away = teams[(index + 1 + Math.floor(random() * (teams.length - 1))) % teams.length]
    const startsAt = now - Math.round(((index + 0.5) / count) * spanDays * DAY) - DAY
    const created = new Date(startsAt - 70 * DAY)
    const event = await insertReturningId(db.connection(), 'events', {
      name: `${away === home ? teams[(index + 1) % teams.length] : away} at ${home} ${DEMO_HISTORY_LABEL}`,
      sport: 'Hockey',
      league: options.league,
      home_team: home,
      away_team: away === home ? teams[(index + 1) % teams.length] : away,
      venue: `${home} Arena`,
      city: null,
      country: 'US',
      starts_at: new Date(startsAt),
      timezone: 'UTC',
      date_tbd: false,
      status: 'ended',
      onsale_at: new Date(startsAt - 65 * DAY),
      importance: 1,
      archived_at: new Date(startsAt + DAY),
      created_at: created,
      updated_at: new Date(now),
    })
    const source = await insertReturningId(db.connection(), 'event_sources', {
      event_id: event,
      platform_id: options.platformId,
      external_id: `${EXTERNAL_PREFIX}${event}`,
      state: 'paused',
      state_reason: 'Played game of the demo history: never checked',
      currency: 'USD',
      created_at: created,
      updated_at: new Date(now),
    })

    /**
     * 18 listings appear over the first weeks; prices drift (some games get
     * dearer towards the day, most cheaper), a share sells out before it.
     */
    const begin = startsAt - 60 * DAY
    const base = 6_000 + Math.floor(random() * 9_000)
    const drift = random() < 0.35 ? 0.25 : -0.3
    const listingRows: Record<string, unknown>[] = []
    const history: Array<{ listing: number; rows: Record<string, unknown>[] }> = []
    for (let l = 0; l < 18; l++) {
      const appeared = begin + Math.floor(random() * 20 * DAY)
      const quantity = 2 + Math.floor(random() * 6)
      let price = Math.round(base * (0.7 + random() * 0.9))
      const rows: Record<string, unknown>[] = [
        {
          kind: 'appeared',
          old_price_minor: null,
          new_price_minor: price,
          old_quantity: null,
          new_quantity: quantity,
          observed_at: new Date(appeared),
        },
      ]
      let at = appeared
      let status = 'available'
      while (true) {
        at += Math.floor((3 + random() * 6) * DAY)
        if (at >= startsAt - DAY / 2) break
        if (random() < 0.06) {
          rows.push({
            kind: 'gone',
            old_price_minor: price,
            new_price_minor: null,
            old_quantity: quantity,
            new_quantity: null,
            observed_at: new Date(at),
          })
          status = 'gone'
          break
        }
        const progress = (at - begin) / (startsAt - begin)
        const next = Math.max(
          1_000,
          Math.round(price * (1 + (drift * progress) / 6 + (random() - 0.5) * 0.08))
        )
        if (next === price) continue
        rows.push({
          kind: 'price_changed',
          old_price_minor: price,
          new_price_minor: next,
          old_quantity: quantity,
          new_quantity: quantity,
          observed_at: new Date(at),
        })
        price = next
      }
      listingRows.push({
        event_source_id: source,
        event_id: event,
        external_id: `${EXTERNAL_PREFIX}${event}-${l}`,
        section: String(101 + Math.floor(random() * 30)),
        row: String.fromCharCode(65 + Math.floor(random() * 20)),
        quantity,
        splits: JSON.stringify([2, quantity].filter((n, i, all) => all.indexOf(n) === i)),
        price_minor: price,
        price_with_fees_minor: null,
        currency: 'USD',
        format: 'Eticket',
        in_hand: true,
        status,
        first_seen_at: new Date(appeared),
        last_changed_at: rows[rows.length - 1].observed_at,
      })
      history.push({ listing: l, rows })
    }
    await db.table('listings').multiInsert(listingRows)
    const stored = await db
      .from('listings')
      .where('event_source_id', source)
      .select('id', 'external_id')
    const idOf = new Map(stored.map((row) => [row.external_id, Number(row.id)]))
    const changeRows = history.flatMap(({ listing, rows }) =>
      rows.map((row) => ({
        ...row,
        listing_id: idOf.get(`${EXTERNAL_PREFIX}${event}-${listing}`),
        event_id: event,
        event_source_id: source,
        currency: 'USD',
      }))
    )
    for (let offset = 0; offset < changeRows.length; offset += 200)
      await db.table('listing_changes').multiInsert(changeRows.slice(offset, offset + 200))
    events++
    changes += changeRows.length
  }
  return { events, changes }
}
