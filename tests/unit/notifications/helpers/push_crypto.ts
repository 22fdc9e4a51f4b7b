import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
} from 'node:crypto'

/**
 * The browser and push-service side of web push, for the specs: a
 * subscription key pair, RFC 8291 aes128gcm decryption, and RFC 8292 VAPID
 * JWT verification (ES256 with the `k` public key).
 */
export function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  const auth = randomBytes(16)
  return {
    subscription: {
      endpoint,
      expirationTime: null,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    },
    ecdh,
    auth,
  }
}

/** RFC 8188/8291: one-record aes128gcm body → plaintext. */
export function decryptAes128gcm(
  body: Buffer,
  receiver: ReturnType<typeof createECDH>,
  authSecret: Buffer
): string {
  const salt = body.subarray(0, 16)
  const recordSize = body.readUInt32BE(16)
  const idLength = body[20]
  const senderPublic = body.subarray(21, 21 + idLength)
  const ciphertext = body.subarray(21 + idLength)
  if (recordSize < 18) throw new Error(`bad record size ${recordSize}`)
  const shared = receiver.computeSecret(senderPublic)
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    receiver.getPublicKey(),
    senderPublic,
  ])
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32))
  const cek = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16)
  )
  const nonce = Buffer.from(
    hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12)
  )
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16))
  const padded = Buffer.concat([
    decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
    decipher.final(),
  ])
  // Last record: content, then the 0x02 delimiter, then zero padding.
  let end = padded.length - 1
  while (end >= 0 && padded[end] === 0) end--
  if (padded[end] !== 0x02) throw new Error('missing last-record padding delimiter')
  return padded.subarray(0, end).toString('utf8')
}

export interface VapidCheck {
  header: { typ?: string; alg?: string }
  claims: { aud?: string; exp?: number; sub?: string }
  key: string
  signatureValid: boolean
}

/** Parses `vapid t=<jwt>, k=<key>` and verifies the JWT's ES256 signature with k. */
export function checkVapidAuthorization(authorization: string | undefined): VapidCheck {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '')
  if (!match) throw new Error(`not a VAPID authorization: ${authorization}`)
  const [, jwt, key] = match
  const [headerPart, claimsPart, signaturePart] = jwt.split('.')
  const point = Buffer.from(key, 'base64url')
  const publicKey = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  })
  const signatureValid = verify(
    'sha256',
    Buffer.from(`${headerPart}.${claimsPart}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signaturePart, 'base64url')
  )
  return {
    header: JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(claimsPart, 'base64url').toString('utf8')),
    key,
    signatureValid,
  }
}
