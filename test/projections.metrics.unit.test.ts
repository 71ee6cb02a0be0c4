import { describe, expect, it } from "vitest"
import { type DayCounters, type DealRow, emptyCounters, median, metricsOf, sumCounters } from "../projections/index.js"

const counters = (values: Partial<DayCounters>): DayCounters => ({ ...emptyCounters(), ...values })

const wonDeal = (dealId: string, openedAt: string, closedAt: string): DealRow => ({
  dealId,
  ownerRepId: "ana",
  accountId: "acme",
  amount: 1000,
  currency: null,
  source: "outbound",
  originatorRepId: null,
  expectedCloseDate: null,
  status: "won",
  openedAt,
  closedAt,
  onTargetAccount: false,
  qualifiedAt: null,
  stage: null,
})

describe("metricsOf", () => {
  it("is null, never 0 or Infinity, for every ratio whose denominator is 0", () => {
    const metrics = metricsOf(emptyCounters())
    expect(metrics).toMatchObject({
      connectRate: null,
      activitiesPerMeeting: null,
      activitiesPerWin: null,
      meetingYield: null,
      secondMeetingRate: null,
      winRate: null,
      valueWinRate: null,
      avgWonDeal: null,
      revenuePerActivity: null,
      salesCycleDays: null,
      targetFocus: null,
      targetWinRate: null,
      nonTargetWinRate: null,
      outboundShare: null,
      badgeringShare: null,
      activitiesPerDeal: null,
    })
    expect(metrics.activities).toBe(0)
    // activity without any meeting: activitiesPerMeeting stays null while meetingYield is 0
    const busy = metricsOf(counters({ dials: 40, activities: 40 }))
    expect(busy.activitiesPerMeeting).toBeNull()
    expect(busy.meetingYield).toBe(0)
  })

  it("computes ratios from the window's sums, not by averaging daily ratios", () => {
    const monday = counters({ dials: 10, connects: 1 }) // 10% that day
    const tuesday = counters({ dials: 2, connects: 2 }) // 100% that day
    // (1 + 2) / (10 + 2) = 0.25, where the mean of the daily rates would be 0.55
    expect(metricsOf(sumCounters([monday, tuesday])).connectRate).toBe(0.25)
  })

  it("gives the effectiveness of a worked example", () => {
    const totals = counters({
      activities: 200,
      meetingsBooked: 5,
      dealsOpened: 4,
      dealsWon: 2,
      dealsLost: 3,
      wonValue: 60_000,
      lostValue: 90_000,
      targetedActivities: 50,
      badgering: 10,
      meetingsHeld: 4,
      secondMeetings: 1,
      openedValue: 100_000,
      outboundOpenedValue: 25_000,
    })
    const metrics = metricsOf(totals)
    expect(metrics.activitiesPerMeeting).toBe(40) // 200 / 5
    expect(metrics.meetingYield).toBe(2.5) // 5 per 200 activities = 2.5 per 100
    expect(metrics.activitiesPerWin).toBe(100) // 200 / 2
    expect(metrics.winRate).toBe(0.4) // 2 / (2 + 3)
    expect(metrics.valueWinRate).toBe(0.4) // 60k / (60k + 90k)
    expect(metrics.avgWonDeal).toBe(30_000) // 60k / 2
    expect(metrics.revenuePerActivity).toBe(300) // 60k / 200
    expect(metrics.targetFocus).toBe(0.25) // 50 / 200
    expect(metrics.badgeringShare).toBe(0.05) // 10 / 200
    expect(metrics.secondMeetingRate).toBe(0.25) // 1 / 4
    expect(metrics.outboundShare).toBe(0.25) // 25k / 100k
    expect(metrics.activitiesPerDeal).toBe(50) // 200 / 4
  })

  it("takes salesCycleDays as the median of days from opened to won", () => {
    const tenDays = wonDeal("d1", "2026-10-01T00:00:00Z", "2026-10-11T00:00:00Z")
    const twentyDays = wonDeal("d2", "2026-10-01T00:00:00Z", "2026-10-21T00:00:00Z")
    const fortyDays = wonDeal("d3", "2026-09-01T00:00:00Z", "2026-10-11T00:00:00Z") // Sep has 30 days: 30 + 10
    expect(metricsOf(emptyCounters(), [fortyDays, tenDays, twentyDays]).salesCycleDays).toBe(20) // 10, 20, 40
    const thirtySixHours = wonDeal("d4", "2026-10-01T00:00:00Z", "2026-10-02T12:00:00Z")
    // 1.5, 10, 20, 40: the mean of the middle two, (10 + 20) / 2
    expect(metricsOf(emptyCounters(), [tenDays, twentyDays, fortyDays, thirtySixHours]).salesCycleDays).toBe(15)
  })
})

describe("median", () => {
  it("ignores nulls and is null with no value", () => {
    expect(median([3, null, 1, 2])).toBe(2)
    expect(median([4, 1, null, 3, 2])).toBe(2.5)
    expect(median([null, null])).toBeNull()
  })
})
