/**
 * @module The what-if coverage answer, measured on a replayed log: per rep and period, the coverage
 * at the period's start, what a flat mandate and the rep's own requiredCoverage each ask for and
 * cost, and the back-test of both against the quotas hit by the period's end. Every figure comes
 * from the formulas of `projections/` (coverage.ts, metrics.ts, whatIf.ts); this module only picks
 * the instants, the reps and the rows they are measured on. src/whatif/README.md (and the route's
 * OpenAPI description, formulas.ts) says exactly how each figure is computed.
 *
 * Deterministic: reps sorted by id (code-unit order), periods in calendar order, no clock.
 */
import {
  addBackTests,
  addDays,
  backTest,
  bucketsOfWindow,
  closedInLookback,
  coverageAt,
  type DayCounters,
  type DealRow,
  daysOfPeriod,
  endOfDay,
  historyRates,
  impliedLossRate,
  type LedgerState,
  occurrencesBetween,
  periodEnd,
  periodStart,
  policyOutcome,
  type Quadrant,
  type RepRow,
  scenarioOutcome,
  startOfDay,
  wonValueBetween,
} from "../../projections/index.js"
import type { CoverageWhatIfResult, RepPeriod, ScenarioTotals } from "./answer.js"
import { knownAtStart, lookbackDays, quadrantsOfReps, RepHistory, thinHistoryReason } from "./knownAtStart.js"
import { addPolicyTotals, noPolicyTotals } from "./policyTotals.js"
import { type AsOfBound, boundKey, type Replayed } from "./replayer.js"
import type { WhatIfCoverage } from "./request.js"
import { addScenarioTotals, scenarioDifferences, withVerdict } from "./scenarioTotals.js"
import { teamTotals } from "./teamTotals.js"

export { lookbackDays }

const iso = (ms: number) => new Date(ms).toISOString()
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The bounds of the log as it stood at each period's start: the events occurred (or recorded, by
 * `periodStartsKnownBy`) by the start, and within the request's own bound when it is sooner.
 */
export const periodStartBounds = (state: LedgerState, request: WhatIfCoverage): Array<AsOfBound> => {
  if (state.occurrences.events === 0) return []
  const { timeZone, fiscalYearStartMonth } = state.settings
  const limitMs =
    request.asOf === null
      ? Number.POSITIVE_INFINITY
      : Date.parse("occurred" in request.asOf ? request.asOf.occurred : request.asOf.recorded)
  return bucketsOfWindow(request.from, request.to, request.period, fiscalYearStartMonth).map((bucket) => {
    const startMs = periodStart(bucket.key, timeZone, fiscalYearStartMonth) as number
    return startBound(request, startMs, limitMs)
  })
}

const startBound = (request: WhatIfCoverage, startMs: number, limitMs: number): AsOfBound => {
  const at = iso(Math.min(startMs, limitMs))
  return request.periodStartsKnownBy === "occurred" ? { occurred: at } : { recorded: at }
}

/** The log as it stood at each bound of {@link periodStartBounds}, keyed by `boundKey`. */
export type PeriodStartStates = ReadonlyMap<string, LedgerState>

/**
 * Measures the what-if on a replayed log, or names the request's field that asks the impossible:
 * an `asOf` before the first event, a window in which no event occurred, a team no rep is on.
 * Each period's start is measured on `starts` (the log as it stood then); the outcome (wonByEnd,
 * hitQuota), the quota and the reps on the team on the replayed log as a whole.
 */
