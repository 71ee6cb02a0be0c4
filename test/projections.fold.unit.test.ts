import { describe, expect, it } from "vitest"
import { type EventData, type EventOf, type EventType, eventTypes, type LedgerEvent } from "../events/index.js"
import {
  applyChanges,
  emptyLedgerState,
  evolve,
  foldAll,
  type LedgerState,
  repDayKey,
  sumCounters,
} from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const dayOf = (state: LedgerState, repId: string, day: string) => state.repDays.get(repDayKey(repId, day))

// One event of every type, in an order that exercises each fold.
const history: Array<LedgerEvent> = [
  event("TeamSettingsChanged", "2026-10-01T00:00:00Z", { timeZone: "Europe/Paris", currency: "EUR" }),
  event("RepJoined", "2026-10-01T08:00:00Z", {
    repId: "ana",
    name: "Ana",
    role: "AE",
    email: "ana@example.com",
    team: "east",
  }),
  event("RepIdentityLinked", "2026-10-01T08:05:00Z", { repId: "ana", source: "aircall", externalId: "u-17" }),
  event("QuotaSet", "2026-10-01T08:10:00Z", { repId: "ana", period: "2026-Q4", amount: 100_000 }),
  event("AccountTargeted", "2026-10-02T08:00:00Z", { accountId: "acme", reason: "dream_client" }),
  event("ProspectDeclined", "2026-10-03T08:00:00Z", { contactId: "k1", accountId: "acme", how: "said_no" }),
  event("CallLogged", "2026-10-04T08:00:00Z", {
    callId: "c1",
    repId: "ana",
    accountId: "acme",
    contactId: "k1",
    direction: "outbound",
    disposition: "connected",
    durationSeconds: 120,
  }),
  event("CallEventReceived", "2026-10-04T08:02:00Z", {
    callId: "aircall-9",
    vendor: "aircall",
    vendorEvent: "call.created",
    repId: "aircall:u-17",
  }),
  event("EmailSent", "2026-10-04T09:00:00Z", { emailId: "e1", repId: "ana", accountId: "acme", kind: "first_touch" }),
  event("TouchLogged", "2026-10-04T10:00:00Z", { touchId: "t1", repId: "ana", channel: "in_person" }),
  event("MeetingBooked", "2026-10-05T08:00:00Z", {
    meetingId: "m1",
    repId: "bea",
    ownerRepId: "ana",
    accountId: "acme",
    scheduledFor: "2026-10-07T08:00:00Z",
    source: "outbound",
  }),
  event("MeetingHeld", "2026-10-07T08:00:00Z", { meetingId: "m1" }),
  event("MeetingBooked", "2026-10-08T08:00:00Z", {
    meetingId: "m2",
    repId: "bea",
    ownerRepId: "ana",
    accountId: "acme",
    scheduledFor: "2026-10-09T08:00:00Z",
    source: "outbound",
  }),
  event("MeetingNoShow", "2026-10-09T08:00:00Z", { meetingId: "m2" }),
  event("MeetingCanceled", "2026-10-09T09:00:00Z", { meetingId: "m2" }),
  event("DealOpened", "2026-10-10T08:00:00Z", {
    dealId: "d1",
    repId: "ana",
    accountId: "acme",
    amount: 50_000,
    source: "outbound",
    originatorRepId: "bea",
  }),
  event("DealAmountChanged", "2026-10-11T08:00:00Z", { dealId: "d1", amount: 45_000 }),
  event("DealCloseDateChanged", "2026-10-11T09:00:00Z", { dealId: "d1", expectedCloseDate: "2026-12-15" }),
  event("DealOpened", "2026-10-12T08:00:00Z", {
    dealId: "d2",
    repId: "ana",
    accountId: "acme",
    amount: 20_000,
    source: "inbound",
  }),
  event("DealWon", "2026-10-20T08:00:00Z", { dealId: "d1" }),
  event("DealLost", "2026-10-21T08:00:00Z", { dealId: "d2", competitor: "Rival" }),
  event("TargetAccountReassigned", "2026-10-21T08:00:00Z", { accountId: "acme", toRepId: "ana" }),
  event("AccountUntargeted", "2026-10-22T08:00:00Z", { accountId: "acme" }),
  // An erasure holds no personal data and changes no figure: the folds ignore it.
  event("PersonErased", "2026-10-23T08:00:00Z", {
    subject: `s:${"0".repeat(64)}`,
    identifierKind: "email",
    valuesErased: 2,
  }),
  event("RepLeft", "2026-12-31T17:00:00Z", { repId: "ana" }),
]

