/**
 * @module Displacement: target accounts that buy from a competitor today (`incumbent`), and what
 * winning them from it took. An account is *won from the incumbent* when a deal on it was won after
 * it was targeted with that incumbent (its `targetedAt`); the campaign runs from the first day any rep
 * worked the account (a dial, an email, a touch) to the first such win, and its touches are the
 * activities on the account up to the win's day, both days included. Days are the team's.
 *
 * @example
 * // umbrella buys from Initrode; worked first on March 2nd, 5 activities until a deal won April 1st
 * displacementOf(accounts, deals, repAccounts, "UTC")
 * // [{ accountId: "umbrella", incumbent: "Initrode", won: true, firstTouchDay: "2026-03-02", daysToWin: 30, touchesToWin: 5 }]
 */
import { dayKeyOfDayNumber, dayNumberOf } from "./calendar.js"
import type { AccountRow, DealRow, RepAccountRow } from "./state.js"
import { dayKeyOf } from "./teamDays.js"

export type DisplacementCampaign = {
  readonly accountId: string
  readonly incumbent: string
  /** A deal on it won since it was targeted. */
  readonly won: boolean
  /** The first day any rep worked it, null if nobody has. */
  readonly firstTouchDay: string | null
  /** From the first touch to the first win, in days; null if not won or never touched. */
  readonly daysToWin: number | null
  /** Activities on it up to the win's day (or up to now if not won). */
  readonly touchesToWin: number
}

/** Each target account with an incumbent, and its campaign; by accountId. */
export const displacementOf = (
  accounts: Iterable<Pick<AccountRow, "accountId" | "incumbent" | "targetedAt">>,
  deals: Iterable<Pick<DealRow, "accountId" | "status" | "closedAt">>,
  repAccounts: Iterable<Pick<RepAccountRow, "accountId" | "days">>,
  timeZone: string,
): ReadonlyArray<DisplacementCampaign> => {
  const campaigns = [...accounts].filter((a) => a.incumbent !== null)
  const wanted = new Set(campaigns.map((a) => a.accountId))
  const days = new Map<string, Array<number>>()
  for (const row of repAccounts)
    if (wanted.has(row.accountId)) days.set(row.accountId, [...(days.get(row.accountId) ?? []), ...row.days])
  const firstWin = new Map<string, string>()
  for (const deal of deals)
    if (deal.accountId !== null && wanted.has(deal.accountId) && deal.status === "won" && deal.closedAt !== null) {
      const known = firstWin.get(deal.accountId)
      if (known === undefined || deal.closedAt < known) firstWin.set(deal.accountId, deal.closedAt)
    }
  return campaigns
    .map((account): DisplacementCampaign => {
      const winAt = firstWin.get(account.accountId)
      const won = winAt !== undefined && (account.targetedAt === null || winAt >= account.targetedAt)
      const winDay = won ? dayNumberOf(dayKeyOf(Date.parse(winAt as string), timeZone)) : Number.POSITIVE_INFINITY
      const flat = days.get(account.accountId) ?? []
      let first = Number.POSITIVE_INFINITY
      let touches = 0
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const day = flat[i] as number
        first = Math.min(first, day)
        if (day <= winDay) touches += flat[i + 1] as number
      }
      const touched = Number.isFinite(first)
      return {
        accountId: account.accountId,
        incumbent: account.incumbent as string,
        won,
        firstTouchDay: touched ? dayKeyOfDayNumber(first) : null,
        daysToWin: won && touched && first <= winDay ? winDay - first : null,
        touchesToWin: touches,
      }
    })
    .sort((a, b) => a.accountId.localeCompare(b.accountId))
}
