/**
 * @module The monthly cadence of a seller's target list (projections/README.md, `targetCadence`):
 * the share of the accounts on the seller's list that month that received at least one activity
 * from the seller in it — a dial, an email, a touch (their days in `RepAccountRow.days`) or a meeting
 * the seller held (its `heldAt`). The list of a month is the list at its end (targetLists.ts). Days
 * are the team's; a month is `YYYY-MM`.
 *
 * @example
 * // ana owns acme, globex, initech and umbrella; in March she calls three of them, in April one
 * targetCadence({ accounts, repId: "ana", month: "2026-03", repAccounts, meetings: [], timeZone: "UTC" })
 * // { month: "2026-03", targetAccounts: 4, touchedAccounts: 3, targetCadence: 0.75 }
 */
import { dayKeyOfDayNumber } from "./calendar.js"
import { isEarlier } from "./changes.js"
import { daysOfPeriod, monthOf } from "./periods.js"
import type { AccountRow, DealRow, MeetingRow, RepAccountRow } from "./state.js"
import { listOf } from "./targetLists.js"
import { dayKeyOf, endOfDay } from "./teamDays.js"

export type TargetCadence = {
  readonly month: string
  /** Accounts on the seller's list at the month's end. */
  readonly targetAccounts: number
  /** Of those, the ones the seller had an activity or a held meeting with during the month. */
  readonly touchedAccounts: number
  /** touchedAccounts / targetAccounts; null for an empty list. */
  readonly targetCadence: number | null
}

/** What the cadence of one seller reads: the accounts (with their owners), the seller's activity and meetings. */
export type SellerActivity = {
  readonly accounts: Iterable<Pick<AccountRow, "accountId" | "owners">>
  readonly repId: string
  /** The seller's rows (other reps' rows are ignored). */
  readonly repAccounts: Iterable<RepAccountRow>
  /** Meetings; those the seller held on an account count as the seller's activity. */
  readonly meetings: Iterable<MeetingRow>
  readonly timeZone: string
}

/** The last instant of a month in the zone (ISO), where the month's list is read. */
export const monthEndInstant = (month: string, timeZone: string): string => {
  const days = daysOfPeriod(month)
  if (days === undefined) throw new RangeError(`not a month: ${month}`)
  return new Date(endOfDay(days.lastDay, timeZone) - 1).toISOString()
}

/** Each account's days of activity by the seller (day keys), dials, emails, touches and held meetings alike. */
export const sellerDaysByAccount = (input: SellerActivity): Map<string, Map<string, number>> => {
  const byAccount = new Map<string, Map<string, number>>()
  const add = (accountId: string, day: string, activities: number) => {
    let days = byAccount.get(accountId)
    if (days === undefined) byAccount.set(accountId, (days = new Map()))
    days.set(day, (days.get(day) ?? 0) + activities)
  }
  for (const row of input.repAccounts) {
    if (row.repId !== input.repId) continue
    for (let i = 0; i + 1 < row.days.length; i += 2)
      add(row.accountId, dayKeyOfDayNumber(row.days[i] as number), row.days[i + 1] as number)
  }
  for (const meeting of heldBy(input.meetings, input.repId))
    add(meeting.accountId as string, dayKeyOf(Date.parse(meeting.heldAt as string), input.timeZone), 1)
  return byAccount
}

/** Held meetings on an account credited to the seller (who held it, else its owner). */
const heldBy = function* (meetings: Iterable<MeetingRow>, repId: string): Generator<MeetingRow> {
  for (const meeting of meetings)
    if (
      meeting.status === "held" &&
      meeting.accountId !== null &&
      meeting.heldAt !== null &&
      (meeting.heldByRepId ?? meeting.ownerRepId) === repId
    )
      yield meeting
}

/** Whether any of the days falls in the month. */
const touchedIn = (days: ReadonlyMap<string, number> | undefined, month: string): boolean => {
  if (days === undefined) return false
  for (const [day, activities] of days) if (activities > 0 && monthOf(day) === month) return true
  return false
}

/** The cadence of each month, for one seller (the series of the rep scorecard, a row of the cadence grid). */
export const targetCadenceByMonth = (
  input: SellerActivity,
  months: ReadonlyArray<string>,
): ReadonlyArray<TargetCadence> => {
  const accounts = [...input.accounts]
  const days = sellerDaysByAccount({ ...input, accounts })
  return months.map((month) => {
    const list = listOf(accounts, input.repId, monthEndInstant(month, input.timeZone))
    const touchedAccounts = list.filter((account) => touchedIn(days.get(account.accountId), month)).length
    return {
      month,
      targetAccounts: list.length,
      touchedAccounts,
      targetCadence: list.length === 0 ? null : touchedAccounts / list.length,
    }
  })
}

