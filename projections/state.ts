/**
 * @module The read-model state: plain maps of JSON-serialisable rows, one map per SQL table the
 * live runner persists (as jsonb) and that what-if replays keep in memory.
 *
 * Instants in rows are ISO 8601 strings; day keys are `YYYY-MM-DD` in the team's time zone.
 */
import type { EventData, TeamSettings } from "../events/index.js"
import { defaultTeamSettings, identityAlias } from "../events/index.js"
import { noOccurrences, type Occurrences } from "./occurrences.js"

/**
 * The counters of one rep on one day. Every count and sum a metric of projections/README.md needs, so
 * that a window's metrics are sums of day rows.
 */
export type DayCounters = {
  /** Outbound calls. */
  dials: number
  /** Outbound calls with disposition `connected`. */
  connects: number
  /** Connects lasting at least the team's `conversationSeconds` at the time. */
  conversations: number
  /** Emails of kind `first_touch` or `follow_up` (replies are not outreach: not counted). */
  emails: number
  /** Emails of kind `follow_up`. */
  followUps: number
  /** Other touches (social, SMS, in person). */
  touches: number
  /** dials + emails + touches, stored so SQL can sum it; written only by the activity fold. */
  activities: number
  /** Activities aimed at a contact who declined within the previous `declineQuietDays`. */
  badgering: number
  /** Activities on an account that was on the target list when the activity happened. */
  targetedActivities: number
  /** Meetings booked by this rep. */
  meetingsBooked: number
  /** Meetings held by this rep (the owner, or the `repId` of `MeetingHeld`). */
  meetingsHeld: number
  /** Held meetings that were the 2nd or later with their account in its current sales cycle. */
  secondMeetings: number
  /** Deals opened that this rep owns. */
  dealsOpened: number
  dealsWon: number
  dealsLost: number
  wonValue: number
  lostValue: number
  /** Deals opened whose `originatorRepId` is this rep. */
  dealsOriginated: number
  /** Sum of amounts (at opening) of the deals this rep originated: the pipeline a BDR created. */
  originatedPipeline: number
  /** Deals this rep originated that were won (on the close day), and their amounts. */
  originatedWon: number
  originatedWonValue: number
  /** Meetings this rep booked that were held (on the day held), whoever held them: what a BDR produced. */
  bookedMeetingsHeld: number
  /** Of those, the 2nd or later held meetings with their account in its sales cycle. */
  bookedSecondMeetings: number
  /** Sum of amounts (at opening) of the deals opened. */
  openedValue: number
  /** Sum of amounts (at opening) of the deals opened with `source = outbound`. */
  outboundOpenedValue: number
  /** Deals won / lost whose account was on the target list when the deal was opened. */
  targetDealsWon: number
  targetDealsLost: number
  /** Deals won / lost on every other account. */
  nonTargetDealsWon: number
  nonTargetDealsLost: number
}

export type CounterName = keyof DayCounters

/** Every counter, in a fixed order (for sums, SQL columns and empty rows). */
export const counterNames: ReadonlyArray<CounterName> = [
  "dials",
  "connects",
  "conversations",
  "emails",
  "followUps",
  "touches",
  "activities",
  "badgering",
  "targetedActivities",
  "meetingsBooked",
  "meetingsHeld",
  "secondMeetings",
  "dealsOpened",
  "dealsWon",
  "dealsLost",
  "wonValue",
  "lostValue",
  "dealsOriginated",
  "originatedPipeline",
  "originatedWon",
  "originatedWonValue",
  "bookedMeetingsHeld",
  "bookedSecondMeetings",
  "openedValue",
  "outboundOpenedValue",
  "targetDealsWon",
  "targetDealsLost",
  "nonTargetDealsWon",
  "nonTargetDealsLost",
]

/** One rep's counters on one day; keyed in {@link LedgerState.repDays} by {@link repDayKey}. */
export type RepDayRow = { readonly repId: string; readonly day: string } & DayCounters

/**
 * A rep's day with every counter at 0, written out as one literal (the compiler checks that every
 * counter is there) so that every row shares one shape: built as `{ repId, day, ...counters }`, a
 * row took ~7 µs and was slow to count into ever after (measured in the catch-up's fold).
 */
export const emptyRepDay = (repId: string, day: string): RepDayRow => ({
  repId,
  day,
  dials: 0,
  connects: 0,
  conversations: 0,
  emails: 0,
  followUps: 0,
  touches: 0,
  activities: 0,
  badgering: 0,
  targetedActivities: 0,
  meetingsBooked: 0,
  meetingsHeld: 0,
  secondMeetings: 0,
  dealsOpened: 0,
  dealsWon: 0,
  dealsLost: 0,
  wonValue: 0,
  lostValue: 0,
  dealsOriginated: 0,
  originatedPipeline: 0,
  originatedWon: 0,
  originatedWonValue: 0,
  bookedMeetingsHeld: 0,
  bookedSecondMeetings: 0,
  openedValue: 0,
  outboundOpenedValue: 0,
  targetDealsWon: 0,
  targetDealsLost: 0,
  nonTargetDealsWon: 0,
  nonTargetDealsLost: 0,
})

