/**
 * @module What a what-if knows at a period's start, from the log as it stood then: each rep's deals
 * and trailing day counters, the rep's quadrant (effort against yield) among the period's reps, and
 * why a required coverage cannot be given from a thin history.
 */
import {
  addDays,
  type ClosedInLookback,
  type DayCounters,
  groupBy,
  type LedgerState,
  metricsOf,
  placeReps,
  type Quadrant,
  type RepDayRow,
  type RepRow,
  sumCounters,
  type YieldMetric,
} from "../../projections/index.js"

/** The trailing window of requiredCoverage and of the rates a gap is priced at. */
export const lookbackDays = 365

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A state's deals by owner and day rows by rep. Sums in a fixed order (deals by id, days by rep and
 * day), whatever order the state's maps hold them in: a state loaded from the read model holds them
 * in another order than one folded here, and the answer must be the same to the last bit of its
 * floating-point sums.
 */
export const knownAtStart = (state: LedgerState) => {
  const deals = [...state.deals.values()].sort((a, b) => byId(a.dealId, b.dealId))
  const repDays = [...state.repDays.values()].sort((a, b) => byId(a.repId, b.repId) || byId(a.day, b.day))
  return {
    dealsByOwner: groupBy(deals, (deal) => deal.ownerRepId),
    historyByRep: new Map(
      [...groupBy(repDays, (row) => row.repId)].map(([repId, rows]) => [repId, new RepHistory(rows)]),
    ),
  }
}

/**
 * A rep's day rows by month, for the sums of trailing windows: a month wholly inside a window adds
 * its own sum (computed once, by `sumCounters`), the others their days. Each period's window spans a
 * year of months: this keeps a monthly what-if over a big team from summing every day a dozen times.
 */
export class RepHistory {
  private readonly months = new Map<string, { readonly rows: Array<RepDayRow>; total?: DayCounters }>()

  constructor(rows: ReadonlyArray<RepDayRow>) {
    for (const row of rows) {
      const month = row.day.slice(0, 7)
      const entry = this.months.get(month)
      if (entry === undefined) this.months.set(month, { rows: [row] })
      else entry.rows.push(row)
    }
  }

  /**
   * The counters summed over the `days` days before `day` (`day` itself excluded; none before the
   * calendar's first day, so that a period starting 0001-01-01 has no history rather than its own).
   */
  totalsBefore(day: string, days: number): DayCounters {
    const from = addDays(day, -days)
    const parts: Array<DayCounters> = []
    for (const [month, entry] of this.months) {
      const first = `${month}-01`
      const last = `${month}-31` // an upper bound of the month's days, as a key
      if (last < from || first >= day) continue
      if (first >= from && last < day) {
        entry.total ??= sumCounters(entry.rows)
        parts.push(entry.total)
      } else {
        for (const row of entry.rows) if (row.day >= from && row.day < day) parts.push(row)
      }
    }
    return sumCounters(parts)
  }
}

/**
 * Why a requiredCoverage (and the win rate the scenarios use) is not given: too few deals closed in
 * the trailing window, nothing of value won, or nothing of value closed; null when it is given.
 */
export const thinHistoryReason = (closed: ClosedInLookback, minClosedDeals: number): string | null => {
  const window = `in the ${lookbackDays} days before the period's start`
  if (closed.closedDeals < minClosedDeals)
    return `${closed.closedDeals} deal${closed.closedDeals === 1 ? "" : "s"} closed ${window}, fewer than the ${minClosedDeals} a win rate needs (minClosedDeals)`
  if (closed.valueWinRate === null) return `the deals closed ${window} carried no value`
  if (closed.valueWinRate === 0) return `nothing of value won ${window}: no pipeline is enough`
  return null
}

/** Yield by role, as the team view places reps: revenue per activity for AEs, held meetings for BDRs. */
const yieldOfRole = (role: RepRow["role"]): YieldMetric =>
  role === "AE" ? "revenuePerActivity" : role === "BDR" ? "heldMeetingYield" : "meetingYield"

/**
 * Each rep's quadrant at a period's start (projections/comparison.ts): effort (activities) against
 * yield over the trailing window, against the medians of the reps of the same role in the period.
 */
export const quadrantsOfReps = (
  reps: ReadonlyArray<RepRow>,
  totals: ReadonlyMap<string, DayCounters>,
): Map<string, Quadrant | null> => {
  const quadrants = new Map<string, Quadrant | null>()
  for (const group of groupBy(reps, (rep) => rep.role ?? "unknown").values()) {
    const scorecards = group.map((rep) => ({
      repId: rep.repId,
      metrics: metricsOf(totals.get(rep.repId) as DayCounters),
    }))
    const yieldBy = yieldOfRole(group[0]?.role ?? null)
    for (const placement of placeReps(scorecards, yieldBy).placements)
      quadrants.set(placement.repId, placement.quadrant)
  }
  return quadrants
}
