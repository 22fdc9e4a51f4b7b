import type { JsonObject } from '#connectors/transport/payload_reader'
import { PayloadReader } from '#connectors/transport/payload_reader'
import { isCurrencyCode } from '#connectors/transport/money'
import { eachValid, idField } from '#connectors/transport/each_valid'
import type { PayloadProblem } from '#connectors/contract'

/** The parts of a Discovery v2 event HDTickets uses, validated. */
export interface TmEvent {
  id: string
  name: string
  url: string | null
  start: {
    localDate: string | null
    localTime: string | null
    dateTime: string | null
    dateTBD: boolean
    dateTBA: boolean
    timeTBA: boolean
    noSpecificTime: boolean
  }
  end: { dateTime: string | null }
  /** dates.initialStartDate on rescheduled / postponed events */
  initialStart: { dateTime: string | null } | null
  timezone: string | null
  statusCode: string | null
  publicSale: {
    startDateTime: string | null
    endDateTime: string | null
    startTBD: boolean
    startTBA: boolean
  } | null
  presales: Array<{ name: string; startDateTime: string | null; endDateTime: string | null }>
  priceRanges: Array<{
    type: string | null
    currency: string
    min: number | null
    max: number | null
  }>
  classification: { segment: string | null; genre: string | null; subGenre: string | null } | null
  venue: {
    name: string | null
    city: string | null
    countryCode: string | null
    timezone: string | null
  } | null
  attractions: string[]
}

export interface TmSearchPage {
  events: TmEvent[]
  /** Events that broke the schema: left out, each with its id and JSON path */
  skipped: PayloadProblem[]
  page: { size: number; totalElements: number; totalPages: number; number: number }
}

export function tmReader(endpoint: string, eventRef: string | null = null): PayloadReader {
  return new PayloadReader({ source: 'ticketmaster', endpoint, eventRef })
}

export function parseTmSearch(value: unknown, reader: PayloadReader): TmSearchPage {
  const root = reader.object(value, '$')
  const page = reader.object(root.page, '$.page')
  const embedded = reader.optObject(root._embedded, '$._embedded')
  const events = embedded ? reader.optArray(embedded.events, '$._embedded.events') : []
  /** One malformed event costs only itself, never the other events of its page. */
  const { valid, skipped } = eachValid(
    events,
    { item: 'event', pathOf: (i) => `$._embedded.events[${i}]`, idOf: (raw) => idField(raw) },
    (event, i) => parseTmEvent(event, reader, `$._embedded.events[${i}]`)
  )
  return {
    events: valid,
    skipped,
    page: {
      size: reader.number(page.size, '$.page.size'),
      totalElements: reader.number(page.totalElements, '$.page.totalElements'),
      totalPages: reader.number(page.totalPages, '$.page.totalPages'),
      number: reader.number(page.number, '$.page.number'),
    },
  }
}

