import type { HttpContext } from '@adonisjs/core/http'
import vine, { errors as vineErrors } from '@vinejs/vine'
import AuditLogQueries from '#services/audit_log_queries'
import ApiException from '#exceptions/api_exception'
import { day, rangeError } from '#validators/day'

const auditFiltersValidator = vine.create({
  actor: vine.string().trim().maxLength(191).optional(),
  action: vine.string().trim().maxLength(60).optional(),
  subjectType: vine.string().trim().maxLength(40).optional(),
  subjectId: vine.string().trim().maxLength(64).optional(),
  from: day().optional(),
  to: day().optional(),
  before: vine.string().trim().maxLength(60).optional(),
})
const KEYS = ['actor', 'action', 'subjectType', 'subjectId', 'from', 'to', 'before'] as const

/** The append-only audit log, read-only, filtered and paginated (newest first). */
export default class AdminAuditController {
  async index({ request, response, inertia }: HttpContext) {
    const queries = new AuditLogQueries()
    const raw = request.qs()
    const filters: Partial<Record<(typeof KEYS)[number], string>> = {}
    for (const key of KEYS)
      if (typeof raw[key] === 'string' && raw[key]) filters[key] = String(raw[key]).slice(0, 200)
    const filterErrors: Record<string, string> = {}
    let page: Awaited<ReturnType<AuditLogQueries['list']>> = { entries: [], nextCursor: null }
    try {
      const valid = await auditFiltersValidator.validate(raw)
      Object.assign(filterErrors, rangeError(valid))
      if (!filterErrors.to) page = await queries.list(valid)
    } catch (error) {
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        for (const item of error.messages as Array<{ field: string; message: string }>)
          filterErrors[item.field] ??= item.message
      } else if (error instanceof ApiException && error.field) {
        filterErrors[error.field] = error.message
      } else {
        throw error
      }
    }
    if (Object.keys(filterErrors).length) response.status(422)
    return inertia.render('admin/audit', {
      ...page,
      ...(await queries.options()),
      filters,
      filterErrors,
    })
  }
}
