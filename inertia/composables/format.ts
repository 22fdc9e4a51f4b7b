export interface Money {
  amountMinor: number
  currency: string
}

/** Integer minor units + ISO currency → "$123.45". A missing price stays "—", never $0. */
export function formatMoney(money: Money | null | undefined) {
  if (!money) return '—'
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).resolvedOptions()
    .maximumFractionDigits ?? 2
  return new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).format(
    money.amountMinor / 10 ** digits
  )
}

export function formatDate(iso: string | null, timezone?: string | null, dateOnly = false) {
  if (!iso) return 'Date to be announced'
  return new Intl.DateTimeFormat('en', {
    dateStyle: 'medium',
    ...(dateOnly ? {} : { timeStyle: 'short' }),
    timeZone: timezone ?? 'UTC',
  }).format(new Date(iso))
}

export function formatRelative(iso: string | null) {
  if (!iso) return 'never'
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000)
  if (seconds < 60) return `${Math.max(seconds, 0)} s ago`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`
  return `${Math.round(seconds / 86400)} d ago`
}
