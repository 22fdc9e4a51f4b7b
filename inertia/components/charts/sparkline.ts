/**
 * A tiny inline SVG line of regular samples (server-rendered, no library):
 * the path and the direction, for a template to draw as an `<svg>` of its
 * own. A plain function rather than a component: a table of twenty of them
 * rendered twenty component instances on every dashboard.
 */
export function sparkline(
  values: Array<number | null>,
  width = 96,
  height = 24
): { path: string; trend: -1 | 0 | 1 } | null {
  let min = Infinity
  let max = -Infinity
  let first: number | null = null
  let last: number | null = null
  let known = 0
  for (const value of values) {
    if (value === null) continue
    known++
    if (value < min) min = value
    if (value > max) max = value
    first ??= value
    last = value
  }
  if (known < 2) return null
  const span = max - min || 1
  const step = (width - 4) / Math.max(values.length - 1, 1)
  let path = ''
  for (const [index, value] of values.entries()) {
    if (value === null) continue
    /** One decimal (Math.round: toFixed was most of the dashboard's own render time) */
    const x = Math.round((2 + index * step) * 10) / 10
    const y = Math.round((2 + (height - 4) * (1 - (value - min) / span)) * 10) / 10
    path += `${path ? ' L' : 'M'}${x},${y}`
  }
  return { path, trend: Math.sign(last! - first!) as -1 | 0 | 1 }
}
