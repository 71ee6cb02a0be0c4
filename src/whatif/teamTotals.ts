/**
 * @module The team totals of a what-if period: sums of the reps' figures (null figures add nothing),
 * the team's coverage through the same formula on the sums, and the back-test tally of both policies.
 */
import { backTest, coverage, type PolicyOutcome, type Scenario } from "../../projections/index.js"
import type { PolicyTotals, RepPeriod, TeamTotals } from "./answer.js"
import { scenarioTotals } from "./scenarioTotals.js"

export const noPolicyTotals: PolicyTotals = {
  met: 0,
  notMet: 0,
  gap: 0,
  pipelineAtTarget: 0,
  expectedLostValue: 0,
  expectedLostDeals: 0,
  extraDeals: 0,
  extraMeetings: 0,
  extraActivities: 0,
  unpriced: 0,
}

export const addPolicyTotals = (a: PolicyTotals, b: PolicyTotals): PolicyTotals => ({
  met: a.met + b.met,
  notMet: a.notMet + b.notMet,
  gap: a.gap + b.gap,
  pipelineAtTarget: a.pipelineAtTarget + b.pipelineAtTarget,
  expectedLostValue: a.expectedLostValue + b.expectedLostValue,
  expectedLostDeals: a.expectedLostDeals + b.expectedLostDeals,
  extraDeals: a.extraDeals + b.extraDeals,
  extraMeetings: a.extraMeetings + b.extraMeetings,
  extraActivities: a.extraActivities + b.extraActivities,
  unpriced: a.unpriced + b.unpriced,
})

/** A policy's figures summed over reps: null figures add nothing (and `unpriced` counts the reps whose gap had no price). */
export const policyTotals = (
  reps: ReadonlyArray<RepPeriod>,
  policyOf: (rep: RepPeriod) => PolicyOutcome,
): PolicyTotals => {
  const totals = { ...noPolicyTotals }
  for (const rep of reps) {
    const policy = policyOf(rep)
    if (policy.met === true) totals.met++
    if (policy.met === false) totals.notMet++
    totals.gap += policy.gap ?? 0
    totals.pipelineAtTarget += policy.pipelineAtTarget ?? 0
    totals.expectedLostValue += policy.expectedLostValue ?? 0
    totals.expectedLostDeals += policy.expectedLostDeals ?? 0
    totals.extraDeals += policy.extraDeals ?? 0
    totals.extraMeetings += policy.extraMeetings ?? 0
    totals.extraActivities += policy.extraActivities ?? 0
    if (
      rep.remainingQuota !== null &&
      rep.remainingQuota > 0 &&
      rep.history.avgDealSize === null &&
      policy.target !== null
    )
      totals.unpriced++
  }
  return totals
}

export const teamTotals = (
  reps: ReadonlyArray<RepPeriod>,
  scenarios: ReadonlyArray<Scenario>,
  over: boolean,
): Omit<TeamTotals, "requiredCoverage"> => {
  let quota = 0
  let wonSoFar = 0
  let remainingQuota = 0
  let openPipeline = 0
  let qualifiedPipeline = 0
  let pipelineCounted = 0
  const left = { quota: 0, wonSoFar: 0, openPipeline: 0, qualifiedPipeline: 0, pipelineCounted: 0 }
  let repsWithQuota = 0
  let repsWithQuotaLeft = 0
  for (const rep of reps) {
    openPipeline += rep.openPipeline
    qualifiedPipeline += rep.qualifiedPipeline
    pipelineCounted += rep.pipelineCounted
    if (rep.quota === null || rep.remainingQuota === null) continue
    repsWithQuota++
    quota += rep.quota.amount
    wonSoFar += rep.wonSoFar
    remainingQuota += rep.remainingQuota
    if (rep.remainingQuota <= 0) continue
    repsWithQuotaLeft++
    left.quota += rep.quota.amount
    left.wonSoFar += rep.wonSoFar
    left.openPipeline += rep.openPipeline
    left.qualifiedPipeline += rep.qualifiedPipeline
    left.pipelineCounted += rep.pipelineCounted
  }
  const teamCoverage = (pipeline: number) =>
    repsWithQuotaLeft === 0 ? null : coverage(pipeline, left.quota, left.wonSoFar)
  return {
    reps: reps.length,
    repsWithQuota,
    repsWithQuotaLeft,
    quota,
    wonSoFar,
    remainingQuota,
    openPipeline,
    qualifiedPipeline,
    pipelineCounted,
    coverage: teamCoverage(left.openPipeline),
    qualifiedCoverage: teamCoverage(left.qualifiedPipeline),
    coverageCounted: teamCoverage(left.pipelineCounted),
    mandate: policyTotals(reps, (rep) => rep.mandate),
    repTarget: policyTotals(reps, (rep) => rep.repTarget),
    backTest: {
      mandate: backTest(reps.map((rep) => ({ met: rep.mandate.met, hitQuota: rep.hitQuota }))),
      repTarget: backTest(reps.map((rep) => ({ met: rep.repTarget.met, hitQuota: rep.hitQuota }))),
    },
    scenarios: scenarios.map((scenario, index) => scenarioTotals(reps, index, scenario.name, over)),
  }
}
