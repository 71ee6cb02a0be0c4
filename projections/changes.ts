/**
 * @module The changes an event makes to the read model, and the one mechanical way to apply them:
 * the live runner turns them into SQL writes, rebuilds and what-if replays apply them to maps.
 */
import type { TeamSettings } from "../events/index.js"
import {
  type AccountRow,
  type ContactRow,
  type DayCounters,
  type DealRow,
  emptyRepDay,
  type LedgerState,
  type MeetingRow,
  type RepRow,
  repAccountKey,
  repDayKey,
} from "./state.js"

/**
 * One change to one table: an increment of a rep's day counters or of an account's activity, an
 * activity added to its contact's unflagged ones, the whole new row of an entity (an upsert), or the
 * new team settings. When a vendor identity is linked, the rows its alias was
 * credited under are removed (`repDayRemoved`, `repRemoved`) and the identity map gains the alias
 * (`identityLinked`, derived from the reps' rows: nothing to store).
 */
export type Change =
  | {
      readonly kind: "repDay"
      readonly repId: string
      readonly day: string
      readonly add: Readonly<Partial<DayCounters>>
    }
  | { readonly kind: "repDayRemoved"; readonly repId: string; readonly day: string }
  | { readonly kind: "rep"; readonly row: RepRow }
  | { readonly kind: "repRemoved"; readonly repId: string }
  | { readonly kind: "identityLinked"; readonly alias: string; readonly repId: string }
  | { readonly kind: "deal"; readonly row: DealRow }
  | { readonly kind: "meeting"; readonly row: MeetingRow }
  | { readonly kind: "account"; readonly row: AccountRow }
  | { readonly kind: "accountActivity"; readonly accountId: string; readonly occurredAt: string }
  | {
      readonly kind: "repAccountActivity"
      readonly repId: string
      readonly accountId: string
      /** Flat `[dayNumber, activities, …]` pairs to add (see RepAccountRow). */
      readonly days: ReadonlyArray<number>
      readonly lastActivityAt: string
    }
  | { readonly kind: "repAccountRemoved"; readonly repId: string; readonly accountId: string }
  | { readonly kind: "contact"; readonly row: ContactRow }
  | {
      readonly kind: "contactActivity"
      readonly contactId: string
      readonly accountId: string | null
      readonly repId: string
      readonly atMs: number
      readonly dayNumber: number
    }
  | { readonly kind: "settings"; readonly settings: TeamSettings }

export type ChangeKind = Change["kind"]

/** No change: shared, so the many events that change nothing allocate nothing. */
export const noChanges: ReadonlyArray<Change> = Object.freeze([])

/**
 * Applies changes to the state's maps, in place and in order. Day counters are incremented in
 * their row (created at 0 when missing), and a contact's unflagged activities appended to in place;
 * entity rows and settings are replaced; removals delete. A linked alias also takes along the aliases that pointed at it, so the map stays flat.
 */
export const applyChanges = (state: LedgerState, changes: ReadonlyArray<Change>): void => {
  for (const change of changes) {
    switch (change.kind) {
      case "repDay": {
        const key = repDayKey(change.repId, change.day)
        let row = state.repDays.get(key)
        if (row === undefined) {
          row = emptyRepDay(change.repId, change.day)
          state.repDays.set(key, row)
        }
        const add = change.add
        for (const name in add) {
          const counter = name as keyof DayCounters
          row[counter] += add[counter] ?? 0
        }
        break
      }
      case "repDayRemoved":
        state.repDays.delete(repDayKey(change.repId, change.day))
        break
      case "rep":
        state.reps.set(change.row.repId, change.row)
        break
      case "repRemoved":
        state.reps.delete(change.repId)
        break
      case "identityLinked":
        for (const [alias, repId] of state.identities)
          if (repId === change.alias) state.identities.set(alias, change.repId)
        state.identities.set(change.alias, change.repId)
        break
      case "deal":
        state.deals.set(change.row.dealId, change.row)
        break
      case "meeting":
        state.meetings.set(change.row.meetingId, change.row)
        break
      case "account":
        state.accounts.set(change.row.accountId, change.row)
        break
      case "accountActivity": {
        const row = state.accountActivity.get(change.accountId)
        if (row === undefined)
          state.accountActivity.set(change.accountId, {
            accountId: change.accountId,
            activities: 1,
            lastActivityAt: change.occurredAt,
          })
        else {
          row.activities += 1
          if (isEarlier(row.lastActivityAt, change.occurredAt)) row.lastActivityAt = change.occurredAt
        }
        break
      }
      case "repAccountActivity": {
        const key = repAccountKey(change.repId, change.accountId)
        let row = state.repAccounts.get(key)
        if (row === undefined) {
          row = { repId: change.repId, accountId: change.accountId, days: [], lastActivityAt: change.lastActivityAt }
          state.repAccounts.set(key, row)
        } else if (isEarlier(row.lastActivityAt, change.lastActivityAt)) row.lastActivityAt = change.lastActivityAt
        addDays(row.days, change.days)
        break
      }
      case "repAccountRemoved":
        state.repAccounts.delete(repAccountKey(change.repId, change.accountId))
        break
      case "contact":
        state.contacts.set(change.row.contactId, change.row)
        break
      case "contactActivity": {
        let row = state.contacts.get(change.contactId)
        if (row === undefined) {
          row = newContact(change.contactId, change.accountId)
          state.contacts.set(change.contactId, row)
        }
        row.unflagged.push(change.repId, change.atMs, change.dayNumber)
        break
      }
      case "settings":
        state.settings = change.settings
        break
      default:
        assertNever(change)
    }
  }
}

