import { DateTime } from 'luxon'

/** ISO 8601 with an explicit offset or Z → canonical UTC string, or null. */
export function toUtcIso(value: string | null | undefined): string | null {
  if (!value || !hasOffset(value)) return null
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

export function hasOffset(value: string): boolean {
  return /(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())
}

/** A naive local date-time ("2020-03-03T07:00:00", "2013-09-14T21:30", "2014-04-12") in an IANA zone → UTC ISO. */
export function localToUtcIso(value: string, zone: string): string | null {
  const parsed = DateTime.fromISO(value.trim(), { zone, setZone: false })
  return parsed.isValid ? (parsed.toUTC().toISO({ suppressMilliseconds: false }) ?? null) : null
}

/** Midnight of a local calendar date in a zone, as UTC ISO (for "date known, time TBA"). */
export function localDateToUtcIso(date: string, zone: string | null): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null
  return localToUtcIso(`${date}T00:00:00`, zone ?? 'UTC')
}

export function isValidZone(zone: string | null | undefined): zone is string {
  return !!zone && DateTime.local().setZone(zone).isValid
}

/** Ticketmaster's date format: YYYY-MM-DDTHH:mm:ssZ, no milliseconds. */
export function toSecondPrecisionUtc(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: "${String(value)}"`)
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

let countryNames: Map<string, string> | null = null

/** "US" → "US"; "Brazil" / "United States Of America" → ISO 3166-1 alpha-2 via Intl; unknown → null. */
export function toCountryCode(value: string | null | undefined): string | null {
  if (!value) return null
  const trimmed = value.trim()
  if (/^[A-Za-z]{2}$/.test(trimmed))
    return trimmed.toUpperCase() === 'UK' ? 'GB' : trimmed.toUpperCase()
  if (!countryNames) {
    countryNames = new Map()
    const names = new Intl.DisplayNames(['en'], { type: 'region' })
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b)
        const name = names.of(code)
        // First code wins: "United Kingdom" is GB, not the reserved alias UK
        if (name && name !== code && !countryNames.has(name.toLowerCase()))
          countryNames.set(name.toLowerCase(), code)
      }
    }
    countryNames.set('united states of america', 'US')
    countryNames.set('usa', 'US')
    countryNames.set('great britain', 'GB')
    countryNames.set('england', 'GB')
    countryNames.set('scotland', 'GB')
    countryNames.set('wales', 'GB')
  }
  return countryNames.get(trimmed.toLowerCase()) ?? null
}

/** True when the event is over: its end (or start + assumed duration) is before `now`. */
export function isOver(
  startsAt: string | null,
  endsAt: string | null,
  now: Date,
  assumedHours = 6
): boolean {
  const end = endsAt
    ? Date.parse(endsAt)
    : startsAt
      ? Date.parse(startsAt) + assumedHours * 3_600_000
      : Number.NaN
  return Number.isFinite(end) && end < now.getTime()
}
