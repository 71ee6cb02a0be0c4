/**
 * @module The team view within one cohort (projections/README.md "Cohorts, evidence and rollups"):
 * medians, quadrants, the ranking and the top-20% contrast of the eligible reps of one role, the
 * ranking by evidence rather than by luck, and every other rep of the role listed with the reason.
 *
 * Decisions where the spec is silent:
 * - Each cohort has its own defaults (see {@link cohortDefaults}). BDRs are judged on what they
 *   produce: their yield is heldMeetingYield (meetings they booked that took place, per 100
 *   activities: a booking that never happens produces nothing), their top 20% are by
 *   bookedMeetingsHeld, and they are never ranked by, nor placed on, a metric of deals they do not
 *   own and close ({@link closingMetrics}).
 * - A manager is compared as the rollup of their group (rollups.ts): the manager cohort ranks
 *   managers by their group's figures, by winRate unless asked otherwise, yield revenuePerActivity.
 *   The manager must have been on the team for the whole window; minActivities applies to the
 *   group's activities.
 * - The ranking orders eligible reps by their score (rateEvidence.ts): equal scores share a rank
 *   (1, 2, 2, 4), listed by repId; a score with no bound (an inverse count rate with no success)
 *   ranks last. Reps in the answer: the ranked by rank, then the other eligible reps, then the
 *   ineligible, each group by repId.
 *
 * @example
 * compareCohort({ cohort: "AE", roster, windows, window: { start, end } }).ranking[0]
 * // { repId: "ana", value: 30, score: 18.07…, interval: { low: 18.07…, high: 45.43… }, rank: 1 }
 */
import {
  type Cohort,
  cohortOf,
  comparisonIssue,
  type Ineligibility,
  type RosterRep,
  rankingIssue,
  type WindowInstants,
} from "./cohorts.js"
import {
  placeReps,
  type Quadrant,
  type RankingMetric,
  type RepWindow,
  type TeamMedians,
  type TopPerformersContrast,
  topPerformersContrast,
  type Unattributed,
  unattributedWork,
  type YieldMetric,
} from "./comparison.js"
import { unlinkedIdentityOf } from "./identities.js"
import { metricsOf, type RepMetrics, sumCounters } from "./metrics.js"
import {
  type EvidenceSettings,
  evidenceSettingsOf,
  type MetricInterval,
  type MetricIntervals,
  metricInterval,
  metricIntervals,
  rankingDirection,
  rankScore,
} from "./rateEvidence.js"
import { managerGroups } from "./rollups.js"
import type { CounterName } from "./state.js"

/** What a cohort is placed, ranked and split into top and rest by, unless asked otherwise. */
export type CohortDefaults = {
  readonly yieldBy: YieldMetric
  readonly rankBy: RankingMetric
  /** The counter the top 20% are chosen by. */
  readonly topBy: CounterName
}

export const cohortDefaults: Readonly<Record<Cohort, CohortDefaults>> = {
  AE: { yieldBy: "meetingYield", rankBy: "meetingYield", topBy: "wonValue" },
  BDR: { yieldBy: "heldMeetingYield", rankBy: "heldMeetingYield", topBy: "bookedMeetingsHeld" },
  manager: { yieldBy: "revenuePerActivity", rankBy: "winRate", topBy: "wonValue" },
  other: { yieldBy: "meetingYield", rankBy: "meetingYield", topBy: "wonValue" },
}

/** The metrics of deals a rep owns, holds or closes: never a BDR's measure. */
export const closingMetrics: ReadonlySet<RankingMetric> = new Set<RankingMetric>([
  "winRate",
  "valueWinRate",
  "avgWonDeal",
  "revenuePerActivity",
  "salesCycleDays",
  "activitiesPerWin",
  "activitiesPerDeal",
  "targetWinRate",
  "nonTargetWinRate",
  "outboundShare",
  "secondMeetingRate",
])

/**
 * What is wrong with comparing a cohort by these metrics, in words (to answer a 400 with); null when
 * nothing is: BDRs are never judged on revenue.
 */
