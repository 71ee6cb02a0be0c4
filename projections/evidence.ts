/**
 * @module How much a rate k/n can be trusted: its 95% Wilson score interval, and the interval's lower
 * bound as the score a ranking by a rate uses, so that one lucky deal never outranks a season of
 * evidence (projections/README.md "Evidence").
 *
 * Why Wilson rather than the normal approximation p ± z·√(p(1−p)/n): the normal interval collapses to a
 * point at 0/n and n/n (1 of 1 would be [1, 1]) and leaves [0, 1] for small n; Wilson's stays inside
 * [0, 1] and is honest about small samples.
 *
 * @example
 * wilsonInterval(12, 40) // { low: 0.1807…, high: 0.4543… }
 * wilsonInterval(1, 1)   // { low: 0.2065…, high: 1 }
 * wilsonInterval(0, 0)   // null: no evidence at all
 */

/** A rate's 95% interval: the values the true rate plausibly takes, given the counts seen. */
export type RateInterval = { readonly low: number; readonly high: number }

/** z for a two-sided 95% interval. */
export const z95 = 1.959963984540054

/**
 * The Wilson score interval of `successes` out of `trials` (z = 1.96 unless given);
 * `null` when there are no trials.
 */
export const wilsonInterval = (successes: number, trials: number, z: number = z95): RateInterval | null => {
  if (!(trials > 0) || successes < 0 || successes > trials) return null
  const p = successes / trials
  const zz = z * z
  const centre = p + zz / (2 * trials)
  const margin = z * Math.sqrt((p * (1 - p)) / trials + zz / (4 * trials * trials))
  const scale = 1 + zz / trials
  // At 0 of n and n of n the bound is exactly 0 (1): computed, rounding leaves 8.6e−19 at 0 of 400,
  // whose inverse (activities per meeting) would be a bound rather than none. Clamped elsewhere for
  // the same reason (−0, 1.0000000000000002).
  const low = successes === 0 ? 0 : Math.max(0, (centre - margin) / scale)
  const high = successes === trials ? 1 : Math.min(1, (centre + margin) / scale)
  return { low, high }
}

/** The lower bound of the Wilson interval: the rate a ranking by evidence uses; `null` without trials. */
export const wilsonLowerBound = (successes: number, trials: number): number | null =>
  wilsonInterval(successes, trials)?.low ?? null
