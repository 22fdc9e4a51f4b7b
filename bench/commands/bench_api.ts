import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { spawn } from 'node:child_process'
import { createServer } from 'node:http'
import { writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'

/**
 * `GET /api/v1/tickets` under a fixed request rate (DESIGN §5,
 * `api_tickets_p95_ms`): empties the configured database, seeds N events
 * with M listings each, serves the app's real HTTP stack (every middleware,
 * token auth, the per-token rate limit, the contract guard) in this
 * process, and drives it from another process (bench/api_load.js) so the
 * load generator's CPU is not the server's. Used by `npm run bench`.
 */
export default class BenchApi extends BaseCommand {
  static commandName = 'bench:api'
  static description =
    'Benchmark GET /api/v1/tickets at a fixed rate (empties the configured database)'
  static options: CommandOptions = { startApp: true }

  @flags.number({ description: 'Events to seed', default: 10_000 })
  declare events: number

  @flags.number({ description: 'Available listings per event', default: 10 })
  declare listings: number

  @flags.number({ description: 'Requests per second', default: 200 })
  declare rate: number

  @flags.number({ description: 'Seconds to measure (after a 3 s warm-up)', default: 20 })
  declare duration: number

  @flags.string({ description: 'Write the JSON result to this file' })
  declare out?: string

  async run() {
    const { default: db } = await import('@adonisjs/lucid/services/db')
    const { default: User } = await import('#models/user')
    const fresh = await this.kernel.exec('migration:fresh', ['--force'])
    if (fresh.exitCode) throw new Error('migration:fresh failed')

    const seeded = Date.now()
    const now = new Date()
    await db.table('platforms').insert({
      slug: 'bench',
      name: 'Bench',
      base_url: 'http://127.0.0.1',
      api_endpoints: '{}',
      scraper_config: '{}',
      capabilities: '{"discover":true,"market":true,"checkout":false}',
      requests_per_second: 10,
      enabled: true,
      created_at: now,
    })
    const platformId = Number((await db.from('platforms').where('slug', 'bench').first()).id)
    const leagues = ['NBA', 'NHL', 'NFL', 'MLB', 'MLS']
    const batch = 400
    for (let offset = 0; offset < this.events; offset += batch) {
      const count = Math.min(batch, this.events - offset)
      const events = Array.from({ length: count }, (_, i) => {
        const n = offset + i
        return {
          name: `Team ${n % 97} at Team ${(n * 7) % 101}`,
          sport: 'Sport',
          league: leagues[n % leagues.length],
          venue: `Arena ${n % 50}`,
          city: 'City',
          country: 'US',
          starts_at: new Date(now.getTime() + (n + 1) * 3_600_000),
          status: 'onsale',
          importance: 3,
          date_tbd: false,
          created_at: now,
        }
      })
      await db.table('events').multiInsert(events)
      const ids = (await db.from('events').orderBy('id', 'desc').limit(count).select('id'))
        .map((row) => Number(row.id))
        .reverse()
      await db.table('event_sources').multiInsert(
        ids.map((eventId) => ({
          event_id: eventId,
          platform_id: platformId,
          external_id: String(eventId),
          state: 'active',
          consecutive_failures: 0,
          created_at: now,
        }))
      )
      const sources = await db
        .from('event_sources')
        .whereIn('event_id', ids)
        .select('id', 'event_id')
      const rows = sources.flatMap((source: any) =>
        Array.from({ length: this.listings }, (_, l) => ({
          event_source_id: source.id,
          event_id: source.event_id,
          external_id: `${source.event_id}-${l}`,
          section: String(100 + l),
          row: 'A',
          quantity: 2 + (l % 4),
          price_minor: 5_000 + ((source.event_id * 31 + l * 977) % 40_000),
          currency: 'USD',
          status: 'available',
          first_seen_at: now,
          last_changed_at: now,
        }))
      )
      for (let i = 0; i < rows.length; i += 500)
        await db.table('listings').multiInsert(rows.slice(i, i + 500))
    }
    const user = await User.create({
      email: 'bench@hdtickets.local',
      password: 'bench-password-123',
      role: 'member',
      timezone: 'UTC',
    })
    const token = (await User.accessTokens.create(user, ['read'])).value!.release()
    this.logger.info(
      `seeded ${this.events} events × ${this.listings} listings in ${((Date.now() - seeded) / 1000).toFixed(1)} s`
    )

    /** The per-token limit stays on (its cost is measured) but above the offered rate. */
    const { default: apiConfig } = await import('#config/api')
    apiConfig.rateLimit.perMinute = Math.max(apiConfig.rateLimit.perMinute, this.rate * 60 * 10)
    const server = await this.app.container.make('server')
    await server.boot()
    const httpServer = createServer(server.handle.bind(server))
    server.setNodeServer(httpServer)
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/api/v1/tickets`

    const probe = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
    const body: any = await probe.json()
    if (probe.status !== 200 || body.data?.length !== 50)
      throw new Error(
        `GET /api/v1/tickets answered ${probe.status}: ${JSON.stringify(body).slice(0, 200)}`
      )

    this.logger.info(
      `GET /api/v1/tickets at ${this.rate} req/s for ${this.duration} s (load from another process)`
    )
    const load = spawn(
      process.execPath,
      [
        this.app.makePath('bench/api_load.js'),
        `--url=${url}`,
        `--token=${token}`,
        `--rate=${this.rate}`,
        `--duration=${this.duration}`,
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      }
    )
    let output = ''
    load.stdout.on('data', (chunk) => (output += chunk))
    const code = await new Promise((resolve) => load.on('exit', resolve))
    httpServer.close()
    if (code !== 0) throw new Error(`the load generator failed (${code})`)
    const figures = JSON.parse(output.trim().split('\n').pop()!)
    const result = {
      ...(figures.errors === 0 ? { api_tickets_p95_ms: figures.p95_ms } : {}),
      api_tickets: {
        events: this.events,
        listings_per_event: this.listings,
        rate: this.rate,
        duration_s: this.duration,
        ...figures,
      },
    }
    const json = JSON.stringify(result)
    if (this.out) writeFileSync(this.out, json)
    else console.log(json)
    await db.manager.closeAll()
    process.exit(0)
  }
}
