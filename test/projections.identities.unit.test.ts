import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type EventData, type EventOf, type EventType, eventTypes, type LedgerEvent } from "../events/index.js"
import {
  applyChanges,
  emptyLedgerState,
  evolve,
  foldAll,
  identityIndexOf,
  type LedgerState,
  repDayKey,
  repValuedFields,
  resolveIdentities,
  unlinkedIdentityOf,
} from "../projections/index.js"
import { anyHistoryWithIdentities } from "./support/histories.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const dayOf = (state: LedgerState, repId: string, day: string) => state.repDays.get(repDayKey(repId, day))
const rowsOf = (state: LedgerState, repId: string) => [...state.repDays.values()].filter((row) => row.repId === repId)

const call = (
  callId: string,
  occurredAt: string,
  repId: string,
  disposition: "connected" | "no_answer" = "no_answer",
) =>
  event("CallLogged", occurredAt, {
    callId,
    repId,
    direction: "outbound",
    disposition,
    durationSeconds: disposition === "connected" ? 90 : 0,
  })
const link = (occurredAt: string, repId: string, source: string, externalId: string) =>
  event("RepIdentityLinked", occurredAt, { repId, source, externalId })
const anaJoined = event("RepJoined", "2026-10-01T08:00:00Z", { repId: "ana", name: "Ana", role: "AE", team: "east" })

describe("a vendor identity linked to a rep", () => {
  it("credits the rep with the identity's calls from before the link, and removes the identity's rows", () => {
    const state = foldAll([
      anaJoined,
      call("c1", "2026-11-02T09:00:00Z", "aircall:77", "connected"),
      call("c2", "2026-11-02T10:00:00Z", "aircall:77"),
      call("c3", "2026-11-02T11:00:00Z", "ana"),
      call("c4", "2026-11-03T09:00:00Z", "aircall:77"),
      link("2026-11-05T12:00:00Z", "ana", "aircall", "77"),
    ])
    // Nov 2: c1 (connected, 90 s ≥ 60 s: a conversation) and c2 of the identity, c3 of ana herself; Nov 3: c4
    expect(dayOf(state, "ana", "2026-11-02")).toMatchObject({ dials: 3, connects: 1, conversations: 1, activities: 3 })
    expect(dayOf(state, "ana", "2026-11-03")).toMatchObject({ dials: 1, activities: 1 })
    expect(rowsOf(state, "aircall:77")).toEqual([])
    expect(state.reps.has("aircall:77")).toBe(false)
    expect(state.reps.get("ana")).toMatchObject({
      name: "Ana",
      team: "east",
      identities: [{ source: "aircall", externalId: "77" }],
    })
    expect(state.identities).toEqual(new Map([["aircall:77", "ana"]]))
  })

  it("credits the rep, not the identity, with what happens after the link", () => {
    const state = foldAll([
      anaJoined,
      link("2026-11-01T08:00:00Z", "ana", "aircall", "77"),
      call("c1", "2026-11-02T09:00:00Z", "aircall:77"),
    ])
    expect(dayOf(state, "ana", "2026-11-02")?.dials).toBe(1)
    expect(state.reps.has("aircall:77")).toBe(false)
  })

  it("keeps the earlier of the two firstSeenAt, the rep's details, and adds the identity's quotas the rep lacks", () => {
    const state = foldAll([
      call("c1", "2026-09-15T09:00:00Z", "aircall:77"),
      anaJoined,
      event("QuotaSet", "2026-10-01T09:00:00Z", { repId: "ana", period: "2026-Q4", amount: 100_000 }),
      link("2026-11-05T12:00:00Z", "ana", "aircall", "77"),
    ])
    expect(state.reps.get("ana")).toMatchObject({
      firstSeenAt: "2026-09-15T09:00:00Z",
      joinedAt: "2026-10-01T08:00:00Z",
      quotas: { "2026-Q4": 100_000 },
    })
  })

  it("rewrites the deals, meetings, declines and managers that name the identity", () => {
    const state = foldAll([
      anaJoined,
      event("RepJoined", "2026-10-01T08:00:00Z", {
        repId: "bo",
        name: "Bo",
        role: "BDR",
        managerRepId: "calendly:ana@example.com",
      }),
      event("DealOpened", "2026-10-02T08:00:00Z", {
        dealId: "d1",
        repId: "calendly:ana@example.com",
        accountId: "acme",
        amount: 10_000,
        source: "outbound",
        originatorRepId: "bo",
      }),
      event("DealOpened", "2026-10-02T09:00:00Z", {
        dealId: "d2",
        repId: "bo",
        accountId: "acme",
        amount: 5_000,
        source: "inbound",
        originatorRepId: "calendly:ana@example.com",
      }),
      event("MeetingBooked", "2026-10-03T08:00:00Z", {
        meetingId: "m1",
        repId: "bo",
        ownerRepId: "calendly:ana@example.com",
        accountId: "acme",
        scheduledFor: "2026-10-06T08:00:00Z",
        source: "outbound",
      }),
      event("MeetingBooked", "2026-10-03T09:00:00Z", {
        meetingId: "m2",
        repId: "calendly:ana@example.com",
        accountId: "acme",
        scheduledFor: "2026-10-07T08:00:00Z",
        source: "outbound",
      }),
      event("MeetingHeld", "2026-10-07T08:00:00Z", { meetingId: "m2" }),
      event("ProspectDeclined", "2026-10-04T08:00:00Z", {
        contactId: "k1",
        repId: "calendly:ana@example.com",
        how: "said_no",
      }),
      link("2026-10-10T08:00:00Z", "ana", "calendly", "ana@example.com"),
      event("DealWon", "2026-10-20T08:00:00Z", { dealId: "d1" }),
    ])
    expect(state.deals.get("d1")).toMatchObject({ ownerRepId: "ana", originatorRepId: "bo", status: "won" })
    expect(state.deals.get("d2")).toMatchObject({ ownerRepId: "bo", originatorRepId: "ana" })
    expect(state.meetings.get("m1")).toMatchObject({ bookerRepId: "bo", ownerRepId: "ana" })
    expect(state.meetings.get("m2")).toMatchObject({ bookerRepId: "ana", ownerRepId: "ana", heldByRepId: "ana" })
    expect(state.contacts.get("k1")?.declinedToRepId).toBe("ana")
    expect(state.reps.get("bo")?.managerRepId).toBe("ana")
    // ana: d1 opened (Oct 2) and won after the link (Oct 20); d2 originated (Oct 2); m2 booked (Oct 3) and held (Oct 7)
    expect(dayOf(state, "ana", "2026-10-02")).toMatchObject({ dealsOpened: 1, openedValue: 10_000, dealsOriginated: 1 })
    expect(dayOf(state, "ana", "2026-10-03")?.meetingsBooked).toBe(1)
    expect(dayOf(state, "ana", "2026-10-07")?.meetingsHeld).toBe(1)
    expect(dayOf(state, "ana", "2026-10-20")).toMatchObject({ dealsWon: 1, wonValue: 10_000 })
    expect([...state.reps.keys()].sort()).toEqual(["ana", "bo"])
  })
})

