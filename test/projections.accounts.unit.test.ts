import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import { accountOutcomes, foldAll } from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

// acme: three meetings booked (two held, one canceled); three deals:
// won, lost, and open with its amount changed. globex's open deal and meeting are not acme's.
const history: Array<LedgerEvent> = [
  event("MeetingBooked", "2026-11-02T09:00:00Z", {
    meetingId: "m1",
    repId: "bea",
    accountId: "acme",
    scheduledFor: "2026-11-05T15:00:00Z",
    source: "outbound",
  }),
  event("MeetingHeld", "2026-11-05T15:00:00Z", { meetingId: "m1" }),
  event("MeetingBooked", "2026-11-06T09:00:00Z", {
    meetingId: "m2",
    repId: "bea",
    accountId: "acme",
    scheduledFor: "2026-11-09T15:00:00Z",
    source: "outbound",
  }),
  event("MeetingCanceled", "2026-11-08T09:00:00Z", { meetingId: "m2", reason: "conflict" }),
  event("MeetingBooked", "2026-11-07T09:00:00Z", {
    meetingId: "m3",
    repId: "ana",
    accountId: "acme",
    scheduledFor: "2026-11-10T15:00:00Z",
    source: "inbound",
  }),
  event("MeetingHeld", "2026-11-10T15:00:00Z", { meetingId: "m3", repId: "ana" }),
  event("MeetingBooked", "2026-11-06T09:00:00Z", {
    meetingId: "g1",
    repId: "bea",
    accountId: "globex",
    scheduledFor: "2026-11-09T15:00:00Z",
    source: "outbound",
  }),
  event("DealOpened", "2026-11-12T09:00:00Z", {
    dealId: "d1",
    repId: "ana",
    accountId: "acme",
    amount: 50_000,
    source: "outbound",
  }),
  event("DealWon", "2026-11-20T09:00:00Z", { dealId: "d1", amount: 60_000 }),
  event("DealOpened", "2026-11-13T09:00:00Z", {
    dealId: "d2",
    repId: "ana",
    accountId: "acme",
    amount: 20_000,
    source: "inbound",
  }),
  event("DealLost", "2026-11-21T09:00:00Z", { dealId: "d2", reason: "price" }),
  event("DealOpened", "2026-11-14T09:00:00Z", {
    dealId: "d3",
    repId: "cy",
    accountId: "acme",
    amount: 30_000,
    source: "outbound",
  }),
  event("DealAmountChanged", "2026-11-15T09:00:00Z", { dealId: "d3", amount: 35_000 }),
  event("DealOpened", "2026-11-14T09:00:00Z", {
    dealId: "g2",
    repId: "cy",
    accountId: "globex",
    amount: 99_000,
    source: "outbound",
  }),
]

describe("accountOutcomes", () => {
  it("sums an account's meetings and deals as they stand, whoever's they are", () => {
    const state = foldAll(history)
    const deals = [...state.deals.values()].filter((d) => d.accountId === "acme")
    const meetings = [...state.meetings.values()].filter((m) => m.accountId === "acme")
    expect(accountOutcomes(deals, meetings)).toEqual({
      meetingsBooked: 3,
      meetingsHeld: 2, // m1, m3
      dealsOpened: 3,
      dealsOpen: 1, // d3
      dealsWon: 1,
      dealsLost: 1,
      wonValue: 60_000, // DealWon's amount, not the 50k it opened at
      openPipeline: 35_000, // d3 at its changed amount
    })
  })

  it("is all zeros for an account with nothing", () => {
    expect(accountOutcomes([], [])).toEqual({
      meetingsBooked: 0,
      meetingsHeld: 0,
      dealsOpened: 0,
      dealsOpen: 0,
      dealsWon: 0,
      dealsLost: 0,
      wonValue: 0,
      openPipeline: 0,
    })
  })
})
