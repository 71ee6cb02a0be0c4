/**
 * @module The evidence behind each metric reps are ranked by (projections/README.md "Cohorts,
 * evidence and rollups"): a count rate is k of n (its 95% Wilson interval says how far the truth may
 * be from k/n), an inverse count rate is n/k of the same, and a value figure (money, days) rests on a
 * count of deals; how many of those a ranking needs; and the score a ranking orders reps by.
 *
 * Decisions where the spec is silent:
 * - A count rate's trials are its denominator (`meetingYield`: activities). When the successes exceed
 *   the trials (meetings booked without outreach: more meetings than activities), the interval is that
 *   of k = n: a booking beyond one per activity adds no evidence about the rate of outreach.
 * - A ranking scores a count rate by the end of its interval that is least favourable to the rep: the
 *   lower bound when higher is better, the upper bound when lower is better (badgeringShare). An
 *   inverse count rate (activitiesPerMeeting = activities / meetingsBooked) is scored by the upper end
 *   of its interval, n / (the Wilson lower bound of k/n): `null`, no bound at all, when k = 0.
 * - A value figure (valueWinRate, avgWonDeal, revenuePerActivity, salesCycleDays, outboundShare) is
 *   not k of n: a deal's amount is no coin toss, and no interval of a count describes a sum of
 *   amounts. It is ranked by its value, once the rep has the minimum count of deals it rests on.
 *
 * @example
 * metricInterval("winRate", totalsOf({ dealsWon: 12, dealsLost: 28 })) // { low: 0.1807…, high: 0.4543… }
 * rankScore("winRate", totalsOf({ dealsWon: 12, dealsLost: 28 }))      // 0.1807…
 */
import { wilsonInterval } from "./evidence.js"
import type { EffectivenessMetric, RepMetrics } from "./metrics.js"
import type { CounterName, DayCounters } from "./state.js"

/**
 * How much evidence a rep needs to be compared (minActivities) and to be ranked by a metric (the
 * minimum of what the metric rests on). Defaults: {@link defaultEvidenceSettings}.
 */
export type EvidenceSettings = {
  /** Activities in the window to be compared at all (medians, quadrants, rankings, the top 20%). */
  readonly minActivities: number
  /** Dials, to be ranked by connectRate. */
  readonly minDials: number
  /** Meetings held, to be ranked by secondMeetingRate. */
  readonly minMeetingsHeld: number
  /** Closed deals (won + lost), to be ranked by winRate, targetWinRate, nonTargetWinRate, valueWinRate, revenuePerActivity. */
  readonly minClosedDeals: number
  /** Won deals, to be ranked by avgWonDeal or salesCycleDays (a mean or a median of the wins). */
  readonly minWonDeals: number
  /** Deals opened, to be ranked by outboundShare. */
  readonly minDealsOpened: number
}

/** The name of one minimum of {@link EvidenceSettings}. */
export type EvidenceMinimum = keyof EvidenceSettings

/**
 * The defaults, and why:
 * - 100 activities: two or three days of a full-time rep's outreach (the demo's reps log about 45 a
 *   day), so that a month's comparison leaves out whoever barely worked in it (a hire's first days, a
 *   manager's odd call), while a rep on leave for half of it still counts; at 100 trials a rate's
 *   interval is already within about ±10 points.
 * - 5 closed deals: a month's window still ranks most AEs (who close a few deals a month), and the
 *   Wilson bound does the rest: 1 of 5 scores 0.036, 5 of 5 scores 0.57.
 * - 3 won deals for a mean or a median of wins: one or two deals are anecdotes, not an average.
 * - 50 dials: at typical connect rates (5–15%) that is 2 to 8 connects, the fewest for a rate at all.
 * - 5 meetings held and 5 deals opened: the same reasoning as for closed deals.
 */
export const defaultEvidenceSettings: EvidenceSettings = {
  minActivities: 100,
  minDials: 50,
  minMeetingsHeld: 5,
  minClosedDeals: 5,
  minWonDeals: 3,
  minDealsOpened: 5,
}