describe("links that change nothing, and chains", () => {
  const calls = [call("c1", "2026-11-02T09:00:00Z", "aircall:77"), call("c2", "2026-11-02T10:00:00Z", "aircall:77")]

  it("lets the first link of an identity win: a later link to another rep changes nothing", () => {
    const first = foldAll([anaJoined, ...calls, link("2026-11-03T08:00:00Z", "ana", "aircall", "77")])
    const relinked = foldAll([...calls, anaJoined, link("2026-11-03T08:00:00Z", "ana", "aircall", "77")])
    expect(evolve(first, link("2026-11-04T08:00:00Z", "bo", "aircall", "77"))).toEqual([])
    expect(evolve(relinked, link("2026-11-04T08:00:00Z", "ana", "aircall", "77"))).toEqual([]) // the same link again
    expect(evolve(first, call("c3", "2026-11-05T08:00:00Z", "aircall:77"))).toContainEqual(
      expect.objectContaining({ kind: "repDay", repId: "ana" }),
    )
  })

  it("ignores an identity linked to its own alias, or through a cycle back to it", () => {
    const state = foldAll([...calls, link("2026-11-03T08:00:00Z", "twilio:5", "aircall", "77")])
    expect(evolve(state, link("2026-11-04T08:00:00Z", "aircall:77", "aircall", "77"))).toEqual([])
    // twilio:5 → aircall:77 would resolve to twilio:5 itself
    expect(evolve(state, link("2026-11-04T08:00:00Z", "aircall:77", "twilio", "5"))).toEqual([])
  })

  it("follows a chain: an identity linked to another identity reaches the rep that one is linked to", () => {
    const state = foldAll([
      anaJoined,
      ...calls,
      link("2026-11-03T08:00:00Z", "twilio:5", "aircall", "77"),
      call("c3", "2026-11-03T09:00:00Z", "twilio:5"),
      link("2026-11-04T08:00:00Z", "ana", "twilio", "5"),
      call("c4", "2026-11-05T09:00:00Z", "aircall:77"),
    ])
    expect(rowsOf(state, "ana").reduce((sum, row) => sum + row.dials, 0)).toBe(4)
    expect(state.identities).toEqual(
      new Map([
        ["aircall:77", "ana"],
        ["twilio:5", "ana"],
      ]),
    )
    expect(identityIndexOf(state.reps.values())).toEqual(state.identities) // what a reload rebuilds
    expect([...state.reps.keys()]).toEqual(["ana"])
  })
})

