/**
 * Seat zones of a venue (pure): which sections are comparable seats.
 *
 * A section's zone comes, in this order, from
 *  1. the venue's zones as an admin set them (exact section names);
 *  2. its name: floor / court / pitch / ice words, club / suite / box words,
 *     level words (lower, mezzanine, upper, balcony…), or the level digit of a
 *     numbered section (1xx lower, 2xx middle, 3xx and above upper);
 *  3. where its prices sit in history: a section the name says nothing about
 *     joins the named zone whose median price is closest to its own.
 * Otherwise it has no zone (null) and is compared with the whole event.
 *
 * Zones are ordered best first (ZONE_ORDER) so pages can list them that way.
 */
export const ZONES = ['floor', 'club', 'lower', 'middle', 'upper'] as const
export type Zone = (typeof ZONES)[number]
export const ZONE_LABELS: Record<Zone, string> = {
  floor: 'Floor / courtside',
  club: 'Club and suites',
  lower: 'Lower level',
  middle: 'Middle level',
  upper: 'Upper level',
}
export type ZoneSource = 'admin' | 'name' | 'price'
export type SectionZone = { zone: Zone; source: ZoneSource }

export const normaliseSection = (section: string | null) =>
  (section ?? '').trim().replace(/\s+/g, ' ').toLowerCase()

const WORDS: Array<[RegExp, Zone]> = [
  [
    /\b(floor|court ?side|courtside|court|pitch ?side|field level|ice level|rinkside|glass)\b/,
    'floor',
  ],
  [/\b(club|suite|suites|box|loge|vip|premium|lounge)\b/, 'club'],
  [/\b(lower|plaza|field|orchestra|stalls|main level|terrace|100 level)\b/, 'lower'],
  [/\b(middle|mezzanine|mezz|200 level|second level|grandstand)\b/, 'middle'],
  [
    /\b(upper|balcony|gallery|nosebleed|300 level|400 level|500 level|bleachers|deck|heights)\b/,
    'upper',
  ],
]

/** A zone from the section's name alone, or null. */
export function zoneFromName(section: string | null): Zone | null {
  const name = normaliseSection(section)
  if (!name) return null
  for (const [pattern, zone] of WORDS) if (pattern.test(name)) return zone
  const number = /(?:^|\D)(\d{3,4})[a-z]?$/.exec(name) ?? /^(\d{3,4})[a-z]?(?:\D|$)/.exec(name)
  if (number) {
    const level = Math.floor(Number(number[1]) / (number[1].length === 4 ? 1000 : 100))
    if (level <= 1) return 'lower'
    if (level === 2) return 'middle'
    return 'upper'
  }
  return null
}

/**
 * Zones of every section of a venue.
 * @param sections each section with its median price in history (null: no price yet)
 * @param admin the venue's zones an admin set, by section name
 */
export function deriveZones(
  sections: ReadonlyArray<{ section: string | null; medianMinor: number | null }>,
  admin: ReadonlyMap<string, Zone> = new Map()
): Map<string, SectionZone> {
  const result = new Map<string, SectionZone>()
  const byAdmin = new Map([...admin].map(([name, zone]) => [normaliseSection(name), zone]))
  const unnamed: Array<{ key: string; medianMinor: number }> = []
  const medians = new Map<Zone, number[]>()
  for (const { section, medianMinor } of sections) {
    const key = normaliseSection(section)
    if (!key || result.has(key)) continue
    const set = byAdmin.get(key)
    const named = set ?? zoneFromName(section)
    if (named) {
      result.set(key, { zone: named, source: set ? 'admin' : 'name' })
      if (medianMinor !== null) {
        if (!medians.has(named)) medians.set(named, [])
        medians.get(named)!.push(medianMinor)
      }
    } else if (medianMinor !== null) unnamed.push({ key, medianMinor })
  }
  const levels = [...medians].map(([zone, values]) => {
    const sorted = [...values].sort((a, b) => a - b)
    return { zone, median: sorted[sorted.length >> 1] }
  })
  if (levels.length)
    for (const { key, medianMinor } of unnamed) {
      let best = levels[0]
      for (const level of levels)
        if (Math.abs(level.median - medianMinor) < Math.abs(best.median - medianMinor)) best = level
      result.set(key, { zone: best.zone, source: 'price' })
    }
  return result
}

/** A section's zone: from the venue's map, else from its name alone, else null. */
export function zoneOf(
  zones: ReadonlyMap<string, SectionZone>,
  section: string | null
): SectionZone | null {
  const known = zones.get(normaliseSection(section))
  if (known) return known
  const named = zoneFromName(section)
  return named ? { zone: named, source: 'name' } : null
}
