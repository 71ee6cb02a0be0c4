/**
 * @module The team's views of a window, read from the scorecard read model: the comparison of one
 * cohort (projections/cohortComparison.ts) and the rollups per team or per manager
 * (projections/rollups.ts, quotaAttainment.ts), each with the previous window of the same length
 * when asked (projections/windowChange.ts). Every figure comes from `projections/`; this module
 * only reads the rows and lays out the answer.
 */
import type { TeamSettings } from "../../events/index.js"
import {
  type Cohort,
  type CohortComparison,
  compareCohort,
  coverageAt,
  type DealRow,
  describeIneligibility,
  type EvidenceSettings,
  emptyCounters,
  type FigureChange,
  figureChanges,
  groupBy,
  groupCoverageAt,
  groupRollups,
  type Ineligibility,
  managerGroups,
  previousWindow,
  quotaAttainment,
  type RankingMetric,
  type RepRow,
  type RepWindow,
  rollupOf,
  teamGroups,
  unlinkedIdentityOf,
  type YieldMetric,
} from "../../projections/index.js"
import type { SqlQueryable } from "../store/sql.js"
import { type DayWindow, readContext, repSummary, windowInstants, wonIn } from "./scorecardQueries.js"
import { allReps, dealsOf, sumRepDays } from "./scorecardReads.js"

/** Read the window just before, and answer each figure's previous value and change. */
export type CompareTo = "previous"

/** The rows a team view is computed from, read once per answer. */
type Rows = {
  readonly generation: number
  readonly settings: TeamSettings
  readonly reps: ReadonlyArray<RepRow>
  readonly deals: ReadonlyArray<DealRow>
  readonly dealsByOwner: ReadonlyMap<string, ReadonlyArray<DealRow>>
}

const rowsOf = async (q: SqlQueryable) => {
  const { generation, settings } = await readContext(q)
  const deals = await dealsOf(q, generation.generation)
  const rows: Rows = {
    generation: generation.generation,
    settings,
    reps: await allReps(q, generation.generation),
    deals,
    dealsByOwner: groupBy(deals, (d) => d.ownerRepId),
  }
  return { rows, readModel: { generation: generation.generation, eventsApplied: generation.eventsApplied } }
}

const windowOf = (window: DayWindow, settings: TeamSettings) => ({
  ...window,
  ...windowInstants(window, settings),
  timeZone: settings.timeZone,
})

/** Every rep's window (unlinked identities included): the summed counters and the deals won in it. */
const repWindows = async (q: SqlQueryable, rows: Rows, reps: ReadonlyArray<RepRow>, window: DayWindow) => {
  const { start, end } = windowInstants(window, rows.settings)
  const sums = await sumRepDays(q, rows.generation, { fromDay: window.from, toDay: window.to })
  return reps.map((rep): RepWindow => {
    const identity = unlinkedIdentityOf(rep)
    return {
      repId: rep.repId,
      totals: sums.get(rep.repId) ?? emptyCounters(),
      wonDeals: wonIn(rows.dealsByOwner.get(rep.repId) ?? [], start, end),
      ...(identity === undefined ? {} : { identity }),
    }
  })
}

/** A reason a rep is not compared or not ranked, with its words. */
const reasonOf = (reason: Ineligibility | null) =>
  reason === null ? null : { ...reason, detail: describeIneligibility(reason) }

export type CohortComparisonRequest = {
  readonly cohort: Cohort
  readonly team?: string
  readonly rankBy?: RankingMetric
  readonly yieldBy?: YieldMetric
  readonly evidence?: Partial<EvidenceSettings>
  readonly compareTo?: CompareTo
}

/**
 * The comparison of one cohort in a window: every rep of the cohort (a manager as their group's
 * rollup), eligible or not with the reason, the medians, quadrants, ranking by evidence and top 20%
 * of the eligible, and each rep's coverage at the window's end. A team filter keeps unlinked
 * identities: they belong to no team yet. With `compareTo`, each rep's figures in the previous window.
 */
