/**
 * A seeded, deterministic ticket market for the sandbox exchange. Pure: all
 * randomness comes from one mulberry32 stream, all time from the `now` passed
 * in. The same seed and the same sequence of calls (`tick(now)`, `applyOrder`,
 * the mutation helpers) always give the same market.
 *
 * Money is integer cents (USD) everywhere in here; the exchange server renders
 * decimals the way Ticket Evolution does.
 */
import { zoneOffsetMinutes } from '#connectors/ticketevolution/normalise'
import { mulberry32 } from '#sandbox/random'

export type SimEventState = 'shown' | 'postponed' | 'canceled'
export type SplitRule = 'any' | 'pairs' | 'whole' | 'no_single_left'

export interface SimVenue {
  id: number
  name: string
  city: string
  region: string
  country: string
  timeZone: string
}

export interface SimEvent {
  id: number
  name: string
  homeTeam: string
  awayTeam: string
  sport: string
  league: string
  venue: SimVenue
  /** Real instant of the start */
  startsAtMs: number
  /** Venue-local wall time, e.g. 2026-06-24T19:10:00 */
  localWallTime: string
  /** Offset of the venue at the start, e.g. -07:00 */
  utcOffset: string
  state: SimEventState
  /** Listings appear from this instant on */
  onSaleAtMs: number
  onSale: boolean
  /** Bumped on every change to the event or its listings */
  version: number
  updatedAtMs: number
}

export interface SimListing {
  id: number
  eventId: number
  section: string
  row: string
  quantity: number
  available: number
  splitRule: SplitRule
  splits: number[]
  retailCents: number
  wholesaleCents: number
  format: 'Eticket' | 'TM_mobile' | 'Physical' | 'Flash_seats'
  inHand: boolean
  inHandDate: string | null
  publicNotes: string | null
}

export interface SimulatorConfig {
  seed: number
  /** The simulation's clock at creation (pure: never read from the system) */
  startMs: number
  events: number
  /** Target listings per on-sale event */
  listingsPerEvent: number
  /** Random market changes per simulated second, across the whole market */
  changesPerSecond: number
  /** Fraction of events that go on sale later (within `onSaleWithinMs`) */
  preSaleFraction: number
  onSaleWithinMs: number
  /** Upper bound on changes applied by one `tick` (a long pause does not stall the caller) */
  maxStepsPerTick: number
}

export const DEFAULT_SIMULATOR_CONFIG: Omit<SimulatorConfig, 'startMs'> = {
  seed: 42,
  events: 50,
  listingsPerEvent: 40,
  changesPerSecond: 20,
  preSaleFraction: 0.1,
  onSaleWithinMs: 10 * 60_000,
  maxStepsPerTick: 100_000,
}

interface League {
  sport: string
  league: string
  basePriceCents: number
  teams: Array<{ name: string; venue: Omit<SimVenue, 'id'> }>
  startTimes: string[]
}

