import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync } from 'node:fs'

/**
 * price_chart_p95_ms: the 90-day price chart query (read + replay) of random
 * events on the seeded database (bench:seed-history), run one after another
 * after a warm-up. Used by `npm run bench` (bin/bench.js, bench/analytics.js).
 */
export default class BenchAnalytics extends BaseCommand {
  static commandName = 'bench:analytics'
  static description = 'Measure the 90-day price chart query on a seeded database'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Charts to time', default: 300 })
  declare samples: number

  @flags.string({ description: 'Write the JSON result to this file' })
  declare out?: string

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { priceChart } = await import('#analytics/price_queries')
    const ids = (await db.from('events').select('id')).map((row) => row.id as number)
    const historyRows = Number(
      (await db.from('listing_changes').count('* as total').first())?.total ?? 0
    )
    if (!ids.length) throw new Error('No events: run bench:seed-history first')
    const pick = () => ids[Math.floor(Math.random() * ids.length)]
    for (let i = 0; i < 30; i++) await priceChart(pick())
    const times: number[] = []
    let points = 0
    for (let i = 0; i < this.samples; i++) {
      const start = performance.now()
      const chart = await priceChart(pick())
      times.push(performance.now() - start)
      points += chart.series.reduce((sum, series) => sum + series.points.length, 0)
    }
    times.sort((a, b) => a - b)
    const at = (q: number) =>
      Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] * 10) / 10
    const result = {
      price_chart_p50_ms: at(0.5),
      price_chart_p95_ms: at(0.95),
      price_chart_history_rows: historyRows,
      price_chart_points_avg: Math.round(points / this.samples),
    }
    const json = JSON.stringify(result)
    if (this.out) writeFileSync(this.out, json)
    else console.log(json)
    process.exit(0)
  }
}