describe("resolution at the entry of the fold", () => {
  it("lists every event type's rep-valued fields", () => {
    expect(Object.keys(repValuedFields).sort()).toEqual([...eventTypes].sort())
  })

  it("replaces every linked identity an event names, and returns the event itself when none is", () => {
    const identities = new Map([
      ["aircall:1", "ana"],
      ["calendly:bo", "bo"],
    ])
    const booked = event("MeetingBooked", "2026-11-02T09:00:00Z", {
      meetingId: "m1",
      repId: "calendly:bo",
      ownerRepId: "aircall:1",
      accountId: "acme",
      scheduledFor: "2026-11-03T09:00:00Z",
      source: "outbound",
    })
    expect(resolveIdentities(identities, booked).data).toMatchObject({ repId: "bo", ownerRepId: "ana" })
    const plain = call("c1", "2026-11-02T09:00:00Z", "carl")
    expect(resolveIdentities(identities, plain)).toBe(plain)
  })

  it("tells an unlinked identity from a rep", () => {
    expect(unlinkedIdentityOf({ repId: "aircall:77", joinedAt: null })).toEqual({ source: "aircall", externalId: "77" })
    expect(unlinkedIdentityOf({ repId: "calendly:ana@example.com", joinedAt: null })).toEqual({
      source: "calendly",
      externalId: "ana@example.com",
    })
    expect(unlinkedIdentityOf({ repId: "aircall:77", joinedAt: "2026-10-01T08:00:00Z" })).toBeUndefined() // someone hired under that id
    expect(unlinkedIdentityOf({ repId: "ghost", joinedAt: null })).toBeUndefined()
    expect(unlinkedIdentityOf({ repId: ":77", joinedAt: null })).toBeUndefined()
  })
})

describe("the property: links are retroactive", () => {
  const linksFirst = (history: ReadonlyArray<LedgerEvent>) => [
    ...history.filter((e) => e.type === "RepIdentityLinked"),
    ...history.filter((e) => e.type !== "RepIdentityLinked"),
  ]

  it("folding a history gives the same state as with every link moved to the front", () => {
    fc.assert(
      fc.property(anyHistoryWithIdentities(60), (history) => {
        expect(foldAll(history)).toEqual(foldAll(linksFirst(history)))
      }),
      { numRuns: 400 },
    )
  })

  it("leaves no row under a linked identity, and an identity map the reps' rows rebuild", () => {
    fc.assert(
      fc.property(anyHistoryWithIdentities(60), (history) => {
        const state = foldAll(history)
        for (const alias of state.identities.keys()) expect(state.reps.has(alias)).toBe(false)
        expect(identityIndexOf(state.reps.values())).toEqual(state.identities)
      }),
      { numRuns: 200 },
    )
  })

  it("never mutates the state it reads", () => {
    fc.assert(
      fc.property(anyHistoryWithIdentities(40), (history) => {
        const state = emptyLedgerState()
        for (const next of history) {
          const before = structuredClone(state)
          const changes = evolve(state, next)
          expect(state).toEqual(before)
          applyChanges(state, changes)
        }
      }),
      { numRuns: 100 },
    )
  })
})
