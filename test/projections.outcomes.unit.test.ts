import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import { foldAll, type LedgerState, metricsOf, repDayKey, sumCounters } from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const dayOf = (state: LedgerState, repId: string, day: string) => state.repDays.get(repDayKey(repId, day))
const totalsOf = (state: LedgerState, repId: string) =>
  sumCounters([...state.repDays.values()].filter((row) => row.repId === repId))

const booked = (meetingId: string, occurredAt: string, repId: string, accountId: string, ownerRepId?: string) =>
  event("MeetingBooked", occurredAt, {
    meetingId,
    repId,
    accountId,
    scheduledFor: occurredAt,
    source: "outbound",
    ...(ownerRepId === undefined ? {} : { ownerRepId }),
  })
const held = (meetingId: string, occurredAt: string, repId?: string) =>
  event("MeetingHeld", occurredAt, repId === undefined ? { meetingId } : { meetingId, repId })

// November at one team: bea (BDR) books meetings for ana (AE) on acme, a target account.
const november: Array<LedgerEvent> = [
  event("AccountTargeted", "2026-11-01T08:00:00Z", { accountId: "acme", reason: "buys_what_we_sell" }),
  booked("m1", "2026-11-02T09:00:00Z", "bea", "acme", "ana"),
  held("m1", "2026-11-05T15:00:00Z"), // acme's 1st held meeting of the cycle
  booked("m2", "2026-11-06T09:00:00Z", "bea", "acme", "ana"),
  held("m2", "2026-11-10T15:00:00Z"), // 2nd: a second meeting
  event("DealOpened", "2026-11-12T09:00:00Z", {
    dealId: "d1",
    repId: "ana",
    accountId: "acme",
    amount: 50_000,
    source: "outbound",
    originatorRepId: "bea",
  }),
  event("DealOpened", "2026-11-14T09:00:00Z", {
    dealId: "d3",
    repId: "ana",
    accountId: "initech",
    amount: 30_000,
    source: "inbound",
  }),
  event("DealAmountChanged", "2026-11-15T09:00:00Z", { dealId: "d1", amount: 60_000 }),
  event("DealWon", "2026-11-20T09:00:00Z", { dealId: "d1", amount: 55_000 }), // closes acme's cycle
  event("DealLost", "2026-11-21T09:00:00Z", { dealId: "d3", reason: "price" }),
  booked("m3", "2026-11-24T09:00:00Z", "ana", "acme"), // ana books for herself
  held("m3", "2026-11-25T15:00:00Z"), // 1st of the new cycle: not a second meeting
  booked("m4", "2026-11-26T09:00:00Z", "ana", "acme"),
  held("m4", "2026-11-27T15:00:00Z"), // 2nd of the new cycle
  event("MeetingCanceled", "2026-11-28T09:00:00Z", { meetingId: "m1" }), // late cancel of a held meeting: ignored
]

describe("meetings", () => {
  const state = foldAll(november)

  it("credits the booker with the booking and the owner with the held meeting", () => {
    expect(dayOf(state, "bea", "2026-11-02")).toMatchObject({ meetingsBooked: 1, meetingsHeld: 0 })
    expect(dayOf(state, "ana", "2026-11-05")).toMatchObject({ meetingsBooked: 0, meetingsHeld: 1, secondMeetings: 0 })
    expect(totalsOf(state, "bea")).toMatchObject({ meetingsBooked: 2, meetingsHeld: 0 }) // m1, m2
  })

  it("counts second meetings per account cycle, restarting the cycle when a deal on the account closes", () => {
    expect(dayOf(state, "ana", "2026-11-10")).toMatchObject({ meetingsHeld: 1, secondMeetings: 1 }) // m2
    expect(dayOf(state, "ana", "2026-11-25")).toMatchObject({ meetingsHeld: 1, secondMeetings: 0 }) // m3: cycle reset by d1
    expect(dayOf(state, "ana", "2026-11-27")).toMatchObject({ meetingsHeld: 1, secondMeetings: 1 }) // m4
    // ana held m1, m2, m3, m4; m2 and m4 were second meetings: 2 / 4
    const metrics = metricsOf(totalsOf(state, "ana"))
    expect(metrics).toMatchObject({ meetingsBooked: 2, meetingsHeld: 4, secondMeetings: 2, secondMeetingRate: 0.5 })
    expect(state.accounts.get("acme")).toMatchObject({
      heldMeetingsInCycle: 2,
      lastClosedAt: "2026-11-20T09:00:00Z",
      openDealIds: [],
    })
  })

  it("keeps a held meeting held when a cancel arrives after it", () => {
    expect(state.meetings.get("m1")).toMatchObject({ status: "held", heldByRepId: "ana", bookerRepId: "bea" })
  })

  it("counts a canceled or missed meeting as booked, never as held", () => {
    const missed = foldAll([
      booked("m8", "2026-11-02T09:00:00Z", "bea", "acme", "ana"),
      event("MeetingCanceled", "2026-11-03T09:00:00Z", { meetingId: "m8", reason: "conflict" }),
      booked("m9", "2026-11-02T10:00:00Z", "bea", "acme", "ana"),
      event("MeetingNoShow", "2026-11-04T09:00:00Z", { meetingId: "m9" }),
    ])
    expect(totalsOf(missed, "bea")).toMatchObject({ meetingsBooked: 2 })
    expect(totalsOf(missed, "ana")).toMatchObject({ meetingsHeld: 0 })
    expect(missed.meetings.get("m8")?.status).toBe("canceled")
    expect(missed.meetings.get("m9")?.status).toBe("no_show")
  })

  it("credits whoever MeetingHeld names over the owner", () => {
    const covered = foldAll([
      booked("m7", "2026-11-02T09:00:00Z", "bea", "acme", "ana"),
      held("m7", "2026-11-05T15:00:00Z", "carl"),
    ])
    expect(dayOf(covered, "carl", "2026-11-05")?.meetingsHeld).toBe(1)
    expect(dayOf(covered, "ana", "2026-11-05")).toBeUndefined()
  })

  it("counts a meeting held twice once", () => {
    const twice = foldAll([
      booked("m1", "2026-11-02T09:00:00Z", "bea", "acme", "ana"),
      held("m1", "2026-11-05T15:00:00Z"),
      held("m1", "2026-11-05T16:00:00Z"),
    ])
    expect(totalsOf(twice, "ana").meetingsHeld).toBe(1)
  })
})

