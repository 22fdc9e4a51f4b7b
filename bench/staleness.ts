/**
 * Scheduler simulation benchmark: importance-weighted staleness of plain
 * round-robin against the planner, under the same API quota (DESIGN §5,
 * `staleness_ratio_vs_round_robin`). Everything printed is measured by this
 * run; nothing is a constant.
 *
 *   node --import=@poppinss/ts-exec bench/staleness.ts \
 *     [--events N] [--quota R] [--duration S] [--warmup S] [--spread σ] [--seed K] [--json]
 *
 * `measureSchedulerSimulation()` is the same measurement for `npm run bench`.
 */
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import {
  DEFAULT_SIMULATION,
  simulateScheduling,
  type SimulationOptions,
  type SimulationResult,
} from '#bench/scheduler_simulation'

export interface SchedulerBenchFigures {
  /** Round-robin's importance-weighted staleness ÷ the planner's (DESIGN §5 key) */
  staleness_ratio_vs_round_robin: number
  scheduler_staleness_round_robin_s: number
  scheduler_staleness_planner_s: number
  /** Wall time of the whole simulation (both policies), milliseconds */
  scheduler_simulation_ms: number
  scheduler_simulation: {
    events: number
    quota_per_s: number
    duration_s: number
    warmup_s: number
    activity_spread: number
    seed: number
    changes: number
    checks_round_robin: number
    checks_planner: number
  }
}

export function measureSchedulerSimulation(overrides: Partial<SimulationOptions> = {}) {
  const started = performance.now()
  const result = simulateScheduling(overrides)
  const elapsedMs = performance.now() - started
  return { result, elapsedMs, figures: figuresOf(result, elapsedMs) }
}

function round(value: number, digits: number) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function figuresOf(result: SimulationResult, elapsedMs: number): SchedulerBenchFigures {
  const { options } = result
  return {
    staleness_ratio_vs_round_robin: round(result.ratio, 3),
    scheduler_staleness_round_robin_s: round(result.roundRobin.staleness, 1),
    scheduler_staleness_planner_s: round(result.planner.staleness, 1),
    scheduler_simulation_ms: Math.round(elapsedMs),
    scheduler_simulation: {
      events: options.events,
      quota_per_s: options.quota,
      duration_s: options.durationS,
      warmup_s: options.warmupS,
      activity_spread: options.activitySpread,
      seed: options.seed,
      changes: result.changes,
      checks_round_robin: result.roundRobin.checks,
      checks_planner: result.planner.checks,
    },
  }
}

const HELP = `Scheduler simulation: importance-weighted staleness, round-robin vs planner, same quota.

  --events N     events (one platform)               default ${DEFAULT_SIMULATION.events}
  --quota R      requests per second, shared         default ${DEFAULT_SIMULATION.quota}
  --duration S   measured simulated seconds          default ${DEFAULT_SIMULATION.durationS}
  --warmup S     simulated seconds before measuring  default ${DEFAULT_SIMULATION.warmupS}
  --spread σ     market activity spread (log σ)      default ${DEFAULT_SIMULATION.activitySpread}
  --seed K       PRNG seed                           default ${DEFAULT_SIMULATION.seed}
  --json         print one JSON object
  --help`

function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const value = Number(raw)
  if (!Number.isFinite(value)) throw new RangeError(`--${name} must be a number, got "${raw}"`)
  return value
}

function formatSeconds(value: number | null) {
  return value === null ? '—' : `${value.toFixed(1)} s`
}

function printTable(result: SimulationResult, elapsedMs: number) {
  const { options } = result
  const rows: string[][] = [
    [
      'policy',
      'weighted staleness',
      'mean staleness',
      'checks',
      'imp 1',
      'imp 2',
      'imp 3',
      'imp 4',
      'imp 5',
    ],
  ]
  for (const [name, policy] of [
    ['round-robin', result.roundRobin],
    ['planner', result.planner],
  ] as const) {
    const levels = policy.stalenessByImportance
    rows.push([
      name,
      formatSeconds(policy.staleness),
      formatSeconds(policy.meanStaleness),
      String(policy.checks),
      formatSeconds(levels[1]),
      formatSeconds(levels[2]),
      formatSeconds(levels[3]),
      formatSeconds(levels[4]),
      formatSeconds(levels[5]),
    ])
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])
      )
      .join('  ')
  console.log(
    `Scheduler simulation: ${options.events} events, ${options.quota} req/s shared, ` +
      `${options.durationS} s measured after ${options.warmupS} s warm-up, activity spread ${options.activitySpread}, seed ${options.seed}`
  )
  console.log(
    `${result.changes} market changes measured; staleness = time from a change to the check that sees it\n`
  )
  console.log(line(rows[0]))
  console.log(widths.map((width) => '-'.repeat(width)).join('  '))
  for (const row of rows.slice(1)) console.log(line(row))
  console.log(`\nstaleness_ratio_vs_round_robin  ${result.ratio.toFixed(3)}  (target ≥ 2)`)
  console.log(`simulation time                 ${Math.round(elapsedMs)} ms`)
}

function main(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      quota: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      spread: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(HELP)
    return
  }
  const overrides: Partial<SimulationOptions> = {}
  const set = <K extends keyof SimulationOptions>(key: K, value: number | undefined) => {
    if (value !== undefined) overrides[key] = value as SimulationOptions[K]
  }
  set('events', numberOption('events', values.events))
  set('quota', numberOption('quota', values.quota))
  set('durationS', numberOption('duration', values.duration))
  set('warmupS', numberOption('warmup', values.warmup))
  set('activitySpread', numberOption('spread', values.spread))
  set('seed', numberOption('seed', values.seed))
  const { result, elapsedMs, figures } = measureSchedulerSimulation(overrides)
  if (values.json) console.log(JSON.stringify(figures))
  else printTable(result, elapsedMs)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2))
  } catch (error) {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  }
}
