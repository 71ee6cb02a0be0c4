/**
 * Badgering by when things happened (projections/activities.ts): an activity is badgering when some
 * decline of its contact happened at or before it, within declineQuietDays (default 90), whatever
 * the order in which the activity and the declines were appended.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import {
  dayKeyOf,
  emptyLedgerState,
  foldAll,
  foldEvent,
  identityIndexOf,
  type LedgerState,
  repDayKey,
} from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const badgeringOf = (state: LedgerState, repId: string, day: string) =>
  state.repDays.get(repDayKey(repId, day))?.badgering

const email = (emailId: string, occurredAt: string, contactId: string, repId = "ana") =>
  event("EmailSent", occurredAt, { emailId, repId, contactId, kind: "follow_up" })

const declined = (occurredAt: string, contactId = "k1") =>
  event("ProspectDeclined", occurredAt, { contactId, how: "unsubscribed" })

describe("a decline applies from when it happened", () => {
  it("counts an email sent 13 hours after an unsubscribe, though a later-dated decline was appended first", () => {
    // k1 unsubscribed on Oct 1 at 10:00 and said no again on Dec 15. The December decline was
    // appended first: the contact's latest decline then hid the October one, and the email of Oct 1
    // at 23:00 (13 hours after the unsubscribe, 75 days before December's) went uncounted.
    const state = foldAll([
      declined("2026-12-15T10:00:00Z"),
      declined("2026-10-01T10:00:00Z"),
      email("e1", "2026-10-01T23:00:00Z", "k1"),
    ])
    expect(badgeringOf(state, "ana", "2026-10-01")).toBe(1)
    expect(state.contacts.get("k1")).toMatchObject({
      declines: ["2026-10-01T10:00:00Z", "2026-12-15T10:00:00Z"],
      declinedAt: "2026-12-15T10:00:00Z", // the latest stays the one on record
    })
  })

  it("counts an email appended before the decline that preceded it, on the email's day", () => {
    // Quiet from Oct 1 10:00 for 90 days: Oct 1 + 30 = Oct 31, + 30 = Nov 30, + 30 = Dec 30 at 10:00 (excluded).
    const state = foldAll([
      email("e1", "2026-10-02T09:00:00Z", "k1"), // 23 h after the decline: badgering, once the decline is known
      email("e2", "2026-09-30T09:00:00Z", "k1"), // before the decline: never badgering
      email("e3", "2026-12-30T10:00:00Z", "k1"), // exactly 90 days after: quiet period over
      email("e4", "2026-12-30T09:59:00Z", "k1"), // one minute before its end: badgering
      declined("2026-10-01T10:00:00Z"),
    ])
    expect(badgeringOf(state, "ana", "2026-10-02")).toBe(1)
    expect(badgeringOf(state, "ana", "2026-09-30")).toBe(0)
    expect(state.repDays.get(repDayKey("ana", "2026-12-30"))).toMatchObject({ activities: 2, badgering: 1 })
    // What is left waiting for a decline: e2 and e3 only, as [repId, atMs, dayNumber].
    expect(state.contacts.get("k1")?.unflagged).toEqual([
      "ana",
      Date.parse("2026-09-30T09:00:00Z"),
      20_726, // 2026-09-30: days since 1970-01-01
      "ana",
      Date.parse("2026-12-30T10:00:00Z"),
      20_817,
    ])
  })

  it("counts an activity once, however many declines cover it", () => {
    const state = foldAll([
      email("e1", "2026-10-10T09:00:00Z", "k1"),
      declined("2026-10-01T10:00:00Z"),
      declined("2026-10-05T10:00:00Z"),
      declined("2026-10-05T10:00:00Z"), // the same decline again: nothing new
    ])
    expect(badgeringOf(state, "ana", "2026-10-10")).toBe(1)
    expect(state.contacts.get("k1")?.declines).toEqual(["2026-10-01T10:00:00Z", "2026-10-05T10:00:00Z"])
  })

  it("credits a late decline's badgering to the day the activity was counted on, in the zone of the time", () => {
    // 23:30 UTC on Oct 2 is 01:30 on Oct 3 in Paris, where the team was then.
    const state = foldAll([
      event("TeamSettingsChanged", "2026-09-01T00:00:00Z", { timeZone: "Europe/Paris" }),
      email("e1", "2026-10-02T23:30:00Z", "k1"),
      event("TeamSettingsChanged", "2026-10-05T00:00:00Z", { timeZone: "UTC" }),
      declined("2026-10-01T10:00:00Z"),
    ])
    expect(state.repDays.get(repDayKey("ana", "2026-10-03"))).toMatchObject({ activities: 1, badgering: 1 })
    expect(state.repDays.has(repDayKey("ana", "2026-10-02"))).toBe(false)
  })

  it("credits the rep an identity was linked to, when the decline comes after the link", () => {
    const state = foldAll([
      event("RepJoined", "2026-09-01T00:00:00Z", { repId: "ana", name: "Ana", role: "AE" }),
      event("TouchLogged", "2026-10-02T09:00:00Z", {
        touchId: "t1",
        repId: "aircall:7",
        contactId: "k1",
        channel: "sms",
      }),
      event("RepIdentityLinked", "2026-10-03T00:00:00Z", { repId: "ana", source: "aircall", externalId: "7" }),
      declined("2026-10-01T10:00:00Z"),
    ])
    expect(state.repDays.get(repDayKey("ana", "2026-10-02"))).toMatchObject({ touches: 1, badgering: 1 })
    expect(state.repDays.has(repDayKey("aircall:7", "2026-10-02"))).toBe(false)
  })

  it("judges an activity folded before its decline by the quiet period in force when the decline is folded", () => {
    const state = foldAll([
      email("e1", "2026-10-20T09:00:00Z", "k1"), // 19 days after the decline
      event("TeamSettingsChanged", "2026-10-21T00:00:00Z", { declineQuietDays: 10 }),
      declined("2026-10-01T10:00:00Z"), // quiet for 10 days: until Oct 11 at 10:00
    ])
    expect(badgeringOf(state, "ana", "2026-10-20")).toBe(0)
  })
})

// The property. Random histories of declines and activities on a few contacts, in any append order
// (each event's instant is drawn independently of its place in the log, on an hourly grid so that
// activities and declines often fall on the very same instant or exactly 90 days apart).
const start = Date.parse("2026-01-01T00:00:00Z")
const instant = fc.integer({ min: 0, max: 24 * 200 }).map((hours) => new Date(start + hours * 3_600_000).toISOString())
const contact = fc.constantFrom("k1", "k2", "k3")
const rep = fc.constantFrom("r1", "r2")
const anyEvent: fc.Arbitrary<LedgerEvent> = fc.oneof(
  fc.record({ contactId: contact, at: instant }).map(({ contactId, at }) => declined(at, contactId)),
  fc
    .record({ id: fc.uuid(), repId: rep, contactId: fc.option(contact, { nil: undefined }), at: instant })
    .chain(({ id, repId, contactId, at }) =>
      fc.constantFrom<LedgerEvent>(
        event("CallLogged", at, {
          callId: id,
          repId,
          direction: "outbound",
          disposition: "no_answer",
          durationSeconds: 0,
          ...(contactId === undefined ? {} : { contactId }),
        }),
        event("CallLogged", at, {
          callId: id,
          repId,
          direction: "inbound", // not an activity: never badgering
          disposition: "connected",
          durationSeconds: 60,
          ...(contactId === undefined ? {} : { contactId }),
        }),
        event("EmailSent", at, {
          emailId: id,
          repId,
          kind: "first_touch",
          ...(contactId === undefined ? {} : { contactId }),
        }),
        event("EmailSent", at, {
          emailId: id,
          repId,
          kind: "reply",
          ...(contactId === undefined ? {} : { contactId }),
        }),
        event("TouchLogged", at, {
          touchId: id,
          repId,
          channel: "social",
          ...(contactId === undefined ? {} : { contactId }),
        }),
      ),
    ),
)

/** Badgering by rep and day straight from the definition: a decline of the contact in (at − 90 days, at]. */
const badgeringByDefinition = (history: ReadonlyArray<LedgerEvent>): Map<string, number> => {
  const quietMs = 90 * 86_400_000
  const declines = history.flatMap((e) =>
    e.type === "ProspectDeclined" ? [{ contactId: e.data.contactId, at: Date.parse(e.occurredAt) }] : [],
  )
  const expected = new Map<string, number>()
  for (const e of history) {
    const isActivity =
      (e.type === "CallLogged" && e.data.direction === "outbound") ||
      (e.type === "EmailSent" && e.data.kind !== "reply") ||
      e.type === "TouchLogged"
    if (!isActivity || e.data.contactId === undefined) continue
    const at = Date.parse(e.occurredAt)
    if (!declines.some((d) => d.contactId === e.data.contactId && d.at <= at && at - d.at < quietMs)) continue
    const key = repDayKey(e.data.repId, dayKeyOf(at, "UTC"))
    expected.set(key, (expected.get(key) ?? 0) + 1)
  }
  return expected
}

