import { PayloadReader } from '#connectors/transport/payload_reader'
import { eachValid, idField } from '#connectors/transport/each_valid'
import type { PayloadProblem } from '#connectors/contract'
import { isCurrencyCode } from '#connectors/transport/money'

export interface ShMoney {
  amount: number
  currency: string
}

export interface ShEvent {
  id: string
  name: string
  startDate: string | null
  endDate: string | null
  onSaleDate: string | null
  dateConfirmed: boolean | null
  timeConfirmed: boolean | null
  status: string | null
  minTicketPrice: ShMoney | null
  webpage: string | null
  venue: { name: string | null; city: string | null; countryCode: string | null } | null
  categories: string[]
}

export interface ShPage {
  events: ShEvent[]
  /** Events that broke the schema: left out, each with its id and JSON path */
  skipped: PayloadProblem[]
  totalItems: number | null
  page: number | null
  pageSize: number | null
  hasNext: boolean
}

export interface ShToken {
  accessToken: string
  expiresIn: number
}

export function shReader(endpoint: string, eventRef: string | null = null): PayloadReader {
  return new PayloadReader({ source: 'stubhub', endpoint, eventRef })
}

export function parseShToken(value: unknown, reader: PayloadReader): ShToken {
  const root = reader.object(value, '$')
  const type = reader.optString(root.token_type, '$.token_type')
  if (type && type.toLowerCase() !== 'bearer')
    reader.fail('$.token_type', `unsupported token type "${type}"`)
  const expiresIn = reader.optNumber(root.expires_in, '$.expires_in', { allowString: true }) ?? 3600
  return { accessToken: reader.string(root.access_token, '$.access_token'), expiresIn }
}

export function parseShPage(value: unknown, reader: PayloadReader): ShPage {
  const root = reader.object(value, '$')
  const embedded = reader.optObject(root._embedded, '$._embedded')
  const items = embedded ? reader.optArray(embedded.items, '$._embedded.items') : []
  const links = reader.optObject(root._links, '$._links')
  /** One malformed event costs only itself */
  const { valid, skipped } = eachValid(
    items,
    { item: 'event', pathOf: (i) => `$._embedded.items[${i}]`, idOf: (raw) => idField(raw) },
    (item, i) => parseShEvent(item, reader, `$._embedded.items[${i}]`)
  )
  return {
    events: valid,
    skipped,
    totalItems: reader.optNumber(root.total_items, '$.total_items'),
    page: reader.optNumber(root.page, '$.page'),
    pageSize: reader.optNumber(root.page_size, '$.page_size'),
    hasNext: !!(links && links.next && typeof links.next === 'object'),
  }
}

export function parseShEvent(value: unknown, base: PayloadReader, path = '$'): ShEvent {
  const raw = base.object(value, path)
  const id = base.id(raw.id, `${path}.id`)
  const r = base.eventRef ? base : base.withEvent(id)
  const embedded = r.optObject(raw._embedded, `${path}._embedded`)
  const venue = embedded ? r.optObject(embedded.venue, `${path}._embedded.venue`) : null
  const venueEmbedded = venue
    ? r.optObject(venue._embedded, `${path}._embedded.venue._embedded`)
    : null
  const country = venueEmbedded
    ? r.optObject(venueEmbedded.country, `${path}._embedded.venue._embedded.country`)
    : null
  const links = r.optObject(raw._links, `${path}._links`)
  const webpage = links ? r.optObject(links['event:webpage'], `${path}._links.event:webpage`) : null
  const price = r.optObject(raw.min_ticket_price, `${path}.min_ticket_price`)
  let minTicketPrice: ShMoney | null = null
  if (price) {
    const amount = r.optNumber(price.amount, `${path}.min_ticket_price.amount`, {
      allowString: true,
    })
    if (amount !== null) {
      const currency = r
        .string(price.currency_code, `${path}.min_ticket_price.currency_code`)
        .trim()
        .toUpperCase()
      if (!isCurrencyCode(currency))
        r.fail(
          `${path}.min_ticket_price.currency_code`,
          `not an ISO 4217 currency code: "${currency}"`
        )
      minTicketPrice = { amount, currency }
    }
  }
  return {
    id,
    name: r.string(raw.name, `${path}.name`),
    startDate: r.optString(raw.start_date, `${path}.start_date`),
    endDate: r.optString(raw.end_date, `${path}.end_date`),
    onSaleDate: r.optString(raw.on_sale_date, `${path}.on_sale_date`),
    dateConfirmed: r.optBoolean(raw.date_confirmed, `${path}.date_confirmed`),
    timeConfirmed: r.optBoolean(raw.time_confirmed, `${path}.time_confirmed`),
    status: r.optString(raw.status, `${path}.status`),
    minTicketPrice,
    webpage: webpage ? r.optString(webpage.href, `${path}._links.event:webpage.href`) : null,
    venue: venue
      ? {
          name: r.optString(venue.name, `${path}._embedded.venue.name`),
          city: r.optString(venue.city, `${path}._embedded.venue.city`),
          countryCode: country
            ? r.optString(country.code, `${path}._embedded.venue._embedded.country.code`)
            : null,
        }
      : null,
    categories: (embedded ? r.optArray(embedded.categories, `${path}._embedded.categories`) : [])
      .map((c, i) =>
        r.optString(
          r.object(c, `${path}._embedded.categories[${i}]`).name,
          `${path}._embedded.categories[${i}].name`
        )
      )
      .filter((n): n is string => !!n),
  }
}
