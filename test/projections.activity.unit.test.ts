import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import { foldAll, type LedgerState, metricsOf, repDayKey, sumCounters } from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const dayOf = (state: LedgerState, repId: string, day: string) => state.repDays.get(repDayKey(repId, day))

const call = (id: string, occurredAt: string, rest: Partial<EventData<"CallLogged">> = {}) =>
  event("CallLogged", occurredAt, {
    callId: id,
    repId: "ana",
    direction: "outbound",
    disposition: "no_answer",
    durationSeconds: 0,
    ...rest,
  })

describe("activity counters", () => {
  it("counts dials, connects, conversations, emails, follow-ups and touches of a day", () => {
    const state = foldAll([
      call("c1", "2026-11-02T09:00:00Z", { disposition: "connected", durationSeconds: 95 }), // dial, connect, conversation
      call("c2", "2026-11-02T09:10:00Z", { disposition: "connected", durationSeconds: 45 }), // dial, connect (45 s < 60 s)
      call("c3", "2026-11-02T09:20:00Z", { disposition: "connected", durationSeconds: 60 }), // dial, connect, conversation (60 s ≥ 60 s)
      call("c4", "2026-11-02T09:30:00Z", { disposition: "voicemail", durationSeconds: 30 }), // dial
      call("c5", "2026-11-02T09:40:00Z", { direction: "inbound", disposition: "connected", durationSeconds: 300 }), // nothing
      event("EmailSent", "2026-11-02T10:00:00Z", { emailId: "e1", repId: "ana", kind: "first_touch" }), // email
      event("EmailSent", "2026-11-02T10:05:00Z", { emailId: "e2", repId: "ana", kind: "follow_up" }), // email, follow-up
      event("EmailSent", "2026-11-02T10:10:00Z", { emailId: "e3", repId: "ana", kind: "reply" }), // nothing
      event("TouchLogged", "2026-11-02T11:00:00Z", { touchId: "t1", repId: "ana", channel: "social" }), // touch
    ])
    expect(dayOf(state, "ana", "2026-11-02")).toMatchObject({
      dials: 4, // c1..c4; the inbound c5 is not a dial
      connects: 3, // c1, c2, c3
      conversations: 2, // c1 (95 s), c3 (exactly 60 s)
      emails: 2, // e1, e2; the reply e3 is not outreach
      followUps: 1, // e2
      touches: 1,
      activities: 7, // 4 dials + 2 emails + 1 touch
    })
    const metrics = metricsOf(dayOf(state, "ana", "2026-11-02")!)
    expect(metrics.connectRate).toBe(3 / 4)
  })

  it("judges conversations by the conversationSeconds in force when the call happened", () => {
    const state = foldAll([
      call("c1", "2026-11-02T09:00:00Z", { disposition: "connected", durationSeconds: 45 }), // 45 < 60: no conversation
      event("TeamSettingsChanged", "2026-11-02T12:00:00Z", { conversationSeconds: 30 }),
      call("c2", "2026-11-02T13:00:00Z", { disposition: "connected", durationSeconds: 45 }), // 45 ≥ 30: conversation
      call("c3", "2026-11-02T14:00:00Z", { disposition: "connected", durationSeconds: 29 }), // 29 < 30: no conversation
    ])
    expect(dayOf(state, "ana", "2026-11-02")).toMatchObject({ dials: 3, connects: 3, conversations: 1 })
  })
})

describe("badgering", () => {
  // k1 said no on Sep 1 at 10:00; the default quiet period is 90 days: Sep 1 + 29 = Sep 30,
  // + 31 = Oct 31 (60 days), + 30 = Nov 30 (90 days) → quiet until Nov 30 10:00 (exclusive).
  const declined = event("ProspectDeclined", "2026-09-01T10:00:00Z", { contactId: "k1", how: "said_no" })

  it("flags activity on a contact inside the quiet period and not after it", () => {
    const state = foldAll([
      declined,
      event("EmailSent", "2026-09-01T10:00:00Z", { emailId: "e0", repId: "ana", contactId: "k1", kind: "follow_up" }), // same instant: badgering
      event("EmailSent", "2026-11-29T09:59:00Z", { emailId: "e1", repId: "ana", contactId: "k1", kind: "follow_up" }), // 89 d 23 h 59 m: badgering
      call("c1", "2026-11-30T10:00:00Z", { contactId: "k1" }), // exactly 90 days: quiet period over
      call("c2", "2026-11-29T12:00:00Z", { contactId: "k2" }), // k2 never declined
    ])
    expect(dayOf(state, "ana", "2026-09-01")?.badgering).toBe(1)
    expect(dayOf(state, "ana", "2026-11-29")).toMatchObject({ activities: 2, badgering: 1 })
    expect(dayOf(state, "ana", "2026-11-30")).toMatchObject({ activities: 1, badgering: 0 })
    // badgeringShare over the window: 2 badgering of 4 activities
    const totals = sumCounters(state.repDays.values())
    expect(metricsOf(totals).badgeringShare).toBe(2 / 4)
  })

  it("does not flag activity that happened before the decline, even when folded after it", () => {
    const state = foldAll([declined, call("c1", "2026-08-31T10:00:00Z", { contactId: "k1" })])
    expect(dayOf(state, "ana", "2026-08-31")).toMatchObject({ activities: 1, badgering: 0 })
  })

  it("uses the declineQuietDays in force at the time of the activity", () => {
    const state = foldAll([
      declined,
      event("TeamSettingsChanged", "2026-09-02T00:00:00Z", { declineQuietDays: 30 }),
      // Sep 1 + 29 days = Sep 30 10:00 (inside 30 days); Oct 16 is 45 days after (outside)
      event("TouchLogged", "2026-09-30T10:00:00Z", { touchId: "t1", repId: "ana", contactId: "k1", channel: "sms" }),
      event("TouchLogged", "2026-10-16T10:00:00Z", { touchId: "t2", repId: "ana", contactId: "k1", channel: "sms" }),
    ])
    expect(dayOf(state, "ana", "2026-09-30")?.badgering).toBe(1)
    expect(dayOf(state, "ana", "2026-10-16")?.badgering).toBe(0)
  })

  it("keeps the latest decline of a contact", () => {
    const state = foldAll([
      event("ProspectDeclined", "2026-10-01T00:00:00Z", { contactId: "k1", how: "unsubscribed" }),
      declined, // Sep 1, folded late: older than the decline on record, ignored
    ])
    expect(state.contacts.get("k1")).toMatchObject({ declinedAt: "2026-10-01T00:00:00Z", how: "unsubscribed" })
  })
})

