/** An order's state on the platform, and what it means to the buyer (a pure core). */
/** The platform's order states that are its final word, and what they mean to the buyer. */
export const CONFIRMED_ORDER_STATES = ['accepted', 'completed'] as const
export const REFUSED_ORDER_STATES = ['rejected', 'canceled', 'cancelled'] as const

export type OrderVerdict = 'confirmed' | 'refused' | 'open'

export function orderVerdict(status: string): OrderVerdict {
  const state = status.toLowerCase()
  if ((CONFIRMED_ORDER_STATES as readonly string[]).includes(state)) return 'confirmed'
  if (state.startsWith('cancel') || (REFUSED_ORDER_STATES as readonly string[]).includes(state))
    return 'refused'
  return 'open'
}
