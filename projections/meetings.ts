/**
 * @module The fold of meetings: bookings credited to the booker, held meetings to whoever held
 * them (and, as what the booking produced, to the booker), and the account's sales cycle that makes a held meeting a second meeting and qualifies the
 * account's open deals.
 *
 * Decisions where projections/README.md is silent:
 * - `MeetingHeld.repId`, when present, names who actually held the meeting (an AE covering for the
 *   owner) and takes the meetingsHeld credit; otherwise the owner (`ownerRepId ?? repId` of the booking).
 * - A meeting is held at most once: a repeated `MeetingHeld` changes nothing, and a cancel or no-show
 *   folded after it is ignored (a late webhook about an earlier slot cannot un-hold a meeting that
 *   took place, nor take back its credit). A `MeetingHeld` after a cancel or no-show wins: it took place.
 * - A repeated `MeetingBooked` is a reschedule: it updates the meeting (and revives a canceled one)
 *   but is not a second booking. Once held, only `scheduledFor` changes.
 * - Out of order: a `MeetingHeld`/`MeetingCanceled`/`MeetingNoShow` for a meeting not yet booked
 *   keeps a row without booker or account; a held one credits `MeetingHeld.repId` if given. When the
 *   booking arrives it is credited on its own day, and the held meeting's missing credit (meetingsHeld
 *   to the owner, its place in the account's cycle, secondMeetings, the booker's bookedMeetingsHeld)
 *   is completed on the day it was held.
 * - A meeting held at or before the account's last close (folded late) belongs to a past cycle: it is
 *   not counted in the current one.
 */
import type { EventOf } from "../events/index.js"
import { type Change, credit, newAccount, noChanges } from "./changes.js"
import type { DayCounters, LedgerState, MeetingRow, MeetingStatus } from "./state.js"
import { dayKeyOf } from "./teamDays.js"

/** A booking: meetingsBooked for the booker on the booking's day. */
export const foldMeetingBooked = (state: LedgerState, event: EventOf<"MeetingBooked">): ReadonlyArray<Change> => {
  const { meetingId, repId, ownerRepId, accountId, contactId, scheduledFor, source } = event.data
  const existing = state.meetings.get(meetingId)
  const owner = ownerRepId ?? repId
  const booking = {
    ownerRepId: owner,
    accountId,
    contactId: contactId ?? null,
    scheduledFor,
    source,
  }
  if (existing !== undefined && existing.bookedAt !== null) {
    const rescheduled: MeetingRow =
      existing.status === "held" ? { ...existing, scheduledFor } : { ...existing, ...booking, status: "booked" }
    return [{ kind: "meeting", row: rescheduled }]
  }
  const changes: Array<Change> = []
  const at = Date.parse(event.occurredAt)
  credit(state, changes, repId, dayKeyOf(at, state.settings.timeZone), event.occurredAt, { meetingsBooked: 1 })
  if (existing === undefined) {
    changes.push({
      kind: "meeting",
      row: {
        meetingId,
        bookerRepId: repId,
        heldByRepId: null,
        ...booking,
        status: "booked",
        bookedAt: event.occurredAt,
        heldAt: null,
        countedInCycle: false,
      },
    })
    return changes
  }
  // Seen before its booking: complete it.
  let row: MeetingRow = { ...existing, bookerRepId: repId, ...booking, bookedAt: event.occurredAt }
  if (existing.status === "held" && existing.heldAt !== null) {
    const heldBy = existing.heldByRepId ?? owner
    const add: Partial<DayCounters> = {}
    if (existing.heldByRepId === null) add.meetingsHeld = 1
    let countedInCycle = existing.countedInCycle
    if (!countedInCycle) {
      const cycle = countInCycle(state, changes, accountId, existing.heldAt)
      countedInCycle = cycle.counted
      if (cycle.second) add.secondMeetings = 1
    }
    const day = dayKeyOf(Date.parse(existing.heldAt), state.settings.timeZone)
    if (add.meetingsHeld !== undefined || add.secondMeetings !== undefined)
      credit(state, changes, heldBy, day, existing.heldAt, add)
    credit(state, changes, repId, day, existing.heldAt, bookerAdd(add.secondMeetings === 1))
    row = { ...row, heldByRepId: heldBy, countedInCycle }
  }
  changes.push({ kind: "meeting", row })
  return changes
}

