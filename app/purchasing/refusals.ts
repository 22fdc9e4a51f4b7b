/**
 * A refusal of the pure criteria (criteria.ts) as the error the API answers:
 * its catalogue code (a 422 one), its message and the field it is about.
 */
import { apiErrors } from '#exceptions/catalogue'
import type { Refusal } from '#purchasing/criteria'

export function refuse(refusal: Refusal): never {
  throw new apiErrors[refusal.code](refusal.message, refusal.field)
}
