/**
 * Policies by name, handed to Bouncer in the initialize middleware.
 */
export const policies = {
  UserPolicy: () => import('#policies/user_policy'),
}
