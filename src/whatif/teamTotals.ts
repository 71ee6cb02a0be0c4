/**
 * @module The team totals of a what-if period: sums of the reps' figures (null figures add nothing),
 * the team's coverage through the same formula on the sums, and the back-test tally of both policies.
 */
import { backTest, coverage, type Scenario } from "../../projections/index.js"
import type { RepPeriod, TeamTotals } from "./answer.js"
import { policyTotals } from "./policyTotals.js"
import { scenarioTotals } from "./scenarioTotals.js"

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
