/**
 * The purchase request state machine (pure). Every status change in the
 * application goes through `transition`, so an illegal move is refused with
 * one stable code wherever it is attempted.
 *
 *   draft → pending_approval → approved → executing → succeeded | failed
 *     ↘          ↘                ↘
 *   cancelled / expired (before execution starts)
 */
import { apiErrors } from '#exceptions/catalogue'

export const PURCHASE_STATES = [
  'draft',
  'pending_approval',
  'approved',
  'executing',
  'succeeded',
  'failed',
  'cancelled',
  'expired',
] as const
export type PurchaseState = (typeof PURCHASE_STATES)[number]

export const TRANSITIONS: Readonly<Record<PurchaseState, readonly PurchaseState[]>> = Object.freeze(
  {
    draft: ['pending_approval', 'cancelled', 'expired'],
    pending_approval: ['approved', 'cancelled', 'expired'],
    approved: ['executing', 'cancelled', 'expired'],
    /** Once an order may be in flight only its outcome ends the request */
    executing: ['succeeded', 'failed'],
    succeeded: [],
    failed: [],
    cancelled: [],
    expired: [],
  }
)

/** States holding the (user, listing) slot: a second request for the same listing is refused meanwhile. */
export const ACTIVE_STATES: readonly PurchaseState[] = [
  'draft',
  'pending_approval',
  'approved',
  'executing',
]
export const TERMINAL_STATES: readonly PurchaseState[] = [
  'succeeded',
  'failed',
  'cancelled',
  'expired',
]

export function isPurchaseState(value: unknown): value is PurchaseState {
  return typeof value === 'string' && (PURCHASE_STATES as readonly string[]).includes(value)
}

export function isTerminal(state: PurchaseState): boolean {
  return TERMINAL_STATES.includes(state)
}

export function canTransition(from: PurchaseState, to: PurchaseState): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false
}

/** An illegal move: the catalogue's `E_ILLEGAL_TRANSITION` (409), with the two states. */
export class IllegalTransition extends apiErrors.E_ILLEGAL_TRANSITION {
  readonly from: string
  readonly to: string
  constructor(from: string, to: string) {
    super(`A purchase request cannot go from "${from}" to "${to}"`, 'status')
    this.from = from
    this.to = to
  }
}

/** Returns `to` when the move is allowed; throws `IllegalTransition` otherwise. */
export function transition(from: PurchaseState, to: PurchaseState): PurchaseState {
  if (!isPurchaseState(from) || !isPurchaseState(to) || !canTransition(from, to))
    throw new IllegalTransition(from, to)
  return to
}
