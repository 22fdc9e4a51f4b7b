import vine from '@vinejs/vine'

/** IANA zones this runtime knows, plus UTC. */
export const TIMEZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')]

const email = () =>
  vine.string().trim().maxLength(254).email().normalizeEmail({ all_lowercase: true })
const password = () => vine.string().minLength(10).maxLength(128)

export const signupValidator = vine.create({
  fullName: vine.string().trim().minLength(1).maxLength(120).optional(),
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
  fullName: vine.string().trim().minLength(1).maxLength(120).nullable(),
  timezone: vine.string().trim().in(TIMEZONES),
})

export const TOKEN_ABILITIES = ['read', 'write', 'purchase', 'admin'] as const

export const createTokenValidator = vine.create({
  name: vine.string().trim().minLength(1).maxLength(80),
  abilities: vine.array(vine.enum(TOKEN_ABILITIES)).minLength(1).distinct(),
})

export const changeRoleValidator = vine.create({
  role: vine.enum(['admin', 'manager', 'member', 'viewer'] as const),
})
