import { createECDH } from 'node:crypto'
import webpush from 'web-push'

/**
 * VAPID keys (RFC 8292) for web push. `ensureVapidKeys` is called on start:
 * it returns the configured pair when there is one (checking the two
 * belong together), or generates a fresh pair the caller stores (settings
 * row or file) and passes back on every later start. Keys must not change
 * once browsers subscribed: subscriptions are bound to the public key.
 */
export interface VapidKeys {
  /** Uncompressed P-256 point, 65 bytes, base64url (what the browser's applicationServerKey takes) */
  publicKey: string
  /** 32-byte private scalar, base64url */
  privateKey: string
}

export class InvalidVapidKeys extends Error {
  constructor(reason: string) {
    super(`Invalid VAPID keys: ${reason}`)
    this.name = 'InvalidVapidKeys'
  }
}

/** Why a key pair is unusable, or null when it is fine. */
export function vapidKeysProblem(keys: Partial<VapidKeys>): string | null {
  if (!keys.publicKey || !keys.privateKey)
    return 'both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are needed'
  if (!/^[A-Za-z0-9_-]+$/.test(keys.publicKey)) return 'the public key is not base64url'
  if (!/^[A-Za-z0-9_-]+$/.test(keys.privateKey)) return 'the private key is not base64url'
  const publicKey = Buffer.from(keys.publicKey, 'base64url')
  const privateKey = Buffer.from(keys.privateKey, 'base64url')
  if (publicKey.length !== 65 || publicKey[0] !== 0x04)
    return 'the public key must decode to a 65-byte uncompressed P-256 point'
  if (privateKey.length !== 32) return 'the private key must decode to 32 bytes'
  try {
    const ecdh = createECDH('prime256v1')
    ecdh.setPrivateKey(privateKey)
    if (!ecdh.getPublicKey().equals(publicKey))
      return 'the public key does not belong to the private key'
  } catch (error) {
    return `the private key is not a P-256 key (${(error as Error).message})`
  }
  return null
}

export function ensureVapidKeys(
  current: Partial<VapidKeys> | null | undefined,
  generate: () => VapidKeys = () => webpush.generateVAPIDKeys()
): { keys: VapidKeys; generated: boolean } {
  const hasAny = Boolean(current?.publicKey || current?.privateKey)
  if (!hasAny) return { keys: generate(), generated: true }
  const problem = vapidKeysProblem(current!)
  if (problem) throw new InvalidVapidKeys(problem)
  return {
    keys: { publicKey: current!.publicKey!, privateKey: current!.privateKey! },
    generated: false,
  }
}

/**
 * The VAPID `sub` claim: VAPID_SUBJECT when set, else APP_URL when it is
 * https, else mailto: the mail sender. Push services use it to contact the
 * operator; Apple's refuses localhost subjects.
 */
export function resolveVapidSubject(
  subject: string | null | undefined,
  appUrl: string,
  mailFrom: string
): string {
  if (subject) return subject
  if (appUrl.startsWith('https://')) return new URL(appUrl).origin
  return `mailto:${mailFrom}`
}
