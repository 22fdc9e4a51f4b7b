import { test } from '@japa/runner'
import { deriveZones, zoneFromName, zoneOf } from '#analytics/zones'
import { dealScore } from '#analytics/deal_score'

test.group('zones: which sections are comparable seats', () => {
  test('from the section name: floor words, club words, level words, the level digit', ({
    assert,
  }) => {
    assert.equal(zoneFromName('Floor 3'), 'floor')
    assert.equal(zoneFromName('Courtside A'), 'floor')
    assert.equal(zoneFromName('Club 12'), 'club')
    assert.equal(zoneFromName('Suite 40'), 'club')
    assert.equal(zoneFromName('Lower Level 112'), 'lower')
    assert.equal(zoneFromName('112'), 'lower')
    assert.equal(zoneFromName('Sec 215'), 'middle')
    assert.equal(zoneFromName('Mezzanine C'), 'middle')
    assert.equal(zoneFromName('305'), 'upper')
    assert.equal(zoneFromName('Upper Deck'), 'upper')
    assert.equal(zoneFromName('GA'), null)
    assert.equal(zoneFromName(null), null)
  })

  test('a section the name says nothing about joins the zone whose prices are closest; an admin wins', ({
    assert,
  }) => {
    const zones = deriveZones(
      [
        { section: '101', medianMinor: 20_000 },
        { section: '102', medianMinor: 22_000 },
        { section: '301', medianMinor: 5_000 },
        { section: 'GA', medianMinor: 6_000 },
        { section: 'Pit', medianMinor: 19_000 },
        { section: 'Unknown', medianMinor: null },
        { section: '305', medianMinor: 9_000 },
      ],
      new Map([['305 ', 'club' as const]])
    )
    assert.deepEqual(zoneOf(zones, 'GA'), { zone: 'upper', source: 'price' })
    assert.deepEqual(zoneOf(zones, 'pit'), { zone: 'lower', source: 'price' })
    assert.deepEqual(zoneOf(zones, '101'), { zone: 'lower', source: 'name' })
    assert.deepEqual(zoneOf(zones, '305'), { zone: 'club', source: 'admin' })
    assert.isNull(zoneOf(zones, 'Unknown'))
  })
})

test.group('deal score against comparable seats of the same zone', () => {
  const market = [
    { id: 1, section: '112', priceMinor: 12_500 },
    { id: 2, section: '305', priceMinor: 3_400 },
    { id: 3, section: '101', priceMinor: 12_000 },
    { id: 4, section: '104', priceMinor: 13_000 },
    { id: 5, section: '108', priceMinor: 14_000 },
    { id: 6, section: '110', priceMinor: 15_000 },
    { id: 7, section: '301', priceMinor: 3_000 },
    { id: 8, section: '302', priceMinor: 3_200 },
    { id: 9, section: '310', priceMinor: 3_600 },
    { id: 10, section: '320', priceMinor: 3_800 },
  ]
  const zones = deriveZones(market.map((row) => ({ section: row.section, medianMinor: null })))

  test('without zones a cheap upper seat outranks a fairly priced lower one; with zones it does not', ({
    assert,
  }) => {
    const score = (id: number, withZones: boolean) =>
      dealScore(market[id - 1], market, [], undefined, withZones ? { zones } : null)
    assert.isAbove(score(2, false).score!, score(1, false).score!)
    const lower = score(1, true)
    const upper = score(2, true)
    assert.isAbove(lower.score!, upper.score!)
    assert.equal(lower.comparables.scope, 'zone')
    assert.equal(lower.comparables.count, 4)
    assert.deepEqual(lower.comparables.zone, { id: 'lower', label: 'Lower level', source: 'name' })
    assert.match(
      lower.explanation[0],
      /median 135\.00 of 4 other listings in the same zone "Lower level"/
    )
  })

  test("a thin zone borrows the venue's other events' seats of the zone; the zone's own past prices, not the event's lowest", ({
    assert,
  }) => {
    const floorSeat = { id: 50, section: 'Floor 2', priceMinor: 40_000 }
    const other = [
      { id: 60, eventId: 2, section: 'Floor 1', priceMinor: 45_000 },
      { id: 61, eventId: 2, section: 'Floor 3', priceMinor: 50_000 },
      { id: 62, eventId: 3, section: 'Floor 4', priceMinor: 42_000 },
    ]
    const result = dealScore(floorSeat, [...market, floorSeat], [3_000, 3_100, 3_200], undefined, {
      zones: deriveZones([{ section: 'Floor 2', medianMinor: null }]),
      venueListings: other,
      zoneHistory: new Map([['floor', [41_000, 44_000, 46_000]]]),
    })
    assert.equal(result.comparables.scope, 'venue_zone')
    assert.equal(result.comparables.count, 3)
    assert.equal(result.history.scope, 'zone')
    assert.equal(result.history.shareAbove, 1)
    assert.equal(result.score, 100)
  })
})