/** The evidence settings with the given ones in place of the defaults. */
export const evidenceSettingsOf = (given: Partial<EvidenceSettings> = {}): EvidenceSettings => ({
  ...defaultEvidenceSettings,
  ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
})

/** What each minimum counts, in words: "3 closed deals". */
export const evidenceNouns: Readonly<Record<EvidenceMinimum, string>> = {
  minActivities: "activities",
  minDials: "dials",
  minMeetingsHeld: "meetings held",
  minClosedDeals: "closed deals",
  minWonDeals: "won deals",
  minDealsOpened: "deals opened",
}

/**
 * What a metric rests on. `countRate`: `scale` × successes / trials, a share of trials. `inverseCountRate`:
 * trials / successes. `value`: a figure of amounts or durations, resting on the `evidence` counts.
 * The minimum applies to the trials (the evidence counts for a value).
 */
export type MetricEvidence =
  | {
      readonly kind: "countRate"
      readonly successes: CounterName
      readonly trials: ReadonlyArray<CounterName>
      readonly scale: number
      readonly minimum: EvidenceMinimum
    }
  | {
      readonly kind: "inverseCountRate"
      readonly successes: CounterName
      readonly trials: ReadonlyArray<CounterName>
      readonly minimum: EvidenceMinimum
    }
  | { readonly kind: "value"; readonly evidence: ReadonlyArray<CounterName>; readonly minimum: EvidenceMinimum }

const countRate = (
  successes: CounterName,
  trials: ReadonlyArray<CounterName>,
  minimum: EvidenceMinimum,
  scale = 1,
): MetricEvidence => ({ kind: "countRate", successes, trials, scale, minimum })

const inverseCountRate = (
  successes: CounterName,
  trials: ReadonlyArray<CounterName>,
  minimum: EvidenceMinimum,
): MetricEvidence => ({ kind: "inverseCountRate", successes, trials, minimum })

const value = (evidence: ReadonlyArray<CounterName>, minimum: EvidenceMinimum): MetricEvidence => ({
  kind: "value",
  evidence,
  minimum,
})

const closed = ["dealsWon", "dealsLost"] as const

/** The evidence behind every metric a rep can be ranked by. */
export const metricEvidence: Readonly<Record<EffectivenessMetric, MetricEvidence>> = {
  connectRate: countRate("connects", ["dials"], "minDials"),
  activitiesPerMeeting: inverseCountRate("meetingsBooked", ["activities"], "minActivities"),
  activitiesPerWin: inverseCountRate("dealsWon", ["activities"], "minActivities"),
  meetingYield: countRate("meetingsBooked", ["activities"], "minActivities", 100),
  heldMeetingYield: countRate("bookedMeetingsHeld", ["activities"], "minActivities", 100),
  secondMeetingRate: countRate("secondMeetings", ["meetingsHeld"], "minMeetingsHeld"),
  winRate: countRate("dealsWon", closed, "minClosedDeals"),
  valueWinRate: value(closed, "minClosedDeals"),
  avgWonDeal: value(["dealsWon"], "minWonDeals"),
  revenuePerActivity: value(closed, "minClosedDeals"),
  salesCycleDays: value(["dealsWon"], "minWonDeals"),
  targetFocus: countRate("targetedActivities", ["activities"], "minActivities"),
  targetWinRate: countRate("targetDealsWon", ["targetDealsWon", "targetDealsLost"], "minClosedDeals"),
  nonTargetWinRate: countRate("nonTargetDealsWon", ["nonTargetDealsWon", "nonTargetDealsLost"], "minClosedDeals"),
  outboundShare: value(["dealsOpened"], "minDealsOpened"),
  badgeringShare: countRate("badgering", ["activities"], "minActivities"),
  activitiesPerDeal: inverseCountRate("dealsOpened", ["activities"], "minActivities"),
}

/** The metrics that are counts (k of n, or n/k): the ones that carry an interval. */
export const countMetrics = (Object.keys(metricEvidence) as Array<EffectivenessMetric>).filter(
  (metric) => metricEvidence[metric].kind !== "value",
)

