/**
 * @module Random event histories for property tests: every event type, over small pools of reps,
 * accounts, contacts, deals and meetings so that events meet each other (second meetings,
 * badgering, deals won on target accounts…), including out-of-order ones the folds must survive.
 */
import fc from "fast-check"
import type { LedgerEvent } from "../../events/index.js"

const rep = fc.constantFrom("r1", "r2", "r3", "r4")
const account = fc.constantFrom("a1", "a2", "a3")
const contact = fc.constantFrom("p1", "p2", "p3", "p4")
const deal = fc.constantFrom("d1", "d2", "d3", "d4", "d5", "d6")
const meeting = fc.constantFrom("m1", "m2", "m3", "m4", "m5", "m6")
const amount = fc.integer({ min: 0, max: 50 }).map((n) => n * 1000)
const start = Date.parse("2026-01-01T00:00:00Z")
const instant = fc
  .integer({ min: 0, max: 400 * 24 * 60 })
  .map((minutes) => new Date(start + minutes * 60_000).toISOString())
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined })

const event = <T extends LedgerEvent["type"]>(type: T, data: fc.Arbitrary<Extract<LedgerEvent, { type: T }>["data"]>) =>
  fc.record({ type: fc.constant(type), occurredAt: instant, data }) as unknown as fc.Arbitrary<LedgerEvent>

const strip = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

export const anyEvent: fc.Arbitrary<LedgerEvent> = fc.oneof(
  event(
    "RepJoined",
    fc.record({
      repId: rep,
      name: fc.constantFrom("Ana", "Bo"),
      role: fc.constantFrom("AE" as const, "BDR" as const),
      team: fc.constantFrom("east", "west"),
    }),
  ),
  event(
    "QuotaSet",
    fc.record({ repId: rep, period: fc.constantFrom("2026-Q1", "2026-Q2", "2026-Q3", "2026-04"), amount }),
  ),
  event(
    "TeamSettingsChanged",
    fc.constantFrom(
      { conversationSeconds: 30 },
      { declineQuietDays: 10 },
      { timeZone: "Europe/Paris" },
      { timeZone: "UTC" },
    ),
  ),
  event(
    "AccountTargeted",
    fc.record({ accountId: account, reason: fc.constantFrom("buys_what_we_sell" as const, "dream_client" as const) }),
  ),
  event("AccountUntargeted", fc.record({ accountId: account })),
  event(
    "CallLogged",
    fc
      .record({
        callId: fc.uuid(),
        repId: rep,
        accountId: maybe(account),
        contactId: maybe(contact),
        direction: fc.constantFrom("outbound" as const, "inbound" as const),
        disposition: fc.constantFrom("connected" as const, "no_answer" as const, "voicemail" as const),
        durationSeconds: fc.integer({ min: 0, max: 300 }),
      })
      .map(strip),
  ),
  event(
    "EmailSent",
    fc
      .record({
        emailId: fc.uuid(),
        repId: rep,
        accountId: maybe(account),
        contactId: maybe(contact),
        kind: fc.constantFrom("first_touch" as const, "follow_up" as const, "reply" as const),
      })
      .map(strip),
  ),
  event(
    "TouchLogged",
    fc
      .record({
        touchId: fc.uuid(),
        repId: rep,
        accountId: maybe(account),
        contactId: maybe(contact),
        channel: fc.constantFrom("social" as const, "sms" as const),
      })
      .map(strip),
  ),
  event(
    "ProspectDeclined",
    fc
      .record({
        contactId: contact,
        accountId: maybe(account),
        how: fc.constantFrom("said_no" as const, "unsubscribed" as const),
      })
      .map(strip),
  ),
  event(
    "MeetingBooked",
    fc
      .record({
        meetingId: meeting,
        repId: rep,
        ownerRepId: maybe(rep),
        accountId: account,
        scheduledFor: instant,
        source: fc.constantFrom("outbound" as const, "inbound" as const),
      })
      .map(strip),
  ),
  event("MeetingHeld", fc.record({ meetingId: meeting, repId: maybe(rep) }).map(strip)),
  event("MeetingCanceled", fc.record({ meetingId: meeting })),
  event("MeetingNoShow", fc.record({ meetingId: meeting })),
  event(
    "DealOpened",
    fc
      .record({
        dealId: deal,
        repId: rep,
        accountId: account,
        amount,
        source: fc.constantFrom("outbound" as const, "inbound" as const, "referral" as const),
        originatorRepId: maybe(rep),
      })
      .map(strip),
  ),
  event("DealAmountChanged", fc.record({ dealId: deal, amount })),
  event("DealWon", fc.record({ dealId: deal, amount: maybe(amount) }).map(strip)),
  event("DealLost", fc.record({ dealId: deal })),
)

/** A history: events in log order (instants deliberately not sorted: late arrivals happen). */
export const anyHistory = (maxLength = 60) => fc.array(anyEvent, { minLength: 1, maxLength })

/** Vendor identities as connectors record them (`<source>:<externalId>`), each split as a link names it. */
export const identityAliases = ["aircall:1", "aircall:2", "twilio:+33612345678", "calendly:bo@example.com"] as const
const alias = fc.constantFrom(...identityAliases)
const roster = new Set<LedgerEvent["type"]>(["RepJoined", "RepLeft", "QuotaSet", "RepIdentityLinked"])

/**
 * A link of a vendor identity: mostly to a rep, sometimes to another identity (chains), to itself,
 * or to a second rep (a conflicting relink).
 */
export const anyIdentityLink: fc.Arbitrary<LedgerEvent> = fc
  .record({
    identity: alias,
    to: fc.oneof({ weight: 4, arbitrary: rep }, { weight: 1, arbitrary: alias }),
    occurredAt: instant,
  })
  .map(({ identity, to, occurredAt }) => {
    const colon = identity.indexOf(":")
    return {
      type: "RepIdentityLinked",
      occurredAt,
      data: { repId: to, source: identity.slice(0, colon), externalId: identity.slice(colon + 1) },
    }
  })

/**
 * An event of {@link anyEvent} whose activity, meeting, deal and decline reps may be vendor
 * identities instead, as may a new hire's manager (roster events themselves keep naming reps:
 * identities are not hired).
 */
export const anyEventOfIdentities: fc.Arbitrary<LedgerEvent> = fc
  .tuple(anyEvent, fc.array(fc.option(alias, { nil: undefined, freq: 2 }), { minLength: 2, maxLength: 2 }))
  .map(([event, aliases]) => {
    if (event.type === "RepJoined" && aliases[0] !== undefined)
      return { ...event, data: { ...event.data, managerRepId: aliases[0] } }
    if (roster.has(event.type)) return event
    const data: Record<string, unknown> = { ...event.data }
    const fields =
      {
        CallLogged: ["repId"],
        EmailSent: ["repId"],
        TouchLogged: ["repId"],
        ProspectDeclined: ["repId"],
        MeetingBooked: ["repId", "ownerRepId"],
        MeetingHeld: ["repId"],
        DealOpened: ["repId", "originatorRepId"],
      }[event.type as string] ?? []
    fields.forEach((field, i) => {
      const identity = aliases[i]
      if (identity !== undefined) data[field] = identity
    })
    return { ...event, data } as LedgerEvent
  })

/** A history where identities act before and after their links (some never linked). */
export const anyHistoryWithIdentities = (maxLength = 60) =>
  fc.array(fc.oneof({ weight: 5, arbitrary: anyEventOfIdentities }, { weight: 1, arbitrary: anyIdentityLink }), {
    minLength: 1,
    maxLength,
  })
