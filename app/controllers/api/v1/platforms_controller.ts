import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import { apiErrors } from '#exceptions/catalogue'
import { connectorRuntime } from '#connectors/runtime'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'

const spec: ListSpec = {
  sorts: { id: { column: 'id' }, name: { column: 'name' }, slug: { column: 'slug' } },
  defaultSort: 'name',
  enums: { enabled: ['true', 'false'] },
  filters: { enabled: (query, value) => query.where('enabled', value === 'true') },
}

const parse = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : (value ?? {}))

/** /api/v1/platforms — what each platform can do, its limits and credential fields (never a secret). */
export default class PlatformsController {
  async #toJSON() {
    const runtime = await connectorRuntime()
    return (row: any) => {
      let fields: Array<{ name: string; label: string; secret: boolean }> = []
      try {
        fields = runtime.connector(row.slug).credentialFields.map((field) => ({
          name: field.name,
          label: field.label,
          secret: Boolean(field.secret),
        }))
      } catch {
        fields = []
      }
      const capabilities = parse(row.capabilities)
      return {
        id: Number(row.id),
        slug: row.slug,
        name: row.name,
        enabled: Boolean(row.enabled),
        capabilities: {
          discover: Boolean(capabilities.discover),
          market: Boolean(capabilities.market),
          checkout: Boolean(capabilities.checkout),
        },
        requestsPerSecond: Number(row.requests_per_second),
        requestsPerDay: row.requests_per_day === null ? null : Number(row.requests_per_day),
        maxTicketsPerOrder:
          row.max_tickets_per_order === null ? null : Number(row.max_tickets_per_order),
        hasDeploymentCredential: Boolean(row.encrypted_credentials),
        credentialFields: fields,
      }
    }
  }

  async index({ request }: HttpContext) {
    const list = parseListQuery(request.qs(), spec)
    return paginate(db.from('platforms'), list, spec, await this.#toJSON())
  }

  async show({ params }: HttpContext) {
    const row = /^\d{1,9}$/.test(params.id)
      ? await db.from('platforms').where('id', Number(params.id)).first()
      : null
    if (!row) throw new apiErrors.E_NOT_FOUND('No such platform')
    return { data: (await this.#toJSON())(row) }
  }
}