/** The cadence of one seller in one month. */
export const targetCadence = (input: SellerActivity & { readonly month: string }): TargetCadence =>
  targetCadenceByMonth(input, [input.month])[0] as TargetCadence

/**
 * The average cadence over months (a window's figure for the comparison and rollups): the mean of
 * the months whose list was not empty; null when none was.
 */
export const averageCadence = (months: ReadonlyArray<TargetCadence>): number | null => {
  const rated = months.filter((m) => m.targetCadence !== null)
  return rated.length === 0 ? null : rated.reduce((sum, m) => sum + (m.targetCadence as number), 0) / rated.length
}

/** One account of a seller's list for a month, as `GET /v1/reps/{repId}/targets` shows it. */
export type TargetListEntry = {
  readonly accountId: string
  readonly name: string | null
  readonly reason: AccountRow["targetReason"]
  readonly incumbent: string | null
  /** Since when the account is on the seller's list without a break (the start of the latest ownership). */
  readonly ownedSince: string
  /** The seller's latest day of activity on the account up to the month's end, null if none. */
  readonly lastActivityDay: string | null
  /** The seller's activities (dials, emails, touches) on it in the month. */
  readonly activitiesThisMonth: number
  /** Meetings the seller held on it in the month. */
  readonly meetingsThisMonth: number
  readonly openDeals: number
  readonly openPipeline: number
  readonly wonDeals: number
  readonly wonValue: number
  readonly untouchedThisMonth: boolean
}

/**
 * The seller's list for a month, untouched accounts first and, among each, the longest untouched first
 * (never touched before the touched-long-ago; ties by accountId). Deals are the account's, whoever owns them.
 */
export const targetListOf = (
  input: SellerActivity & {
    readonly accounts: Iterable<AccountRow>
    readonly month: string
    readonly deals: Iterable<DealRow>
  },
): ReadonlyArray<TargetListEntry> => {
  const accounts = [...input.accounts]
  const monthEnd = monthEndInstant(input.month, input.timeZone)
  const lastDay = (daysOfPeriod(input.month) as { lastDay: string }).lastDay
  const activityDays = sellerDaysByAccount({ ...input, accounts, meetings: [] })
  const meetingDays = sellerDaysByAccount({ ...input, accounts, repAccounts: [] })
  const dealsByAccount = new Map<string, Array<DealRow>>()
  for (const deal of input.deals)
    if (deal.accountId !== null)
      dealsByAccount.set(deal.accountId, [...(dealsByAccount.get(deal.accountId) ?? []), deal])
  const inMonth = (days: ReadonlyMap<string, number> | undefined) =>
    [...(days ?? [])].filter(([day]) => monthOf(day) === input.month).reduce((sum, [, n]) => sum + n, 0)
  const latest = (...all: Array<ReadonlyMap<string, number> | undefined>): string | null => {
    let last: string | null = null
    for (const days of all)
      for (const day of days?.keys() ?? []) if (day <= lastDay && (last === null || day > last)) last = day
    return last
  }
  const entries = listOf(accounts, input.repId, monthEnd).map((account): TargetListEntry => {
    const deals = dealsByAccount.get(account.accountId) ?? []
    const open = deals.filter((d) => d.status === "open")
    const won = deals.filter((d) => d.status === "won")
    const activitiesThisMonth = inMonth(activityDays.get(account.accountId))
    const meetingsThisMonth = inMonth(meetingDays.get(account.accountId))
    return {
      accountId: account.accountId,
      name: account.name,
      reason: account.targetReason,
      incumbent: account.incumbent,
      ownedSince: ownedSinceOf(account, input.repId, monthEnd),
      lastActivityDay: latest(activityDays.get(account.accountId), meetingDays.get(account.accountId)),
      activitiesThisMonth,
      meetingsThisMonth,
      openDeals: open.length,
      openPipeline: open.reduce((sum, d) => sum + (d.amount ?? 0), 0),
      wonDeals: won.length,
      wonValue: won.reduce((sum, d) => sum + (d.amount ?? 0), 0),
      untouchedThisMonth: activitiesThisMonth + meetingsThisMonth === 0,
    }
  })
  return entries.sort(
    (a, b) =>
      Number(b.untouchedThisMonth) - Number(a.untouchedThisMonth) ||
      (a.lastActivityDay ?? "").localeCompare(b.lastActivityDay ?? "") ||
      a.accountId.localeCompare(b.accountId),
  )
}

/** The start of the seller's latest unbroken ownership of the account at `at` (the account is on their list then). */
const ownedSinceOf = (account: Pick<AccountRow, "owners">, repId: string, at: string): string => {
  let since: string | null = null
  for (const entry of account.owners) {
    if (isEarlier(at, entry.from)) break
    if (entry.repId !== repId) since = null
    else since ??= entry.from
  }
  return since ?? at
}
