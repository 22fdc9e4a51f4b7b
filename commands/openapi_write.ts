import { BaseCommand, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * Writes the OpenAPI document of /api/v1 to docs/openapi.json, the
 * committed copy (API clients are generated from it; a test fails when it
 * is not current).
 */
export default class OpenApiWrite extends BaseCommand {
  static commandName = 'openapi:write'
  static description = 'Write the OpenAPI 3.1 document of /api/v1 to docs/openapi.json'
  static options: CommandOptions = { startApp: true }

  @flags.string({ description: 'Where to write it', default: 'docs/openapi.json' })
  declare out: string

  async run() {
    const { buildOpenApiDocument } = await import('#api/openapi/document')
    const target = this.app.makePath(this.out)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, JSON.stringify(buildOpenApiDocument(), null, 2) + '\n')
    this.logger.success(`Wrote ${this.out}`)
  }
}