/** Adds flat `[dayNumber, activities, …]` pairs into `days`, in place: a day already there is summed into. */
const addDays = (days: Array<number>, add: ReadonlyArray<number>): void => {
  for (let a = 0; a + 1 < add.length; a += 2) {
    const day = add[a] as number
    let index = days.length - 2
    while (index >= 0 && days[index] !== day) index -= 2
    if (index >= 0) days[index + 1] = (days[index + 1] as number) + (add[a + 1] as number)
    else days.push(day, add[a + 1] as number)
  }
}

/** A rep the fold has not met yet: everything unknown but the id. */
export const unknownRep = (repId: string, firstSeenAt: string): RepRow => ({
  repId,
  name: null,
  email: null,
  role: null,
  team: null,
  managerRepId: null,
  joinedAt: null,
  leftAt: null,
  firstSeenAt,
  quotas: {},
  identities: [],
})

/** An account the fold has not met yet: not targeted, no meetings, no deals. */
export const newAccount = (accountId: string): AccountRow => ({
  accountId,
  name: null,
  targeted: false,
  ownerRepId: null,
  owners: [],
  targetReason: null,
  incumbent: null,
  industry: null,
  size: null,
  targetedAt: null,
  untargetedAt: null,
  heldMeetingsInCycle: 0,
  lastClosedAt: null,
  openDealIds: [],
})

/** A contact the fold meets through an activity: no decline, nothing unflagged yet. */
export const newContact = (contactId: string, accountId: string | null): ContactRow => ({
  contactId,
  accountId,
  declines: [],
  declinedAt: null,
  how: null,
  declinedToRepId: null,
  unflagged: [],
})

/**
 * Whether instant `a` is before instant `b` (ISO 8601 strings, compared as instants). Events are
 * stored with their instants normalised to UTC (`…Z`, one length), which compare as text without
 * parsing: `credit` asks this for every event it folds. Any other pair is parsed.
 */
export const isEarlier = (a: string, b: string): boolean =>
  a.length === b.length && a.endsWith("Z") && b.endsWith("Z") ? a < b : Date.parse(a) < Date.parse(b)

/**
 * A rep's row as an event at `occurredAt` finds it: the stored row with `firstSeenAt` moved back if
 * the event happened earlier, or a new row. Events folded late must not make a rep look newer.
 */
export const seenRep = (state: LedgerState, repId: string, occurredAt: string): RepRow => {
  const rep = state.reps.get(repId)
  if (rep === undefined) return unknownRep(repId, occurredAt)
  return isEarlier(occurredAt, rep.firstSeenAt) ? { ...rep, firstSeenAt: occurredAt } : rep
}

/**
 * Credits a rep's day with counters, and gives the rep a row if this is the first the fold hears
 * of them (and no earlier change of the same event already did), or moves the row's `firstSeenAt`
 * back when the event happened before it.
 */
export const credit = (
  state: LedgerState,
  changes: Array<Change>,
  repId: string,
  day: string,
  occurredAt: string,
  add: Partial<DayCounters>,
): void => {
  changes.push({ kind: "repDay", repId, day, add })
  const stored = state.reps.get(repId)
  if (stored !== undefined && !isEarlier(occurredAt, stored.firstSeenAt)) return
  let rep = stored
  for (const change of changes) if (change.kind === "rep" && change.row.repId === repId) rep = change.row
  if (rep === undefined) changes.push({ kind: "rep", row: unknownRep(repId, occurredAt) })
  else if (isEarlier(occurredAt, rep.firstSeenAt))
    changes.push({ kind: "rep", row: { ...rep, firstSeenAt: occurredAt } })
}

function assertNever(change: never): never {
  throw new Error(`unhandled change ${JSON.stringify(change)}`)
}
