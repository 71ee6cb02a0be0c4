/**
 * @module The demo team's options, their defaults and the horizon they span.
 */
import { dateOf, dayNumberOf, localInstant, monthsBefore } from "./calendar.js"

export type DemoTeamOptions = {
  /** Any integer: the same seed (and options) always gives the same events. */
  readonly seed: number
  /** Selling reps (AEs and BDRs); each team's manager comes on top. Default 25. */
  readonly reps?: number
  /** Months of history ending on `endDate`. Default 12. */
  readonly months?: number
  /**
   * The last day of the demo's year (`YYYY-MM-DD`, New York): its history is the `months` before it,
   * hires, departures and the target list's changes planned within them. Default 2026-11-20, a
   * fixed day so that tests and benchmarks see the same team on every run; the server and `ledger
   * demo` pass today.
   */
  readonly endDate?: string
  /**
   * The instant (epoch ms) the simulation stops at: events arriving from then on are not generated.
   * Default: the end of `endDate`. Later, the same team carries on past its year (quotas each
   * quarter, weeks off, the pipeline): the events up to any instant are the same whatever `until`
   * is, so a demo loaded up to one day is brought up to a later one by appending what follows
   * (src/demo/currentDemo.ts).
   */
  readonly until?: number
  /**
   * Multiplies the volume of activity (and with it meetings, deals and quotas). Default 1:
   * about 300,000 events for 25 reps over 12 months. See {@link demoScaleFor}.
   */
  readonly scale?: number
}

export type ResolvedDemoOptions = {
  readonly seed: number
  readonly reps: number
  readonly months: number
  readonly scale: number
  /** First and last day of the demo's year, as day numbers (both inclusive). */
  readonly firstDay: number
  readonly lastDay: number
  /** Where the simulation stops (epoch ms, exclusive): the end of `lastDay`, or later. */
  readonly until: number
}

export const demoDefaults = { reps: 25, months: 12, endDate: "2026-11-20", scale: 1 } as const

/** Checks the options and fills in the defaults; throws with the option's name when one is wrong. */
export const resolveDemoOptions = (options: DemoTeamOptions): ResolvedDemoOptions => {
  const { seed } = options
  const reps = options.reps ?? demoDefaults.reps
  const months = options.months ?? demoDefaults.months
  const scale = options.scale ?? demoDefaults.scale
  const endDate = options.endDate ?? demoDefaults.endDate
  if (!Number.isSafeInteger(seed)) throw new Error(`demo option seed must be an integer, got ${seed}`)
  if (!Number.isInteger(reps) || reps < 1 || reps > 10_000)
    throw new Error(`demo option reps must be an integer from 1 to 10000, got ${reps}`)
  if (!Number.isInteger(months) || months < 1 || months > 120)
    throw new Error(`demo option months must be an integer from 1 to 120, got ${months}`)
  if (!(scale > 0 && scale <= 100))
    throw new Error(`demo option scale must be a number above 0 and at most 100, got ${scale}`)
  const lastDay = dayNumberOf(endDate)
  const firstDay = monthsBefore(lastDay, months) + 1
  const until = options.until ?? localInstant(lastDay + 1, 0)
  if (!Number.isFinite(until) || until <= localInstant(firstDay, 0))
    throw new Error(`demo option until must be an instant after the demo's first day, ${dateOf(firstDay)}`)
  return { seed, reps, months, scale, firstDay, lastDay, until }
}

/**
 * How many events one selling rep yields per month at scale 1, measured: 295,501 events for 25 reps
 * over 12 months (seed 1), 1,003,036 for 200 reps at scale 0.42. The mix of archetypes is the same
 * at any team size, and every flow (activity, leads, meetings, deals) is proportional to `scale`.
 */
export const eventsPerRepMonth = 990

/**
 * The `scale` that makes a demo of `reps` over `months` yield about `events` events.
 *
 * @example demoScaleFor({ events: 1_000_000, reps: 200 }) // ≈ 0.42: about a million events in a year
 */
export const demoScaleFor = (target: {
  readonly events: number
  readonly reps?: number
  readonly months?: number
}): number =>
  target.events / ((target.reps ?? demoDefaults.reps) * (target.months ?? demoDefaults.months) * eventsPerRepMonth)
