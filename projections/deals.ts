/**
 * @module The fold of deals: opened (credited to the owner, and to the originator under
 * dealsOriginated), won or lost on the close day, and the account's sales cycle closed with them.
 *
 * Decisions where projections/README.md is silent:
 * - openedValue and outboundOpenedValue (for outboundShare) use the amount at opening; later
 *   `DealAmountChanged` events update the row (and so the pipeline), not the opening counters.
 * - An originator who is also the owner is credited under dealsOriginated (originatedPipeline,
 *   originatedWon, originatedWonValue) too.
 * - A deal is opened once and closed once (the deal stream's decider enforces it). A deal event the
 *   state cannot place — a repeated `DealOpened`, any other event for a deal never opened, or a change
 *   to a closed deal — changes nothing: only `DealOpened` names the owner and the account, so there is
 *   no one to credit, and a closed deal's credit is final.
 * - A close resets the account's cycle unless a later close was already folded (out of order): then
 *   the cycle stays as it is.
 * - A deal opened without an amount counts under dealsOpened (and dealsOriginated) and adds nothing
 *   to openedValue or originatedPipeline: the value is unknown, not 0. Its later `DealAmountChanged`
 *   puts it in the pipeline; a loss without an amount adds nothing to lostValue (the decider refuses
 *   a win without one).
 * - A deal opened without an account is on no account: no account's cycle, open deals or target
 *   list, and so never qualified by meetings nor grouped with another account-less deal.
 */
import type { EventOf } from "../events/index.js"
import { type Change, credit, newAccount, noChanges } from "./changes.js"
import type { DayCounters, DealRow, LedgerState } from "./state.js"
import { dayKeyOf } from "./teamDays.js"

/**
 * An opened deal: dealsOpened, openedValue (and outboundOpenedValue) for the owner; dealsOriginated
 * and originatedPipeline (its amount at opening) for the originator.
 */
export const foldDealOpened = (state: LedgerState, event: EventOf<"DealOpened">): ReadonlyArray<Change> => {
  const { dealId, repId, accountId, currency, source, originatorRepId, expectedCloseDate, stage } = event.data
  if (state.deals.has(dealId)) return noChanges
  const account = accountId === undefined ? undefined : (state.accounts.get(accountId) ?? newAccount(accountId))
  const amount = event.data.amount ?? 0
  const deal: DealRow = {
    dealId,
    ownerRepId: repId,
    accountId: accountId ?? null,
    amount: event.data.amount ?? null,
    stage: stage ?? null,
    currency: currency ?? null,
    source,
    originatorRepId: originatorRepId ?? null,
    expectedCloseDate: expectedCloseDate ?? null,
    status: "open",
    openedAt: event.occurredAt,
    closedAt: null,
    onTargetAccount: account?.targeted ?? false,
    qualifiedAt: account !== undefined && account.heldMeetingsInCycle >= 2 ? event.occurredAt : null,
  }
  const changes: Array<Change> = [{ kind: "deal", row: deal }]
  if (account !== undefined)
    changes.push({ kind: "account", row: { ...account, openDealIds: [...account.openDealIds, dealId] } })
  const day = dayKeyOf(Date.parse(event.occurredAt), state.settings.timeZone)
  const ownerAdd: Partial<DayCounters> = { dealsOpened: 1, openedValue: amount }
  if (source === "outbound") ownerAdd.outboundOpenedValue = amount
  const originatorAdd: Partial<DayCounters> = { dealsOriginated: 1, originatedPipeline: amount }
  if (originatorRepId === repId) Object.assign(ownerAdd, originatorAdd)
  credit(state, changes, repId, day, event.occurredAt, ownerAdd)
  if (originatorRepId !== undefined && originatorRepId !== repId) {
    credit(state, changes, originatorRepId, day, event.occurredAt, originatorAdd)
  }
  return changes
}

/** A new amount for an open deal. */
export const foldDealAmountChanged = (
  state: LedgerState,
  event: EventOf<"DealAmountChanged">,
): ReadonlyArray<Change> => {
  const deal = state.deals.get(event.data.dealId)
  if (deal === undefined || deal.status !== "open") return noChanges
  return [{ kind: "deal", row: { ...deal, amount: event.data.amount } }]
}

/** A new expected close date for an open deal. */
export const foldDealCloseDateChanged = (
  state: LedgerState,
  event: EventOf<"DealCloseDateChanged">,
): ReadonlyArray<Change> => {
  const deal = state.deals.get(event.data.dealId)
  if (deal === undefined || deal.status !== "open") return noChanges
  return [{ kind: "deal", row: { ...deal, expectedCloseDate: event.data.expectedCloseDate } }]
}

/**
 * A won or lost deal: dealsWon/wonValue or dealsLost/lostValue (and the target-account split) for
 * the owner on the close day, and a win's originatedWon/originatedWonValue for its originator; the
 * account's sales cycle closes. A win's amount, when given, is final.
 */
export const foldDealClosed = (
  state: LedgerState,
  event: EventOf<"DealWon"> | EventOf<"DealLost">,
): ReadonlyArray<Change> => {
  const deal = state.deals.get(event.data.dealId)
  if (deal === undefined || deal.status !== "open") return noChanges
  const won = event.type === "DealWon"
  const finalAmount = event.type === "DealWon" ? (event.data.amount ?? deal.amount) : deal.amount
  const changes: Array<Change> = [
    {
      kind: "deal",
      row: { ...deal, amount: finalAmount, status: won ? "won" : "lost", closedAt: event.occurredAt },
    },
  ]
  const amount = finalAmount ?? 0
  const at = Date.parse(event.occurredAt)
  if (deal.accountId !== null) {
    const account = state.accounts.get(deal.accountId) ?? newAccount(deal.accountId)
    const openDealIds = account.openDealIds.filter((id) => id !== deal.dealId)
    const closesCycle = account.lastClosedAt === null || at >= Date.parse(account.lastClosedAt)
    changes.push({
      kind: "account",
      row: closesCycle
        ? { ...account, openDealIds, lastClosedAt: event.occurredAt, heldMeetingsInCycle: 0 }
        : { ...account, openDealIds },
    })
  }
  const add: Partial<DayCounters> = won
    ? { dealsWon: 1, wonValue: amount, [deal.onTargetAccount ? "targetDealsWon" : "nonTargetDealsWon"]: 1 }
    : { dealsLost: 1, lostValue: amount, [deal.onTargetAccount ? "targetDealsLost" : "nonTargetDealsLost"]: 1 }
  const day = dayKeyOf(at, state.settings.timeZone)
  const originatorAdd: Partial<DayCounters> = { originatedWon: 1, originatedWonValue: amount }
  if (won && deal.originatorRepId === deal.ownerRepId) Object.assign(add, originatorAdd)
  credit(state, changes, deal.ownerRepId, day, event.occurredAt, add)
  if (won && deal.originatorRepId !== null && deal.originatorRepId !== deal.ownerRepId)
    credit(state, changes, deal.originatorRepId, day, event.occurredAt, originatorAdd)
  return changes
}
