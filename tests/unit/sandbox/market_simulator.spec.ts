import { test } from '@japa/runner'
import MarketSimulator, { splitsFor, type SimListing } from '#sandbox/market_simulator'

const START = Date.parse('2026-03-01T12:00:00Z')

function snapshot(sim: MarketSimulator) {
  return sim
    .events()
    .map((e) => ({ event: { ...e }, listings: sim.listings(e.id).map((l) => ({ ...l })) }))
}

function run(seed: number, seconds: number[]) {
  const sim = new MarketSimulator({
    seed,
    startMs: START,
    events: 25,
    listingsPerEvent: 15,
    changesPerSecond: 50,
  })
  for (const s of seconds) sim.tick(START + s * 1000)
  return sim
}

function checkInvariants(assert: any, sim: MarketSimulator) {
  const ids = new Set<number>()
  for (const event of sim.events()) {
    for (const l of sim.listings(event.id) as SimListing[]) {
      assert.isFalse(ids.has(l.id), `listing ${l.id} appears twice`)
      ids.add(l.id)
      assert.isTrue(Number.isInteger(l.available) && l.available >= 1, `available ${l.available}`)
      assert.isAtMost(l.available, l.quantity)
      assert.isTrue(Number.isInteger(l.retailCents) && l.retailCents > 0, `retail ${l.retailCents}`)
      assert.isTrue(
        Number.isInteger(l.wholesaleCents) &&
          l.wholesaleCents > 0 &&
          l.wholesaleCents <= l.retailCents
      )
      assert.isAbove(l.splits.length, 0)
      for (const s of l.splits)
        assert.isTrue(
          Number.isInteger(s) && s >= 1 && s <= l.available,
          `split ${s} of ${l.available}`
        )
      if (event.state === 'canceled') assert.fail('a canceled event still has listings')
    }
  }
}