describe("evolve", () => {
  it("covers every event type in this history", () => {
    expect(new Set(history.map((e) => e.type))).toEqual(new Set(eventTypes))
  })

  it("never mutates the state it reads, and returns the same changes for the same input", () => {
    const state = emptyLedgerState()
    for (const next of history) {
      const before = structuredClone(state)
      const changes = evolve(state, next)
      expect(state).toEqual(before)
      expect(evolve(state, next)).toEqual(changes)
      applyChanges(state, changes)
    }
  })

  it("folds the history into rows", () => {
    const state = foldAll(history)
    expect(state.settings).toMatchObject({ timeZone: "Europe/Paris", currency: "EUR", conversationSeconds: 60 })
    expect(state.reps.get("ana")).toMatchObject({
      name: "Ana",
      email: "ana@example.com",
      team: "east",
      quotas: { "2026-Q4": 100_000 },
      identities: [{ source: "aircall", externalId: "u-17" }],
      leftAt: "2026-12-31T17:00:00Z",
    })
    // bea never joined: known only as booker and originator
    expect(state.reps.get("bea")).toMatchObject({ name: null, firstSeenAt: "2026-10-05T08:00:00Z" })
    // Oct 4 in Paris: the call (connected 120 s, on a target account, to k1 who declined the day before) and the email
    expect(dayOf(state, "ana", "2026-10-04")).toMatchObject({
      dials: 1,
      connects: 1,
      conversations: 1,
      emails: 1,
      touches: 1,
      activities: 3,
      badgering: 1,
      targetedActivities: 2,
    })
    expect(state.meetings.get("m2")?.status).toBe("canceled")
    // d1 won at its last amount (45k), on the target account; d2 lost at 20k
    expect(dayOf(state, "ana", "2026-10-20")).toMatchObject({ dealsWon: 1, wonValue: 45_000, targetDealsWon: 1 })
    expect(dayOf(state, "ana", "2026-10-21")).toMatchObject({ dealsLost: 1, lostValue: 20_000, targetDealsLost: 1 })
    expect(state.deals.get("d1")).toMatchObject({ expectedCloseDate: "2026-12-15", status: "won" })
    expect(state.accounts.get("acme")).toMatchObject({ targeted: false, openDealIds: [], heldMeetingsInCycle: 0 })
  })

  it("gives the same rows folded at once or in batches onto a kept state", () => {
    const atOnce = foldAll(history)
    const inBatches = foldAll(history.slice(11), foldAll(history.slice(0, 11)))
    expect(inBatches).toEqual(atOnce)
  })

  it("adds a day's increments onto the row", () => {
    const state = emptyLedgerState()
    applyChanges(state, [
      { kind: "repDay", repId: "ana", day: "2026-11-02", add: { dials: 2, activities: 2 } },
      { kind: "repDay", repId: "ana", day: "2026-11-02", add: { emails: 1, activities: 1 } },
    ])
    expect(dayOf(state, "ana", "2026-11-02")).toMatchObject({
      repId: "ana",
      day: "2026-11-02",
      dials: 2,
      emails: 1,
      activities: 3,
      touches: 0,
    })
  })
})

