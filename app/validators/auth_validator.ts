import { PRICE_MODES } from '#analytics/fees'
import vine from '@vinejs/vine'
import { passwordWeakness } from '#security/password_strength'
import { emailAddress, personName } from '#validators/identity'

/** IANA zones this runtime knows, plus UTC. */
export const TIMEZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')]

const email = () => emailAddress()
/**
 * Common, breached and easily guessed passwords are refused with the reason
 * (app/security/password_strength.ts); the email and name given beside it
 * count as known words.
 */
const hardToGuess = vine.createRule((value, _options, field) => {
  if (typeof value !== 'string' || !field.isValid) return
  const parent = (field.parent ?? {}) as Record<string, unknown>
  const inputs = [parent.email, parent.fullName].filter((v): v is string => typeof v === 'string')
  const weakness = passwordWeakness(value, inputs)
  if (weakness) field.report(weakness, 'password.strength', field)
})

const password = () => vine.string().minLength(10).maxLength(128).use(hardToGuess())

export const signupValidator = vine.create({
  fullName: personName().optional(),
  email: email().unique({ table: 'users', column: 'email' }),
  password: password().confirmed({ confirmationField: 'passwordConfirmation' }),
})

export const loginValidator = vine.create({
  email: email(),
  password: vine.string().minLength(1).maxLength(128),
})

export const changePasswordValidator = vine.create({
  currentPassword: vine.string().minLength(1).maxLength(128),
  password: password().confirmed({ confirmationField: 'passwordConfirmation' }),
})

export const profileValidator = vine.create({
  fullName: personName().nullable(),
  timezone: vine.string().trim().in(TIMEZONES),
  /** All-in (fees, tax, delivery) or before fees; kept as it was when absent */
  priceMode: vine.enum(PRICE_MODES).optional(),
})

/** PATCH /api/v1/me: the settings a token owner may change about themselves */
export const meValidator = vine.create({
  priceMode: vine.enum(PRICE_MODES),
})

export const TOKEN_ABILITIES = ['read', 'write', 'purchase', 'admin'] as const

export const createTokenValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  abilities: vine.array(vine.enum(TOKEN_ABILITIES)).minLength(1).distinct(),
})

export const changeRoleValidator = vine.create({
  role: vine.enum(['admin', 'manager', 'member', 'viewer'] as const),
})
