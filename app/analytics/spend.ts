/**
 * Spend and the alert → purchase funnel (pure).
 */
export type OrderRow = {
  placedAt: number
  platform: string
  totalMinor: number
  currency: string
  status: string
}
export type SpendRow = { key: string; currency: string; totalMinor: number; orders: number }

/** Orders that did not cost money; every other status counts, as the budget checks count it (app/purchasing/budgets.ts). */
export const NOT_SPENT = new Set(['rejected', 'canceled', 'cancelled', 'failed', 'void'])

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7)

function group(orders: readonly OrderRow[], keyOf: (order: OrderRow) => string): SpendRow[] {
  const rows = new Map<string, SpendRow>()
  for (const order of orders) {
    if (NOT_SPENT.has(order.status)) continue
    const key = keyOf(order)
    const id = `${key}|${order.currency}`
    const row = rows.get(id) ?? { key, currency: order.currency, totalMinor: 0, orders: 0 }
    row.totalMinor += order.totalMinor
    row.orders++
    rows.set(id, row)
  }
  return [...rows.values()]
}

/** Per calendar month (UTC), oldest first; one row per month and currency. */
export function spendByMonth(orders: readonly OrderRow[]) {
  return group(orders, (order) => monthOf(order.placedAt)).sort(
    (a, b) => a.key.localeCompare(b.key) || a.currency.localeCompare(b.currency)
  )
}

/** Per platform, biggest first. */
export function spendByPlatform(orders: readonly OrderRow[]) {
  return group(orders, (order) => order.platform).sort(
    (a, b) => b.totalMinor - a.totalMinor || a.key.localeCompare(b.key)
  )
}

export type FunnelInput = {
  alerts: number
  requests: Array<{ fromAlert: boolean; status: string; approved: boolean }>
  ordersFromAlerts: number
}
export type FunnelStage = {
  stage: 'alerts' | 'requests' | 'approved' | 'ordered'
  label: string
  count: number
  ofPrevious: number | null
}

/** Alerts → purchase requests opened from an alert → approved → order placed. */
export function alertFunnel(input: FunnelInput): FunnelStage[] {
  const fromAlerts = input.requests.filter((request) => request.fromAlert)
  const counts: Array<[FunnelStage['stage'], string, number]> = [
    ['alerts', 'Alerts', input.alerts],
    ['requests', 'Purchase requests from alerts', fromAlerts.length],
    ['approved', 'Approved', fromAlerts.filter((request) => request.approved).length],
    ['ordered', 'Orders placed', input.ordersFromAlerts],
  ]
  return counts.map(([stage, label, count], index) => {
    const previous = index ? counts[index - 1][2] : null
    return {
      stage,
      label,
      count,
      ofPrevious: previous ? Math.round((count / previous) * 1000) / 1000 : null,
    }
  })
}
