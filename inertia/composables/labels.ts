/**
 * Words for the codes platforms and the database use, so no page shows a
 * person `pending_approval`, `TM_mobile` or `onsale`. An unknown code is
 * shown tidied (underscores to spaces) rather than raw.
 */
function tidy(code: string) {
  const text = code.replace(/_/g, ' ').trim()
  return text.charAt(0).toUpperCase() + text.slice(1)
}

const purchaseStatuses: Record<string, string> = {
  draft: 'Draft',
  pending_approval: 'Awaiting approval',
  approved: 'Approved — order queued',
  executing: 'Placing the order…',
  succeeded: 'Ordered',
  failed: 'Failed',
  cancelled: 'Cancelled',
  expired: 'Expired',
}
export function purchaseStatusLabel(status: string) {
  return purchaseStatuses[status] ?? tidy(status)
}

/** Ticket Evolution's order states (the sandbox speaks the same). */
const orderStatuses: Record<string, string> = {
  pending: 'Placed — waiting for the seller to accept',
  open: 'Placed — waiting for the seller to accept',
  accepted: 'Confirmed by the seller',
  completed: 'Completed',
  rejected: 'Refused by the seller',
  canceled: 'Cancelled by the platform',
  cancelled: 'Cancelled by the platform',
  pending_substitution: 'Waiting for substitute seats',
  pending_consignment: 'Waiting for the seller',
  cancel_proposed: 'Cancellation proposed',
  recorded: 'Recorded by you',
}
export function orderStatusLabel(status: string) {
  return orderStatuses[status] ?? tidy(status)
}

/** Listing formats (how the tickets are delivered). */
const deliveries: Record<string, string> = {
  TM_mobile: 'Ticketmaster mobile transfer',
  Flash_seats: 'Flash Seats (mobile)',
  Eticket: 'E-ticket (PDF)',
  Physical: 'Paper tickets, shipped',
  Guest_list: 'Guest list (no ticket)',
  Paperless: 'Paperless (card at the door)',
}
export function deliveryLabel(format: string | null | undefined) {
  if (!format) return '—'
  return deliveries[format] ?? tidy(format)
}

const eventStatuses: Record<string, string> = {
  onsale: 'On sale',
  offsale: 'Off sale',
  presale: 'Presale',
  scheduled: 'Scheduled',
  postponed: 'Postponed',
  rescheduled: 'Rescheduled',
  cancelled: 'Cancelled',
  sold_out: 'Sold out',
  played: 'Played',
  ended: 'Ended',
}
export function eventStatusLabel(status: string | null | undefined) {
  if (!status) return '—'
  return eventStatuses[status] ?? tidy(status)
}
