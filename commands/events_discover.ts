import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class EventsDiscover extends BaseCommand {
  static commandName = 'events:discover'
  static description =
    'Search a platform for sports events and add them (no duplicates; the same game on two platforms is linked)'
  static options: CommandOptions = { startApp: true }

  @flags.string({
    description: 'Platform slug (sandbox, ticketmaster, seatgeek, stubhub, ticketevolution)',
    required: true,
  })
  declare platform: string

  @flags.string({ description: 'Free-text search' })
  declare keyword?: string

  @flags.string({
    description: 'Events starting on or after (YYYY-MM-DD or ISO 8601; default: now)',
  })
  declare from?: string

  @flags.string({ description: 'Events starting before (YYYY-MM-DD or ISO 8601)' })
  declare to?: string

  @flags.string({ description: 'ISO 3166 country code, e.g. US' })
  declare country?: string

  @flags.number({ description: 'Stop after this many pages', default: 10 })
  declare pages: number

  async run() {
    const problems: string[] = []
    for (const [name, value] of [
      ['from', this.from],
      ['to', this.to],
    ] as const) {
      if (value !== undefined && Number.isNaN(Date.parse(value)))
        problems.push(`--${name} must be a date (YYYY-MM-DD), got "${value}"`)
    }
    if (this.from && this.to && Date.parse(this.from) > Date.parse(this.to))
      problems.push('--from is after --to')
    if (this.country !== undefined && !/^[A-Za-z]{2}$/.test(this.country))
      problems.push(`--country must be a two-letter code, got "${this.country}"`)
    if (!Number.isInteger(this.pages) || this.pages < 1)
      problems.push('--pages must be a whole number ≥ 1')
    if (problems.length) {
      for (const problem of problems) this.logger.error(problem)
      this.exitCode = 1
      return
    }

    const { discoverEvents } = await import('#monitoring/discovery_service')
    const { startEmbeddedSandboxIfNeeded } = await import('#services/embedded_sandbox')
    const sandbox = this.platform === 'sandbox' ? await startEmbeddedSandboxIfNeeded() : null
    const bar = this.ui.tasks()
    let summary = ''
    let details: Awaited<ReturnType<typeof discoverEvents>> | null = null
    await bar
      .add(`Discovering on ${this.platform}`, async (task) => {
        const result = await discoverEvents(
          this.platform,
          {
            keyword: this.keyword,
            from: this.from ? new Date(this.from).toISOString() : undefined,
            to: this.to ? new Date(this.to).toISOString() : undefined,
            country: this.country?.toUpperCase(),
          },
          {
            maxPages: this.pages,
            deadlineAt: Date.now() + 120_000,
            onWait: ({ source, waitMs, reason }) =>
              task.update(`waiting ${(waitMs / 1000).toFixed(1)} s for ${source}'s ${reason}`),
            onPage: ({ page, seen, total }) =>
              task.update(`page ${page}: ${seen}${total !== null ? ` of ${total}` : ''} events`),
          }
        )
        details = result
        summary =
          `${result.seen} events seen: ${result.createdEvents} new, ${result.linkedSources} linked to an existing event, ${result.updated} updated (${result.pages} page(s))` +
          (result.priced ? `; prices stored for ${result.priced}` : '') +
          (result.past ? `; ${result.past} already started, not added` : '') +
          (result.skipped.length ? `; ${result.skipped.length} malformed, skipped` : '')
        return summary
      })
      .run()
    await sandbox?.stop()
    if (bar.getState() === 'failed') {
      this.exitCode = 1
      return
    }
    const result = details as Awaited<ReturnType<typeof discoverEvents>> | null
    for (const skipped of result?.skipped ?? []) this.logger.warning(`skipped ${skipped}`)
    /** A page that contradicts itself is not "0 events found" */
    for (const inconsistency of result?.inconsistencies ?? [])
      this.logger.error(
        `${this.platform} answered inconsistently: ${inconsistency} (noted on the source health page)`
      )
    if (result && result.inconsistencies.length && result.seen === 0) {
      this.exitCode = 1
      return
    }
    this.logger.success(summary)
  }
}
