import { describe, expect, it } from "vitest"
import { defaultTeamSettings, type EventData, type EventOf, type EventType, type LedgerEvent } from "../events/index.js"
import {
  coverage,
  coverageAt,
  foldAll,
  impliedLossRate,
  openPipeline,
  qualifiedPipeline,
  quotaAt,
  requiredCoverage,
} from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const opened = (dealId: string, occurredAt: string, repId: string, amount: number, accountId = "acme") =>
  event("DealOpened", occurredAt, { dealId, repId, accountId, amount, source: "outbound" })
const meeting = (meetingId: string, bookedAt: string, heldAt: string, accountId: string): Array<LedgerEvent> => [
  event("MeetingBooked", bookedAt, { meetingId, repId: "ana", accountId, scheduledFor: heldAt, source: "outbound" }),
  event("MeetingHeld", heldAt, { meetingId }),
]

// ana's Q4 2026: quota 100k (set twice, the last wins), 40k won so far, 180k open of which 80k qualified.
const anaQ4: Array<LedgerEvent> = [
  event("RepJoined", "2026-01-05T09:00:00Z", { repId: "ana", name: "Ana", role: "AE" }),
  event("QuotaSet", "2026-09-20T09:00:00Z", { repId: "ana", period: "2026-Q4", amount: 90_000 }),
  event("QuotaSet", "2026-09-25T09:00:00Z", { repId: "ana", period: "2026-Q4", amount: 100_000 }),
  event("QuotaSet", "2026-09-25T09:05:00Z", { repId: "ana", period: "2026-11", amount: 30_000 }),
  opened("d0", "2026-08-01T09:00:00Z", "ana", 25_000),
  event("DealWon", "2026-09-15T09:00:00Z", { dealId: "d0" }), // Q3: not part of Q4's won value
  opened("d1", "2026-10-01T09:00:00Z", "ana", 40_000),
  event("DealWon", "2026-10-15T09:00:00Z", { dealId: "d1" }), // Q4: 40k won so far
  opened("d2", "2026-10-20T09:00:00Z", "ana", 100_000),
  opened("d3", "2026-11-01T09:00:00Z", "ana", 80_000, "globex"),
  ...meeting("m1", "2026-11-02T09:00:00Z", "2026-11-03T09:00:00Z", "globex"),
  ...meeting("m2", "2026-11-04T09:00:00Z", "2026-11-10T09:00:00Z", "globex"), // 2nd meeting: d3 qualified
  opened("d4", "2026-11-20T09:00:00Z", "ana", 70_000), // after the measuring instant
]
const midNovember = "2026-11-15T12:00:00Z"

