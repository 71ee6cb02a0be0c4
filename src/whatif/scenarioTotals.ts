/**
 * @module The team totals of each scenario (a column of the answer) and the differences between
 * scenarios: what one asks and expects more or less than another, in pipeline, meetings, activities,
 * planned losses and expected quota attainment.
 */
import {
  addBackTests,
  addBackTestsByQuadrant,
  type BackTestByQuadrant,
  backTest,
  backTestVerdict,
  noBackTestByQuadrant,
  quadrantsAtStart,
  type ScenarioOutcome,
} from "../../projections/index.js"
import type { PolicyTotals, RepPeriod, ScenarioDifference, ScenarioTotals } from "./answer.js"
import { policyTotals } from "./policyTotals.js"

/** Scenario `index` summed over reps (null figures add nothing), with its back-test. */
export const scenarioTotals = (
  reps: ReadonlyArray<RepPeriod>,
  index: number,
  name: string,
  over: boolean,
): ScenarioTotals => {
  const outcomeOf = (rep: RepPeriod) => rep.scenarios[index] as ScenarioOutcome
  let quota = 0
  let attainedValue = 0
  for (const rep of reps) {
    const outcome = outcomeOf(rep)
    if (rep.quota === null || outcome.expectedWonValue === null) continue
    quota += rep.quota.amount
    attainedValue += rep.wonSoFar + outcome.expectedWonValue
  }
  const observation = (rep: RepPeriod) => ({ met: outcomeOf(rep).met, hitQuota: rep.hitQuota })
  const byQuadrant = Object.fromEntries(
    quadrantsAtStart.map((quadrant) => [
      quadrant,
      backTest(reps.filter((rep) => (rep.quadrantAtStart ?? "unplaced") === quadrant).map(observation)),
    ]),
  ) as BackTestByQuadrant
  return withVerdict(
    withAttainment({
      name,
      ...policyTotals(reps, outcomeOf),
      quotaOfExpected: quota,
      expectedAttainedValue: attainedValue,
      backTest: backTest(reps.map(observation)),
      backTestByQuadrant: reps.length === 0 ? noBackTestByQuadrant : byQuadrant,
      verdict: "",
    }),
    over ? 1 : 0,
  )
}

const withAttainment = (totals: Omit<ScenarioTotals, "quotaAttainmentExpected">): ScenarioTotals => ({
  ...totals,
  quotaAttainmentExpected: totals.quotaOfExpected > 0 ? totals.expectedAttainedValue / totals.quotaOfExpected : null,
})

/** The totals with the sentence of what their back-test can say, over `finishedPeriods`. */
export const withVerdict = (totals: ScenarioTotals, finishedPeriods: number): ScenarioTotals => ({
  ...totals,
  verdict: backTestVerdict({
    name: totals.name,
    finishedPeriods,
    overall: totals.backTest,
    byQuadrant: totals.backTestByQuadrant,
  }),
})

const policyKeys = [
  "met",
  "notMet",
  "gap",
  "pipelineAtTarget",
  "expectedLostValue",
  "expectedLostDeals",
  "extraDeals",
  "extraMeetings",
  "extraActivities",
  "unpriced",
] as const satisfies ReadonlyArray<keyof PolicyTotals>

/** One scenario's totals of two spans added up (periods into the window). */
export const addScenarioTotals = (a: ScenarioTotals, b: ScenarioTotals): ScenarioTotals =>
  withAttainment({
    name: a.name,
    ...(Object.fromEntries(policyKeys.map((key) => [key, a[key] + b[key]])) as unknown as PolicyTotals),
    quotaOfExpected: a.quotaOfExpected + b.quotaOfExpected,
    expectedAttainedValue: a.expectedAttainedValue + b.expectedAttainedValue,
    backTest: addBackTests(a.backTest, b.backTest),
    backTestByQuadrant: addBackTestsByQuadrant(a.backTestByQuadrant, b.backTestByQuadrant),
    verdict: "",
  })

/** For each pair of scenarios (in the order asked), the second's figures minus the first's. */
export const scenarioDifferences = (totals: ReadonlyArray<ScenarioTotals>): Array<ScenarioDifference> =>
  totals.flatMap((from, i) =>
    totals.slice(i + 1).map((to) => ({
      from: from.name,
      to: to.name,
      pipelineAsked: to.pipelineAtTarget - from.pipelineAtTarget,
      meetingsAsked: to.extraMeetings - from.extraMeetings,
      activitiesAsked: to.extraActivities - from.extraActivities,
      expectedLostValue: to.expectedLostValue - from.expectedLostValue,
      quotaAttainmentExpected:
        to.quotaAttainmentExpected === null || from.quotaAttainmentExpected === null
          ? null
          : to.quotaAttainmentExpected - from.quotaAttainmentExpected,
    })),
  )
