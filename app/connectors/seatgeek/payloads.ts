import { PayloadReader } from '#connectors/transport/payload_reader'
import { eachValid, idField } from '#connectors/transport/each_valid'
import type { PayloadProblem } from '#connectors/contract'

export interface SgStats {
  listingCount: number | null
  lowestPrice: number | null
  medianPrice: number | null
  averagePrice: number | null
  highestPrice: number | null
}

export interface SgEvent {
  id: string
  title: string
  url: string | null
  status: string | null
  datetimeUtc: string | null
  datetimeLocal: string | null
  enddatetimeUtc: string | null
  dateTbd: boolean
  timeTbd: boolean
  datetimeTbd: boolean
  taxonomies: Array<{ id: number | null; name: string; parentId: number | null }>
  venue: {
    name: string | null
    city: string | null
    country: string | null
    timezone: string | null
  } | null
  performers: Array<{ name: string; homeTeam: boolean; awayTeam: boolean }>
  stats: SgStats
}

export interface SgPage {
  events: SgEvent[]
  /** Events that broke the schema: left out, each with its id and JSON path */
  skipped: PayloadProblem[]
  meta: { total: number | null; page: number | null; perPage: number | null }
}

export function sgReader(endpoint: string, eventRef: string | null = null): PayloadReader {
  return new PayloadReader({ source: 'seatgeek', endpoint, eventRef })
}

export function parseSgPage(value: unknown, reader: PayloadReader): SgPage {
  const root = reader.object(value, '$')
  const meta = reader.optObject(root.meta, '$.meta') ?? {}
  /** One malformed event costs only itself */
  const { valid, skipped } = eachValid(
    reader.array(root.events, '$.events'),
    { item: 'event', pathOf: (i) => `$.events[${i}]`, idOf: (raw) => idField(raw) },
    (event, i) => parseSgEvent(event, reader, `$.events[${i}]`)
  )
  return {
    events: valid,
    skipped,
    meta: {
      total: reader.optNumber(meta.total, '$.meta.total'),
      page: reader.optNumber(meta.page, '$.meta.page'),
      perPage: reader.optNumber(meta.per_page, '$.meta.per_page'),
    },
  }
}

export function parseSgEvent(value: unknown, base: PayloadReader, path = '$'): SgEvent {
  const raw = base.object(value, path)
  const id = base.id(raw.id, `${path}.id`)
  const r = base.eventRef ? base : base.withEvent(id)
  const venue = r.optObject(raw.venue, `${path}.venue`)
  const stats = r.optObject(raw.stats, `${path}.stats`) ?? {}
  const price = (key: string) => r.optNumber(stats[key], `${path}.stats.${key}`)
  return {
    id,
    title: r.string(raw.title, `${path}.title`),
    url: r.optString(raw.url, `${path}.url`),
    status: r.optString(raw.status, `${path}.status`),
    datetimeUtc: r.optString(raw.datetime_utc, `${path}.datetime_utc`),
    datetimeLocal: r.optString(raw.datetime_local, `${path}.datetime_local`),
    enddatetimeUtc: r.optString(raw.enddatetime_utc, `${path}.enddatetime_utc`),
    dateTbd: r.optBoolean(raw.date_tbd, `${path}.date_tbd`) ?? false,
    timeTbd: r.optBoolean(raw.time_tbd, `${path}.time_tbd`) ?? false,
    datetimeTbd: r.optBoolean(raw.datetime_tbd, `${path}.datetime_tbd`) ?? false,
    taxonomies: r.optArray(raw.taxonomies, `${path}.taxonomies`).map((t, i) => {
      const taxonomy = r.object(t, `${path}.taxonomies[${i}]`)
      return {
        id: r.optNumber(taxonomy.id, `${path}.taxonomies[${i}].id`),
        name: r.string(taxonomy.name, `${path}.taxonomies[${i}].name`),
        parentId: r.optNumber(taxonomy.parent_id, `${path}.taxonomies[${i}].parent_id`),
      }
    }),
    venue: venue
      ? {
          name: r.optString(venue.name, `${path}.venue.name`),
          city: r.optString(venue.city, `${path}.venue.city`),
          country: r.optString(venue.country, `${path}.venue.country`),
          timezone: r.optString(venue.timezone, `${path}.venue.timezone`),
        }
      : null,
    performers: r.optArray(raw.performers, `${path}.performers`).map((p, i) => {
      const performer = r.object(p, `${path}.performers[${i}]`)
      return {
        name: r.string(performer.name, `${path}.performers[${i}].name`),
        homeTeam: r.optBoolean(performer.home_team, `${path}.performers[${i}].home_team`) ?? false,
        awayTeam: r.optBoolean(performer.away_team, `${path}.performers[${i}].away_team`) ?? false,
      }
    }),
    stats: {
      listingCount: price('listing_count'),
      lowestPrice: price('lowest_price'),
      medianPrice: price('median_price'),
      averagePrice: price('average_price'),
      highestPrice: price('highest_price'),
    },
  }
}