/** Which way is better for each metric reps are ranked by. */
export const rankingDirection: Readonly<Record<EffectivenessMetric, "higher" | "lower">> = {
  connectRate: "higher",
  activitiesPerMeeting: "lower",
  activitiesPerWin: "lower",
  meetingYield: "higher",
  heldMeetingYield: "higher",
  secondMeetingRate: "higher",
  winRate: "higher",
  valueWinRate: "higher",
  avgWonDeal: "higher",
  revenuePerActivity: "higher",
  salesCycleDays: "lower",
  targetFocus: "higher",
  targetWinRate: "higher",
  nonTargetWinRate: "higher",
  outboundShare: "higher",
  badgeringShare: "lower",
  activitiesPerDeal: "lower",
}

/**
 * A metric's 95% interval, in the metric's own unit (`meetingYield` per 100 activities). `high` is
 * `null` when there is no upper bound: an inverse count rate with no success yet (no meeting: any
 * number of activities per meeting is possible).
 */
export type MetricInterval = { readonly low: number; readonly high: number | null }

const sumOf = (totals: Readonly<DayCounters>, names: ReadonlyArray<CounterName>): number => {
  let sum = 0
  for (const name of names) sum += totals[name]
  return sum
}

/** The count a metric's minimum applies to: its trials (a count rate's denominator) or its deals. */
export const evidenceCount = (metric: EffectivenessMetric, totals: Readonly<DayCounters>): number => {
  const evidence = metricEvidence[metric]
  return sumOf(totals, evidence.kind === "value" ? evidence.evidence : evidence.trials)
}

/** The Wilson interval of a count rate's k of n (k capped at n); null without trials. */
const shareInterval = (
  evidence: Extract<MetricEvidence, { successes: CounterName }>,
  totals: Readonly<DayCounters>,
) => {
  const trials = sumOf(totals, evidence.trials)
  return wilsonInterval(Math.min(totals[evidence.successes], trials), trials)
}

/**
 * A count metric's 95% interval in its own unit: `scale` × the Wilson interval of k/n for a count
 * rate, n / (the Wilson interval of k/n) reversed for an inverse one; null for a value figure, and
 * without trials.
 *
 * @example metricInterval("meetingYield", totalsOf({ meetingsBooked: 1, activities: 1 })) // { low: 20.65…, high: 100 }
 */
export const metricInterval = (metric: EffectivenessMetric, totals: Readonly<DayCounters>): MetricInterval | null => {
  const evidence = metricEvidence[metric]
  switch (evidence.kind) {
    case "countRate": {
      const share = shareInterval(evidence, totals)
      return share === null ? null : { low: evidence.scale * share.low, high: evidence.scale * share.high }
    }
    case "inverseCountRate": {
      const share = shareInterval(evidence, totals)
      return share === null ? null : { low: 1 / share.high, high: share.low === 0 ? null : 1 / share.low }
    }
    case "value":
      return null
    default:
      return assertNever(evidence)
  }
}

/** Every count metric's interval (see {@link metricInterval}). */
export type MetricIntervals = { readonly [metric in EffectivenessMetric]?: MetricInterval | null }

/** The intervals of every count metric of a window's totals. */
export const metricIntervals = (totals: Readonly<DayCounters>): MetricIntervals =>
  Object.fromEntries(countMetrics.map((metric) => [metric, metricInterval(metric, totals)]))

/**
 * The score a ranking by `metric` orders reps by, in the metric's unit: for a count metric, the end
 * of its interval least favourable to the rep; for a value figure, its value. `null` when there is
 * nothing to score (no trials, no value) and, for an inverse count rate with no success, when the
 * unfavourable end is unbounded: such a rep ranks below every rep with a bound.
 */
export const rankScore = (
  metric: EffectivenessMetric,
  totals: Readonly<DayCounters>,
  metrics: Pick<RepMetrics, EffectivenessMetric>,
): number | null => {
  if (metricEvidence[metric].kind === "value") return metrics[metric]
  const interval = metricInterval(metric, totals)
  if (interval === null) return null
  return rankingDirection[metric] === "higher" ? interval.low : interval.high
}

function assertNever(value: never): never {
  throw new Error(`unhandled metric evidence ${JSON.stringify(value)}`)
}
