/**
 * @module What a coverage target costs (src/whatif/README.md): the pipeline
 * gap to a target, what closing it takes at the rep's own historical rates, what the target plans to
 * lose, and the back-test tally of reps who met a target against those who did not.
 *
 * The same formulas price the flat mandate (`coverageTarget`) and the rep-specific target
 * (`requiredCoverage`), so the two policies can be compared figure by figure.
 *
 * @example
 * // quota 100k, 40k won, 150k open, 3x mandate: 3 × 60k − 150k = 30k short
 * pipelineGap({ target: 3, remainingQuota: 60_000, pipeline: 150_000 }) // 30_000
 */
import { impliedLossRate } from "./coverage.js"
import { type RateInterval, wilsonInterval } from "./evidence.js"
import { metricsOf, ratio } from "./metrics.js"
import type { DayCounters } from "./state.js"

/** A rep's own rates over a trailing window, as the what-if prices a target at them. */
export type HistoryRates = {
  /** Activities counted: all of them, or `activities − badgering` when badgering is left out. */
  readonly activities: number
  readonly badgering: number
  readonly meetingsBooked: number
  readonly dealsOpened: number
  /** Sum of the amounts (at opening) of the deals opened. */
  readonly openedValue: number
  /** openedValue / dealsOpened. */
  readonly avgDealSize: number | null
  /** meetingsBooked / dealsOpened. */
  readonly meetingsPerDeal: number | null
  /** activities / meetingsBooked (the metric of projections/README.md, on the activities counted). */
  readonly activitiesPerMeeting: number | null
  /** activities / dealsOpened (the metric of projections/README.md, on the activities counted). */
  readonly activitiesPerDeal: number | null
}

/**
 * The rates of a window's summed counters. With `excludeBadgering`, badgering activities are left
 * out of every activity rate (`activities − badgering`): effort that burns goodwill is not effort a
 * mandate should be priced at.
 */
export const historyRates = (
  totals: Readonly<DayCounters>,
  options: { readonly excludeBadgering?: boolean } = {},
): HistoryRates => {
  const activities = options.excludeBadgering === true ? totals.activities - totals.badgering : totals.activities
  const metrics = metricsOf({ ...totals, activities })
  return {
    activities,
    badgering: totals.badgering,
    meetingsBooked: totals.meetingsBooked,
    dealsOpened: totals.dealsOpened,
    openedValue: totals.openedValue,
    avgDealSize: ratio(totals.openedValue, totals.dealsOpened),
    meetingsPerDeal: ratio(totals.meetingsBooked, totals.dealsOpened),
    activitiesPerMeeting: metrics.activitiesPerMeeting,
    activitiesPerDeal: metrics.activitiesPerDeal,
  }
}

/**
 * The pipeline gap to a target: `target × remainingQuota − pipeline`, floored at 0 (a rep above
 * the target is not short of anything). Null without a target or a quota. A quota already met
 * (remainingQuota ≤ 0) leaves nothing to cover: 0.
 */
export const pipelineGap = (input: {
  readonly target: number | null
  readonly remainingQuota: number | null
  readonly pipeline: number
}): number | null => {
  const { target, remainingQuota, pipeline } = input
  if (target === null || remainingQuota === null) return null
  return Math.max(0, target * Math.max(0, remainingQuota) - pipeline)
}

/** What closing a gap takes, in deals to open, meetings to book and activities to do. */
export type ClosingCost = {
  readonly extraDeals: number | null
  readonly extraMeetings: number | null
  readonly extraActivities: number | null
}

/**
 * What closing a pipeline gap takes at the rep's own history:
 * - extraDeals = gap / avgDealSize
 * - extraMeetings = extraDeals × meetingsPerDeal
 * - extraActivities = extraDeals × activitiesPerDeal — projections/README.md's definition. It equals
 *   extraMeetings × activitiesPerMeeting whenever the rep booked a meeting (meetingsBooked cancels
 *   out), and stays defined for a rep who opens deals without booking meetings.
 * A gap of 0 costs 0 of each; a positive gap at an unknown rate (its denominator was 0) costs null.
 */
export const closingCost = (gap: number | null, rates: HistoryRates): ClosingCost => {
  if (gap === null) return { extraDeals: null, extraMeetings: null, extraActivities: null }
  if (gap === 0) return { extraDeals: 0, extraMeetings: 0, extraActivities: 0 }
  const extraDeals = rates.avgDealSize === null || rates.avgDealSize === 0 ? null : gap / rates.avgDealSize
  return {
    extraDeals,
    extraMeetings: extraDeals === null || rates.meetingsPerDeal === null ? null : extraDeals * rates.meetingsPerDeal,
    extraActivities:
      extraDeals === null || rates.activitiesPerDeal === null ? null : extraDeals * rates.activitiesPerDeal,
  }
}

