/**
 * A refusal of the pure criteria (criteria.ts) as the error the API answers:
 * its stable code, a 4xx status (422 unless said) and the field it is about.
 */
import ApiException from '#exceptions/api_exception'
import type { Refusal } from '#purchasing/criteria'

export function refuse(refusal: Refusal, status = 422): never {
  throw new ApiException(refusal.code, refusal.message, status, refusal.field)
}
