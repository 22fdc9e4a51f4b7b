/**
 * The one seeded random generator of the simulated worlds: the sandbox's
 * market (market_simulator.ts), the bench's scheduler simulation and
 * synthetic history (bench/), the demo's played games (database/demo/) and
 * the unit tests that need reproducible random input. Same seed, same
 * sequence, on every machine.
 */

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