describe("deals", () => {
  const state = foldAll(november)

  it("credits the owner with the opened deal and the originator under dealsOriginated", () => {
    expect(dayOf(state, "ana", "2026-11-12")).toMatchObject({
      dealsOpened: 1,
      openedValue: 50_000,
      outboundOpenedValue: 50_000,
      dealsOriginated: 0,
    })
    expect(dayOf(state, "bea", "2026-11-12")).toMatchObject({ dealsOpened: 0, dealsOriginated: 1 })
  })

  it("credits the owner with wins and losses on the close day, a win at its final amount", () => {
    // d1 opened at 50k, changed to 60k, won at 55k: DealWon's amount wins
    expect(dayOf(state, "ana", "2026-11-20")).toMatchObject({ dealsWon: 1, wonValue: 55_000, targetDealsWon: 1 })
    expect(dayOf(state, "ana", "2026-11-21")).toMatchObject({ dealsLost: 1, lostValue: 30_000, nonTargetDealsLost: 1 })
    expect(state.deals.get("d1")).toMatchObject({
      status: "won",
      amount: 55_000,
      closedAt: "2026-11-20T09:00:00Z",
      onTargetAccount: true,
    })
    expect(state.deals.get("d3")).toMatchObject({ status: "lost", amount: 30_000, onTargetAccount: false })
  })

  it("gives ana's November win rates, value win rate, deal size and outbound share", () => {
    const metrics = metricsOf(totalsOf(state, "ana"), [state.deals.get("d1")!])
    expect(metrics.winRate).toBe(0.5) // 1 won / (1 won + 1 lost)
    expect(metrics.valueWinRate).toBeCloseTo(55_000 / 85_000, 12) // 55k / (55k + 30k) ≈ 0.647
    expect(metrics.avgWonDeal).toBe(55_000)
    expect(metrics.targetWinRate).toBe(1) // d1 on acme (targeted): 1 / 1
    expect(metrics.nonTargetWinRate).toBe(0) // d3 on initech: 0 / 1
    expect(metrics.outboundShare).toBe(0.625) // outbound 50k of 80k opened (at opening amounts)
    // d1: opened Nov 12 09:00, won Nov 20 09:00: 8 days
    expect(metrics.salesCycleDays).toBe(8)
  })

  it("qualifies a deal when its account has a second meeting, or at opening if it already had one", () => {
    // d1 opened after acme's 2nd held meeting (m2, Nov 10): qualified from its opening
    expect(state.deals.get("d1")?.qualifiedAt).toBe("2026-11-12T09:00:00Z")
    expect(state.deals.get("d3")?.qualifiedAt).toBeNull()

    const globex = foldAll([
      event("DealOpened", "2026-11-03T09:00:00Z", {
        dealId: "d2",
        repId: "carl",
        accountId: "globex",
        amount: 20_000,
        source: "inbound",
      }),
      booked("m5", "2026-11-03T10:00:00Z", "carl", "globex"),
      held("m5", "2026-11-04T10:00:00Z"), // 1st: not yet
      booked("m6", "2026-11-05T10:00:00Z", "carl", "globex"),
      held("m6", "2026-11-09T10:00:00Z"), // 2nd while d2 is open: qualified now
    ])
    expect(globex.deals.get("d2")?.qualifiedAt).toBe("2026-11-09T10:00:00Z")
    expect(globex.accounts.get("globex")).toMatchObject({ heldMeetingsInCycle: 2, openDealIds: ["d2"] })
  })

  it("credits an originator who owns the deal under both", () => {
    const own = foldAll([
      event("DealOpened", "2026-11-03T09:00:00Z", {
        dealId: "d9",
        repId: "ana",
        accountId: "acme",
        amount: 10,
        source: "outbound",
        originatorRepId: "ana",
      }),
    ])
    expect(dayOf(own, "ana", "2026-11-03")).toMatchObject({ dealsOpened: 1, dealsOriginated: 1 })
  })
})