describe("events the state cannot place", () => {
  it("ignore deal events for a deal never opened, and changes to a closed deal", () => {
    const state = foldAll([
      event("DealOpened", "2026-11-01T00:00:00Z", {
        dealId: "d1",
        repId: "ana",
        accountId: "acme",
        amount: 10,
        source: "inbound",
      }),
      event("DealWon", "2026-11-02T00:00:00Z", { dealId: "d1" }),
    ])
    expect(evolve(state, event("DealWon", "2026-11-03T00:00:00Z", { dealId: "nope", amount: 5 }))).toEqual([])
    expect(evolve(state, event("DealLost", "2026-11-03T00:00:00Z", { dealId: "d1" }))).toEqual([]) // already won
    expect(evolve(state, event("DealAmountChanged", "2026-11-03T00:00:00Z", { dealId: "d1", amount: 99 }))).toEqual([])
    expect(
      evolve(
        state,
        event("DealOpened", "2026-11-03T00:00:00Z", {
          dealId: "d1",
          repId: "bob",
          accountId: "x",
          amount: 1,
          source: "inbound",
        }),
      ),
    ).toEqual([])
    expect(evolve(state, event("AccountUntargeted", "2026-11-03T00:00:00Z", { accountId: "never-targeted" }))).toEqual(
      [],
    )
  })

  it("complete a meeting held before it was booked when the booking arrives", () => {
    const state = foldAll([
      event("MeetingBooked", "2026-11-01T09:00:00Z", {
        meetingId: "m1",
        repId: "bea",
        ownerRepId: "ana",
        accountId: "acme",
        scheduledFor: "2026-11-02T09:00:00Z",
        source: "outbound",
      }),
      event("MeetingHeld", "2026-11-02T09:00:00Z", { meetingId: "m1" }), // acme's 1st
      event("MeetingHeld", "2026-11-05T09:00:00Z", { meetingId: "m2" }), // unknown yet: no one to credit
      event("MeetingBooked", "2026-11-06T09:00:00Z", {
        meetingId: "m2",
        repId: "bea",
        ownerRepId: "ana",
        accountId: "acme",
        scheduledFor: "2026-11-05T09:00:00Z",
        source: "outbound",
      }),
    ])
    // the late booking is bea's on Nov 6; the held meeting is ana's on Nov 5, acme's 2nd: a second meeting
    expect(dayOf(state, "bea", "2026-11-06")?.meetingsBooked).toBe(1)
    expect(dayOf(state, "ana", "2026-11-05")).toMatchObject({ meetingsHeld: 1, secondMeetings: 1 })
    expect(state.meetings.get("m2")).toMatchObject({
      status: "held",
      heldByRepId: "ana",
      countedInCycle: true,
      accountId: "acme",
    })
    expect(sumCounters(state.repDays.values())).toMatchObject({ meetingsBooked: 2, meetingsHeld: 2, secondMeetings: 1 })
  })

  it("credit a meeting held before its booking to the rep it names, once", () => {
    const state = foldAll([
      event("MeetingHeld", "2026-11-05T09:00:00Z", { meetingId: "m1", repId: "carl" }),
      event("MeetingBooked", "2026-11-06T09:00:00Z", {
        meetingId: "m1",
        repId: "bea",
        ownerRepId: "ana",
        accountId: "acme",
        scheduledFor: "2026-11-05T09:00:00Z",
        source: "outbound",
      }),
    ])
    expect(dayOf(state, "carl", "2026-11-05")?.meetingsHeld).toBe(1)
    expect(dayOf(state, "ana", "2026-11-05")).toBeUndefined()
    expect(sumCounters(state.repDays.values())).toMatchObject({ meetingsBooked: 1, meetingsHeld: 1 })
  })

  it("treat a repeated booking as a reschedule, not a second booking", () => {
    const booking = (occurredAt: string, scheduledFor: string) =>
      event("MeetingBooked", occurredAt, {
        meetingId: "m1",
        repId: "bea",
        accountId: "acme",
        scheduledFor,
        source: "outbound",
      })
    const state = foldAll([
      booking("2026-11-01T09:00:00Z", "2026-11-03T09:00:00Z"),
      event("MeetingCanceled", "2026-11-02T09:00:00Z", { meetingId: "m1" }),
      booking("2026-11-02T10:00:00Z", "2026-11-10T09:00:00Z"),
    ])
    expect(sumCounters(state.repDays.values()).meetingsBooked).toBe(1)
    expect(state.meetings.get("m1")).toMatchObject({ status: "booked", scheduledFor: "2026-11-10T09:00:00Z" })
  })
})