const badgeringByRepDay = (state: LedgerState): Map<string, number> =>
  new Map(
    [...state.repDays.values()]
      .filter((row) => row.badgering !== 0)
      .map((row) => [repDayKey(row.repId, row.day), row.badgering]),
  )

/** The state as the live runner reloads it: every row through JSON, as the read model keeps it (jsonb). */
const reloaded = (state: LedgerState): LedgerState => {
  const copy = <V>(rows: Map<string, V>): Map<string, V> => new Map(JSON.parse(JSON.stringify([...rows])))
  const reps = copy(state.reps)
  return {
    ...state,
    settings: JSON.parse(JSON.stringify(state.settings)),
    reps,
    repDays: copy(state.repDays),
    deals: copy(state.deals),
    meetings: copy(state.meetings),
    accounts: copy(state.accounts),
    accountActivity: copy(state.accountActivity),
    contacts: copy(state.contacts),
    identities: identityIndexOf(reps.values()),
  }
}

describe("the property: badgering by time, in any append order", () => {
  it("the live fold in batches and a rebuild agree, and both equal the definition", () => {
    fc.assert(
      fc.property(
        fc.array(anyEvent, { minLength: 1, maxLength: 80 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 10 }),
        (history, batchSizes) => {
          // Live: the log in order, batch by batch, the state written and reloaded between batches.
          let live = emptyLedgerState()
          let next = 0
          for (let batch = 0; next < history.length; batch++) {
            const size = batchSizes[batch % batchSizes.length] as number
            for (const logged of history.slice(next, next + size)) foldEvent(live, logged)
            next += size
            live = reloaded(live)
          }
          const rebuilt = foldAll(history)
          const expected = badgeringByDefinition(history)
          expect(badgeringByRepDay(rebuilt)).toEqual(expected)
          expect(badgeringByRepDay(live)).toEqual(expected)
          expect(live.repDays).toEqual(rebuilt.repDays)
          expect(live.contacts).toEqual(rebuilt.contacts)
        },
      ),
      { numRuns: 300 },
    )
  })
})
