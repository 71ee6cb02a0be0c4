/**
 * @module The team view (shared/METRICS.md "Comparing reps"): each rep's effort against yield
 * relative to the team medians (four quadrants), rankings by outcomes per activity, and the top 20%
 * by wonValue contrasted with the rest.
 *
 * Decisions where the spec is silent:
 * - Ties at the median resolve toward not flagging a rep: effort is high only when strictly above
 *   the team median of activities; yield is high when at or above the team median of yield. A rep
 *   exactly at both medians is `focused`.
 * - A rep whose yield is null (no activities) is in no quadrant (null): effort against yield cannot
 *   be judged without yield. Medians are over the non-null values of the reps compared.
 * - The top group is the ceil(20%) reps with the highest wonValue (at least one rep when there is
 *   any): 5 reps ⇒ 1, 6 ⇒ 2, 10 ⇒ 2, 11 ⇒ 3. Ties at the cut are broken by repId, so the size holds.
 * - Rankings rank equal values equally (1, 2, 2, 4), list ties by repId, and put reps whose metric
 *   is null last, unranked.
 * - An unlinked vendor identity (a window with `identity`, see projections/identities.ts) is nobody
 *   yet: it is neither placed, ranked, counted in the medians nor in the top-20% contrast, but listed
 *   as `unattributed` with what it did in the window; an identity that did nothing in it is left out.
 */
import { type EffectivenessMetric, median, metricsOf, type RepMetrics, ratio, sumCounters } from "./metrics.js"
import { rankingDirection } from "./rateEvidence.js"
import type { CounterName, DayCounters, DealRow } from "./state.js"

export type Quadrant = "focused" | "grinding" | "spraying" | "idle"

/** The outcome-per-activity measures a quadrant can use as yield (heldMeetingYield: a BDR's). */
export type YieldMetric = "meetingYield" | "revenuePerActivity" | "heldMeetingYield"

/** A rep's window: summed day counters and the deals won in the window (for salesCycleDays). */
export type RepWindow = {
  readonly repId: string
  readonly totals: Readonly<DayCounters>
  readonly wonDeals?: ReadonlyArray<DealRow>
  /** Set when `repId` is a vendor identity nobody has linked to a rep yet: unattributed, not ranked. */
  readonly identity?: { readonly source: string; readonly externalId: string }
}

/** What unattributed work is counted by: effort and the outcomes it produced. */
export const unattributedCounterNames = [
  "activities",
  "dials",
  "emails",
  "touches",
  "meetingsBooked",
  "meetingsHeld",
  "dealsOpened",
  "dealsOriginated",
  "dealsWon",
  "wonValue",
] as const satisfies ReadonlyArray<keyof DayCounters>

export type UnattributedCounts = { readonly [K in (typeof unattributedCounterNames)[number]]: number }

/** One unlinked vendor identity's work in the window, under its alias `repId`. */
export type UnattributedIdentity = {
  readonly repId: string
  readonly source: string
  readonly externalId: string
} & UnattributedCounts

/** The work of identities nobody has linked yet: each one (most activities first) and their sums. */
export type Unattributed = {
  readonly identities: ReadonlyArray<UnattributedIdentity>
  readonly totals: UnattributedCounts
}

/** A rep with the metrics of a window. */
export type RepScorecard = { readonly repId: string; readonly metrics: RepMetrics }

/** A metric reps may be ranked by: a ratio, never a raw count of activity. */
export type RankingMetric = EffectivenessMetric

export type TeamMedians = { readonly activities: number | null; readonly yield: number | null }

export type RepPlacement = {
  readonly repId: string
  readonly activities: number
  readonly yield: number | null
  readonly quadrant: Quadrant | null
}

export type RepRanking = { readonly repId: string; readonly value: number | null; readonly rank: number | null }

export type GroupContrast = {
  readonly repIds: ReadonlyArray<string>
  /** Ratios of the group's summed counters; counts are the group's sums. */
  readonly metrics: RepMetrics
  /** activities / reps in the group: sums of groups of different sizes do not compare. */
  readonly activitiesPerRep: number | null
}

export type TopPerformersContrast = { readonly top: GroupContrast; readonly rest: GroupContrast }

export type TeamComparison = {
  readonly yieldBy: YieldMetric
  readonly rankBy: RankingMetric
  readonly medians: TeamMedians
  readonly reps: ReadonlyArray<RepScorecard & { readonly quadrant: Quadrant | null; readonly rank: number | null }>
  readonly ranking: ReadonlyArray<RepRanking>
  readonly contrast: TopPerformersContrast
  readonly unattributed: Unattributed
}

/** The team medians of effort (activities) and yield, over the reps' non-null values. */
export const teamMedians = (reps: ReadonlyArray<RepScorecard>, yieldBy: YieldMetric = "meetingYield"): TeamMedians => ({
  activities: median(reps.map((rep) => rep.metrics.activities)),
  yield: median(reps.map((rep) => rep.metrics[yieldBy])),
})

/**
 * A rep's quadrant from effort and yield against the team medians: focused (low effort, high
 * yield), grinding (high, high), spraying (high effort, low yield), idle (low, low); null when yield is null.
 */