describe("targeted activity", () => {
  it("counts activity on an account while it is on the target list, as of the activity's fold", () => {
    const events: Array<LedgerEvent> = [
      call("c1", "2026-11-02T09:00:00Z", { accountId: "acme" }), // not yet targeted
      event("AccountTargeted", "2026-11-02T10:00:00Z", {
        accountId: "acme",
        reason: "buys_what_we_sell",
        incumbent: "Rival",
      }),
      call("c2", "2026-11-02T11:00:00Z", { accountId: "acme" }), // targeted
      call("c3", "2026-11-02T11:30:00Z"), // no account
      event("AccountUntargeted", "2026-11-02T12:00:00Z", { accountId: "acme" }),
      event("EmailSent", "2026-11-02T13:00:00Z", {
        emailId: "e1",
        repId: "ana",
        accountId: "acme",
        kind: "first_touch",
      }), // no longer
    ]
    const state = foldAll(events)
    const day = dayOf(state, "ana", "2026-11-02")!
    expect(day).toMatchObject({ activities: 4, targetedActivities: 1 })
    expect(metricsOf(day).targetFocus).toBe(1 / 4)
    expect(state.accounts.get("acme")).toMatchObject({
      targeted: false,
      incumbent: "Rival",
      untargetedAt: "2026-11-02T12:00:00Z",
    })
  })
})

describe("reps who never joined", () => {
  it("get a day row and a rep row marked unknown, filled in when they join", () => {
    const ghostCall = call("c1", "2026-11-02T09:00:00Z", { repId: "ghost" })
    const before = foldAll([ghostCall])
    expect(dayOf(before, "ghost", "2026-11-02")?.dials).toBe(1)
    expect(before.reps.get("ghost")).toMatchObject({
      repId: "ghost",
      name: null,
      role: null,
      joinedAt: null,
      firstSeenAt: "2026-11-02T09:00:00Z",
    })

    const after = foldAll([
      ghostCall,
      event("RepJoined", "2026-11-03T09:00:00Z", { repId: "ghost", name: "Gus", role: "BDR" }),
    ])
    expect(after.reps.get("ghost")).toMatchObject({
      name: "Gus",
      role: "BDR",
      joinedAt: "2026-11-03T09:00:00Z",
      firstSeenAt: "2026-11-02T09:00:00Z",
    })
  })
})

describe("account activity (for the target list)", () => {
  it("counts every rep's activities on an account, and the latest one's instant", () => {
    const state = foldAll([
      event("AccountTargeted", "2026-11-01T09:00:00Z", { accountId: "acme", reason: "buys_what_we_sell" }),
      call("c1", "2026-11-02T09:00:00Z", { accountId: "acme" }), // ana's dial on acme
      event("EmailSent", "2026-11-03T09:00:00Z", {
        emailId: "e1",
        repId: "bo",
        accountId: "acme",
        kind: "first_touch",
      }), // bo's email
      event("TouchLogged", "2026-11-01T08:00:00Z", { touchId: "t1", repId: "bo", accountId: "acme", channel: "sms" }), // late arrival, earlier instant
      event("EmailSent", "2026-11-04T09:00:00Z", { emailId: "e2", repId: "bo", accountId: "acme", kind: "reply" }), // a reply: not activity
      call("c2", "2026-11-02T10:00:00Z", { accountId: "globex" }), // another account
    ])
    expect(state.accounts.get("acme")).toMatchObject({ targeted: true })
    expect(state.accountActivity.get("acme")).toEqual({
      accountId: "acme",
      activities: 3,
      lastActivityAt: "2026-11-03T09:00:00Z",
    })
    expect(state.accountActivity.get("globex")).toEqual({
      accountId: "globex",
      activities: 1,
      lastActivityAt: "2026-11-02T10:00:00Z",
    })
    // an account known only from activity has no row of its own: nothing is known of it but its activity
    expect(state.accounts.has("globex")).toBe(false)
  })
})
