/**
 * @module Target lists that belong to sellers: who owns each target account, from when, and the
 * warning when a seller's list outgrows the team's `targetListCap`.
 *
 * Ownership is a history (`AccountRow.owners`), so that a month's list is the list as it stood then,
 * whatever the order the events were folded in:
 * - `AccountTargeted` with an `ownerRepId` puts the account on that seller's list from its date; without
 *   one it changes no owner (an account targeted again keeps the owner it has);
 * - `TargetAccountReassigned` moves it to `toRepId`'s list from its date (its `fromRepId` is informative).
 *   Sent for an account not on the target list, it puts it there (reason `other`): the event says it is one;
 * - `AccountUntargeted` takes it off every list from its date.
 *
 * A month's list (`listOf`) is the list at the month's end — the last instant of its last day in the
 * team's zone: an account reassigned on the 20th is on its new owner's list for that month, one taken
 * off the target list during the month is on nobody's. Each target account is on one list a month.
 *
 * The cap is a warning, never a refusal: a seller over it keeps every account (`capWarnings`).
 *
 * @example
 * ownerAt(acme, "2026-03-15T00:00:00Z") // "ana" if acme was put on ana's list before March 15th
 */
import type { EventOf } from "../events/index.js"
import { type Change, isEarlier, newAccount } from "./changes.js"
import type { AccountOwnership, AccountRow, LedgerState } from "./state.js"

/** The ownership history with one more entry, earliest first (a tie goes after the entries already there). */
export const withOwner = (
  owners: ReadonlyArray<AccountOwnership>,
  entry: AccountOwnership,
): ReadonlyArray<AccountOwnership> => {
  const after = owners.findIndex((known) => isEarlier(entry.from, known.from))
  return after === -1 ? [...owners, entry] : [...owners.slice(0, after), entry, ...owners.slice(after)]
}

/** The owner at the end of the history (the account's `ownerRepId`). */
export const currentOwner = (owners: ReadonlyArray<AccountOwnership>): string | null =>
  owners.length === 0 ? null : (owners[owners.length - 1] as AccountOwnership).repId

/** The seller whose list the account was on at `at` (an instant), null if on none. */
export const ownerAt = (account: Pick<AccountRow, "owners">, at: string): string | null => {
  let owner: string | null = null
  for (const entry of account.owners) {
    if (isEarlier(at, entry.from)) break
    owner = entry.repId
  }
  return owner
}

/** The accounts on `repId`'s list at `at` (for a month: its last instant). */
export const listOf = <A extends Pick<AccountRow, "owners">>(
  accounts: Iterable<A>,
  repId: string,
  at: string,
): ReadonlyArray<A> => {
  const list: Array<A> = []
  for (const account of accounts) if (ownerAt(account, at) === repId) list.push(account)
  return list
}

/** An account row with a new ownership entry, its `ownerRepId` following. */
export const ownedBy = (account: AccountRow, entry: AccountOwnership): AccountRow => {
  const owners = withOwner(account.owners, entry)
  return { ...account, owners, ownerRepId: currentOwner(owners) }
}

/** A target account moved to another seller's list, from the event's date. */
export const foldTargetAccountReassigned = (
  state: LedgerState,
  event: EventOf<"TargetAccountReassigned">,
): ReadonlyArray<Change> => {
  const { accountId, toRepId } = event.data
  const known = state.accounts.get(accountId) ?? newAccount(accountId)
  const account: AccountRow = known.targeted
    ? known
    : { ...known, targeted: true, targetReason: known.targetReason ?? "other", targetedAt: event.occurredAt }
  return [{ kind: "account", row: ownedBy(account, { repId: toRepId, from: event.occurredAt }) }]
}

/** A seller whose list holds more accounts than the team's cap. */
export type CapWarning = { readonly repId: string; readonly accounts: number; readonly cap: number }

/**
 * The sellers whose list holds more than `cap` accounts now, most over first: what the ledger warns
 * about (the answers of the target routes carry it), never enforces.
 *
 * @example capWarnings([{ ownerRepId: "ana" }, { ownerRepId: "ana" }], 1) // [{ repId: "ana", accounts: 2, cap: 1 }]
 */
export const capWarnings = (
  accounts: Iterable<Pick<AccountRow, "ownerRepId">>,
  cap: number,
): ReadonlyArray<CapWarning> => {
  const sizes = new Map<string, number>()
  for (const { ownerRepId } of accounts)
    if (ownerRepId !== null) sizes.set(ownerRepId, (sizes.get(ownerRepId) ?? 0) + 1)
  return [...sizes]
    .filter(([, size]) => size > cap)
    .map(([repId, size]) => ({ repId, accounts: size, cap }))
    .sort((a, b) => b.accounts - a.accounts || a.repId.localeCompare(b.repId))
}
