/**
 * @module The fold of who and what the team works with: reps (hires, departures, quotas), the
 * target list of accounts, prospects who declined, and the team settings. Vendor identities: identities.ts.
 *
 * Decisions where the spec is silent:
 * - `RepJoined` for a rep already known (an unknown rep seen in activity, or a rehire) fills in the
 *   rep's details, sets joinedAt and clears leftAt; quotas and identities are kept.
 * - `RepLeft` and `QuotaSet` for a rep never seen create the rep's row.
 * - The last `QuotaSet` folded for a period wins (log order, as corrections are appended).
 * - A contact row keeps every decline (by occurredAt) and, as `declinedAt`, `how` and
 *   `declinedToRepId`, the latest one's: a decline folded late that happened before the one on record
 *   is kept among the declines (its quiet period counts: activities.ts) without replacing it. A decline
 *   at an instant already on record changes only the latest's `how` and rep, when it is the latest.
 * - `AccountUntargeted` for an account never targeted changes nothing.
 */
import type { EventOf, TeamSettings } from "../events/index.js"
import { dayKeyOfDayNumber } from "./calendar.js"
import { type Change, newAccount, noChanges, seenRep } from "./changes.js"
import { type AccountRow, type ContactRow, type LedgerState, unflaggedActivities } from "./state.js"
import { ownedBy } from "./targetLists.js"

const dayMs = 86_400_000

/** A hire (or rehire): the rep's details. */
export const foldRepJoined = (state: LedgerState, event: EventOf<"RepJoined">): ReadonlyArray<Change> => {
  const { repId, name, email, role, team, managerRepId } = event.data
  const rep = seenRep(state, repId, event.occurredAt)
  return [
    {
      kind: "rep",
      row: {
        ...rep,
        name,
        email: email ?? null,
        role,
        team: team ?? null,
        managerRepId: managerRepId ?? null,
        joinedAt: event.occurredAt,
        leftAt: null,
      },
    },
  ]
}

/** A departure: the rep's leftAt. */
export const foldRepLeft = (state: LedgerState, event: EventOf<"RepLeft">): ReadonlyArray<Change> => [
  { kind: "rep", row: { ...seenRep(state, event.data.repId, event.occurredAt), leftAt: event.occurredAt } },
]

/** A quota for a period; it replaces any earlier quota for the same period. */
export const foldQuotaSet = (state: LedgerState, event: EventOf<"QuotaSet">): ReadonlyArray<Change> => {
  const rep = seenRep(state, event.data.repId, event.occurredAt)
  return [{ kind: "rep", row: { ...rep, quotas: { ...rep.quotas, [event.data.period]: event.data.amount } } }]
}

/** An account put on the target list. */
export const foldAccountTargeted = (state: LedgerState, event: EventOf<"AccountTargeted">): ReadonlyArray<Change> => {
  const { accountId, name, reason, incumbent, industry, size, ownerRepId } = event.data
  const account = state.accounts.get(accountId) ?? newAccount(accountId)
  const row: AccountRow = {
    ...account,
    name: name ?? account.name,
    targeted: true,
    targetReason: reason,
    incumbent: incumbent ?? null,
    industry: industry ?? account.industry,
    size: size ?? account.size,
    targetedAt: event.occurredAt,
  }
  return [
    {
      kind: "account",
      row: ownerRepId === undefined ? row : ownedBy(row, { repId: ownerRepId, from: event.occurredAt }),
    },
  ]
}

/** An account taken off the target list. */
export const foldAccountUntargeted = (
  state: LedgerState,
  event: EventOf<"AccountUntargeted">,
): ReadonlyArray<Change> => {
  const account = state.accounts.get(event.data.accountId)
  if (account === undefined) return noChanges
  const row: AccountRow = { ...account, targeted: false, untargetedAt: event.occurredAt }
  return [{ kind: "account", row: ownedBy(row, { repId: null, from: event.occurredAt }) }]
}

/**
 * A prospect who said no, unsubscribed or asked not to be contacted: the start of a quiet period.
 * The contact's activities folded before it that happened in its quiet period become badgering now,
 * credited to the rep and day they were counted on.
 */
export const foldProspectDeclined = (state: LedgerState, event: EventOf<"ProspectDeclined">): ReadonlyArray<Change> => {
  const { contactId, accountId, repId, how } = event.data
  const contact = state.contacts.get(contactId)
  const declinedMs = Date.parse(event.occurredAt)
  const known = contact?.declines ?? []
  if (known.some((instant) => Date.parse(instant) === declinedMs) && !isLatest(contact, declinedMs)) return noChanges
  const changes: Array<Change> = []
  const quietMs = state.settings.declineQuietDays * dayMs
  const unflagged: Array<string | number> = []
  if (contact !== undefined)
    for (const activity of unflaggedActivities(contact)) {
      const { atMs, dayNumber } = activity
      if (atMs >= declinedMs && atMs - declinedMs < quietMs)
        changes.push({
          kind: "repDay",
          repId: activity.repId,
          day: dayKeyOfDayNumber(dayNumber),
          add: { badgering: 1 },
        })
      else unflagged.push(activity.repId, atMs, dayNumber)
    }
  const latest = isLatest(contact, declinedMs)
    ? { declinedAt: event.occurredAt, how, declinedToRepId: repId ?? null }
    : {
        declinedAt: contact?.declinedAt ?? null,
        how: contact?.how ?? null,
        declinedToRepId: contact?.declinedToRepId ?? null,
      }
  changes.push({
    kind: "contact",
    row: {
      contactId,
      accountId: accountId ?? contact?.accountId ?? null,
      declines: withInstant(known, event.occurredAt, declinedMs),
      ...latest,
      unflagged,
    },
  })
  return changes
}

/** Whether a decline at `declinedMs` is the contact's latest (a tie with the latest: the one folded last). */
const isLatest = (contact: ContactRow | undefined, declinedMs: number): boolean =>
  contact?.declinedAt == null || declinedMs >= Date.parse(contact.declinedAt)

/** The instants with one more, earliest first, each once. */
const withInstant = (instants: ReadonlyArray<string>, instant: string, instantMs: number): ReadonlyArray<string> => {
  if (instants.some((known) => Date.parse(known) === instantMs)) return instants
  const after = instants.findIndex((known) => Date.parse(known) > instantMs)
  return after === -1 ? [...instants, instant] : [...instants.slice(0, after), instant, ...instants.slice(after)]
}

/** New team settings: the given fields replace the ones in force. */
export const foldTeamSettingsChanged = (
  state: LedgerState,
  event: EventOf<"TeamSettingsChanged">,
): ReadonlyArray<Change> => {
  const changed = event.data
  const settings: TeamSettings = {
    timeZone: changed.timeZone ?? state.settings.timeZone,
    conversationSeconds: changed.conversationSeconds ?? state.settings.conversationSeconds,
    declineQuietDays: changed.declineQuietDays ?? state.settings.declineQuietDays,
    fiscalYearStartMonth: changed.fiscalYearStartMonth ?? state.settings.fiscalYearStartMonth,
    currency: changed.currency ?? state.settings.currency,
    targetListCap: changed.targetListCap ?? state.settings.targetListCap,
    proactiveLookbackDays: changed.proactiveLookbackDays ?? state.settings.proactiveLookbackDays,
  }
  return [{ kind: "settings", settings }]
}
