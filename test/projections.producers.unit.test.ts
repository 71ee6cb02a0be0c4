/**
 * What a BDR produced, counted for the rep who booked the meeting or originated the deal
 * (projections/meetings.ts, projections/deals.ts): held meetings and second meetings they booked,
 * the pipeline they originated and its wins.
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType } from "../events/index.js"
import { foldAll, type LedgerState, metricsOf, repDayKey, sumCounters } from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const dayOf = (state: LedgerState, repId: string, day: string) => state.repDays.get(repDayKey(repId, day))
const totalsOf = (state: LedgerState, repId: string) =>
  sumCounters([...state.repDays.values()].filter((row) => row.repId === repId))

const booked = (meetingId: string, occurredAt: string, repId: string, ownerRepId: string) =>
  event("MeetingBooked", occurredAt, {
    meetingId,
    repId,
    ownerRepId,
    accountId: "acme",
    scheduledFor: occurredAt,
    source: "outbound",
  })

describe("meetings a rep booked that were held", () => {
  // ben (BDR) books three meetings at Acme for ana (AE): m1 and m2 take place, m3 is cancelled.
  const state = foldAll([
    booked("m1", "2026-11-02T09:00:00Z", "ben", "ana"),
    event("MeetingHeld", "2026-11-05T15:00:00Z", { meetingId: "m1" }), // Acme's 1st held meeting of the cycle
    booked("m2", "2026-11-06T09:00:00Z", "ben", "ana"),
    event("MeetingHeld", "2026-11-10T15:00:00Z", { meetingId: "m2" }), // 2nd: a second meeting
    booked("m3", "2026-11-11T09:00:00Z", "ben", "ana"),
    event("MeetingCanceled", "2026-11-12T09:00:00Z", { meetingId: "m3" }),
  ])

  it("credits the booker on the day held, and the owner with the meeting held as before", () => {
    expect(dayOf(state, "ben", "2026-11-05")).toMatchObject({
      bookedMeetingsHeld: 1,
      bookedSecondMeetings: 0,
      meetingsHeld: 0,
    })
    expect(dayOf(state, "ben", "2026-11-10")).toMatchObject({ bookedMeetingsHeld: 1, bookedSecondMeetings: 1 })
    expect(dayOf(state, "ana", "2026-11-10")).toMatchObject({
      meetingsHeld: 1,
      secondMeetings: 1,
      bookedMeetingsHeld: 0,
    })
    expect(totalsOf(state, "ben")).toMatchObject({ meetingsBooked: 3, bookedMeetingsHeld: 2, bookedSecondMeetings: 1 })
  })

  it("completes the booker's credit when the booking arrives after the meeting was held", () => {
    const late = foldAll([
      event("MeetingHeld", "2026-11-05T15:00:00Z", { meetingId: "m1" }),
      booked("m1", "2026-11-02T09:00:00Z", "ben", "ana"),
    ])
    expect(dayOf(late, "ben", "2026-11-02")).toMatchObject({ meetingsBooked: 1, bookedMeetingsHeld: 0 })
    expect(dayOf(late, "ben", "2026-11-05")).toMatchObject({ bookedMeetingsHeld: 1 })
    expect(dayOf(late, "ana", "2026-11-05")).toMatchObject({ meetingsHeld: 1 })
  })

  it("gives heldMeetingYield: meetings booked and held per 100 activities", () => {
    const totals = { ...totalsOf(state, "ben"), activities: 80 }
    expect(metricsOf(totals).heldMeetingYield).toBe(2.5) // 100 × 2 / 80
    expect(metricsOf(totals).meetingYield).toBe(3.75) // 100 × 3 / 80: the cancelled booking counts here
  })
})

describe("deals a rep originated", () => {
  const opened = (dealId: string, occurredAt: string, amount: number, originatorRepId: string) =>
    event("DealOpened", occurredAt, {
      dealId,
      repId: "ana",
      accountId: "acme",
      amount,
      source: "inbound",
      originatorRepId,
    })

  it("credits the originator with the pipeline at opening and the wins on the close day", () => {
    const state = foldAll([
      opened("d1", "2026-10-01T09:00:00Z", 40_000, "ben"),
      opened("d2", "2026-10-02T09:00:00Z", 25_000, "ben"),
      event("DealAmountChanged", "2026-10-10T09:00:00Z", { dealId: "d1", amount: 50_000 }), // not the opening amount
      event("DealWon", "2026-11-03T09:00:00Z", { dealId: "d1", amount: 45_000 }), // the win's amount is final
      event("DealLost", "2026-11-04T09:00:00Z", { dealId: "d2", reason: "price" }),
    ])
    expect(dayOf(state, "ben", "2026-10-01")).toMatchObject({ dealsOriginated: 1, originatedPipeline: 40_000 })
    expect(dayOf(state, "ben", "2026-11-03")).toMatchObject({
      originatedWon: 1,
      originatedWonValue: 45_000,
      dealsWon: 0,
    })
    expect(dayOf(state, "ana", "2026-11-03")).toMatchObject({ dealsWon: 1, wonValue: 45_000, originatedWon: 0 })
    expect(totalsOf(state, "ben")).toMatchObject({
      dealsOriginated: 2,
      originatedPipeline: 65_000, // 40,000 + 25,000, at opening
      originatedWon: 1,
      originatedWonValue: 45_000,
    })
  })

  it("credits an owner who originated their own deal under both", () => {
    const state = foldAll([
      opened("d1", "2026-10-01T09:00:00Z", 40_000, "ana"),
      event("DealWon", "2026-11-03T09:00:00Z", { dealId: "d1" }),
    ])
    expect(dayOf(state, "ana", "2026-10-01")).toMatchObject({
      dealsOpened: 1,
      dealsOriginated: 1,
      originatedPipeline: 40_000,
    })
    expect(dayOf(state, "ana", "2026-11-03")).toMatchObject({
      dealsWon: 1,
      originatedWon: 1,
      originatedWonValue: 40_000,
    })
  })
})