/** What a target plans to lose. */
export type ExpectedLosses = {
  /** target × remainingQuota: the pipeline the target asks for. */
  readonly pipelineAtTarget: number | null
  /** pipelineAtTarget × impliedLossRate(target) (= (target − 1) × remainingQuota). */
  readonly expectedLostValue: number | null
  /** expectedLostValue / avgDealSize. */
  readonly expectedLostDeals: number | null
}

/** The pipeline a target asks for and the share of it the target assumes will be lost. */
export const expectedLosses = (input: {
  readonly target: number | null
  readonly remainingQuota: number | null
  readonly avgDealSize: number | null
}): ExpectedLosses => {
  const { target, remainingQuota, avgDealSize } = input
  if (target === null || remainingQuota === null)
    return { pipelineAtTarget: null, expectedLostValue: null, expectedLostDeals: null }
  const pipelineAtTarget = target * Math.max(0, remainingQuota)
  const lossRate = impliedLossRate(target)
  const expectedLostValue = lossRate === null ? null : pipelineAtTarget * lossRate
  return {
    pipelineAtTarget,
    expectedLostValue,
    expectedLostDeals:
      expectedLostValue === null || avgDealSize === null || avgDealSize === 0 ? null : expectedLostValue / avgDealSize,
  }
}

/** One coverage policy applied to one rep at one instant. */
export type PolicyOutcome = {
  /** The coverage the policy asks for (the mandate, or the rep's requiredCoverage); null when unknown. */
  readonly target: number | null
  /** 1 − 1/target. */
  readonly impliedLossRate: number | null
  /** Whether the pipeline counted reached the target (pipeline ≥ target × remainingQuota); null when it cannot be judged. */
  readonly met: boolean | null
  readonly gap: number | null
} & ExpectedLosses &
  ClosingCost

/**
 * A policy's figures for a rep: met or not, the gap, what closing it costs, what it plans to lose.
 * `remainingQuota` is quota − wonValue so far (null without a quota); `met` is null without a
 * target, without a quota, or with the quota already met (coverage is null then).
 */
export const policyOutcome = (input: {
  readonly target: number | null
  readonly remainingQuota: number | null
  readonly pipeline: number
  readonly rates: HistoryRates
}): PolicyOutcome => {
  const { target, remainingQuota, pipeline, rates } = input
  const gap = pipelineGap({ target, remainingQuota, pipeline })
  const judged = target !== null && remainingQuota !== null && remainingQuota > 0
  return {
    target,
    impliedLossRate: target === null ? null : impliedLossRate(target),
    met: judged ? pipeline >= target * remainingQuota : null,
    gap,
    ...expectedLosses({ target, remainingQuota, avgDealSize: rates.avgDealSize }),
    ...closingCost(gap, rates),
  }
}

/** How many reps of a group hit quota, the rate, and its 95% Wilson interval (null for an empty group). */
export type QuotaHits = {
  readonly reps: number
  readonly hitQuota: number
  readonly hitRate: number | null
  readonly interval: RateInterval | null
}

const quotaHits = (reps: number, hitQuota: number): QuotaHits => ({
  reps,
  hitQuota,
  hitRate: ratio(hitQuota, reps),
  interval: wilsonInterval(hitQuota, reps),
})

/** The back-test of one policy: reps who met it at a period's start against those who did not. */
export type BackTest = { readonly met: QuotaHits; readonly notMet: QuotaHits }

/** One rep in one period, as the back-test sees it; null figures leave the observation out. */
export type BackTestObservation = { readonly met: boolean | null; readonly hitQuota: boolean | null }

/**
 * The back-test tally: of the observations where both `met` and `hitQuota` are known, how many met
 * the policy and how many of those hit quota, and the same for those that did not; rates are
 * hitQuota / reps (null for an empty group), each with its 95% Wilson interval.
 *
 * @example // 4 reps: 2 met the mandate, 1 of them hit quota; 1 of the other 2 hit: 0.5 and 0.5
 */
export const backTest = (observations: Iterable<BackTestObservation>): BackTest => {
  let met = 0
  let metHit = 0
  let notMet = 0
  let notMetHit = 0
  for (const { met: didMeet, hitQuota } of observations) {
    if (didMeet === null || hitQuota === null) continue
    if (didMeet) {
      met++
      if (hitQuota) metHit++
    } else {
      notMet++
      if (hitQuota) notMetHit++
    }
  }
  return { met: quotaHits(met, metHit), notMet: quotaHits(notMet, notMetHit) }
}

/** Two back-tests added up (e.g. periods into the whole window). */
export const addBackTests = (a: BackTest, b: BackTest): BackTest => {
  const add = (x: QuotaHits, y: QuotaHits): QuotaHits => quotaHits(x.reps + y.reps, x.hitQuota + y.hitQuota)
  return { met: add(a.met, b.met), notMet: add(a.notMet, b.notMet) }
}