/**
 * A held meeting: meetingsHeld (and maybe secondMeetings) for whoever held it, and
 * bookedMeetingsHeld (and maybe bookedSecondMeetings) for whoever booked it, on the day held.
 */
export const foldMeetingHeld = (state: LedgerState, event: EventOf<"MeetingHeld">): ReadonlyArray<Change> => {
  const { meetingId, repId } = event.data
  const existing = state.meetings.get(meetingId)
  if (existing?.status === "held") return noChanges
  const heldBy = repId ?? existing?.ownerRepId ?? null
  const changes: Array<Change> = []
  const add: Partial<DayCounters> = { meetingsHeld: 1 }
  let countedInCycle = false
  if (existing !== undefined && existing.accountId !== null) {
    const cycle = countInCycle(state, changes, existing.accountId, event.occurredAt)
    countedInCycle = cycle.counted
    if (cycle.second) add.secondMeetings = 1
  }
  const day = dayKeyOf(Date.parse(event.occurredAt), state.settings.timeZone)
  if (heldBy !== null) credit(state, changes, heldBy, day, event.occurredAt, add)
  const booker = existing?.bookerRepId ?? null
  if (booker !== null) credit(state, changes, booker, day, event.occurredAt, bookerAdd(add.secondMeetings === 1))
  const base = existing ?? unbookedMeeting(meetingId, "held")
  changes.push({
    kind: "meeting",
    row: { ...base, status: "held", heldAt: event.occurredAt, heldByRepId: heldBy, countedInCycle },
  })
  return changes
}

/** A cancel or a no-show: the meeting's status, unless it was already held. */
export const foldMeetingMissed = (
  state: LedgerState,
  event: EventOf<"MeetingCanceled"> | EventOf<"MeetingNoShow">,
): ReadonlyArray<Change> => {
  const status: MeetingStatus = event.type === "MeetingCanceled" ? "canceled" : "no_show"
  const existing = state.meetings.get(event.data.meetingId)
  if (existing?.status === "held") return noChanges
  return [
    {
      kind: "meeting",
      row: existing === undefined ? unbookedMeeting(event.data.meetingId, status) : { ...existing, status },
    },
  ]
}

/**
 * Counts a held meeting in its account's current sales cycle. On the cycle's 2nd held meeting, the
 * account's open deals that were not yet qualified become qualified (found through the account's
 * open-deal index, not by scanning deals).
 */
const countInCycle = (
  state: LedgerState,
  changes: Array<Change>,
  accountId: string,
  heldAt: string,
): { readonly counted: boolean; readonly second: boolean } => {
  const account = state.accounts.get(accountId) ?? newAccount(accountId)
  const heldMs = Date.parse(heldAt)
  if (account.lastClosedAt !== null && heldMs <= Date.parse(account.lastClosedAt))
    return { counted: false, second: false }
  const heldMeetingsInCycle = account.heldMeetingsInCycle + 1
  changes.push({ kind: "account", row: { ...account, heldMeetingsInCycle } })
  if (heldMeetingsInCycle === 2) {
    for (const dealId of account.openDealIds) {
      const deal = state.deals.get(dealId)
      if (deal === undefined || deal.status !== "open" || deal.qualifiedAt !== null) continue
      // Folded late, the meeting may predate the deal: a deal is qualified from its opening at the earliest.
      const qualifiedAt = heldMs < Date.parse(deal.openedAt) ? deal.openedAt : heldAt
      changes.push({ kind: "deal", row: { ...deal, qualifiedAt } })
    }
  }
  return { counted: true, second: heldMeetingsInCycle >= 2 }
}

/** What a held meeting credits its booker with: what a BDR produced. */
const bookerAdd = (second: boolean): Partial<DayCounters> =>
  second ? { bookedMeetingsHeld: 1, bookedSecondMeetings: 1 } : { bookedMeetingsHeld: 1 }

const unbookedMeeting = (meetingId: string, status: MeetingStatus): MeetingRow => ({
  meetingId,
  bookerRepId: null,
  ownerRepId: null,
  heldByRepId: null,
  accountId: null,
  contactId: null,
  scheduledFor: null,
  source: null,
  status,
  bookedAt: null,
  heldAt: null,
  countedInCycle: false,
})