export const cohortOptionsIssue = (
  cohort: Cohort,
  options: { readonly yieldBy?: YieldMetric; readonly rankBy?: RankingMetric },
): string | null => {
  if (cohort !== "BDR") return null
  const judged = [options.yieldBy, options.rankBy].filter(
    (metric): metric is RankingMetric => metric !== undefined && closingMetrics.has(metric),
  )
  if (judged.length === 0) return null
  return `BDRs are not judged on deals they do not own and close (${judged.join(", ")}): rank them by heldMeetingYield, meetingYield, activitiesPerMeeting, connectRate, targetFocus or badgeringShare, with yield heldMeetingYield or meetingYield`
}

/** One rep of the cohort (a manager: their group's rollup), compared or not. */
export type CohortRep = {
  readonly repId: string
  readonly cohort: Cohort
  readonly metrics: RepMetrics
  /** The 95% interval of every count metric. */
  readonly intervals: MetricIntervals
  /** In the medians, quadrants, ranking and top-20% contrast. */
  readonly eligible: boolean
  /** Why not; null when eligible. */
  readonly reason: Ineligibility | null
  readonly quadrant: Quadrant | null
  readonly rank: number | null
  /** What the rank was decided by (rateEvidence.ts `rankScore`); null when not ranked. */
  readonly score: number | null
  /** Why the rep is not ranked; null when ranked. */
  readonly rankReason: Ineligibility | null
  /** A manager's group (the manager first); null for a rep. */
  readonly members: ReadonlyArray<string> | null
}

/** A ranked rep: the metric's value, its interval, the score it was ranked by, the rank. */
export type RankedRep = {
  readonly repId: string
  readonly value: number | null
  readonly interval: MetricInterval | null
  readonly score: number | null
  readonly rank: number
}

export type CohortComparison = {
  readonly cohort: Cohort
  readonly yieldBy: YieldMetric
  readonly rankBy: RankingMetric
  readonly topBy: CounterName
  readonly evidence: EvidenceSettings
  /** Over the eligible reps. */
  readonly medians: TeamMedians
  readonly reps: ReadonlyArray<CohortRep>
  /** The eligible reps with enough evidence for `rankBy`, best first. */
  readonly ranking: ReadonlyArray<RankedRep>
  /** The eligible reps' top ceil(20%) by `topBy` against the rest. */
  readonly contrast: TopPerformersContrast
  readonly unattributed: Unattributed
}

export type CohortComparisonOptions = {
  readonly cohort: Cohort
  /** Every rep's roster row (all cohorts: a manager's group reaches into others). */
  readonly roster: ReadonlyArray<RosterRep>
  /** Every rep's window (a rep without one counts with zeros), unlinked identities included. */
  readonly windows: ReadonlyArray<RepWindow>
  readonly window: WindowInstants
  readonly yieldBy?: YieldMetric
  readonly rankBy?: RankingMetric
  readonly evidence?: Partial<EvidenceSettings>
  /** The share of reps in the top group (default 0.2). */
  readonly topShare?: number
}

const byRepId = (a: { readonly repId: string }, b: { readonly repId: string }): number =>
  a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0

/** The cohort's reps as they are compared: a rep's own window, a manager's group's rollup. */
const cohortWindows = (options: CohortComparisonOptions) => {
  const { cohort, windows } = options
  const identities = new Set(windows.filter((w) => w.identity !== undefined).map((w) => w.repId))
  const roster = options.roster.filter((rep) => !identities.has(rep.repId) && unlinkedIdentityOf(rep) === undefined)
  const onRoster = new Set(roster.map((rep) => rep.repId))
  const unknown = windows
    .filter((w) => w.identity === undefined && !onRoster.has(w.repId))
    .map((w): RosterRep => ({ repId: w.repId, role: null, joinedAt: null, leftAt: null }))
  const windowOf = new Map(windows.map((w) => [w.repId, w]))
  const rollupWindow = (repId: string, members: ReadonlyArray<RepWindow>): RepWindow => ({
    repId,
    totals: sumCounters(members.map((member) => member.totals)),
    wonDeals: members.flatMap((member) => member.wonDeals ?? []),
  })
  const ownWindow = (repId: string): RepWindow => windowOf.get(repId) ?? rollupWindow(repId, [])
  const groups = cohort === "manager" ? managerGroups(roster) : new Map<string, ReadonlyArray<string>>()
  return [...roster, ...unknown]
    .filter((rep) => cohortOf(rep.role) === cohort)
    .map((rep) => {
      const members = cohort === "manager" ? (groups.get(rep.repId) ?? [rep.repId]) : null
      const window = members === null ? ownWindow(rep.repId) : rollupWindow(rep.repId, members.map(ownWindow))
      return { rep, window, members }
    })
}