describe("pipeline and coverage", () => {
  const state = foldAll(anaQ4)
  const deals = [...state.deals.values()]

  it("takes the quarter's quota (the last set) over the month's, for the period containing the instant", () => {
    expect(quotaAt(state.reps.get("ana"), midNovember, state.settings)).toEqual({
      period: "2026-Q4",
      amount: 100_000,
      start: "2026-10-01T00:00:00.000Z",
      end: "2027-01-01T00:00:00.000Z",
    })
  })

  it("gives the worked example: quota 100k, won 40k, open 180k ⇒ coverage 3", () => {
    expect(openPipeline(deals, "ana", midNovember)).toBe(180_000) // d2 100k + d3 80k; d4 not yet opened
    expect(qualifiedPipeline(deals, "ana", midNovember)).toBe(80_000) // d3, qualified Nov 10
    const report = coverageAt({
      deals,
      rep: state.reps.get("ana"),
      repId: "ana",
      settings: state.settings,
      at: midNovember,
    })
    expect(report).toMatchObject({ wonValue: 40_000, openPipeline: 180_000, qualifiedPipeline: 80_000 })
    expect(report.coverage).toBe(3) // 180k / (100k − 40k)
    expect(report.qualifiedCoverage).toBeCloseTo(4 / 3, 12) // 80k / 60k
    // closed in the year before: d0 won 25k, d1 won 40k, nothing lost: valueWinRate 1 ⇒ 1x
    expect(report.requiredCoverage).toBe(1)
  })

  it("counts a deal qualified only from its qualification on", () => {
    expect(qualifiedPipeline(deals, "ana", "2026-11-05T00:00:00Z")).toBe(0) // d3 had one meeting then
    expect(openPipeline(deals, "ana", "2026-10-16T00:00:00Z")).toBe(0) // d1 closed Oct 15, d2 opened Oct 20
  })

  it("is null when the quota is met or unset", () => {
    expect(coverage(50_000, 100_000, 100_000)).toBeNull() // met exactly
    expect(coverage(50_000, 100_000, 120_000)).toBeNull() // exceeded
    expect(coverage(50_000, null, 0)).toBeNull() // unset
    expect(quotaAt(state.reps.get("ana"), "2027-02-01T00:00:00Z", state.settings)).toBeNull() // no 2027-Q1 quota
    expect(quotaAt(undefined, midNovember, state.settings)).toBeNull()
  })

  it("uses a month quota when there is no quarter quota", () => {
    const carl = foldAll([
      event("QuotaSet", "2026-10-01T00:00:00Z", { repId: "carl", period: "2026-11", amount: 20_000 }),
    ])
    expect(quotaAt(carl.reps.get("carl"), midNovember, carl.settings)).toMatchObject({
      period: "2026-11",
      amount: 20_000,
    })
  })

  it("finds a fiscal quarter's quota, and the period start in the team's zone", () => {
    const settings = { ...defaultTeamSettings, fiscalYearStartMonth: 2, timeZone: "Europe/Paris" }
    const rep = foldAll([
      event("QuotaSet", "2026-10-01T00:00:00Z", { repId: "dee", period: "2027-Q4", amount: 50_000 }),
    ]).reps.get("dee")
    // fiscal Q4 of FY2027 is Nov 2026 .. Jan 2027; Paris midnight on Nov 1 is 23:00 UTC the day before
    expect(quotaAt(rep, midNovember, settings)).toEqual({
      period: "2027-Q4",
      amount: 50_000,
      start: "2026-10-31T23:00:00.000Z",
      end: "2027-01-31T23:00:00.000Z",
    })
  })
})

describe("requiredCoverage", () => {
  it("is 1 / valueWinRate over the lookback: a rep at 40% needs 2.5x", () => {
    const state = foldAll([
      opened("x1", "2024-01-01T00:00:00Z", "bea", 500_000),
      event("DealLost", "2024-06-01T00:00:00Z", { dealId: "x1" }), // two years back: outside 365 days
      opened("b1", "2026-03-01T00:00:00Z", "bea", 40_000),
      event("DealWon", "2026-05-01T00:00:00Z", { dealId: "b1" }),
      opened("b2", "2026-03-01T00:00:00Z", "bea", 60_000),
      event("DealLost", "2026-06-01T00:00:00Z", { dealId: "b2" }),
      opened("b3", "2026-10-01T00:00:00Z", "bea", 99_000), // still open: not closed, not counted
    ])
    const deals = [...state.deals.values()]
    // 40k / (40k + 60k) = 0.4 ⇒ 1 / 0.4 = 2.5
    expect(requiredCoverage(deals, "bea", midNovember)).toBeCloseTo(2.5, 12)
    // with a 30-day lookback nothing closed: null
    expect(requiredCoverage(deals, "bea", midNovember, 30)).toBeNull()
    // a rep who only lost: no pipeline is enough, null rather than Infinity
    const lost = foldAll([
      opened("l1", "2026-03-01T00:00:00Z", "lou", 10_000),
      event("DealLost", "2026-04-01T00:00:00Z", { dealId: "l1" }),
    ])
    expect(requiredCoverage([...lost.deals.values()], "lou", midNovember)).toBeNull()
  })
})

describe("impliedLossRate", () => {
  it("is what a flat mandate plans to lose", () => {
    expect(impliedLossRate(8)).toBe(0.875) // 1 − 1/8
    expect(impliedLossRate(4)).toBe(0.75) // 1 − 1/4
    expect(impliedLossRate(3)).toBeCloseTo(2 / 3, 12)
    expect(impliedLossRate(1)).toBe(0)
    expect(impliedLossRate(0)).toBeNull()
    expect(impliedLossRate(0.5)).toBeNull()
  })
})
