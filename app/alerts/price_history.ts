/**
 * An event's price history as the rule engine asks about it: the lowest
 * price in the last N days, and the share of prices below a given one.
 * Used live (built once per check) and by the backtest (grown point by
 * point as the history is replayed).
 */
export default class PriceHistory {
  #points: Array<{ at: number; price: number }> = []
  #sorted: number[] = []

  constructor(points: Array<{ at: number; price: number }> = []) {
    this.#points = [...points]
    this.#sorted = points.map((point) => point.price).sort((a, b) => a - b)
  }

  add(at: number, price: number) {
    this.#points.push({ at, price })
    this.#sorted.splice(this.#lowerBound(price), 0, price)
  }

  /** Lowest price seen at or after `now - days`, or null without history. */
  lowestInDays(days: number, now: number): number | null {
    const since = now - days * 86_400_000
    let lowest: number | null = null
    for (const point of this.#points)
      if (point.at >= since && (lowest === null || point.price < lowest)) lowest = point.price
    return lowest
  }

  /** Share of the prices strictly below `price` (0..1), or null without history. */
  rankOf(price: number): number | null {
    if (this.#sorted.length === 0) return null
    return this.#lowerBound(price) / this.#sorted.length
  }

  #lowerBound(price: number) {
    let low = 0
    let high = this.#sorted.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (this.#sorted[mid] < price) low = mid + 1
      else high = mid
    }
    return low
  }
}
