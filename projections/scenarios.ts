/**
 * @module What-if scenarios (src/whatif/README.md "Scenarios"): a flat coverage mandate, each rep's own
 * required coverage, or each rep's win rate raised by some points; each asks a rep for a pipeline
 * (a coverage target), and expects part of it to be won. All three are priced by the same formulas
 * (projections/whatIf.ts), so they compare figure by figure.
 *
 * @example
 * // win rate 0.25 raised by 5 points: 0.30, so 1 / 0.30 = 3.33× the quota left is enough
 * scenarioTarget({ policy: "effectiveness", coverageTarget: null, winRateDelta: 0.05 }, 0.25) // 3.333…
 */
import { type HistoryRates, type PolicyOutcome, policyOutcome } from "./whatIf.js"

/** One scenario, as understood (defaults filled in). */
export type Scenario = {
  readonly name: string
  readonly policy: "coverage-target" | "own-required-coverage" | "effectiveness"
  /** The flat mandate (coverage-target), else null. */
  readonly coverageTarget: number | null
  /** The points (0.05 = 5 points) each rep's value win rate rises by (effectiveness), else null. */
  readonly winRateDelta: number | null
}

/**
 * The win rate a scenario expects the rep's pipeline to close at: the rep's own value win rate,
 * raised by `winRateDelta` (capped at 1) in the effectiveness scenario. Null when the rep's is unknown.
 */
export const scenarioWinRate = (scenario: Scenario, valueWinRate: number | null): number | null =>
  valueWinRate === null
    ? null
    : scenario.policy === "effectiveness"
      ? Math.min(1, valueWinRate + (scenario.winRateDelta ?? 0))
      : valueWinRate

/**
 * The coverage a scenario asks of a rep: the mandate; 1 / the rep's value win rate (their required
 * coverage); or 1 / the raised win rate. Null when the rate it rests on is unknown or 0.
 */
export const scenarioTarget = (scenario: Scenario, valueWinRate: number | null): number | null => {
  if (scenario.policy === "coverage-target") return scenario.coverageTarget
  const rate = scenarioWinRate(scenario, valueWinRate)
  return rate === null || rate === 0 ? null : 1 / rate
}

/** A scenario applied to one rep at a period's start. */
export type ScenarioOutcome = PolicyOutcome & {
  readonly name: string
  /** The win rate the scenario expects (see {@link scenarioWinRate}). */
  readonly winRate: number | null
  /** pipelineAtTarget × impliedLossRate: what the target plans to lose, whoever the rep. */
  readonly plannedLostValue: number | null
  /** pipelineAtTarget × (1 − winRate): what this rep would lose of it, at their own rate. */
  readonly expectedLostValue: number | null
  /** pipelineAtTarget × winRate: what the pipeline asked for would win. */
  readonly expectedWonValue: number | null
  /** (wonSoFar + expectedWonValue) / quota; null without a quota or a known win rate. */
  readonly quotaAttainmentExpected: number | null
}

/** A scenario's figures for a rep: the policy's (met, gap, its price, its losses) and what it expects to win. */
export const scenarioOutcome = (
  scenario: Scenario,
  input: {
    readonly quota: number | null
    readonly wonSoFar: number
    readonly remainingQuota: number | null
    readonly pipeline: number
    readonly rates: HistoryRates
    readonly valueWinRate: number | null
  },
): ScenarioOutcome => {
  const { quota, wonSoFar, remainingQuota, pipeline, rates, valueWinRate } = input
  const target = scenarioTarget(scenario, valueWinRate)
  const outcome = policyOutcome({ target, remainingQuota, pipeline, rates })
  const winRate = scenarioWinRate(scenario, valueWinRate)
  const expectedWonValue =
    outcome.pipelineAtTarget === null || winRate === null ? null : outcome.pipelineAtTarget * winRate
  return {
    name: scenario.name,
    ...outcome,
    plannedLostValue: outcome.expectedLostValue,
    expectedLostValue:
      outcome.pipelineAtTarget === null || winRate === null ? null : outcome.pipelineAtTarget * (1 - winRate),
    winRate,
    expectedWonValue,
    quotaAttainmentExpected:
      quota === null || quota <= 0 || expectedWonValue === null ? null : (wonSoFar + expectedWonValue) / quota,
  }
}
