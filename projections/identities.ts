/**
 * @module Who is who: vendor identities and the reps they stand for. A connector that knows a rep
 * only by a vendor's id records the event under the identity's alias (`aircall:123`, see
 * events/identity.ts); a `RepIdentityLinked` ties the alias to a rep. Attribution is derived, never
 * re-sent: events folded after the link are credited to the rep ({@link resolveIdentities}), and the
 * link itself moves to the rep whatever the alias was credited with before it
 * ({@link foldRepIdentityLinked}). Folding a history gives the same state wherever its links are
 * (test/projections.identities.unit.test.ts checks it against every link moved to the front, over
 * histories whose roster events name reps, not aliases: see the merge below).
 *
 * Decisions where the spec is silent:
 * - The first link of an identity wins: a later link of the same identity, to the same rep or to
 *   another, changes nothing (a later "latest wins" would credit the alias's past to whichever rep
 *   was linked last, so that moving links would change history). There is no unlink event yet.
 * - A link names its rep as resolved: linking an identity to another identity's alias links it to
 *   the rep that alias stands for, now or once linked. A link that would resolve to the identity's
 *   own alias (itself, or a cycle) changes nothing.
 * - The merge keeps the rep's own details (name, role, team, manager, joined, left); the alias adds
 *   its day counters, its identities, the quotas of periods the rep has none for, and its
 *   `firstSeenAt` when earlier. Roster events (`RepJoined`, `QuotaSet`, `RepLeft`) are meant for
 *   reps, not identities; sent for an alias before its link, their details are not merged.
 * - An alias with no `RepJoined` that is not linked is an unlinked identity ({@link unlinkedIdentityOf}):
 *   the team view lists it as unattributed, not among the reps it ranks.
 */
import {
  type EventData,
  type EventOf,
  type EventType,
  identityAlias,
  type LedgerEvent,
  parseIdentityAlias,
} from "../events/index.js"
import { type Change, isEarlier, noChanges, seenRep } from "./changes.js"
import type { DealRow, LedgerState, MeetingRow, RepRow } from "./state.js"

/**
 * Every field of every event type that names a rep. A new event type does not compile until it is
 * listed here, so no rep-valued field escapes resolution.
 */
export const repValuedFields = {
  RepJoined: ["repId", "managerRepId"],
  RepLeft: ["repId"],
  QuotaSet: ["repId"],
  RepIdentityLinked: ["repId"],
  AccountTargeted: ["ownerRepId"],
  AccountUntargeted: [],
  TargetAccountReassigned: ["fromRepId", "toRepId"],
  CallLogged: ["repId"],
  CallEventReceived: ["repId"],
  EmailSent: ["repId"],
  TouchLogged: ["repId"],
  ProspectDeclined: ["repId"],
  MeetingBooked: ["repId", "ownerRepId"],
  MeetingHeld: ["repId"],
  MeetingCanceled: [],
  MeetingNoShow: [],
  DealOpened: ["repId", "originatorRepId"],
  DealAmountChanged: [],
  DealCloseDateChanged: [],
  DealWon: [],
  DealLost: [],
  TeamSettingsChanged: [],
  PersonErased: [],
} as const satisfies { readonly [T in EventType]: ReadonlyArray<keyof EventData<T>> }

/**
 * The event with every rep-valued field that names a linked identity replaced by its rep; the same
 * object when none does (the common case allocates nothing).
 *
 * @example resolveIdentities(new Map([["aircall:7", "ana"]]), call).data.repId // "ana" for a call of aircall:7
 */
export const resolveIdentities = (identities: ReadonlyMap<string, string>, event: LedgerEvent): LedgerEvent => {
  if (identities.size === 0) return event
  const fields: ReadonlyArray<string> = repValuedFields[event.type]
  let resolved: Record<string, unknown> | undefined
  for (const field of fields) {
    const value = (event.data as Record<string, unknown>)[field]
    const repId = typeof value === "string" ? identities.get(value) : undefined
    if (repId === undefined) continue
    resolved ??= { ...event.data }
    resolved[field] = repId
  }
  return resolved === undefined ? event : ({ ...event, data: resolved } as LedgerEvent)
}

/**
 * A link (its `repId` already resolved): the identity's alias now stands for the rep, and whatever
 * the fold credited to the alias moves to the rep — day counters added to the rep's days, the
 * alias's rows removed, deals, meetings, contacts (declines and unflagged activities) and managers
 * naming the alias rewritten.
 *
 * Cost: one pass over the rep days when the alias has a row, and over deals, meetings, contacts and
 * reps (which may name an alias without a row: a meeting's owner, a decline, a manager). Links are
 * rare; the events after them cost one map lookup per rep-valued field.
 */