export const quadrantOf = (activities: number, yieldValue: number | null, medians: TeamMedians): Quadrant | null => {
  if (yieldValue === null || medians.yield === null || medians.activities === null) return null
  const highEffort = activities > medians.activities
  const highYield = yieldValue >= medians.yield
  if (highYield) return highEffort ? "grinding" : "focused"
  return highEffort ? "spraying" : "idle"
}

/** Every rep's effort, yield and quadrant, with the medians they were placed against. */
export const placeReps = (
  reps: ReadonlyArray<RepScorecard>,
  yieldBy: YieldMetric = "meetingYield",
): { readonly medians: TeamMedians; readonly placements: ReadonlyArray<RepPlacement> } => {
  const medians = teamMedians(reps, yieldBy)
  const placements = reps.map(({ repId, metrics }) => ({
    repId,
    activities: metrics.activities,
    yield: metrics[yieldBy],
    quadrant: quadrantOf(metrics.activities, metrics[yieldBy], medians),
  }))
  return { medians, placements }
}

/** Reps ranked by an outcome-per-activity metric (meetingYield by default), best first. */
export const rankReps = (
  reps: ReadonlyArray<RepScorecard>,
  by: RankingMetric = "meetingYield",
): ReadonlyArray<RepRanking> => {
  const sign = rankingDirection[by] === "higher" ? -1 : 1
  const sorted = reps
    .map(({ repId, metrics }) => ({ repId, value: metrics[by] }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value !== b.value) return a.value === null ? 1 : -1
      } else if (a.value !== b.value) return sign * (a.value - b.value)
      return a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0
    })
  const ranking: Array<RepRanking> = []
  sorted.forEach((entry, index) => {
    const previous = ranking[index - 1]
    const rank =
      entry.value === null ? null : previous !== undefined && previous.value === entry.value ? previous.rank : index + 1
    ranking.push({ ...entry, rank })
  })
  return ranking
}

/**
 * The top ceil(share × reps) by a counter (wonValue unless given) against the rest, each as one
 * group's metrics.
 */
export const topPerformersContrast = (
  reps: ReadonlyArray<RepWindow>,
  share = 0.2,
  by: CounterName = "wonValue",
): TopPerformersContrast => {
  const ordered = [...reps].sort(
    (a, b) => b.totals[by] - a.totals[by] || (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0),
  )
  const topCount = Math.ceil(share * ordered.length)
  return { top: groupContrast(ordered.slice(0, topCount)), rest: groupContrast(ordered.slice(topCount)) }
}

const groupContrast = (group: ReadonlyArray<RepWindow>): GroupContrast => {
  const metrics = metricsOf(
    sumCounters(group.map((rep) => rep.totals)),
    group.flatMap((rep) => rep.wonDeals ?? []),
  )
  return { repIds: group.map((rep) => rep.repId), metrics, activitiesPerRep: ratio(metrics.activities, group.length) }
}

const countsOf = (totals: Readonly<DayCounters>): UnattributedCounts =>
  Object.fromEntries(unattributedCounterNames.map((name) => [name, totals[name]])) as UnattributedCounts

/** The unlinked identities among `windows` that did something in the window, and their sums. */
export const unattributedWork = (windows: ReadonlyArray<RepWindow>): Unattributed => {
  const identities = windows
    .flatMap(({ repId, totals, identity }) =>
      identity === undefined || unattributedCounterNames.every((name) => totals[name] === 0)
        ? []
        : [{ repId, source: identity.source, externalId: identity.externalId, ...countsOf(totals) }],
    )
    .sort((a, b) => b.activities - a.activities || (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0))
  const totals = countsOf(sumCounters(windows.filter((w) => w.identity !== undefined).map((w) => w.totals)))
  return { identities, totals }
}

/**
 * The whole team view of a window: metrics, quadrants, ranking and the top-20% contrast of the reps,
 * and the unattributed work of unlinked vendor identities.
 */
export const compareReps = (
  windows: ReadonlyArray<RepWindow>,
  options: { readonly yieldBy?: YieldMetric; readonly rankBy?: RankingMetric } = {},
): TeamComparison => {
  const yieldBy = options.yieldBy ?? "meetingYield"
  const rankBy = options.rankBy ?? "meetingYield"
  const reps = windows.filter((window) => window.identity === undefined)
  const scorecards = reps.map((rep) => ({ repId: rep.repId, metrics: metricsOf(rep.totals, rep.wonDeals ?? []) }))
  const { medians, placements } = placeReps(scorecards, yieldBy)
  const ranking = rankReps(scorecards, rankBy)
  const rankOf = new Map(ranking.map((entry) => [entry.repId, entry.rank]))
  return {
    yieldBy,
    rankBy,
    medians,
    reps: scorecards.map((scorecard, index) => ({
      ...scorecard,
      quadrant: placements[index]?.quadrant ?? null,
      rank: rankOf.get(scorecard.repId) ?? null,
    })),
    ranking,
    contrast: topPerformersContrast(reps),
    unattributed: unattributedWork(windows),
  }
}
