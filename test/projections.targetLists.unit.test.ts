/**
 * Target lists that belong to sellers: ownership from `AccountTargeted.ownerRepId`, reassignments
 * from their date on, the cap warning, and the monthly cadence (issue 29's hand-worked cases).
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import {
  capWarnings,
  foldAll,
  ownerAt,
  targetCadence,
  targetCadenceByMonth,
  targetListOf,
} from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>
const targeted = (accountId: string, ownerRepId: string, at = "2026-02-10T09:00:00Z") =>
  event("AccountTargeted", at, { accountId, reason: "dream_client", ownerRepId })
const call = (callId: string, repId: string, accountId: string, at: string) =>
  event("CallLogged", at, {
    callId,
    repId,
    accountId,
    direction: "outbound",
    disposition: "no_answer",
    durationSeconds: 0,
  })

// ana owns acme, globex, initech and umbrella from February. In March she calls acme twice,
// emails globex and holds a meeting at initech: 3 of her 4 accounts touched, 0.75. In April she
// touches umbrella only: 1 of 4, 0.25. bea's call on acme in April is not ana's: it changes nothing.
const history: Array<LedgerEvent> = [
  targeted("acme", "ana"),
  targeted("globex", "ana"),
  targeted("initech", "ana"),
  targeted("umbrella", "ana"),
  call("c1", "ana", "acme", "2026-03-02T10:00:00Z"),
  call("c2", "ana", "acme", "2026-03-20T10:00:00Z"),
  event("EmailSent", "2026-03-05T10:00:00Z", {
    emailId: "e1",
    repId: "ana",
    accountId: "globex",
    kind: "first_touch",
  }),
  event("MeetingBooked", "2026-03-01T10:00:00Z", {
    meetingId: "m1",
    repId: "ana",
    accountId: "initech",
    scheduledFor: "2026-03-12T15:00:00Z",
    source: "outbound",
  }),
  event("MeetingHeld", "2026-03-12T15:00:00Z", { meetingId: "m1" }),
  event("TouchLogged", "2026-04-08T10:00:00Z", {
    touchId: "t1",
    repId: "ana",
    accountId: "umbrella",
    channel: "social",
  }),
  call("c3", "bea", "acme", "2026-04-09T10:00:00Z"),
]

const sellerInputs = (events: ReadonlyArray<LedgerEvent>, repId: string) => {
  const state = foldAll(events)
  return {
    accounts: [...state.accounts.values()],
    repId,
    repAccounts: [...state.repAccounts.values()],
    meetings: [...state.meetings.values()],
    deals: [...state.deals.values()],
    timeZone: "UTC",
  }
}

describe("targetCadence", () => {
  it("is the share of the seller's accounts they touched in the month: 3 of 4 in March, 1 of 4 in April", () => {
    const ana = sellerInputs(history, "ana")
    expect(targetCadence({ ...ana, month: "2026-03" })).toEqual({
      month: "2026-03",
      targetAccounts: 4,
      touchedAccounts: 3,
      targetCadence: 0.75,
    })
    expect(targetCadence({ ...ana, month: "2026-04" })).toEqual({
      month: "2026-04",
      targetAccounts: 4,
      touchedAccounts: 1,
      targetCadence: 0.25,
    })
  })

  it("is null for a seller with no list, and for a month before the list existed", () => {
    expect(targetCadence({ ...sellerInputs(history, "bea"), month: "2026-04" }).targetCadence).toBeNull()
    expect(targetCadenceByMonth(sellerInputs(history, "ana"), ["2026-01"])[0]).toEqual({
      month: "2026-01",
      targetAccounts: 0,
      touchedAccounts: 0,
      targetCadence: null,
    })
  })
})

describe("a reassignment", () => {
  // acme moves from ana's list to bea's on April 15th: March stays ana's (she touched it), April is
  // bea's month (a list is read at the month's end) — bea's call on April 9th, before she owned it,
  // is hers and counts; ana's April list is 3 accounts, of which she touched umbrella: 1/3.
  const moved = [
    ...history,
    event("TargetAccountReassigned", "2026-04-15T00:00:00Z", {
      accountId: "acme",
      fromRepId: "ana",
      toRepId: "bea",
      reason: "territory",
    }),
  ]

  it("moves the account between lists from its date on", () => {
    const state = foldAll(moved)
    const acme = state.accounts.get("acme")
    expect(acme?.ownerRepId).toBe("bea")
    expect(ownerAt(acme as never, "2026-04-14T23:59:59Z")).toBe("ana")
    expect(ownerAt(acme as never, "2026-04-15T00:00:00Z")).toBe("bea")
    const ana = sellerInputs(moved, "ana")
    expect(targetCadenceByMonth(ana, ["2026-03", "2026-04"]).map((m) => m.targetCadence)).toEqual([0.75, 1 / 3])
    expect(targetCadence({ ...sellerInputs(moved, "bea"), month: "2026-04" })).toEqual({
      month: "2026-04",
      targetAccounts: 1,
      touchedAccounts: 1,
      targetCadence: 1,
    })
  })

  it("gives the same lists whatever the order it is folded in", () => {
    const reassignedFirst = [moved[moved.length - 1] as LedgerEvent, ...history]
    // Folded before acme was targeted on Feb 10th, the reassignment (April 15th) still ends ana's ownership.
    const state = foldAll(reassignedFirst)
    expect(state.accounts.get("acme")?.owners).toEqual([
      { repId: "ana", from: "2026-02-10T09:00:00Z" },
      { repId: "bea", from: "2026-04-15T00:00:00Z" },
    ])
  })

  it("off the target list, an account is on nobody's list", () => {
    const state = foldAll([...history, event("AccountUntargeted", "2026-04-01T00:00:00Z", { accountId: "umbrella" })])
    expect(state.accounts.get("umbrella")?.ownerRepId).toBeNull()
    const ana = {
      ...sellerInputs(
        [...history, event("AccountUntargeted", "2026-04-01T00:00:00Z", { accountId: "umbrella" })],
        "ana",
      ),
    }
    // April: acme, globex, initech on the list, none touched by ana (umbrella's touch no longer counts).
    expect(targetCadence({ ...ana, month: "2026-04" })).toMatchObject({ targetAccounts: 3, touchedAccounts: 0 })
  })
})

describe("the seller's list for a month", () => {
  it("shows each account's month, untouched longest first", () => {
    const list = targetListOf({ ...sellerInputs(history, "ana"), month: "2026-04" })
    // April: umbrella touched (1 touch). Untouched: initech (last: the meeting, Mar 12th), acme (the
    // call of Mar 20th), globex (the email of Mar 5th): globex untouched longest, then initech, acme.
    expect(list.map((a) => [a.accountId, a.untouchedThisMonth, a.lastActivityDay, a.activitiesThisMonth])).toEqual([
      ["globex", true, "2026-03-05", 0],
      ["initech", true, "2026-03-12", 0],
      ["acme", true, "2026-03-20", 0],
      ["umbrella", false, "2026-04-08", 1],
    ])
    const march = targetListOf({ ...sellerInputs(history, "ana"), month: "2026-03" })
    expect(march.find((a) => a.accountId === "initech")).toMatchObject({ meetingsThisMonth: 1, activitiesThisMonth: 0 })
    expect(march.find((a) => a.accountId === "acme")).toMatchObject({
      activitiesThisMonth: 2,
      ownedSince: "2026-02-10T09:00:00Z",
    })
  })
})

describe("the cap", () => {
  it("warns about a list over the cap, and keeps every account on it", () => {
    const state = foldAll(history)
    expect(capWarnings(state.accounts.values(), 3)).toEqual([{ repId: "ana", accounts: 4, cap: 3 }])
    expect(capWarnings(state.accounts.values(), 4)).toEqual([])
    expect([...state.accounts.values()].filter((a) => a.ownerRepId === "ana")).toHaveLength(4)
  })
})
