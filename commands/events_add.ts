import { args, BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class EventsAdd extends BaseCommand {
  static commandName = 'events:add'
  static description =
    'Add the event(s) of a page URL (schema.org JSON-LD) or <platform>:<event id>, and fetch their market'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'https://… event page, or <platform>:<id> such as sandbox:2000001' })
  declare reference: string

  @flags.number({
    description:
      'Seconds the command may wait for the platform’s rate limits and Crawl-delay (default 120)',
    default: 120,
  })
  declare wait: number

  async run() {
    if (!Number.isFinite(this.wait) || this.wait < 0) {
      this.logger.error(`--wait must be a number of seconds ≥ 0, got "${this.wait}"`)
      this.exitCode = 1
      return
    }
    const { addEvent } = await import('#monitoring/discovery_service')
    const { startEmbeddedSandboxIfNeeded } = await import('#services/embedded_sandbox')
    const sandbox = this.reference.startsWith('sandbox:')
      ? await startEmbeddedSandboxIfNeeded()
      : null
    try {
      const added = await addEvent(this.reference, {
        deadlineAt: Date.now() + this.wait * 1000,
        /** A wait within the budget is sat out, and said (the platform's published limits) */
        onWait: ({ source, waitMs, reason }) =>
          this.logger.info(
            `waiting ${(waitMs / 1000).toFixed(1)} s for ${source}'s ${reason} before the next request`
          ),
      })
      for (const one of added.events) {
        const what =
          one.created === 'event' ? 'Added' : one.created === 'source' ? 'Linked' : 'Updated'
        this.logger.success(
          `${what} event #${one.eventId}: ${one.event.name}${one.event.startsAt ? ` (${one.event.startsAt})` : ''}` +
            (one.event.previousStartsAt ? `, moved from ${one.event.previousStartsAt}` : '') +
            `, status ${one.event.status}` +
            (one.availability ? `, ${one.availability.replace('_', ' ')}` : '') +
            (one.listings === null
              ? ', no listing-level data on this platform'
              : `, ${one.listings} listings`)
        )
      }
      if (added.events.length > 1) this.logger.info(`${added.events.length} events on that page`)
      for (const problem of added.problems) this.logger.warning(`left out: ${problem}`)
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    } finally {
      await sandbox?.stop()
    }
  }
}
