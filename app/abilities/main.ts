/*
|--------------------------------------------------------------------------
| Roles
|--------------------------------------------------------------------------
|
| admin   — everything, including users, roles and platforms
| manager — runs the desk: sources (pause, resume, check now), approves
|           other users' purchase requests
| member  — watches events, writes rules, links accounts, buys
| viewer  — reads; writes nothing but their own password and tokens
|
*/
import { Bouncer } from '@adonisjs/bouncer'
import type User from '#models/user'

export const viewAdmin = Bouncer.ability((user: User) => user.hasRoleAtLeast('manager'))

export const manageUsers = Bouncer.ability((user: User) => user.role === 'admin')

export const managePlatforms = Bouncer.ability((user: User) => user.role === 'admin')

export const manageSources = Bouncer.ability((user: User) => user.hasRoleAtLeast('manager'))

/** Create and change one's own rules, accounts, channels and purchase requests. */
export const writeOwnData = Bouncer.ability((user: User) => user.hasRoleAtLeast('member'))

/** Approve a purchase request of another user. */
export const approveOthersPurchases = Bouncer.ability((user: User) =>
  user.hasRoleAtLeast('manager')
)
