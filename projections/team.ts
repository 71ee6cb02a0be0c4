/**
 * @module The fold of who and what the team works with: reps (hires, departures, quotas), the
 * target list of accounts, prospects who declined, and the team settings. Vendor identities: identities.ts.
 *
 * Decisions where the spec is silent:
 * - `RepJoined` for a rep already known (an unknown rep seen in activity, or a rehire) fills in the
 *   rep's details, sets joinedAt and clears leftAt; quotas and identities are kept.
 * - `RepLeft` and `QuotaSet` for a rep never seen create the rep's row.
 * - The last `QuotaSet` folded for a period wins (log order, as corrections are appended).
 * - A contact row keeps the latest decline by occurredAt: a decline folded late that happened before
 *   the one on record changes nothing.
 * - `AccountUntargeted` for an account never targeted changes nothing.
 */
import type { EventOf, TeamSettings } from "../events/index.js"
import { type Change, newAccount, noChanges, seenRep } from "./changes.js"
import type { LedgerState } from "./state.js"

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
  const { accountId, name, reason, incumbent } = event.data
  const account = state.accounts.get(accountId) ?? newAccount(accountId)
  return [
    {
      kind: "account",
      row: {
        ...account,
        name: name ?? account.name,
        targeted: true,
        targetReason: reason,
        incumbent: incumbent ?? null,
        targetedAt: event.occurredAt,
      },
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
  return [{ kind: "account", row: { ...account, targeted: false, untargetedAt: event.occurredAt } }]
}

/** A prospect who said no, unsubscribed or asked not to be contacted: the start of a quiet period. */
export const foldProspectDeclined = (state: LedgerState, event: EventOf<"ProspectDeclined">): ReadonlyArray<Change> => {
  const { contactId, accountId, repId, how } = event.data
  const contact = state.contacts.get(contactId)
  if (contact !== undefined && Date.parse(event.occurredAt) < Date.parse(contact.declinedAt)) return noChanges
  return [
    {
      kind: "contact",
      row: {
        contactId,
        accountId: accountId ?? contact?.accountId ?? null,
        declinedAt: event.occurredAt,
        how,
        declinedToRepId: repId ?? null,
      },
    },
  ]
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
  }
  return [{ kind: "settings", settings }]
}
