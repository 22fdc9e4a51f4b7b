import type { ApplicationService } from '@adonisjs/core/types'

/**
 * Boot-time checks and bindings of HDTickets itself.
 */
export default class AppProvider {
  constructor(protected app: ApplicationService) {}

  register() {}

  async boot() {}

  async ready() {}

  async shutdown() {}
}