const LEAGUES: League[] = [
  {
    sport: 'Basketball',
    league: 'NBA',
    basePriceCents: 9_000,
    startTimes: ['19:00', '19:30', '20:00'],
    teams: [
      {
        name: 'Phoenix Suns',
        venue: {
          name: 'Footprint Center',
          city: 'Phoenix',
          region: 'AZ',
          country: 'US',
          timeZone: 'America/Phoenix',
        },
      },
      {
        name: 'Boston Celtics',
        venue: {
          name: 'TD Garden',
          city: 'Boston',
          region: 'MA',
          country: 'US',
          timeZone: 'America/New_York',
        },
      },
      {
        name: 'Chicago Bulls',
        venue: {
          name: 'United Center',
          city: 'Chicago',
          region: 'IL',
          country: 'US',
          timeZone: 'America/Chicago',
        },
      },
      {
        name: 'Denver Nuggets',
        venue: {
          name: 'Ball Arena',
          city: 'Denver',
          region: 'CO',
          country: 'US',
          timeZone: 'America/Denver',
        },
      },
      {
        name: 'Golden State Warriors',
        venue: {
          name: 'Chase Center',
          city: 'San Francisco',
          region: 'CA',
          country: 'US',
          timeZone: 'America/Los_Angeles',
        },
      },
      {
        name: 'Toronto Raptors',
        venue: {
          name: 'Scotiabank Arena',
          city: 'Toronto',
          region: 'ON',
          country: 'CA',
          timeZone: 'America/Toronto',
        },
      },
    ],
  },
  {
    sport: 'Baseball',
    league: 'MLB',
    basePriceCents: 4_500,
    startTimes: ['13:05', '18:40', '19:10'],
    teams: [
      {
        name: 'Arizona Diamondbacks',
        venue: {
          name: 'Chase Field',
          city: 'Phoenix',
          region: 'AZ',
          country: 'US',
          timeZone: 'America/Phoenix',
        },
      },
      {
        name: 'Philadelphia Phillies',
        venue: {
          name: 'Citizens Bank Park',
          city: 'Philadelphia',
          region: 'PA',
          country: 'US',
          timeZone: 'America/New_York',
        },
      },
      {
        name: 'Chicago Cubs',
        venue: {
          name: 'Wrigley Field',
          city: 'Chicago',
          region: 'IL',
          country: 'US',
          timeZone: 'America/Chicago',
        },
      },
      {
        name: 'Seattle Mariners',
        venue: {
          name: 'T-Mobile Park',
          city: 'Seattle',
          region: 'WA',
          country: 'US',
          timeZone: 'America/Los_Angeles',
        },
      },
      {
        name: 'Colorado Rockies',
        venue: {
          name: 'Coors Field',
          city: 'Denver',
          region: 'CO',
          country: 'US',
          timeZone: 'America/Denver',
        },
      },
    ],
  },
  {
    sport: 'Football',
    league: 'NFL',
    basePriceCents: 16_000,
    startTimes: ['13:00', '16:25', '20:20'],
    teams: [
      {
        name: 'Kansas City Chiefs',
        venue: {
          name: 'GEHA Field at Arrowhead Stadium',
          city: 'Kansas City',
          region: 'MO',
          country: 'US',
          timeZone: 'America/Chicago',
        },
      },
      {
        name: 'Green Bay Packers',
        venue: {
          name: 'Lambeau Field',
          city: 'Green Bay',
          region: 'WI',
          country: 'US',
          timeZone: 'America/Chicago',
        },
      },
      {
        name: 'Dallas Cowboys',
        venue: {
          name: 'AT&T Stadium',
          city: 'Arlington',
          region: 'TX',
          country: 'US',
          timeZone: 'America/Chicago',
        },
      },
      {
        name: 'New York Giants',
        venue: {
          name: 'MetLife Stadium',
          city: 'East Rutherford',
          region: 'NJ',
          country: 'US',
          timeZone: 'America/New_York',
        },
      },
    ],
  },
  {
    sport: 'Hockey',
    league: 'NHL',
    basePriceCents: 7_500,
    startTimes: ['19:00', '19:30'],
    teams: [
      {
        name: 'Vegas Golden Knights',
        venue: {
          name: 'T-Mobile Arena',
          city: 'Las Vegas',
          region: 'NV',
          country: 'US',
          timeZone: 'America/Los_Angeles',
        },
      },
      {
        name: 'Montreal Canadiens',
        venue: {
          name: 'Bell Centre',
          city: 'Montreal',
          region: 'QC',
          country: 'CA',
          timeZone: 'America/Toronto',
        },
      },
      {
        name: 'New York Rangers',
        venue: {
          name: 'Madison Square Garden',
          city: 'New York',
          region: 'NY',
          country: 'US',
          timeZone: 'America/New_York',
        },
      },
      {
        name: 'Edmonton Oilers',
        venue: {
          name: 'Rogers Place',
          city: 'Edmonton',
          region: 'AB',
          country: 'CA',
          timeZone: 'America/Edmonton',
        },
      },
    ],
  },
  {
    sport: 'Soccer',
    league: 'MLS',
    basePriceCents: 3_800,
    startTimes: ['19:30', '17:00'],
    teams: [
      {
        name: 'Seattle Sounders FC',
        venue: {
          name: 'Lumen Field',
          city: 'Seattle',
          region: 'WA',
          country: 'US',
          timeZone: 'America/Los_Angeles',
        },
      },
      {
        name: 'LA Galaxy',
        venue: {
          name: 'Dignity Health Sports Park',
          city: 'Carson',
          region: 'CA',
          country: 'US',
          timeZone: 'America/Los_Angeles',
        },
      },
      {
        name: 'Atlanta United FC',
        venue: {
          name: 'Mercedes-Benz Stadium',
          city: 'Atlanta',
          region: 'GA',
          country: 'US',
          timeZone: 'America/New_York',
        },
      },
      {
        name: 'CF Montréal',
        venue: {
          name: 'Stade Saputo',
          city: 'Montreal',
          region: 'QC',
          country: 'CA',
          timeZone: 'America/Toronto',
        },
      },
    ],
  },
]

