/**
 * The evidence behind each ranking metric (projections/rateEvidence.ts): the interval of a count
 * rate in the metric's unit, of an inverse count rate, and the score a ranking orders reps by.
 */
import { describe, expect, it } from "vitest"
import {
  countMetrics,
  type DayCounters,
  emptyCounters,
  evidenceCount,
  metricEvidence,
  metricInterval,
  metricsOf,
  rankingDirection,
  rankScore,
} from "../projections/index.js"

const totalsOf = (counters: Partial<DayCounters>): DayCounters => ({ ...emptyCounters(), ...counters })
const scoreOf = (metric: Parameters<typeof rankScore>[0], counters: Partial<DayCounters>) => {
  const totals = totalsOf(counters)
  return rankScore(metric, totals, metricsOf(totals))
}

describe("the interval of a metric", () => {
  it("scales a count rate to its unit: meetings per 100 activities", () => {
    // 12 of 400: Wilson [0.01724, 0.05170]
    const interval = metricInterval("meetingYield", totalsOf({ meetingsBooked: 12, activities: 400 }))
    expect(interval?.low).toBeCloseTo(1.7243, 4)
    expect(interval?.high).toBeCloseTo(5.1699, 4)
  })

  it("turns an inverse count rate's interval over: activities per meeting", () => {
    // 12 meetings of 400 activities: 400/12 = 33.3 lies in [1/0.05170, 1/0.01724] = [19.34, 57.99]
    const interval = metricInterval("activitiesPerMeeting", totalsOf({ meetingsBooked: 12, activities: 400 }))
    expect(interval?.low).toBeCloseTo(19.343, 3)
    expect(interval?.high).toBeCloseTo(57.994, 3)
    // No meeting at all: at least 1/0.00951 = 105 activities per meeting, and no upper bound
    const none = metricInterval("activitiesPerMeeting", totalsOf({ activities: 400 }))
    expect(none?.low).toBeCloseTo(105.127, 3)
    expect(none?.high).toBeNull()
  })

  it("counts no more successes than trials: bookings beyond one per activity add no evidence", () => {
    expect(metricInterval("meetingYield", totalsOf({ meetingsBooked: 5, activities: 3 }))).toEqual(
      metricInterval("meetingYield", totalsOf({ meetingsBooked: 3, activities: 3 })),
    )
  })

  it("has none for a value figure, nor without trials", () => {
    expect(metricInterval("avgWonDeal", totalsOf({ dealsWon: 10, wonValue: 100_000 }))).toBeNull()
    expect(metricInterval("winRate", totalsOf({}))).toBeNull()
    expect(countMetrics).not.toContain("revenuePerActivity")
    expect(countMetrics).toContain("heldMeetingYield")
  })
})

describe("the score a ranking uses", () => {
  it("is the end of the interval least favourable to the rep", () => {
    // winRate, higher is better: the lower bound of 12 of 40
    expect(scoreOf("winRate", { dealsWon: 12, dealsLost: 28 })).toBeCloseTo(0.1807, 4)
    // badgeringShare, lower is better: the upper bound of 8 of 400 (0.0390), not the lower (0.0102)
    expect(scoreOf("badgeringShare", { badgering: 8, activities: 400 })).toBeCloseTo(0.03896, 5)
    // activitiesPerMeeting, lower is better: 400 / (the lower bound of 12 of 400)
    expect(scoreOf("activitiesPerMeeting", { meetingsBooked: 12, activities: 400 })).toBeCloseTo(57.994, 3)
    expect(scoreOf("activitiesPerMeeting", { activities: 400 })).toBeNull() // unbounded: ranks last
  })

  it("is the value itself for a value figure", () => {
    expect(scoreOf("avgWonDeal", { dealsWon: 4, wonValue: 100_000 })).toBe(25_000)
  })

  it("rests on the counts the metric's minimum applies to", () => {
    expect(evidenceCount("winRate", totalsOf({ dealsWon: 2, dealsLost: 3 }))).toBe(5)
    expect(evidenceCount("avgWonDeal", totalsOf({ dealsWon: 2, dealsLost: 3 }))).toBe(2)
    expect(evidenceCount("connectRate", totalsOf({ dials: 60, connects: 6 }))).toBe(60)
  })

  it("knows every ranking metric's evidence and direction", () => {
    expect(Object.keys(metricEvidence).sort()).toEqual(Object.keys(rankingDirection).sort())
  })
})
