import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync } from 'node:fs'

/**
 * One benchmark run of the check pipeline (fetch → parse → diff → persist)
 * on the real code, against a sandbox exchange running in another process.
 * Used by `npm run bench` (bin/bench.js), which starts the exchange and
 * prints the table; not meant to be run by hand on a live database: it
 * empties the configured database first.
 */
export default class BenchPipeline extends BaseCommand {
  static commandName = 'bench:pipeline'
  static description =
    'Benchmark the check pipeline against a sandbox exchange (empties the configured database)'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'URL of the running sandbox exchange', required: true })
  declare sandboxUrl: string

  @flags.number({ description: 'Seconds to measure', default: 20 })
  declare duration: number

  @flags.number({
    description: 'Batches of checks (CheckMarkets jobs) in flight at once',
    default: 4,
  })
  declare concurrency: number

  @flags.boolean({
    description: 'Keep the database of an earlier run on the same sandbox (skips discovery)',
  })
  declare reuse: boolean

  @flags.number({
    description: 'Price cuts made in the sandbox to time change → alert (0: skip)',
    default: 30,
  })
  declare changeSamples: number

  @flags.string({ description: 'Write the JSON result to this file' })
  declare out?: string

  @flags.boolean({
    description:
      'Only prepare the database (migrate, discover, bench rules, intervals) and exit: the scaled bench checks it with its own workers',
  })
  declare prepareOnly: boolean

  async run() {
    const { preparePipelineDatabase, runPipelineBenchmark } = await import('#bench/pipeline')
    if (this.prepareOnly) {
      const prepared = await preparePipelineDatabase({
        sandboxUrl: this.sandboxUrl,
        reuse: this.reuse,
        log: (line) => this.logger.info(line),
      })
      const json = JSON.stringify({ events: prepared.seen, pairs: prepared.ids.length })
      if (this.out) writeFileSync(this.out, json)
      else console.log(json)
      process.exit(0)
    }
    const result = await runPipelineBenchmark({
      sandboxUrl: this.sandboxUrl,
      durationMs: this.duration * 1000,
      concurrency: this.concurrency,
      changeSamples: this.changeSamples,
      reuse: this.reuse,
      log: (line) => this.logger.info(line),
    })
    const { commitAndMachine } = await import('#bench/provenance')
    const json = JSON.stringify({ ...result, ...commitAndMachine() })
    if (this.out) writeFileSync(this.out, json)
    else console.log(json)
    /** Pools, agents and timers of the run would keep the process up: a benchmark ends here. */
    process.exit(0)
  }
}