export type RepRole = EventData<"RepJoined">["role"]

/**
 * A rep. A rep credited by an event before (or without) `RepJoined` gets a row too, with `name`,
 * `role` and `joinedAt` null: the team must see activity by unknown reps.
 */
export type RepRow = {
  readonly repId: string
  readonly name: string | null
  readonly email: string | null
  readonly role: RepRole | null
  readonly team: string | null
  readonly managerRepId: string | null
  readonly joinedAt: string | null
  readonly leftAt: string | null
  /**
   * The earliest instant (occurredAt) of any event that named this rep in any role, whatever the
   * order the events were folded in (and, once an identity is linked, of the identity's events too).
   */
  readonly firstSeenAt: string
  /** Quota amount by period (`2026-Q4`, `2026-11`); the last `QuotaSet` folded for a period wins. */
  readonly quotas: Readonly<Record<string, number>>
  /** The ids vendors know the rep by. */
  readonly identities: ReadonlyArray<{ readonly source: string; readonly externalId: string }>
}

export type DealStatus = "open" | "won" | "lost"

export type DealRow = {
  readonly dealId: string
  readonly ownerRepId: string
  /** Null for a deal opened on no account: it is on no account's cycle and no one else's bucket. */
  readonly accountId: string | null
  /**
   * The latest amount: `DealAmountChanged` updates it while open; `DealWon`'s amount, when given, wins.
   * Null while unknown (an open deal exported without one): counted as a deal, in no value.
   */
  readonly amount: number | null
  /** The CRM's stage of the deal when opened (`"Prospecting"`), as the export had it; null when not given. */
  readonly stage: string | null
  readonly currency: string | null
  readonly source: EventData<"DealOpened">["source"]
  readonly originatorRepId: string | null
  readonly expectedCloseDate: string | null
  readonly status: DealStatus
  readonly openedAt: string
  readonly closedAt: string | null
  /** Whether the account was on the target list when the deal was opened. */
  readonly onTargetAccount: boolean
  /**
   * When the deal became qualified: the instant its account had its 2nd held meeting of the cycle
   * while the deal was open, or `openedAt` if the account already had one. Once set it stays set.
   */
  readonly qualifiedAt: string | null
}

export type MeetingStatus = "booked" | "held" | "canceled" | "no_show"

export type MeetingRow = {
  readonly meetingId: string
  /** Null while only a `MeetingHeld`/`MeetingCanceled` has been seen (out of order). */
  readonly bookerRepId: string | null
  /** `ownerRepId ?? repId` of the booking. */
  readonly ownerRepId: string | null
  /** Who was credited with holding it: `MeetingHeld.repId` when given, else the owner. */
  readonly heldByRepId: string | null
  readonly accountId: string | null
  readonly contactId: string | null
  readonly scheduledFor: string | null
  readonly source: EventData<"MeetingBooked">["source"] | null
  readonly status: MeetingStatus
  readonly bookedAt: string | null
  readonly heldAt: string | null
  /** Whether this held meeting has been counted in its account's sales cycle. */
  readonly countedInCycle: boolean
}

/**
 * From `from` on, the account is on `repId`'s target list; `repId` null: on no seller's list (never
 * given an owner, or taken off the target list). See projections/targetLists.ts.
 */
export type AccountOwnership = { readonly repId: string | null; readonly from: string }

export type AccountRow = {
  readonly accountId: string
  readonly name: string | null
  readonly targeted: boolean
  /** The seller whose list the account is on now (the last of `owners`), null if on no seller's list. */
  readonly ownerRepId: string | null
  /** Who owned it from when, earliest first (a tie: the one folded last after). */
  readonly owners: ReadonlyArray<AccountOwnership>
  readonly targetReason: EventData<"AccountTargeted">["reason"] | null
  readonly incumbent: string | null
  /** The industry and size the latest `AccountTargeted` gave (an accounts import's), kept when a later one has none. */
  readonly industry: string | null
  readonly size: string | null
  readonly targetedAt: string | null
  readonly untargetedAt: string | null
  /** Held meetings since the account's last closed deal (the current sales cycle). */
  readonly heldMeetingsInCycle: number
  readonly lastClosedAt: string | null
  /** The account's open deals: the index that qualifies them without scanning every deal. */
  readonly openDealIds: ReadonlyArray<string>
}

