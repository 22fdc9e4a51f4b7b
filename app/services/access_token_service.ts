import User from '#models/user'
import { apiErrors } from '#exceptions/catalogue'

export type TokenAbility = 'read' | 'write' | 'purchase' | 'admin'

/**
 * API access tokens: created (the secret is shown once), listed (never the
 * secret), revoked. A token never carries more than its owner's role allows.
 */
export default class AccessTokenService {
  allowedAbilities(user: User): TokenAbility[] {
    if (user.role === 'viewer') return ['read']
    if (user.role === 'admin') return ['read', 'write', 'purchase', 'admin']
    return ['read', 'write', 'purchase']
  }

  async create(user: User, name: string, abilities: TokenAbility[]) {
    const allowed = this.allowedAbilities(user)
    const refused = abilities.filter((ability) => !allowed.includes(ability))
    if (refused.length > 0) {
      throw new apiErrors.E_VALIDATION(`Your role cannot grant: ${refused.join(', ')}`, 'abilities')
    }
    const token = await User.accessTokens.create(user, abilities, { name })
    return {
      id: String(token.identifier),
      name: token.name,
      abilities: token.abilities,
      secret: token.value!.release(),
    }
  }

  async list(user: User) {
    const tokens = await User.accessTokens.all(user)
    return tokens.map((token) => ({
      id: String(token.identifier),
      name: token.name,
      abilities: token.abilities,
      lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
      createdAt: token.createdAt.toISOString(),
      expiresAt: token.expiresAt?.toISOString() ?? null,
    }))
  }

  /** Only the owner's tokens can be revoked: the lookup is scoped to the user. */
  async revoke(user: User, tokenId: string | number) {
    const deleted = await User.accessTokens.delete(user, tokenId)
    if (!deleted) throw new apiErrors.E_NOT_FOUND('No such token')
  }
}
