import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync } from 'node:fs'

/**
 * The buy-or-wait advice's backtest per league (app/analytics/advice.ts):
 * learnt on older played events, replayed on the most recent ones held back,
 * against "always buy now" and "always wait". Prints a table, or with --json
 * one object (advice_* keys, for `npm run bench`).
 *
 * --seed-demo first writes the demo's played games (database/demo/) for five
 * invented leagues into an empty database, so the figures can be measured on
 * a fresh one (the bench does that on a throwaway SQLite file).
 */
export default class AnalyticsBacktest extends BaseCommand {
  static commandName = 'analytics:backtest'
  static description = 'Backtest the buy-or-wait advice on held-back played events, per league'
  static options: CommandOptions = { startApp: true }

  @flags.boolean({ description: 'Print one JSON object' })
  declare json: boolean

  @flags.boolean({ description: "Seed the demo's played games first (an empty database)" })
  declare seedDemo: boolean

  @flags.string({ description: 'Write the JSON result to this file' })
  declare out?: string

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { pastEvents } = await import('#analytics/price_queries')
    const { backtestAdvice } = await import('#analytics/advice')
    const now = new Date()
    if (this.seedDemo) {
      const { seedPlayedEvents } = await import('#database/demo/played_events')
      const { default: PlatformSeeder } = await import('#database/seeders/platform_seeder')
      await new PlatformSeeder(db.connection()).run()
      const sandbox = await db.from('platforms').where('slug', 'sandbox').firstOrFail()
      for (const [index, league] of ['NBA', 'NHL', 'MLB', 'NFL', 'MLS'].entries())
        await seedPlayedEvents({
          platformId: sandbox.id,
          league,
          teams: ['North', 'South', 'East', 'West', 'Central', 'Coast'].map(
            (team) => `${league} ${team}`
          ),
          now,
          seed: 2024 + index,
        })
    }
    const leagues = (
      await db
        .from('events')
        .whereNotNull('league')
        .where('starts_at', '<', now)
        .distinct('league')
        .limit(20)
    ).map((row) => row.league as string)
    const rows = []
    for (const league of leagues.sort()) {
      const { model: _model, ...result } = backtestAdvice(
        await pastEvents({ league }, now, { limit: 400 })
      )
      rows.push({ league, ...result })
    }
    const decided = rows.filter((row) => row.cost)
    const total = decided.reduce((sum, row) => sum + row.decisions, 0)
    const weighted = (pick: (row: (typeof decided)[number]) => number) =>
      total
        ? Math.round((decided.reduce((s, r) => s + pick(r) * r.decisions, 0) / total) * 10_000) /
          10_000
        : null
    const summary = {
      advice_leagues: rows.length,
      advice_leagues_beating_baselines: rows.filter((row) => row.verdict === 'beats_baselines')
        .length,
      advice_test_events: rows.reduce((sum, row) => sum + row.testEvents, 0),
      advice_decisions: total,
      advice_cost: weighted((row) => row.cost!.advice),
      advice_buy_now_cost: weighted((row) => row.cost!.buyNow),
      advice_wait_cost: weighted((row) => row.cost!.wait),
      advice_margin: weighted((row) => row.margin!),
    }
    const json = JSON.stringify({ ...summary, advice_by_league: rows })
    if (this.out) writeFileSync(this.out, json)
    if (this.json) console.log(json)
    else {
      const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`)
      const over = (value: number | undefined) =>
        value === undefined ? '—' : `+${((value - 1) * 100).toFixed(1)} %`
      console.log(
        'league  train  test  decisions  advice   buy now  wait     margin (90 % interval)        verdict'
      )
      for (const row of rows)
        console.log(
          `${row.league.padEnd(8)}${String(row.trainEvents).padEnd(7)}${String(row.testEvents).padEnd(6)}${String(row.decisions).padEnd(11)}${over(row.cost?.advice).padEnd(9)}${over(row.cost?.buyNow).padEnd(9)}${over(row.cost?.wait).padEnd(9)}${`${pct(row.margin)} (${pct(row.marginLow)} to ${pct(row.marginHigh)})`.padEnd(30)}${row.verdict}`
        )
      console.log(
        '\nCosts are the mean price paid over the cheaper of buying then and waiting to the day before; margin = how much less the advice paid than the better baseline.'
      )
    }
    await db.manager.closeAll()
  }
}
