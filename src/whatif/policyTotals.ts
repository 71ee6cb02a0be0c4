/**
 * @module A policy's figures summed over reps (null figures add nothing), and two such sums added up:
 * the columns of the team totals, whether of the mandate, the reps' own targets or a scenario.
 */
import type { PolicyOutcome } from "../../projections/index.js"
import type { PolicyTotals, RepPeriod } from "./answer.js"

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
