/**
 * @module The shape of a what-if coverage answer: per period, each rep's figures and the team's
 * totals, and the totals over every period. Computed by coverageWhatIf.ts (the reps) and
 * teamTotals.ts (the sums); served as it is by `POST /v1/what-if/coverage` and printed by the CLI.
 */
import type {
  BackTest,
  BackTestByQuadrant,
  HistoryRates,
  PolicyOutcome,
  Quadrant,
  QuotaInForce,
  RepRow,
  ScenarioOutcome,
} from "../../projections/index.js"
import type { FieldIssue, WhatIfCoverage } from "./request.js"

export type RepPeriod = {
  readonly repId: string
  readonly name: string | null
  readonly role: RepRow["role"]
  readonly team: string | null
  /** The quota in force at the period's start. */
  readonly quota: QuotaInForce | null
  /** wonValue from the quota period's start to the period's start. */
  readonly wonSoFar: number
  /** max(0, quota − wonSoFar); null without a quota. */
  readonly remainingQuota: number | null
  readonly openPipeline: number
  readonly qualifiedPipeline: number
  /** The pipeline the mandate counts: qualifiedPipeline with `qualifiedOnly`, else openPipeline. */
  readonly pipelineCounted: number
  readonly coverage: number | null
  readonly qualifiedCoverage: number | null
  /** qualifiedCoverage with `qualifiedOnly`, else coverage. */
  readonly coverageCounted: number | null
  /** 1 / valueWinRate, given from `minClosedDeals` closed deals in the trailing window; else null with… */
  readonly requiredCoverage: number | null
  /** …why: too few deals closed, nothing of value won. Null when requiredCoverage is given. */
  readonly requiredCoverageReason: string | null
  /** The value win rate of the rep's deals closed in the trailing window (what requiredCoverage inverts). */
  readonly valueWinRate: number | null
  /** How many deals the rep closed (won or lost) in the trailing window. */
  readonly closedDeals: number
  /** Effort against yield over the trailing window, among the period's reps of the same role; null unplaced. */
  readonly quadrantAtStart: Quadrant | null
  /** The rep's own rates over the `lookbackDays` days before the period's first day. */
  readonly history: { readonly from: string; readonly to: string } & HistoryRates
  readonly mandate: PolicyOutcome
  readonly repTarget: PolicyOutcome
  /** wonValue in the quota period from its start to the period's end (or the quota period's, if sooner); null without a quota or before the period is over. */
  readonly wonByEnd: number | null
  /** wonByEnd ≥ quota; null without a quota or before the period is over. */
  readonly hitQuota: boolean | null
  /** Each scenario asked, in order (the answer's columns). */
  readonly scenarios: ReadonlyArray<ScenarioOutcome>
}

export type PeriodAnswer = {
  readonly period: string
  readonly firstDay: string
  readonly lastDay: string
  /** The instant the period starts (where coverage is measured) and ends (exclusive), team time zone. */
  readonly start: string
  readonly end: string
  /** Whether the replayed history reaches the period's last instant (only then is hitQuota judged). */
  readonly over: boolean
  readonly reps: ReadonlyArray<RepPeriod>
  readonly totals: TeamTotals
}

export type CoverageWhatIfAnswer = {
  readonly request: WhatIfCoverage
  readonly replay: {
    readonly eventsReplayed: number
    readonly firstOccurredAt: string
    readonly lastOccurredAt: string
    readonly timeZone: string
    readonly fiscalYearStartMonth: number
    readonly lookbackDays: number
  }
  /** The single `coverageTarget` asked (null when only `scenarios` were), measured as each rep's `mandate`. */
  readonly mandate: { readonly coverageTarget: number | null; readonly impliedLossRate: number | null }
  readonly periods: ReadonlyArray<PeriodAnswer>
  readonly totals: {
    readonly mandate: PolicyTotals
    readonly repTarget: PolicyTotals
    readonly backTest: { readonly mandate: BackTest; readonly repTarget: BackTest }
    readonly scenarios: ReadonlyArray<ScenarioTotals>
  }
  /** For each pair of scenarios (in the order asked), the second's figures minus the first's, over the window. */
  readonly differences: ReadonlyArray<ScenarioDifference>
}

export type CoverageWhatIfResult =
  | { readonly ok: true; readonly answer: CoverageWhatIfAnswer }
  | { readonly ok: false; readonly issue: FieldIssue }

export type PolicyTotals = {
  /** Reps who met the policy at the period's start, and who did not (reps with quota left and a known target). */
  readonly met: number
  readonly notMet: number
  readonly gap: number
  readonly pipelineAtTarget: number
  readonly expectedLostValue: number
  readonly expectedLostDeals: number
  readonly extraDeals: number
  readonly extraMeetings: number
  readonly extraActivities: number
  /** Reps with quota left whose gap could not be priced: no deal of value opened in the trailing year. */
  readonly unpriced: number
}

export type TeamTotals = {
  /** Reps measured; with a quota in force; with quota left at the start (the ones coverage judges). */
  readonly reps: number
  readonly repsWithQuota: number
  readonly repsWithQuotaLeft: number
  readonly quota: number
  readonly wonSoFar: number
  readonly remainingQuota: number
  readonly openPipeline: number
  readonly qualifiedPipeline: number
  readonly pipelineCounted: number
  /** The team's coverage: the sums over reps with quota left, through the same formula. */
  readonly coverage: number | null
  readonly qualifiedCoverage: number | null
  readonly coverageCounted: number | null
  readonly mandate: PolicyTotals
  readonly repTarget: PolicyTotals
  readonly backTest: { readonly mandate: BackTest; readonly repTarget: BackTest }
  readonly scenarios: ReadonlyArray<ScenarioTotals>
  /** The team's own: from the value win rate of every deal its reps closed in the trailing window (no minimum). */
  readonly requiredCoverage: {
    readonly closedDeals: number
    readonly valueWinRate: number | null
    readonly requiredCoverage: number | null
    readonly reason: string | null
  }
}

/** A scenario's column: its policy totals, what it expects the team to attain, and its back-test. */
export type ScenarioTotals = PolicyTotals & {
  readonly name: string
  /** Σ quota of the reps whose expected attainment is known. */
  readonly quotaOfExpected: number
  /** Σ (wonSoFar + expectedWonValue) over the same reps. */
  readonly expectedAttainedValue: number
  /** expectedAttainedValue / quotaOfExpected. */
  readonly quotaAttainmentExpected: number | null
  readonly backTest: BackTest
  /** The back-test within each quadrant at the period's start: where effectiveness confounds the policy. */
  readonly backTestByQuadrant: BackTestByQuadrant
  /** What the back-test can honestly say, in one sentence (projections/backTestVerdict.ts). */
  readonly verdict: string
}

/** What scenario `to` asks and expects beyond scenario `from` (negative: less). */
export type ScenarioDifference = {
  readonly from: string
  readonly to: string
  /** Σ pipelineAtTarget. */
  readonly pipelineAsked: number
  /** Σ extraMeetings. */
  readonly meetingsAsked: number
  /** Σ extraActivities. */
  readonly activitiesAsked: number
  readonly expectedLostValue: number
  readonly quotaAttainmentExpected: number | null
}