export const foldRepIdentityLinked = (
  state: LedgerState,
  event: EventOf<"RepIdentityLinked">,
): ReadonlyArray<Change> => {
  const { repId, source, externalId } = event.data
  const alias = identityAlias(source, externalId)
  if (alias === repId || state.identities.has(alias)) return noChanges
  const changes: Array<Change> = []
  const rep = seenRep(state, repId, event.occurredAt)
  let merged: RepRow = { ...rep, managerRepId: rep.managerRepId === alias ? repId : rep.managerRepId }
  const aliasRow = state.reps.get(alias)
  if (aliasRow !== undefined) {
    for (const { repId: aliasId, day, ...counters } of state.repDays.values()) {
      if (aliasId !== alias) continue
      changes.push({ kind: "repDay", repId, day, add: counters })
      changes.push({ kind: "repDayRemoved", repId: alias, day })
    }
    changes.push({ kind: "repRemoved", repId: alias })
    merged = {
      ...merged,
      firstSeenAt: isEarlier(aliasRow.firstSeenAt, merged.firstSeenAt) ? aliasRow.firstSeenAt : merged.firstSeenAt,
      quotas: { ...aliasRow.quotas, ...merged.quotas },
      identities: [
        ...merged.identities,
        ...aliasRow.identities.filter(
          (i) => !merged.identities.some((own) => own.source === i.source && own.externalId === i.externalId),
        ),
      ],
    }
  }
  merged = { ...merged, identities: [...merged.identities, { source, externalId }] }
  const renamed = (id: string | null): string | null => (id === alias ? repId : id)
  for (const deal of state.deals.values()) {
    if (deal.ownerRepId !== alias && deal.originatorRepId !== alias) continue
    const row: DealRow = {
      ...deal,
      ownerRepId: renamed(deal.ownerRepId) as string,
      originatorRepId: renamed(deal.originatorRepId),
    }
    changes.push({ kind: "deal", row })
  }
  for (const meeting of state.meetings.values()) {
    if (meeting.bookerRepId !== alias && meeting.ownerRepId !== alias && meeting.heldByRepId !== alias) continue
    const row: MeetingRow = {
      ...meeting,
      bookerRepId: renamed(meeting.bookerRepId),
      ownerRepId: renamed(meeting.ownerRepId),
      heldByRepId: renamed(meeting.heldByRepId),
    }
    changes.push({ kind: "meeting", row })
  }
  for (const contact of state.contacts.values()) {
    const unflaggedByAlias = contact.unflagged.includes(alias)
    if (contact.declinedToRepId !== alias && !unflaggedByAlias) continue
    const unflagged = unflaggedByAlias
      ? contact.unflagged.map((value, index) => (index % 3 === 0 && value === alias ? repId : value))
      : contact.unflagged
    changes.push({ kind: "contact", row: { ...contact, declinedToRepId: renamed(contact.declinedToRepId), unflagged } })
  }
  for (const row of state.repAccounts.values()) {
    if (row.repId !== alias) continue
    changes.push(
      {
        kind: "repAccountActivity",
        repId,
        accountId: row.accountId,
        days: row.days,
        lastActivityAt: row.lastActivityAt,
      },
      { kind: "repAccountRemoved", repId: alias, accountId: row.accountId },
    )
  }
  for (const account of state.accounts.values()) {
    if (!account.owners.some((owner) => owner.repId === alias)) continue
    const owners = account.owners.map((owner) => (owner.repId === alias ? { ...owner, repId } : owner))
    changes.push({ kind: "account", row: { ...account, owners, ownerRepId: renamed(account.ownerRepId) } })
  }
  for (const other of state.reps.values()) {
    if (other.managerRepId === alias && other.repId !== alias && other.repId !== repId) {
      changes.push({ kind: "rep", row: { ...other, managerRepId: repId } })
    }
  }
  changes.push({ kind: "rep", row: merged }, { kind: "identityLinked", alias, repId })
  return changes
}

/**
 * The vendor identity a rep row stands for while nobody has linked it: a row whose id has the alias
 * form and that no `RepJoined` named; `undefined` for a rep.
 */
export const unlinkedIdentityOf = (
  rep: Pick<RepRow, "repId" | "joinedAt">,
): { readonly source: string; readonly externalId: string } | undefined =>
  rep.joinedAt === null ? parseIdentityAlias(rep.repId) : undefined