/** Ranks scored reps: best score first, equal scores sharing a rank, an unbounded score last. */
const rankScored = (
  scored: ReadonlyArray<Omit<RankedRep, "rank">>,
  metric: RankingMetric,
): ReadonlyArray<RankedRep> => {
  const sign = rankingDirection[metric] === "higher" ? 1 : -1
  const key = (score: number | null) => (score === null ? Number.NEGATIVE_INFINITY : sign * score)
  const sorted = [...scored].sort((a, b) => {
    const [keyA, keyB] = [key(a.score), key(b.score)]
    return keyA === keyB ? byRepId(a, b) : keyA > keyB ? -1 : 1
  })
  const ranked: Array<RankedRep> = []
  sorted.forEach((entry, index) => {
    const previous = ranked[index - 1]
    const rank = previous !== undefined && key(previous.score) === key(entry.score) ? previous.rank : index + 1
    ranked.push({ ...entry, rank })
  })
  return ranked
}

/**
 * The team view of one cohort for a window.
 *
 * @throws RangeError when the options judge BDRs on revenue: check {@link cohortOptionsIssue} first.
 */
export const compareCohort = (options: CohortComparisonOptions): CohortComparison => {
  const { cohort, window } = options
  const issue = cohortOptionsIssue(cohort, options)
  if (issue !== null) throw new RangeError(issue)
  const defaults = cohortDefaults[cohort]
  const yieldBy = options.yieldBy ?? defaults.yieldBy
  const rankBy = options.rankBy ?? defaults.rankBy
  const evidence = evidenceSettingsOf(options.evidence)
  const compared = cohortWindows(options).map(({ rep, window: repWindow, members }) => {
    const metrics = metricsOf(repWindow.totals, repWindow.wonDeals ?? [])
    const reason = comparisonIssue(rep, repWindow.totals, window, evidence)
    const rankReason = reason ?? rankingIssue(rankBy, repWindow.totals, metrics, evidence)
    return { repId: rep.repId, window: repWindow, metrics, members, reason, rankReason }
  })
  const eligible = compared.filter((rep) => rep.reason === null)
  const { medians, placements } = placeReps(eligible, yieldBy)
  const quadrantOf = new Map(placements.map((placement) => [placement.repId, placement.quadrant]))
  const ranking = rankScored(
    eligible
      .filter((rep) => rep.rankReason === null)
      .map((rep) => ({
        repId: rep.repId,
        value: rep.metrics[rankBy],
        interval: metricInterval(rankBy, rep.window.totals),
        score: rankScore(rankBy, rep.window.totals, rep.metrics),
      })),
    rankBy,
  )
  const rankOf = new Map(ranking.map((entry) => [entry.repId, entry]))
  // The ranked by rank, then the other eligible reps, then the ineligible.
  const tier = (rep: (typeof compared)[number]) => (rankOf.has(rep.repId) ? 0 : rep.reason === null ? 1 : 2)
  const rankIn = (rep: (typeof compared)[number]) => rankOf.get(rep.repId)?.rank ?? 0
  const reps = [...compared]
    .sort((a, b) => tier(a) - tier(b) || rankIn(a) - rankIn(b) || byRepId(a, b))
    .map(
      (rep): CohortRep => ({
        repId: rep.repId,
        cohort,
        metrics: rep.metrics,
        intervals: metricIntervals(rep.window.totals),
        eligible: rep.reason === null,
        reason: rep.reason,
        quadrant: quadrantOf.get(rep.repId) ?? null,
        rank: rankOf.get(rep.repId)?.rank ?? null,
        score: rankOf.get(rep.repId)?.score ?? null,
        rankReason: rep.rankReason,
        members: rep.members,
      }),
    )
  return {
    cohort,
    yieldBy,
    rankBy,
    topBy: defaults.topBy,
    evidence,
    medians,
    reps,
    ranking,
    contrast: topPerformersContrast(
      eligible.map((rep) => rep.window),
      options.topShare,
      defaults.topBy,
    ),
    unattributed: unattributedWork(options.windows),
  }
}
