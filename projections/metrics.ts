/**
 * @module The metric formulas of projections/README.md, computed from a window's summed day counters:
 * the one definition of each metric.
 *
 * @example
 * const totals = sumCounters(dayRowsOfAnaInNovember)
 * metricsOf(totals, dealsAnaWonInNovember).winRate // dealsWon / (dealsWon + dealsLost), or null
 */
import { counterNames, type DayCounters, type DealRow } from "./state.js"

const dayMs = 86_400_000

/** A rep's scorecard for a window, under the exact names of projections/README.md. */
export type RepMetrics = {
  // Activity (effort)
  readonly dials: number
  readonly connects: number
  readonly conversations: number
  readonly emails: number
  readonly followUps: number
  readonly touches: number
  readonly activities: number
  readonly badgering: number
  readonly targetedActivities: number
  // Outcomes
  readonly meetingsBooked: number
  readonly meetingsHeld: number
  readonly secondMeetings: number
  readonly dealsOpened: number
  readonly dealsWon: number
  readonly dealsLost: number
  readonly wonValue: number
  readonly lostValue: number
  readonly dealsOriginated: number
  /** What a BDR produced: the pipeline and the wins of the deals they originated, the meetings they booked that were held. */
  readonly originatedPipeline: number
  readonly originatedWon: number
  readonly originatedWonValue: number
  readonly bookedMeetingsHeld: number
  readonly bookedSecondMeetings: number
  // Effectiveness: null when the denominator is 0
  readonly connectRate: number | null
  readonly activitiesPerMeeting: number | null
  readonly activitiesPerWin: number | null
  readonly meetingYield: number | null
  /** bookedMeetingsHeld per 100 activities: a BDR's yield (meetings that took place, not just booked). */
  readonly heldMeetingYield: number | null
  readonly secondMeetingRate: number | null
  readonly winRate: number | null
  readonly valueWinRate: number | null
  readonly avgWonDeal: number | null
  readonly revenuePerActivity: number | null
  readonly salesCycleDays: number | null
  readonly targetFocus: number | null
  readonly targetWinRate: number | null
  /** winRate over deals on accounts that were not targeted: the contrast to targetWinRate. */
  readonly nonTargetWinRate: number | null
  readonly outboundShare: number | null
  readonly badgeringShare: number | null
  /** activities / dealsOpened: the rate the what-if coverage replay prices a mandate at. */
  readonly activitiesPerDeal: number | null
}

/** The names of the metrics that may be null (the ratios). */
export type EffectivenessMetric = {
  [K in keyof RepMetrics]: null extends RepMetrics[K] ? K : never
}[keyof RepMetrics]

/** All counters at 0. */
export const emptyCounters = (): DayCounters => {
  const counters = {} as DayCounters
  for (const name of counterNames) counters[name] = 0
  return counters
}

/** The counters of a window: the sum of its day rows (or of several reps' totals). */
export const sumCounters = (rows: Iterable<Readonly<DayCounters>>): DayCounters => {
  const totals = emptyCounters()
  for (const row of rows) for (const name of counterNames) totals[name] += row[name]
  return totals
}

/** numerator / denominator, or null when the denominator is 0. */
export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator

/** The median of the non-null values (mean of the middle two for an even count); null when none. */
export const median = (values: Iterable<number | null | undefined>): number | null => {
  const sorted: Array<number> = []
  for (const value of values) if (value !== null && value !== undefined && !Number.isNaN(value)) sorted.push(value)
  if (sorted.length === 0) return null
  sorted.sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** winRate: dealsWon / (dealsWon + dealsLost), closed deals only. */
export const winRateOf = (dealsWon: number, dealsLost: number): number | null => ratio(dealsWon, dealsWon + dealsLost)

/** valueWinRate: wonValue / (wonValue + lostValue). */
export const valueWinRateOf = (wonValue: number, lostValue: number): number | null =>
  ratio(wonValue, wonValue + lostValue)

/**
 * salesCycleDays: the median of the days (elapsed, fractional: 36 hours is 1.5 days) from opened to
 * won, over the deals won in the window. Deals not won are ignored.
 */
export const salesCycleDaysOf = (wonDeals: Iterable<DealRow>): number | null => {
  const cycles: Array<number> = []
  for (const deal of wonDeals) {
    if (deal.status !== "won" || deal.closedAt === null) continue
    cycles.push((Date.parse(deal.closedAt) - Date.parse(deal.openedAt)) / dayMs)
  }
  return median(cycles)
}

/**
 * A rep's (or a group's) metrics for a window, from the window's summed counters and the deals won
 * in it (for salesCycleDays). Ratios come from the sums, never from averaging daily ratios.
 */
export const metricsOf = (totals: Readonly<DayCounters>, wonDealsInWindow: Iterable<DealRow> = []): RepMetrics => ({
  dials: totals.dials,
  connects: totals.connects,
  conversations: totals.conversations,
  emails: totals.emails,
  followUps: totals.followUps,
  touches: totals.touches,
  activities: totals.activities,
  badgering: totals.badgering,
  targetedActivities: totals.targetedActivities,
  meetingsBooked: totals.meetingsBooked,
  meetingsHeld: totals.meetingsHeld,
  secondMeetings: totals.secondMeetings,
  dealsOpened: totals.dealsOpened,
  dealsWon: totals.dealsWon,
  dealsLost: totals.dealsLost,
  wonValue: totals.wonValue,
  lostValue: totals.lostValue,
  dealsOriginated: totals.dealsOriginated,
  originatedPipeline: totals.originatedPipeline,
  originatedWon: totals.originatedWon,
  originatedWonValue: totals.originatedWonValue,
  bookedMeetingsHeld: totals.bookedMeetingsHeld,
  bookedSecondMeetings: totals.bookedSecondMeetings,
  connectRate: ratio(totals.connects, totals.dials),
  activitiesPerMeeting: ratio(totals.activities, totals.meetingsBooked),
  activitiesPerWin: ratio(totals.activities, totals.dealsWon),
  meetingYield: ratio(100 * totals.meetingsBooked, totals.activities),
  heldMeetingYield: ratio(100 * totals.bookedMeetingsHeld, totals.activities),
  secondMeetingRate: ratio(totals.secondMeetings, totals.meetingsHeld),
  winRate: winRateOf(totals.dealsWon, totals.dealsLost),
  valueWinRate: valueWinRateOf(totals.wonValue, totals.lostValue),
  avgWonDeal: ratio(totals.wonValue, totals.dealsWon),
  revenuePerActivity: ratio(totals.wonValue, totals.activities),
  salesCycleDays: salesCycleDaysOf(wonDealsInWindow),
  targetFocus: ratio(totals.targetedActivities, totals.activities),
  targetWinRate: winRateOf(totals.targetDealsWon, totals.targetDealsLost),
  nonTargetWinRate: winRateOf(totals.nonTargetDealsWon, totals.nonTargetDealsLost),
  outboundShare: ratio(totals.outboundOpenedValue, totals.openedValue),
  badgeringShare: ratio(totals.badgering, totals.activities),
  activitiesPerDeal: ratio(totals.activities, totals.dealsOpened),
})
