import vine from '@vinejs/vine'

const credentials = () => vine.record(vine.string().trim().maxLength(500)).optional()

export const linkAccountValidator = vine.create({
  platform: vine
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{1,39}$/),
  username: vine.string().trim().minLength(1).maxLength(190),
  credentials: credentials(),
})

export const replaceCredentialsValidator = vine.create({
  credentials: credentials(),
})

export const updatePlatformValidator = vine.create({
  enabled: vine.boolean(),
  requestsPerSecond: vine.number().min(0.01).max(10_000),
  requestsPerDay: vine.number().withoutDecimals().min(1).max(100_000_000).nullable(),
  maxTicketsPerOrder: vine.number().withoutDecimals().min(1).max(100).nullable(),
})
