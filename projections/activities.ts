/**
 * @module The fold of effort: calls, emails and touches become a rep's day counters, flagged as
 * badgering (aimed at a contact who recently declined) and as targeted (on a target account).
 *
 * What counts as an activity (dials + emails + touches, projections/README.md):
 * - an outbound call is a dial; an INBOUND call counts nowhere: it is the prospect's effort, and
 *   projections/README.md defines dials, connects and conversations on outbound calls only;
 * - an email of kind `first_touch` or `follow_up` is an email; a `reply` counts nowhere: projections/README.md
 *   defines emails as "first touches and follow-ups", and answering a prospect who wrote is not
 *   outreach (counting it would reward the thread the prospect started);
 * - every logged touch is a touch.
 * An uncounted event changes nothing (not even the rep's row).
 *
 * Badgering is judged by when things happened, whatever the order they were appended in: an
 * activity is badgering when some decline of its contact happened at or before it, within the
 * quiet period. An activity folded before such a decline is remembered on its contact (its
 * `unflagged` activities) and counted as badgering when the decline is folded (team.ts). The quiet
 * period is the `declineQuietDays` in force when the later of the two is folded.
 */
import type { EventOf } from "../events/index.js"
import { dayNumberOf } from "./calendar.js"
import { type Change, credit, noChanges } from "./changes.js"
import type { DayCounters, LedgerState } from "./state.js"
import { dayKeyOf } from "./teamDays.js"

const dayMs = 86_400_000

type ActivityEvent = EventOf<"CallLogged"> | EventOf<"EmailSent"> | EventOf<"TouchLogged">

/** The changes of a logged call: a dial, maybe a connect and a conversation; inbound calls: none. */
export const foldCall = (
  state: LedgerState,
  event: EventOf<"CallLogged">,
  occurredMs = Date.parse(event.occurredAt),
): ReadonlyArray<Change> => {
  const { direction, disposition, durationSeconds } = event.data
  if (direction !== "outbound") return noChanges
  const add: Partial<DayCounters> = { dials: 1 }
  if (disposition === "connected") {
    add.connects = 1
    if (durationSeconds >= state.settings.conversationSeconds) add.conversations = 1
  }
  return foldActivity(state, event, occurredMs, add)
}

/** The changes of a sent email: an email, and a follow-up when it is one; replies: none. */
export const foldEmail = (
  state: LedgerState,
  event: EventOf<"EmailSent">,
  occurredMs = Date.parse(event.occurredAt),
): ReadonlyArray<Change> => {
  switch (event.data.kind) {
    case "first_touch":
      return foldActivity(state, event, occurredMs, { emails: 1 })
    case "follow_up":
      return foldActivity(state, event, occurredMs, { emails: 1, followUps: 1 })
    case "reply":
      return noChanges
    default:
      return assertNever(event.data.kind)
  }
}

/** The changes of a logged touch. */
export const foldTouch = (
  state: LedgerState,
  event: EventOf<"TouchLogged">,
  occurredMs = Date.parse(event.occurredAt),
): ReadonlyArray<Change> => foldActivity(state, event, occurredMs, { touches: 1 })

/**
 * The one place an activity is counted: the rep's activities, badgering, targeted activities, and
 * the account's activity (for the target list). An activity on a contact that is not badgering
 * by the declines folded so far is remembered on the contact: a decline folded later may make it so.
 */
const foldActivity = (
  state: LedgerState,
  event: ActivityEvent,
  at: number,
  add: Partial<DayCounters>,
): ReadonlyArray<Change> => {
  const { repId, accountId, contactId } = event.data
  const day = dayKeyOf(at, state.settings.timeZone)
  add.activities = 1
  const changes: Array<Change> = []
  // Parsed once: a contact's unflagged activity and the rep's day on the account both keep it.
  const dayNumber = contactId === undefined && accountId === undefined ? 0 : dayNumberOf(day)
  if (contactId !== undefined) {
    const declines = state.contacts.get(contactId)?.declines
    if (declines !== undefined && isBadgering(declines, at, state.settings.declineQuietDays)) add.badgering = 1
    else
      changes.push({
        kind: "contactActivity",
        contactId,
        accountId: accountId ?? null,
        repId,
        atMs: at,
        dayNumber,
      })
  }
  if (accountId !== undefined) {
    if (state.accounts.get(accountId)?.targeted === true) add.targetedActivities = 1
    changes.push({ kind: "accountActivity", accountId, occurredAt: event.occurredAt })
    changes.push({
      kind: "repAccountActivity",
      repId,
      accountId,
      days: [dayNumber, 1],
      lastActivityAt: event.occurredAt,
    })
  }
  credit(state, changes, repId, day, event.occurredAt, add)
  return changes
}

/**
 * Whether an activity at `atMs` falls in the quiet period after one of the contact's declines
 * (`declines`: instants, earliest first): [declinedAt, declinedAt + declineQuietDays × 24 h) for
 * some decline. It is enough to look at the latest decline at or before the activity: an earlier
 * one's quiet period ends sooner. An activity at the very instant of a decline is badgering; one
 * exactly declineQuietDays later is not; one before every decline is not. With declineQuietDays = 0
 * nothing is badgering.
 *
 * @example isBadgering(["2026-09-01T10:00:00Z"], Date.parse("2026-09-02T00:00:00Z"), 90) // true
 */
export const isBadgering = (declines: ReadonlyArray<string>, atMs: number, declineQuietDays: number): boolean => {
  for (let index = declines.length - 1; index >= 0; index--) {
    const declinedMs = Date.parse(declines[index] as string)
    if (declinedMs <= atMs) return atMs - declinedMs < declineQuietDays * dayMs
  }
  return false
}

function assertNever(value: never): never {
  throw new Error(`unhandled email kind ${JSON.stringify(value)}`)
}