export const measureCoverageWhatIf = (
  replayed: Replayed,
  request: WhatIfCoverage,
  starts: PeriodStartStates,
): CoverageWhatIfResult => {
  const { state } = replayed
  const { occurrences } = state
  const refused = (path: string, message: string): CoverageWhatIfResult => ({ ok: false, issue: { path, message } })
  if (occurrences.events === 0) {
    if (!replayed.logHasEvents || request.asOf === null)
      return refused("from", "the ledger holds no events yet: append some, then ask again")
    return "occurred" in request.asOf
      ? refused(
          "asOf.occurred",
          `no event had happened by ${request.asOf.occurred}: it is before the first event of the log; choose a later instant`,
        )
      : refused(
          "asOf.recorded",
          `no event had been recorded by ${request.asOf.recorded}: it is before the first event of the log; choose a later instant`,
        )
  }
  const { timeZone, fiscalYearStartMonth } = state.settings
  const windowStart = startOfDay(request.from, timeZone)
  const windowEnd = endOfDay(request.to, timeZone)
  const horizonMs =
    request.asOf !== null && "occurred" in request.asOf ? Date.parse(request.asOf.occurred) : occurrences.lastMs
  // As of a bound, the periods after it are the point (the pipeline going into them, as it looked then).
  const lookingPastTheBound = request.asOf !== null && windowStart > horizonMs
  if (occurrencesBetween(occurrences, windowStart, windowEnd) === 0 && !lookingPastTheBound) {
    const span = `${iso(occurrences.firstMs).slice(0, 10)} to ${iso(occurrences.lastMs).slice(0, 10)}`
    return refused(
      "from",
      `no event occurred from ${request.from} to ${request.to} (${timeZone})${request.asOf === null ? "" : " in the log as of the bound"}; the events replayed occurred from ${span}: choose a window there`,
    )
  }
  const reps = [...state.reps.values()]
    .filter((rep) => request.team === null || rep.team === request.team)
    .sort((a, b) => byId(a.repId, b.repId))
  if (request.team !== null && reps.length === 0) {
    const teams = [
      ...new Set([...state.reps.values()].map((rep) => rep.team).filter((team): team is string => team !== null)),
    ].sort(byId)
    return refused(
      "team",
      `no rep is on team "${request.team}"; ${teams.length === 0 ? "no rep has a team (RepJoined.team)" : `teams in the ledger: ${teams.join(", ")}`}`,
    )
  }

  const { dealsByOwner } = knownAtStart(state)
  const limitMs =
    request.asOf === null
      ? Number.POSITIVE_INFINITY
      : Date.parse("occurred" in request.asOf ? request.asOf.occurred : request.asOf.recorded)
  const periods = bucketsOfWindow(request.from, request.to, request.period, fiscalYearStartMonth).map((bucket) => {
    const days = daysOfPeriod(bucket.key, fiscalYearStartMonth) as { firstDay: string; lastDay: string }
    const startMs = periodStart(bucket.key, timeZone, fiscalYearStartMonth) as number
    const endMs = periodEnd(bucket.key, timeZone, fiscalYearStartMonth) as number
    const over = endMs - 1 <= horizonMs
    const known = knownAtStart(starts.get(boundKey(startBound(request, startMs, limitMs))) ?? state)
    const onTeam = reps.filter((rep) => onTeamDuring(rep, startMs, endMs))
    const historyTotals = new Map(
      onTeam.map((rep) => [
        rep.repId,
        (known.historyByRep.get(rep.repId) ?? new RepHistory([])).totalsBefore(days.firstDay, lookbackDays),
      ]),
    )
    const quadrants = quadrantsOfReps(onTeam, historyTotals)
    const measured = onTeam.map((rep) =>
      measureRep({
        rep,
        historyTotals: historyTotals.get(rep.repId) as DayCounters,
        quadrant: quadrants.get(rep.repId) ?? null,
        state,
        deals: dealsByOwner.get(rep.repId) ?? [],
        dealsAtStart: known.dealsByOwner.get(rep.repId) ?? [],
        firstDay: days.firstDay,
        startMs,
        endMs,
        over,
        request,
      }),
    )
    const teamClosed = closedInLookback(
      [...known.dealsByOwner.values()].flat(),
      new Set(onTeam.map((rep) => rep.repId)),
      iso(startMs),
      lookbackDays,
    )
    const teamReason = thinHistoryReason(teamClosed, 1)
    return {
      period: bucket.key,
      firstDay: days.firstDay,
      lastDay: days.lastDay,
      start: iso(startMs),
      end: iso(endMs),
      over,
      reps: measured,
      totals: {
        ...teamTotals(measured, request.scenarios, over),
        requiredCoverage: {
          closedDeals: teamClosed.closedDeals,
          valueWinRate: teamClosed.valueWinRate,
          requiredCoverage:
            teamReason === null && teamClosed.valueWinRate !== null ? 1 / teamClosed.valueWinRate : null,
          reason: teamReason,
        },
      },
    }
  })
  const finishedPeriods = periods.filter((p) => p.over).length
  const windowScenarios = request.scenarios.map((_, index) =>
    withVerdict(
      periods.map((p) => p.totals.scenarios[index] as ScenarioTotals).reduce(addScenarioTotals),
      finishedPeriods,
    ),
  )
  return {
    ok: true,
    answer: {
      request,
      replay: {
        eventsReplayed: occurrences.events,
        firstOccurredAt: iso(occurrences.firstMs),
        lastOccurredAt: iso(occurrences.lastMs),
        timeZone,
        fiscalYearStartMonth,
        lookbackDays,
      },
      mandate: {
        coverageTarget: request.coverageTarget,
        impliedLossRate: request.coverageTarget === null ? null : impliedLossRate(request.coverageTarget),
      },
      periods,
      totals: {
        mandate: periods.map((p) => p.totals.mandate).reduce(addPolicyTotals, noPolicyTotals),
        repTarget: periods.map((p) => p.totals.repTarget).reduce(addPolicyTotals, noPolicyTotals),
        backTest: {
          mandate: periods.map((p) => p.totals.backTest.mandate).reduce(addBackTests, backTest([])),
          repTarget: periods.map((p) => p.totals.backTest.repTarget).reduce(addBackTests, backTest([])),
        },
        scenarios: windowScenarios,
      },
      differences: scenarioDifferences(windowScenarios),
    },
  }
}

