import type { HttpContext } from '@adonisjs/core/http'
import { apiErrors } from '#exceptions/catalogue'
import BulkTransfer, {
  COLUMNS,
  fromCsvRecord,
  isKind,
  type RowError,
} from '#services/bulk_transfer'
import { CsvError, parseCsv, toCsv } from '#api/csv'

function kindOf(value: string) {
  if (!isKind(value))
    throw new apiErrors.E_NOT_FOUND('Unknown kind: watch-rules, events or accounts')
  return value
}

function onlyParams(qs: Record<string, unknown>, allowed: string[]) {
  for (const name of Object.keys(qs)) {
    if (!allowed.includes(name))
      throw new apiErrors.E_UNKNOWN_FIELD(`Unknown query parameter "${name}"`, name)
  }
}

/**
 * /api/v1/export/:kind and /api/v1/import/:kind — watch rules, events and
 * linked accounts in JSON or CSV (never a secret). See app/services/bulk_transfer.ts.
 */
export default class BulkController {
  async export({ auth, params, request, response }: HttpContext) {
    const kind = kindOf(params.kind)
    const qs = request.qs()
    onlyParams(qs, ['format'])
    const format = qs.format ?? 'json'
    if (format !== 'json' && format !== 'csv')
      throw new apiErrors.E_VALIDATION('"format" must be json or csv', 'format')
    const items = await new BulkTransfer().export(auth.use('api').getUserOrFail(), kind)
    response.header('content-disposition', `attachment; filename="hdtickets-${kind}.${format}"`)
    if (format === 'csv')
      return response
        .header('content-type', 'text/csv; charset=utf-8')
        .send(toCsv(Object.keys(COLUMNS[kind]), items))
    return response.json({ kind, version: 1, items })
  }

  async import({ auth, params, request }: HttpContext) {
    const kind = kindOf(params.kind)
    const qs = request.qs()
    onlyParams(qs, ['dryRun'])
    if (qs.dryRun !== undefined && qs.dryRun !== 'true' && qs.dryRun !== 'false') {
      throw new apiErrors.E_VALIDATION('"dryRun" must be true or false', 'dryRun')
    }
    const dryRun = qs.dryRun === 'true'
    let items: unknown[]
    const preErrors: RowError[] = []
    if ((request.header('content-type') ?? '').startsWith('text/csv')) {
      let records: Array<Record<string, string>>
      try {
        records = parseCsv(request.raw() ?? '')
      } catch (error) {
        if (error instanceof CsvError)
          throw new apiErrors.E_VALIDATION(`CSV line ${error.line}: ${error.message}`, 'body')
        throw error
      }
      items = records.map((record, index) => {
        const { item, errors } = fromCsvRecord(kind, record, index + 1)
        preErrors.push(...errors)
        return item
      })
    } else {
      const body = request.body()
      if (!Array.isArray(body.items))
        throw new apiErrors.E_VALIDATION('Send { "items": [...] } (or text/csv)', 'items')
      items = body.items
    }
    const report = await new BulkTransfer().import(auth.use('api').getUserOrFail(), kind, items, {
      dryRun,
      preErrors,
      ip: request.ip(),
    })
    return { data: report }
  }
}
