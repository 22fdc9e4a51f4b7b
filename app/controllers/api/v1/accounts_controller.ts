import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import vine from '@vinejs/vine'
import { apiErrors } from '#exceptions/catalogue'
import AccountService from '#services/account_service'
import AccountTransformer from '#transformers/account_transformer'
import { paginate, parseListQuery, type ListSpec } from '#api/pagination'

const credentials = vine.record(vine.string().maxLength(2000))
const linkValidator = vine.create({
  platform: vine.string().trim().minLength(1).maxLength(40),
  username: vine.string().trim().minLength(1).maxLength(190),
  credentials,
})
const credentialsValidator = vine.create({ credentials })

const spec: ListSpec = {
  sorts: { id: { column: 'accounts.id' }, createdAt: { column: 'accounts.created_at' } },
  defaultSort: 'id',
  idColumn: 'accounts.id',
  filters: {
    platform: (query, value) => query.where('platforms.slug', value),
    status: (query, value) => query.where('accounts.status', value),
  },
}

function ownQuery(userId: number) {
  return db
    .from('accounts')
    .join('platforms', 'platforms.id', 'accounts.platform_id')
    .where('accounts.user_id', userId)
    .select(
      'accounts.id',
      'accounts.username',
      'accounts.status',
      'accounts.last_error',
      'accounts.last_check',
      'accounts.created_at',
      'platforms.slug as platform_slug',
      'platforms.name as platform_name'
    )
}

async function ownOrFail(userId: number, id: string) {
  const row = /^\d{1,9}$/.test(id)
    ? await ownQuery(userId).where('accounts.id', Number(id)).first()
    : null
  if (!row) throw new apiErrors.E_NOT_FOUND('No such account')
  return row
}

/**
 * /api/v1/accounts — the caller's linked platform accounts. Credentials are
 * write-only: checked with the platform, stored encrypted, never returned.
 */
@inject()
export default class AccountsController {
  constructor(private accounts: AccountService) {}

  async index({ auth, request }: HttpContext) {
    const list = parseListQuery(request.qs(), spec)
    return paginate(ownQuery(auth.use('api').getUserOrFail().id), list, spec, (row) =>
      AccountTransformer.row(row)
    )
  }

  async show({ auth, params }: HttpContext) {
    return {
      data: AccountTransformer.row(await ownOrFail(auth.use('api').getUserOrFail().id, params.id)),
    }
  }

  async store({ auth, request, response }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    const payload = await request.validateUsing(linkValidator)
    const account = await this.accounts.link(user, payload, request.ip())
    return response
      .status(201)
      .send({ data: AccountTransformer.row(await ownOrFail(user.id, String(account.id))) })
  }

  async updateCredentials({ auth, params, request }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    const row = await ownOrFail(user.id, params.id)
    const { credentials: given } = await request.validateUsing(credentialsValidator)
    await this.accounts.replaceCredentials(user, Number(row.id), given, request.ip())
    return { data: AccountTransformer.row(await ownOrFail(user.id, params.id)) }
  }

  async destroy({ auth, params, request, response }: HttpContext) {
    const user = auth.use('api').getUserOrFail()
    const row = await ownOrFail(user.id, params.id)
    await this.accounts.unlink(user, Number(row.id), request.ip())
    return response.noContent()
  }
}
