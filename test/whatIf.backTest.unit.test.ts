/**
 * The honest back-test: counts with 95% Wilson intervals, the split within each quadrant at the
 * period's start, and a sentence that says why the evidence cannot conclude when it cannot.
 */
import { describe, expect, it } from "vitest"
import {
  type BackTestByQuadrant,
  type BackTestObservation,
  backTest,
  backTestVerdict,
  noBackTestByQuadrant,
} from "../projections/index.js"

const observations = (met: boolean, reps: number, hit: number): Array<BackTestObservation> =>
  Array.from({ length: reps }, (_, i) => ({ met, hitQuota: i < hit }))

describe("a back-test's counts and intervals", () => {
  it("12 of 40 met and hit quota: 30.0%, 95% interval 18.07%–45.43%; 1 of 1 not met: 20.65%–100%", () => {
    const tally = backTest([...observations(true, 40, 12), ...observations(false, 1, 1)])
    expect(tally.met).toMatchObject({ reps: 40, hitQuota: 12, hitRate: 0.3 })
    // Wilson: (p + z²/2n ± z √(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96, p = 0.3, n = 40
    expect(tally.met.interval?.low).toBeCloseTo(0.1807, 4)
    expect(tally.met.interval?.high).toBeCloseTo(0.4543, 4)
    // n = 1, p = 1: (1 + 1.9208 − 1.9604·0.9802…) / 4.8415 = 0.2065; the high end is 1
    expect(tally.notMet.interval?.low).toBeCloseTo(0.2065, 4)
    expect(tally.notMet.interval?.high).toBe(1)
  })

  it("an empty group has no rate and no interval", () => {
    expect(backTest([]).met).toEqual({ reps: 0, hitQuota: 0, hitRate: null, interval: null })
  })
})

describe("what a back-test can say", () => {
  const verdict = (overall: ReturnType<typeof backTest>, finishedPeriods = 3, byQuadrant = noBackTestByQuadrant) =>
    backTestVerdict({ name: "8× mandate", finishedPeriods, overall, byQuadrant })

  it("no finished period is not the same as nobody meeting the mandate", () => {
    expect(verdict(backTest([]), 0)).toBe(
      "No period of the window has finished yet: whether reps hit quota is not known.",
    )
    expect(verdict(backTest(observations(false, 59, 10)))).toBe(
      "No rep-period met “8× mandate” at its start (of 59 judged in 3 finished periods): nothing to compare.",
    )
    expect(verdict(backTest(observations(true, 4, 1)), 1)).toBe(
      "Every rep-period met “8× mandate” at its start (4 judged in 1 finished period): nothing to compare.",
    )
    expect(verdict(backTest([]))).toBe(
      "No rep-period of the 3 finished periods could be judged against “8× mandate” (no quota left or no target at its start).",
    )
  })

  it("overlapping intervals: too thin to conclude", () => {
    // 2 of 3 (20.8%–93.9%) against 4 of 25 (6.4%–34.7%): they overlap.
    const overall = backTest([...observations(true, 3, 2), ...observations(false, 25, 4)])
    const byQuadrant: BackTestByQuadrant = {
      ...noBackTestByQuadrant,
      focused: backTest([...observations(true, 3, 2), ...observations(false, 5, 2)]),
      idle: backTest(observations(false, 20, 2)),
    }
    expect(verdict(overall, 3, byQuadrant)).toBe(
      "Met “8× mandate”: 2 of 3 (66.7%, 95% interval 20.8%–93.9%) hit quota; not met: 4 of 25 (16.0%, 95% interval 6.4%–34.7%)." +
        " The intervals overlap: the evidence is too thin to conclude. Compare within focused (byQuadrant), where both groups are found.",
    )
  })

  it("separate intervals, but only effective reps met it: the confounding is said", () => {
    // 10 of 10 (72.2%–100%) against 0 of 10 (0%–27.8%), every one who met it focused, the others idle.
    const met = observations(true, 10, 10)
    const notMet = observations(false, 10, 0)
    const byQuadrant: BackTestByQuadrant = {
      ...noBackTestByQuadrant,
      focused: backTest(met),
      idle: backTest(notMet),
    }
    expect(verdict(backTest([...met, ...notMet]), 3, byQuadrant)).toBe(
      "Met “8× mandate”: 10 of 10 (100.0%, 95% interval 72.2%–100.0%) hit quota; not met: 0 of 10 (0.0%, 95% interval 0.0%–27.8%)." +
        " The intervals do not overlap. No quadrant at the start holds both reps who met it and reps who did not: the difference may be the reps' effectiveness, not the policy.",
    )
  })
})
