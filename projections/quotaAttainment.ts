/**
 * @module Quota attainment (projections/README.md "Cohorts, evidence and rollups"): of the sellers
 * with a quota in each finished quota period, how many reached it, and the share — the figure the
 * essays on sales put at about a quarter of reps.
 *
 * Decisions where the spec is silent:
 * - The periods reported are those that finished in the window asked for: their end (exclusive, in
 *   the team's zone and fiscal calendar) in (from, to]. A period still running is not judged.
 * - A seller is anyone with a quota above 0 for the period (the last `QuotaSet` for it), whatever
 *   their role, and whether or not they were there for the whole period: the quota was theirs.
 * - Reached: wonValue in the period (deals owned and closed won in [start, end)) ≥ quota.
 * - A rep with a quarter and a month quota is judged on each, in its own period. The total over the
 *   periods counts rep-periods: 3 sellers in each of 2 quarters are 6.
 *
 * @example
 * // Q3: ana 120k of 100k, bea 60k of 100k, carl 80k of 80k → 2 of 3 reached: share 0.667
 * quotaAttainment({ reps, deals, settings, from: "2026-07-01T00:00:00Z", to: "2026-10-01T00:00:00Z" })
 */
import type { TeamSettings } from "../events/index.js"
import { wonValueBetween } from "./coverage.js"
import { type RateInterval, wilsonInterval } from "./evidence.js"
import { ratio } from "./metrics.js"
import { periodEnd, periodStart } from "./periods.js"
import type { DealRow, RepRow } from "./state.js"

/** One seller's quota period. */
export type SellerAttainment = {
  readonly repId: string
  readonly quota: number
  readonly wonValue: number
  /** wonValue / quota. */
  readonly attainment: number
  readonly reached: boolean
}

/** How many sellers reached their quota, of how many, the share and its 95% interval. */
export type AttainmentCount = {
  readonly sellers: number
  readonly reached: number
  readonly share: number | null
  readonly interval: RateInterval | null
}

/** One finished quota period (`2026-Q3`, `2026-08`): its instants and its sellers. */
export type PeriodAttainment = AttainmentCount & {
  readonly period: string
  readonly start: string
  readonly end: string
  readonly bySeller: ReadonlyArray<SellerAttainment>
}

export type QuotaAttainment = AttainmentCount & { readonly periods: ReadonlyArray<PeriodAttainment> }

const countOf = (sellers: number, reached: number): AttainmentCount => ({
  sellers,
  reached,
  share: ratio(reached, sellers),
  interval: wilsonInterval(reached, sellers),
})

/**
 * The attainment of every quota period that finished in (from, to], of the given reps (a team, a
 * manager's group), judged on the deals' rows.
 */
export const quotaAttainment = (options: {
  readonly reps: ReadonlyArray<Pick<RepRow, "repId" | "quotas">>
  readonly deals: ReadonlyArray<DealRow>
  readonly settings: TeamSettings
  readonly from: string
  readonly to: string
}): QuotaAttainment => {
  const { reps, deals, settings } = options
  const fromMs = Date.parse(options.from)
  const toMs = Date.parse(options.to)
  const bounds = (period: string) => {
    const start = periodStart(period, settings.timeZone, settings.fiscalYearStartMonth)
    const end = periodEnd(period, settings.timeZone, settings.fiscalYearStartMonth)
    return start === undefined || end === undefined ? undefined : { start, end }
  }
  const finished = new Map<string, { start: number; end: number }>()
  for (const rep of reps)
    for (const period of Object.keys(rep.quotas)) {
      const span = finished.has(period) ? undefined : bounds(period)
      if (span !== undefined && span.end > fromMs && span.end <= toMs) finished.set(period, span)
    }
  const periods = [...finished]
    .sort(([a, x], [b, y]) => x.start - y.start || x.end - y.end || (a < b ? -1 : 1))
    .map(([period, { start, end }]): PeriodAttainment => {
      const startAt = new Date(start).toISOString()
      const lastInstant = new Date(end - 1).toISOString()
      const bySeller = reps.flatMap((rep): ReadonlyArray<SellerAttainment> => {
        const quota = rep.quotas[period]
        if (quota === undefined || !(quota > 0)) return []
        const wonValue = wonValueBetween(deals, rep.repId, startAt, lastInstant)
        return [{ repId: rep.repId, quota, wonValue, attainment: wonValue / quota, reached: wonValue >= quota }]
      })
      const reached = bySeller.filter((seller) => seller.reached).length
      return {
        period,
        start: startAt,
        end: new Date(end).toISOString(),
        ...countOf(bySeller.length, reached),
        bySeller,
      }
    })
  const sellers = periods.reduce((sum, period) => sum + period.sellers, 0)
  const reached = periods.reduce((sum, period) => sum + period.reached, 0)
  return { ...countOf(sellers, reached), periods }
}