export const cohortComparisonView = async (q: SqlQueryable, window: DayWindow, request: CohortComparisonRequest) => {
  const { rows, readModel } = await rowsOf(q)
  const { settings } = rows
  const reps = rows.reps.filter(
    (r) => request.team === undefined || r.team === request.team || unlinkedIdentityOf(r) !== undefined,
  )
  const compare = async (days: DayWindow): Promise<CohortComparison> =>
    compareCohort({
      cohort: request.cohort,
      roster: reps,
      windows: await repWindows(q, rows, reps, days),
      window: windowInstants(days, settings),
      ...(request.rankBy === undefined ? {} : { rankBy: request.rankBy }),
      ...(request.yieldBy === undefined ? {} : { yieldBy: request.yieldBy }),
      ...(request.evidence === undefined ? {} : { evidence: request.evidence }),
    })
  const current = await compare(window)
  const before = request.compareTo === "previous" ? previousWindow(window) : undefined
  const previous = before === undefined ? undefined : await compare(before)
  const previousOf = new Map(previous?.reps.map((rep) => [rep.repId, rep]))
  const repById = new Map(reps.map((r) => [r.repId, r]))
  const { measuredAt } = windowInstants(window, settings)
  return {
    window: windowOf(window, settings),
    previousWindow: before === undefined ? null : windowOf(before, settings),
    team: request.team ?? null,
    cohort: current.cohort,
    yieldBy: current.yieldBy,
    rankBy: current.rankBy,
    topBy: current.topBy,
    evidence: current.evidence,
    medians: current.medians,
    medianChanges: previous === undefined ? null : figureChanges(current.medians, previous.medians),
    ranking: current.ranking,
    reps: current.reps.map((entry) => {
      const rep = repById.get(entry.repId)
      const before = previousOf.get(entry.repId)
      return {
        ...(rep === undefined ? unknownRep(entry.repId) : repSummary(rep)),
        cohort: entry.cohort,
        eligible: entry.eligible,
        reason: reasonOf(entry.reason),
        metrics: entry.metrics,
        intervals: entry.intervals,
        quadrant: entry.quadrant,
        rank: entry.rank,
        score: entry.score,
        rankReason: reasonOf(entry.rankReason),
        members: entry.members,
        coverage: coverageAt({
          deals: rows.dealsByOwner.get(entry.repId) ?? [],
          rep,
          repId: entry.repId,
          settings,
          at: measuredAt,
        }),
        previous:
          previous === undefined
            ? null
            : {
                eligible: before?.eligible ?? false,
                rank: before?.rank ?? null,
                quadrant: before?.quadrant ?? null,
              },
        changes: previous === undefined ? null : metricChanges(entry.metrics, before?.metrics),
      }
    }),
    contrast: current.contrast,
    unattributed: current.unattributed,
    readModel,
  }
}

/** A rep credited by events the read model has no roster row for (never in practice: every rep has one). */
const unknownRep = (repId: string) => ({
  repId,
  name: null,
  role: null,
  team: null,
  managerRepId: null,
  active: false,
  known: false,
  unlinkedIdentity: null,
})

const metricChanges = (
  metrics: CohortComparison["reps"][number]["metrics"],
  previous: CohortComparison["reps"][number]["metrics"] | undefined,
): Record<string, FigureChange> => figureChanges<string>(metrics, previous)

export type RollupRequest = { readonly groupBy: "team" | "manager"; readonly compareTo?: CompareTo }

/**
 * The rollup of each team or manager's group in a window: their counters summed and the metrics of
 * the sums (ratios of sums), the group's coverage and required coverage at the window's end, and the
 * quota attainment of the quota periods that finished in the window; then the same for the whole
 * team (every rep on the roster). With `compareTo`, each metric's previous value and change.
 */
export const teamRollupView = async (q: SqlQueryable, window: DayWindow, request: RollupRequest) => {
  const { rows, readModel } = await rowsOf(q)
  const { settings } = rows
  const roster = rows.reps.filter((rep) => unlinkedIdentityOf(rep) === undefined)
  const groups = request.groupBy === "team" ? teamGroups(roster) : managerGroups(roster)
  const repById = new Map(roster.map((rep) => [rep.repId, rep]))
  const rollups = async (days: DayWindow) => {
    const windows = await repWindows(q, rows, roster, days)
    return { groups: groupRollups(groups, windows), total: { group: "all", ...rollupOf(windows) } }
  }
  const current = await rollups(window)
  const before = request.compareTo === "previous" ? previousWindow(window) : undefined
  const previous = before === undefined ? undefined : await rollups(before)
  const { start, end, measuredAt } = windowInstants(window, settings)
  const answerOf = (
    group: ReturnType<typeof groupRollups>[number],
    previousGroup: ReturnType<typeof groupRollups>[number] | undefined,
    hasPrevious: boolean,
  ) => {
    const members = group.members.flatMap((repId) => repById.get(repId) ?? [])
    return {
      group: group.group,
      members: group.members,
      metrics: group.metrics,
      intervals: group.intervals,
      activitiesPerRep: group.activitiesPerRep,
      coverage: groupCoverageAt({ deals: rows.deals, members, settings, at: measuredAt }),
      attainment: quotaAttainment({ reps: members, deals: rows.deals, settings, from: start, to: end }),
      changes: hasPrevious ? metricChanges(group.metrics, previousGroup?.metrics) : null,
    }
  }
  const previousGroups = new Map(previous?.groups.map((group) => [group.group, group]))
  const hasPrevious = previous !== undefined
  return {
    window: windowOf(window, settings),
    previousWindow: before === undefined ? null : windowOf(before, settings),
    groupBy: request.groupBy,
    groups: current.groups.map((group) => answerOf(group, previousGroups.get(group.group), hasPrevious)),
    total: answerOf(current.total, previous?.total, hasPrevious),
    readModel,
  }
}
