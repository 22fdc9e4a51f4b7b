import env from '#start/env'
import { defineConfig, drivers } from '@adonisjs/core/encryption'

/**
 * AES-256-GCM with key rotation: the first key encrypts, every key in the
 * list decrypts. APP_PREVIOUS_KEYS holds keys that used to be APP_KEY;
 * `node ace keys:rotate` re-encrypts stored secrets with the current one.
 */
const previousKeys = (env.get('APP_PREVIOUS_KEYS')?.release() ?? '')
  .split(',')
  .map((key) => key.trim())
  .filter(Boolean)

const encryptionConfig = defineConfig({
  default: 'gcm',
  list: {
    gcm: drivers.aes256gcm({
      id: 'gcm',
      keys: [env.get('APP_KEY'), ...previousKeys],
    }),
  },
})

export default encryptionConfig

declare module '@adonisjs/core/types' {
  export interface EncryptorsList extends InferEncryptors<typeof encryptionConfig> {}
}