const TIERS = [
  { prefix: '', from: 101, to: 130, multiplier: 2.0, rows: 'numbers' as const },
  { prefix: '', from: 201, to: 230, multiplier: 1.2, rows: 'numbers' as const },
  { prefix: '', from: 301, to: 330, multiplier: 0.7, rows: 'numbers' as const },
  { prefix: 'Floor ', from: 1, to: 6, multiplier: 4.0, rows: 'letters' as const },
]
const FORMATS: Array<[SimListing['format'], number]> = [
  ['Eticket', 0.5],
  ['TM_mobile', 0.25],
  ['Physical', 0.2],
  ['Flash_seats', 0.05],
]
const NOTES = [
  'Aisle seats',
  'Obstructed view',
  'Includes parking pass',
  'Side view',
  'Mobile entry only',
]
const QUANTITIES = [1, 2, 2, 2, 2, 3, 4, 4, 4, 5, 6, 6, 8, 10, 12]
const DAY_MS = 86_400_000
const FIRST_EVENT_ID = 2_000_001
const FIRST_LISTING_ID = 600_000_001
export const MIN_PRICE_CENTS = 500

/** Purchasable quantities for `available` tickets under a seller's split rule. */
export function splitsFor(rule: SplitRule, available: number): number[] {
  if (available <= 0) return []
  const out: number[] = []
  switch (rule) {
    case 'any':
      for (let q = 1; q <= available; q++) out.push(q)
      break
    case 'pairs':
      for (let q = 2; q <= available; q += 2) out.push(q)
      break
    case 'whole':
      out.push(available)
      break
    case 'no_single_left':
      for (let q = 1; q <= available; q++) if (available - q !== 1) out.push(q)
      break
  }
  return out.length > 0 ? out : [available]
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Sets an event's start from a venue-local wall time (`YYYY-MM-DDTHH:mm:ss`). */
function setStart(event: SimEvent, wallTime: string): void {
  const naive = Date.parse(`${wallTime}Z`)
  let offset = zoneOffsetMinutes(event.venue.timeZone, naive)
  offset = zoneOffsetMinutes(event.venue.timeZone, naive - offset * 60_000)
  event.localWallTime = wallTime
  event.utcOffset = formatOffset(offset)
  event.startsAtMs = naive - offset * 60_000
}

export type OrderOutcome =
  | { ok: true; listing: SimListing; event: SimEvent }
  | {
      ok: false
      code: 'listing_not_found' | 'event_not_shown' | 'insufficient_quantity' | 'invalid_split'
      message: string
    }

export interface TickResult {
  steps: number
  /** Ids of events changed by this tick (sorted, unique) */
  changedEvents: number[]
}

export default class MarketSimulator {
  readonly config: SimulatorConfig
  readonly #random: () => number
  readonly #events: SimEvent[] = []
  readonly #eventsById = new Map<number, SimEvent>()
  readonly #listings = new Map<number, SimListing[]>()
  readonly #listingsById = new Map<number, SimListing>()
  /** Events not yet on sale, by on-sale time ascending */
  #pending: SimEvent[] = []
  #nextListingId = FIRST_LISTING_ID
  #nowMs: number
  #carry = 0
  #version = 0

  constructor(config: Partial<SimulatorConfig> & { startMs: number }) {
    this.config = { ...DEFAULT_SIMULATOR_CONFIG, ...config }
    if (!Number.isSafeInteger(this.config.events) || this.config.events < 0)
      throw new RangeError('events must be a non-negative integer')
    if (!(this.config.listingsPerEvent >= 0)) throw new RangeError('listingsPerEvent must be >= 0')
    if (!(this.config.changesPerSecond >= 0)) throw new RangeError('changesPerSecond must be >= 0')
    this.#random = mulberry32(this.config.seed)
    this.#nowMs = this.config.startMs
    for (let i = 0; i < this.config.events; i++) this.#createEvent(FIRST_EVENT_ID + i)
    this.#pending.sort((a, b) => a.onSaleAtMs - b.onSaleAtMs || a.id - b.id)
  }

  get nowMs(): number {
    return this.#nowMs
  }

  /** Bumped on every change anywhere in the market */
  get version(): number {
    return this.#version
  }

  events(): readonly SimEvent[] {
    return this.#events
  }

  event(id: number): SimEvent | undefined {
    return this.#eventsById.get(id)
  }

  /** Listings of an event that are offered now (on sale, not sold out) */
  listings(eventId: number): readonly SimListing[] {
    return this.#listings.get(eventId) ?? []
  }

  /** A new game announced (tests and the demo: what follow rules' discovery finds). */
  addEvent(): SimEvent {
    const id = FIRST_EVENT_ID + this.#events.length
    this.#createEvent(id)
    this.#pending.sort((a, b) => a.onSaleAtMs - b.onSaleAtMs || a.id - b.id)
    this.#version++
    return this.#eventsById.get(id)!
  }

  listing(id: number): SimListing | undefined {
    return this.#listingsById.get(id)
  }

  /** Advances the market to `nowMs`: on-sales due, then `changesPerSecond` random changes per elapsed second. */
  tick(nowMs: number): TickResult {
    const changed = new Set<number>()
    if (nowMs <= this.#nowMs) return { steps: 0, changedEvents: [] }
    const elapsedS = (nowMs - this.#nowMs) / 1000
    this.#nowMs = nowMs
    while (this.#pending.length > 0 && this.#pending[0].onSaleAtMs <= nowMs) {
      const event = this.#pending.shift()!
      this.#goOnSale(event)
      changed.add(event.id)
    }
    const exact = this.#carry + elapsedS * this.config.changesPerSecond
    let steps = Math.floor(exact)
    this.#carry = exact - steps
    steps = Math.min(steps, this.config.maxStepsPerTick)
    for (let i = 0; i < steps; i++) {
      const id = this.#step()
      if (id !== null) changed.add(id)
    }
    return { steps, changedEvents: [...changed].sort((a, b) => a - b) }
  }

  /** Sells `quantity` tickets of a listing, enforcing availability and splits. */
  applyOrder(listingId: number, quantity: number): OrderOutcome {
    const listing = this.#listingsById.get(listingId)
    if (!listing)
      return {
        ok: false,
        code: 'listing_not_found',
        message: `ticket group ${listingId} is not available`,
      }
    const event = this.#eventsById.get(listing.eventId)!
    if (event.state !== 'shown') {
      return { ok: false, code: 'event_not_shown', message: `event ${event.id} is ${event.state}` }
    }
    if (!Number.isSafeInteger(quantity) || quantity < 1 || quantity > listing.available) {
      return {
        ok: false,
        code: 'insufficient_quantity',
        message: `only ${listing.available} available`,
      }
    }
    if (!listing.splits.includes(quantity)) {
      return {
        ok: false,
        code: 'invalid_split',
        message: `allowed quantities are ${listing.splits.join(', ')}`,
      }
    }
    this.#sell(listing, quantity)
    return { ok: true, listing, event }
  }

  // ---- mutation helpers for tests and the admin hook (deterministic, no randomness) ----

  setPrice(listingId: number, retailCents: number): SimListing {
    const listing = this.#mustListing(listingId)
    if (!Number.isSafeInteger(retailCents) || retailCents <= 0)
      throw new RangeError('retailCents must be a positive integer')
    listing.retailCents = retailCents
    listing.wholesaleCents = Math.max(1, Math.round(retailCents * 0.88))
    this.#touch(listing.eventId)
    return listing
  }

  setAvailable(listingId: number, available: number): SimListing {
    const listing = this.#mustListing(listingId)
    if (!Number.isSafeInteger(available) || available < 0)
      throw new RangeError('available must be a non-negative integer')
    if (available === 0) {
      this.#remove(listing)
    } else {
      listing.available = available
      listing.quantity = Math.max(listing.quantity, available)
      listing.splits = splitsFor(listing.splitRule, available)
    }
    this.#touch(listing.eventId)
    return listing
  }

  setSplitRule(listingId: number, rule: SplitRule): SimListing {
    const listing = this.#mustListing(listingId)
    listing.splitRule = rule
    listing.splits = splitsFor(rule, listing.available)
    this.#touch(listing.eventId)
    return listing
  }

  setState(eventId: number, state: SimEventState): SimEvent {
    const event = this.#eventsById.get(eventId)
    if (!event) throw new RangeError(`no event ${eventId}`)
    event.state = state
    if (state === 'canceled') for (const l of [...this.listings(eventId)]) this.#remove(l)
    this.#touch(eventId)
    return event
  }

  addListing(
    eventId: number,
    fields: Partial<
      Pick<SimListing, 'section' | 'row' | 'retailCents' | 'format' | 'publicNotes' | 'splitRule'>
    > & {
      quantity?: number
    } = {}
  ): SimListing {
    const event = this.#eventsById.get(eventId)
    if (!event) throw new RangeError(`no event ${eventId}`)
    const quantity = fields.quantity ?? 4
    const rule = fields.splitRule ?? 'any'
    const retail = fields.retailCents ?? 10_000
    const listing: SimListing = {
      id: this.#nextListingId++,
      eventId,
      section: fields.section ?? '101',
      row: fields.row ?? '1',
      quantity,
      available: quantity,
      splitRule: rule,
      splits: splitsFor(rule, quantity),
      retailCents: retail,
      wholesaleCents: Math.max(1, Math.round(retail * 0.88)),
      format: fields.format ?? 'Eticket',
      inHand: true,
      inHandDate: null,
      publicNotes: fields.publicNotes ?? null,
    }
    this.#insert(listing)
    event.onSale = true
    this.#pending = this.#pending.filter((e) => e.id !== eventId)
    this.#touch(eventId)
    return listing
  }

  removeListing(listingId: number): void {
    const listing = this.#mustListing(listingId)
    this.#remove(listing)
    this.#touch(listing.eventId)
  }

  // ---- internals ----

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]
  }

  #int(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1))
  }

  #touch(eventId: number): void {
    const event = this.#eventsById.get(eventId)
    if (!event) return
    event.version++
    event.updatedAtMs = this.#nowMs
    this.#version++
  }

  #mustListing(id: number): SimListing {
    const listing = this.#listingsById.get(id)
    if (!listing) throw new RangeError(`no listing ${id}`)
    return listing
  }

  #createEvent(id: number): void {
    const league = this.#pick(LEAGUES)
    const home = this.#pick(league.teams)
    let away = this.#pick(league.teams)
    while (away === home) away = this.#pick(league.teams)
    const dayOffset = this.#int(1, 120)
    const tbd = this.#random() < 0.03
    const clock = tbd ? '00:00' : this.#pick(league.startTimes)
    const day = new Date(this.config.startMs + dayOffset * DAY_MS).toISOString().slice(0, 10)
    const preSale = this.#random() < this.config.preSaleFraction
    const event: SimEvent = {
      id,
      name: `${away.name} at ${home.name}`,
      homeTeam: home.name,
      awayTeam: away.name,
      sport: league.sport,
      league: league.league,
      venue: {
        id: 10_000 + LEAGUES.indexOf(league) * 100 + league.teams.indexOf(home),
        ...home.venue,
      },
      startsAtMs: 0,
      localWallTime: '',
      utcOffset: '',
      state: 'shown',
      onSaleAtMs: preSale
        ? this.config.startMs + this.#int(1, Math.max(1, this.config.onSaleWithinMs))
        : this.config.startMs,
      onSale: false,
      version: 1,
      updatedAtMs: this.config.startMs,
    }
    setStart(event, `${day}T${clock}:00`)
    this.#events.push(event)
    this.#eventsById.set(id, event)
    this.#listings.set(id, [])
    if (preSale) this.#pending.push(event)
    else this.#goOnSale(event)
  }

  #goOnSale(event: SimEvent): void {
    event.onSale = true
    if (event.state === 'shown') {
      const n = Math.max(0, Math.round(this.config.listingsPerEvent * (0.6 + this.#random() * 0.8)))
      for (let i = 0; i < n; i++) this.#insert(this.#randomListing(event))
    }
    this.#touch(event.id)
  }

  #randomListing(event: SimEvent): SimListing {
    const league = LEAGUES.find((l) => l.league === event.league)!
    const tier = this.#pick(TIERS)
    const sectionNo = this.#int(tier.from, tier.to)
    const row =
      tier.rows === 'letters'
        ? String.fromCharCode(65 + this.#int(0, 19))
        : String(this.#int(1, 30))
    const quantity = this.#pick(QUANTITIES)
    const r = this.#random()
    const rule: SplitRule =
      r < 0.45 ? 'no_single_left' : r < 0.75 ? 'any' : r < 0.92 ? 'pairs' : 'whole'
    const noise = 0.7 + this.#random() * 0.9
    const retail = Math.max(
      MIN_PRICE_CENTS,
      Math.round(league.basePriceCents * tier.multiplier * noise)
    )
    let f = this.#random()
    let format: SimListing['format'] = 'Eticket'
    for (const [name, weight] of FORMATS) {
      if (f < weight) {
        format = name
        break
      }
      f -= weight
    }
    const inHand = this.#random() < 0.7
    const notes = this.#random() < 0.4 ? this.#pick(NOTES) : null
    return {
      id: this.#nextListingId++,
      eventId: event.id,
      section: `${tier.prefix}${sectionNo}`,
      row,
      quantity,
      available: quantity,
      splitRule: rule,
      splits: splitsFor(rule, quantity),
      retailCents: retail,
      wholesaleCents: Math.max(1, Math.round(retail * 0.88)),
      format,
      inHand,
      inHandDate: inHand ? null : isoDate(event.startsAtMs - this.#int(2, 10) * DAY_MS),
      publicNotes: notes,
    }
  }

  #insert(listing: SimListing): void {
    this.#listings.get(listing.eventId)!.push(listing)
    this.#listingsById.set(listing.id, listing)
  }

  #remove(listing: SimListing): void {
    const list = this.#listings.get(listing.eventId)!
    const index = list.indexOf(listing)
    if (index >= 0) list.splice(index, 1)
    this.#listingsById.delete(listing.id)
  }

  #sell(listing: SimListing, quantity: number): void {
    listing.available -= quantity
    if (listing.available <= 0) this.#remove(listing)
    else listing.splits = splitsFor(listing.splitRule, listing.available)
    this.#touch(listing.eventId)
  }

  #setRetail(listing: SimListing, cents: number): void {
    listing.retailCents = Math.max(MIN_PRICE_CENTS, Math.round(cents))
    listing.wholesaleCents = Math.max(1, Math.round(listing.retailCents * 0.88))
  }

  /** One random change; returns the event changed, or null when nothing could change. */
  #step(): number | null {
    if (this.#events.length === 0) return null
    const event = this.#pick(this.#events)
    if (!event.onSale || event.state === 'canceled') return null
    const listings = this.#listings.get(event.id)!
    const target = this.config.listingsPerEvent
    const r = this.#random()
    if (event.state === 'postponed') {
      // A postponed event is rescheduled now and then: a new date, back on show.
      if (r < 0.05) {
        const naive = Date.parse(`${event.localWallTime}Z`) + this.#int(7, 30) * DAY_MS
        setStart(event, new Date(naive).toISOString().slice(0, 19))
        event.state = 'shown'
        this.#touch(event.id)
        return event.id
      }
      return null
    }
    if (r < 0.004) {
      event.state = 'postponed'
      this.#touch(event.id)
      return event.id
    }
    if (r < 0.005) {
      event.state = 'canceled'
      for (const l of [...listings]) this.#remove(l)
      this.#touch(event.id)
      return event.id
    }
    const wantMore = listings.length < target * 0.5
    if (listings.length === 0 || r < (wantMore ? 0.3 : 0.15)) {
      if (target === 0) return null
      this.#insert(this.#randomListing(event))
      this.#touch(event.id)
      return event.id
    }
    const listing = this.#pick(listings)
    const kind = this.#random()
    if (kind < 0.55) {
      // drift: a small random walk (±2 %)
      this.#setRetail(listing, listing.retailCents * (1 + (this.#random() - 0.5) * 0.04))
    } else if (kind < 0.62) {
      // jump: -30..-15 % or +15..+40 %
      const up = this.#random() < 0.5
      const factor = up ? 1.15 + this.#random() * 0.25 : 0.7 + this.#random() * 0.15
      this.#setRetail(listing, listing.retailCents * factor)
    } else if (kind < 0.9) {
      // a sale elsewhere on the exchange
      this.#sell(listing, this.#pick(listing.splits))
      return event.id
    } else {
      // the seller withdraws the listing
      this.#remove(listing)
    }
    this.#touch(event.id)
    return event.id
  }
}