test.group('market simulator', () => {
  test('same seed and same ticks → the same market; another seed → another market', ({
    assert,
  }) => {
    const ticks = [1, 2, 5, 30, 31, 120]
    assert.deepEqual(snapshot(run(5, ticks)), snapshot(run(5, ticks)))
    assert.notDeepEqual(snapshot(run(5, ticks)), snapshot(run(6, ticks)))
  })

  test('size is configurable: events × listings per event', ({ assert }) => {
    const sim = new MarketSimulator({
      seed: 1,
      startMs: START,
      events: 40,
      listingsPerEvent: 20,
      preSaleFraction: 0,
    })
    assert.lengthOf(sim.events(), 40)
    const total = sim.events().reduce((n, e) => n + sim.listings(e.id).length, 0)
    assert.isAbove(total, 40 * 20 * 0.6 - 1)
    assert.isBelow(total, 40 * 20 * 1.4 + 1)
  })

  test('pace: changesPerSecond × elapsed seconds, carried across ticks', ({ assert }) => {
    const sim = new MarketSimulator({ seed: 3, startMs: START, events: 10, changesPerSecond: 20 })
    assert.equal(sim.tick(START + 10_000).steps, 200)
    assert.equal(sim.tick(START + 10_025).steps, 0)
    assert.equal(sim.tick(START + 10_050).steps, 1)
    assert.equal(sim.tick(START).steps, 0)
  })

  test('invariants hold over a long run: quantities ≥ 1, splits within availability, integer cents > 0', ({
    assert,
  }) => {
    const sim = new MarketSimulator({
      seed: 11,
      startMs: START,
      events: 30,
      listingsPerEvent: 20,
      changesPerSecond: 200,
    })
    for (let s = 1; s <= 300; s++) {
      sim.tick(START + s * 1000)
      if (s % 50 === 0) checkInvariants(assert, sim)
    }
    checkInvariants(assert, sim)
  })

  test('the market moves: prices drift, listings appear and sell out, events get postponed', ({
    assert,
  }) => {
    const sim = new MarketSimulator({
      seed: 21,
      startMs: START,
      events: 30,
      listingsPerEvent: 20,
      changesPerSecond: 100,
      preSaleFraction: 0,
    })
    const before = new Map(
      sim.events().flatMap((e) => sim.listings(e.id).map((l) => [l.id, l.retailCents] as const))
    )
    const versionBefore = sim.version
    sim.tick(START + 30_000)
    const after = new Map(
      sim.events().flatMap((e) => sim.listings(e.id).map((l) => [l.id, l.retailCents] as const))
    )
    const kept = [...before.keys()].filter((id) => after.has(id))
    assert.isTrue(
      kept.some((id) => after.get(id) !== before.get(id)),
      'some price changed'
    )
    assert.isTrue(
      [...before.keys()].some((id) => !after.has(id)),
      'some listing sold out or was withdrawn'
    )
    assert.isTrue(
      [...after.keys()].some((id) => !before.has(id)),
      'some listing appeared'
    )
    assert.isTrue(
      sim.events().some((e) => e.state !== 'shown'),
      'some event postponed or canceled'
    )
    assert.isAbove(sim.version, versionBefore)
  })

  test('pre-sale events have no listings until their on-sale time', ({ assert }) => {
    const sim = new MarketSimulator({
      seed: 4,
      startMs: START,
      events: 40,
      preSaleFraction: 0.5,
      onSaleWithinMs: 60_000,
      changesPerSecond: 0,
    })
    const waiting = sim.events().filter((e) => !e.onSale)
    assert.isAbove(waiting.length, 0)
    for (const e of waiting) assert.lengthOf(sim.listings(e.id), 0)
    const changed = sim.tick(START + 60_000).changedEvents
    for (const e of waiting) {
      assert.isTrue(e.onSale)
      assert.include(changed, e.id)
      assert.isAbove(sim.listings(e.id).length, 0)
    }
  })

  test('applyOrder enforces splits and availability, and removes a sold-out listing', ({
    assert,
  }) => {
    const sim = new MarketSimulator({ seed: 2, startMs: START, events: 3, preSaleFraction: 0 })
    const event = sim.events()[0]
    const listing = sim.addListing(event.id, {
      quantity: 4,
      splitRule: 'pairs',
      retailCents: 5_000,
    })
    const version = event.version
    assert.deepEqual(sim.applyOrder(listing.id, 3), {
      ok: false,
      code: 'invalid_split',
      message: 'allowed quantities are 2, 4',
    })
    assert.equal(event.version, version)
    assert.isTrue(sim.applyOrder(listing.id, 2).ok)
    assert.equal(listing.available, 2)
    assert.deepEqual(listing.splits, [2])
    assert.isAbove(event.version, version)
    assert.equal((sim.applyOrder(listing.id, 4) as { code: string }).code, 'insufficient_quantity')
    assert.isTrue(sim.applyOrder(listing.id, 2).ok)
    assert.isUndefined(sim.listing(listing.id))
    assert.notInclude(sim.listings(event.id) as SimListing[], listing)
    assert.equal((sim.applyOrder(listing.id, 1) as { code: string }).code, 'listing_not_found')
    sim.setState(event.id, 'postponed')
    const other = sim.listings(event.id)[0]
    assert.equal(
      (sim.applyOrder(other.id, other.splits[0]) as { code: string }).code,
      'event_not_shown'
    )
  })

  test('split rules', ({ assert }) => {
    assert.deepEqual(splitsFor('any', 3), [1, 2, 3])
    assert.deepEqual(splitsFor('pairs', 5), [2, 4])
    assert.deepEqual(splitsFor('pairs', 1), [1])
    assert.deepEqual(splitsFor('whole', 6), [6])
    assert.deepEqual(splitsFor('no_single_left', 4), [1, 2, 4])
    assert.deepEqual(splitsFor('any', 0), [])
  })
})