/**
 * Activities (dials, emails, touches) aimed at an account, by any rep, and the latest one's
 * instant: counters, incremented in place like a rep's day. Apart from the account's row because
 * nearly every event is an activity: as part of the row, every activity rewrote the whole row (in
 * a catch-up of the demo's million events, 750,000 jsonb rows written, a third of its time).
 */
export type AccountActivityRow = { readonly accountId: string; activities: number; lastActivityAt: string }

/**
 * One rep's activities (dials, emails, touches) on one account, by day: what a seller's target list
 * (`targetCadence`, the list's last activity) and the proactive test of a deal (proactive.ts) read.
 * `days` is flat, `[dayNumber, activities, dayNumber, activities, …]` (days since 1970-01-01 in the
 * team's zone at the time), one pair per day, in the order first met; appended to in place.
 */
export type RepAccountRow = {
  readonly repId: string
  readonly accountId: string
  readonly days: Array<number>
  lastActivityAt: string
}

/** The key of a rep's row on an account: `${repId}|${accountId}`. */
export const repAccountKey = (repId: string, accountId: string): string => `${repId}|${accountId}`

/**
 * A contact who declined or was aimed at: every decline, and the activities that are not badgering
 * yet. A decline folded late (appended after activities that happened after it) makes those of them
 * in its quiet period badgering then: activities.ts.
 */
export type ContactRow = {
  readonly contactId: string
  readonly accountId: string | null
  /** Every decline's instant (occurredAt), earliest first, each once; empty if the contact never declined. */
  readonly declines: ReadonlyArray<string>
  /** The latest decline (by occurredAt), how and to whom; null if the contact never declined. */
  readonly declinedAt: string | null
  readonly how: EventData<"ProspectDeclined">["how"] | null
  readonly declinedToRepId: string | null
  /**
   * The activities aimed at the contact that no decline folded so far makes badgering, in the order
   * folded, flat: `[repId, atMs, dayNumber, repId, atMs, …]` — who was credited, when it happened
   * (epoch ms), and the day it was counted on (days since 1970-01-01, in the zone of the time). Every
   * activity on a contact waits here until a decline makes it badgering, if one ever does: as one
   * object each, the demo's 280,000 took 40 MB; flat, 24 MB, of which 8.5 MB are the contacts' rows
   * themselves (measured with a full GC around building each). Read with {@link unflaggedActivities};
   * appended to in place.
   */
  readonly unflagged: Array<string | number>
}

export type LedgerState = {
  settings: TeamSettings
  readonly reps: Map<string, RepRow>
  readonly repDays: Map<string, RepDayRow>
  readonly deals: Map<string, DealRow>
  readonly meetings: Map<string, MeetingRow>
  readonly accounts: Map<string, AccountRow>
  readonly accountActivity: Map<string, AccountActivityRow>
  /** Keyed by {@link repAccountKey}. */
  readonly repAccounts: Map<string, RepAccountRow>
  readonly contacts: Map<string, ContactRow>
  /**
   * Vendor identities linked to a rep: `identityAlias(source, externalId)` → repId, kept flat (an
   * alias linked to an alias that was later linked points at the rep). Derived from the reps'
   * `identities`, so it is not stored: see {@link identityIndexOf}.
   */
  readonly identities: Map<string, string>
  /** When the folded events happened (occurrences.ts). */
  readonly occurrences: Occurrences
}

/** One unflagged activity of a contact (see {@link ContactRow.unflagged}). */
export type UnflaggedActivity = { readonly repId: string; readonly atMs: number; readonly dayNumber: number }

/** The unflagged activities of a contact, one by one. */
export const unflaggedActivities = function* (contact: ContactRow): Generator<UnflaggedActivity, void, undefined> {
  const flat = contact.unflagged
  for (let index = 0; index + 2 < flat.length; index += 3)
    yield { repId: flat[index] as string, atMs: flat[index + 1] as number, dayNumber: flat[index + 2] as number }
}

/** The key of a rep's day row: `${repId}|${day}`. */
export const repDayKey = (repId: string, day: string): string => `${repId}|${day}`

/** The state before any event: default team settings and empty maps. */
export const emptyLedgerState = (): LedgerState => ({
  settings: defaultTeamSettings,
  reps: new Map(),
  repDays: new Map(),
  deals: new Map(),
  meetings: new Map(),
  accounts: new Map(),
  accountActivity: new Map(),
  repAccounts: new Map(),
  contacts: new Map(),
  identities: new Map(),
  occurrences: noOccurrences(),
})

/** The identity map of a set of rep rows: every identity a rep lists, as its alias, to that rep. */
export const identityIndexOf = (reps: Iterable<RepRow>): Map<string, string> => {
  const index = new Map<string, string>()
  for (const rep of reps)
    for (const { source, externalId } of rep.identities) index.set(identityAlias(source, externalId), rep.repId)
  return index
}