/**
 * Whether a rep was on the team at some time in [startMs, endMs): joined (or first seen, for a rep
 * who never joined) before the end, and not left before the start.
 */
const onTeamDuring = (rep: RepRow, startMs: number, endMs: number): boolean =>
  Date.parse(rep.joinedAt ?? rep.firstSeenAt) < endMs && (rep.leftAt === null || Date.parse(rep.leftAt) > startMs)

const measureRep = (input: {
  readonly rep: RepRow
  readonly state: LedgerState
  /** The rep's deals in the replayed log as a whole (what happened by the period's end)… */
  readonly deals: ReadonlyArray<DealRow>
  /** …and as the log stood at the period's start (what was known then). */
  readonly dealsAtStart: ReadonlyArray<DealRow>
  /** The rep's day counters over the trailing window, as the log stood at the period's start. */
  readonly historyTotals: DayCounters
  readonly quadrant: Quadrant | null
  readonly firstDay: string
  readonly startMs: number
  readonly endMs: number
  readonly over: boolean
  readonly request: WhatIfCoverage
}): RepPeriod => {
  const { rep, state, deals, dealsAtStart, historyTotals, quadrant, firstDay, startMs, endMs, over, request } = input
  const at = iso(startMs)
  // The quota is the period's target as the replay knows it (the demo sets a quarter's on its first
  // morning, after its start); every figure measured is from the log as it stood at the start.
  const measured = coverageAt({
    deals: dealsAtStart,
    rep,
    repId: rep.repId,
    settings: state.settings,
    at,
    lookbackDays,
  })
  const quota = measured.quota
  const remainingQuota = quota === null ? null : Math.max(0, quota.amount - measured.wonValue)
  const { qualifiedOnly, excludeBadgering } = request.rules
  const pipelineCounted = qualifiedOnly ? measured.qualifiedPipeline : measured.openPipeline
  const rates = historyRates(historyTotals, { excludeBadgering })
  const closed = closedInLookback(dealsAtStart, new Set([rep.repId]), at, lookbackDays)
  const reason = thinHistoryReason(closed, request.minClosedDeals)
  const requiredCoverage = reason === null ? measured.requiredCoverage : null
  const winRate = reason === null ? closed.valueWinRate : null
  // As shown: the lookback's first and last day (for a period starting on the calendar's first day,
  // which has no day before it, both are that day, and the history is empty).
  const historyFrom = addDays(firstDay, -lookbackDays)
  const historyTo = addDays(firstDay, -1)
  let wonByEnd: number | null = null
  if (quota !== null && over) {
    const untilMs = Math.min(endMs, Date.parse(quota.end)) - 1
    wonByEnd = wonValueBetween(deals, rep.repId, quota.start, iso(untilMs))
  }
  return {
    repId: rep.repId,
    name: rep.name,
    role: rep.role,
    team: rep.team,
    quota,
    wonSoFar: measured.wonValue,
    remainingQuota,
    openPipeline: measured.openPipeline,
    qualifiedPipeline: measured.qualifiedPipeline,
    pipelineCounted,
    coverage: measured.coverage,
    qualifiedCoverage: measured.qualifiedCoverage,
    coverageCounted: qualifiedOnly ? measured.qualifiedCoverage : measured.coverage,
    requiredCoverage,
    requiredCoverageReason: reason,
    history: { from: historyFrom, to: historyTo, ...rates },
    valueWinRate: closed.valueWinRate,
    closedDeals: closed.closedDeals,
    quadrantAtStart: quadrant,
    mandate: policyOutcome({ target: request.coverageTarget, remainingQuota, pipeline: pipelineCounted, rates }),
    repTarget: policyOutcome({ target: requiredCoverage, remainingQuota, pipeline: pipelineCounted, rates }),
    wonByEnd,
    hitQuota: wonByEnd === null || quota === null ? null : wonByEnd >= quota.amount,
    scenarios: request.scenarios.map((scenario) =>
      scenarioOutcome(scenario, {
        quota: quota?.amount ?? null,
        wonSoFar: measured.wonValue,
        remainingQuota,
        pipeline: pipelineCounted,
        rates,
        valueWinRate: winRate,
      }),
    ),
  }
}
