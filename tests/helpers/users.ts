import User, { type Role } from '#models/user'

let counter = 0

/** A user with a known password, of the given role. */
export async function createUser(
  role: Role = 'member',
  overrides: Partial<{ email: string; password: string }> = {}
) {
  counter++
  return User.create({
    email: overrides.email ?? `${role}${counter}-${Date.now()}@example.test`,
    password: overrides.password ?? 'correct horse battery',
    role,
    timezone: 'UTC',
  })
}