export function parseTmEvent(value: unknown, base: PayloadReader, path = '$'): TmEvent {
  const raw = base.object(value, path)
  const id = base.string(raw.id, `${path}.id`)
  const r = base.eventRef ? base : base.withEvent(id)
  const dates = r.object(raw.dates, `${path}.dates`)
  const start = r.optObject(dates.start, `${path}.dates.start`) ?? {}
  const end = r.optObject(dates.end, `${path}.dates.end`) ?? {}
  const status = r.optObject(dates.status, `${path}.dates.status`)
  const sales = r.optObject(raw.sales, `${path}.sales`)
  const pub = sales ? r.optObject(sales.public, `${path}.sales.public`) : null
  const embedded = r.optObject(raw._embedded, `${path}._embedded`)
  const venueRaw = embedded ? r.optArray(embedded.venues, `${path}._embedded.venues`)[0] : undefined
  const venue = venueRaw === undefined ? null : r.object(venueRaw, `${path}._embedded.venues[0]`)
  const classifications = r.optArray(raw.classifications, `${path}.classifications`)
  const primary = (classifications.find((c) => (c as JsonObject | null)?.primary === true) ??
    classifications[0]) as unknown

  return {
    id,
    name: r.string(raw.name, `${path}.name`),
    url: r.optString(raw.url, `${path}.url`),
    start: {
      localDate: r.optString(start.localDate, `${path}.dates.start.localDate`),
      localTime: r.optString(start.localTime, `${path}.dates.start.localTime`),
      dateTime: r.optString(start.dateTime, `${path}.dates.start.dateTime`),
      dateTBD: r.optBoolean(start.dateTBD, `${path}.dates.start.dateTBD`) ?? false,
      dateTBA: r.optBoolean(start.dateTBA, `${path}.dates.start.dateTBA`) ?? false,
      timeTBA: r.optBoolean(start.timeTBA, `${path}.dates.start.timeTBA`) ?? false,
      noSpecificTime:
        r.optBoolean(start.noSpecificTime, `${path}.dates.start.noSpecificTime`) ?? false,
    },
    end: { dateTime: r.optString(end.dateTime, `${path}.dates.end.dateTime`) },
    initialStart: (() => {
      const initial = r.optObject(dates.initialStartDate, `${path}.dates.initialStartDate`)
      return initial
        ? {
            dateTime: r.optString(initial.dateTime, `${path}.dates.initialStartDate.dateTime`),
          }
        : null
    })(),
    timezone: r.optString(dates.timezone, `${path}.dates.timezone`),
    statusCode: status ? r.optString(status.code, `${path}.dates.status.code`) : null,
    publicSale: pub
      ? {
          startDateTime: r.optString(pub.startDateTime, `${path}.sales.public.startDateTime`),
          endDateTime: r.optString(pub.endDateTime, `${path}.sales.public.endDateTime`),
          startTBD: r.optBoolean(pub.startTBD, `${path}.sales.public.startTBD`) ?? false,
          startTBA: r.optBoolean(pub.startTBA, `${path}.sales.public.startTBA`) ?? false,
        }
      : null,
    presales: (sales ? r.optArray(sales.presales, `${path}.sales.presales`) : []).map((p, i) => {
      const presale = r.object(p, `${path}.sales.presales[${i}]`)
      return {
        name: r.optString(presale.name, `${path}.sales.presales[${i}].name`) ?? 'Presale',
        startDateTime: r.optString(
          presale.startDateTime,
          `${path}.sales.presales[${i}].startDateTime`
        ),
        endDateTime: r.optString(presale.endDateTime, `${path}.sales.presales[${i}].endDateTime`),
      }
    }),
    priceRanges: r.optArray(raw.priceRanges, `${path}.priceRanges`).map((p, i) => {
      const range = r.object(p, `${path}.priceRanges[${i}]`)
      return {
        type: r.optString(range.type, `${path}.priceRanges[${i}].type`),
        currency: currencyCode(r, range.currency, `${path}.priceRanges[${i}].currency`),
        min: r.optNumber(range.min, `${path}.priceRanges[${i}].min`),
        max: r.optNumber(range.max, `${path}.priceRanges[${i}].max`),
      }
    }),
    classification:
      primary === undefined
        ? null
        : {
            segment: nestedName(r, primary, `${path}.classifications[0]`, 'segment'),
            genre: nestedName(r, primary, `${path}.classifications[0]`, 'genre'),
            subGenre: nestedName(r, primary, `${path}.classifications[0]`, 'subGenre'),
          },
    venue: venue
      ? {
          name: r.optString(venue.name, `${path}._embedded.venues[0].name`),
          city: nestedName(r, venue, `${path}._embedded.venues[0]`, 'city'),
          countryCode: (() => {
            const country = r.optObject(venue.country, `${path}._embedded.venues[0].country`)
            return country
              ? r.optString(country.countryCode, `${path}._embedded.venues[0].country.countryCode`)
              : null
          })(),
          timezone: r.optString(venue.timezone, `${path}._embedded.venues[0].timezone`),
        }
      : null,
    attractions: (embedded ? r.optArray(embedded.attractions, `${path}._embedded.attractions`) : [])
      .map((a, i) =>
        r.optString(
          r.object(a, `${path}._embedded.attractions[${i}]`).name,
          `${path}._embedded.attractions[${i}].name`
        )
      )
      .filter((n): n is string => !!n),
  }
}

function currencyCode(r: PayloadReader, value: unknown, path: string): string {
  const code = r.string(value, path).trim().toUpperCase()
  if (!isCurrencyCode(code)) r.fail(path, `not an ISO 4217 currency code: "${code}"`)
  return code
}

function nestedName(r: PayloadReader, parent: unknown, path: string, key: string): string | null {
  const object = r.object(parent, path)
  const child = r.optObject(object[key], `${path}.${key}`)
  return child ? r.optString(child.name, `${path}.${key}.name`) : null
}
