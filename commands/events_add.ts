import { args, BaseCommand } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'

export default class EventsAdd extends BaseCommand {
  static commandName = 'events:add'
  static description =
    'Add one event by its page URL (schema.org JSON-LD) or as <platform>:<event id>, and fetch its market'
  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'https://… event page, or <platform>:<id> such as sandbox:2000001' })
  declare reference: string

  async run() {
    const { addEvent } = await import('#monitoring/discovery_service')
    const { startEmbeddedSandboxIfNeeded } = await import('#services/embedded_sandbox')
    const sandbox = this.reference.startsWith('sandbox:')
      ? await startEmbeddedSandboxIfNeeded()
      : null
    try {
      const added = await addEvent(this.reference)
      const what =
        added.created === 'event' ? 'Added' : added.created === 'source' ? 'Linked' : 'Updated'
      this.logger.success(
        `${what} event #${added.eventId}: ${added.event.name}${added.event.startsAt ? ` (${added.event.startsAt})` : ''}, status ${added.event.status}` +
          (added.listings === null
            ? ', no listing-level data on this platform'
            : `, ${added.listings} listings`)
      )
    } catch (error) {
      this.logger.error((error as Error).message)
      this.exitCode = 1
    } finally {
      await sandbox?.stop()
    }
  }
}
