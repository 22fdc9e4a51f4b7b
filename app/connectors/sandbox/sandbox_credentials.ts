/**
 * The fixed demo credential of the built-in sandbox exchange. It is public on
 * purpose (like TEvo's own sandbox, it moves no money); the sandbox binds to
 * 127.0.0.1 by default. Shapes mirror TEvo: a 32-character token, a 40-character secret.
 */
import type { Credential } from '#connectors/contract'

export interface SandboxCredential {
  token: string
  secret: string
}

export const SANDBOX_CREDENTIALS: Readonly<SandboxCredential & { officeId: string }> =
  Object.freeze({
    token: 'hdtsandbox0token0000000000000001',
    secret: 'hdtsandbox0secret00000000000000000000001',
    officeId: '9001',
  })

/** The demo credential in the connector's stored-credential shape. */
export function sandboxCredential(): Credential {
  return {
    token: SANDBOX_CREDENTIALS.token,
    secret: SANDBOX_CREDENTIALS.secret,
    office_id: SANDBOX_CREDENTIALS.officeId,
  }
}
