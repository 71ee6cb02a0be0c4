/**
 * @module The target-list figures of a generation: each seller's cadence by month over a window (the
 * rep scorecard's, and the window average the team comparison and rollups carry) and a rep's
 * created and found deals. Every figure comes from projections/ (targetCadence.ts, proactive.ts);
 * this module only reads the rows they need. The routes' reads: targetQueries.ts.
 */
import type { TeamSettings } from "../../events/index.js"
import {
  type AccountRow,
  averageCadence,
  bucketsOfWindow,
  type DealRow,
  dealOriginAmong,
  type MeetingRow,
  type ProactiveFigures,
  proactiveFigures,
  type RepAccountRow,
  repAccountKey,
  type TargetCadence,
  targetCadenceByMonth,
} from "../../projections/index.js"
import type { SqlQueryable } from "../store/sql.js"
import { meetingsOf, ownedAccounts, repAccountsOf } from "./scorecardReads.js"

/** The months a window of days touches, first to last (`YYYY-MM`). */
export const monthsOfWindow = (fromDay: string, toDay: string): ReadonlyArray<string> =>
  bucketsOfWindow(fromDay, toDay, "month").map((bucket) => bucket.key)

/** The rows a seller's cadence reads, for these sellers. */
export const sellerRows = async (q: SqlQueryable, generation: number, repIds?: ReadonlyArray<string>) => {
  const accounts = await ownedAccounts(q, generation)
  const repAccounts = await repAccountsOf(
    q,
    generation,
    accounts.map((a) => a.accountId),
    repIds,
  )
  const meetings = await meetingsOf(q, generation)
  return { accounts, repAccounts, meetings }
}

export type SellerRows = {
  readonly accounts: ReadonlyArray<AccountRow>
  readonly repAccounts: ReadonlyArray<RepAccountRow>
  readonly meetings: ReadonlyArray<MeetingRow>
}

/**
 * Each seller's cadence in each month of a window, and its average over the months with a list:
 * the figure the team comparison and rollups carry for a window (`averageCadence`). Sellers are the
 * given reps.
 */
export const windowTargetCadence = async (
  q: SqlQueryable,
  generation: number,
  settings: TeamSettings,
  window: { readonly from: string; readonly to: string },
  repIds: ReadonlyArray<string>,
): Promise<Map<string, { months: ReadonlyArray<TargetCadence>; averageCadence: number | null }>> => {
  const rows = await sellerRows(q, generation, repIds)
  return cadencesOf(rows, repIds, monthsOfWindow(window.from, window.to), settings)
}

/** Each seller's cadence in each month, and its average. */
export const cadencesOf = (
  rows: SellerRows,
  repIds: ReadonlyArray<string>,
  months: ReadonlyArray<string>,
  settings: TeamSettings,
) =>
  new Map(
    repIds.map((repId) => {
      const byMonth = targetCadenceByMonth({ ...rows, repId, timeZone: settings.timeZone }, months)
      return [repId, { months: byMonth, averageCadence: averageCadence(byMonth) }] as const
    }),
  )

/** A rep's created and found deals in a window `[start, end)`, with the team's lookback. */
export const repProactive = async (
  q: SqlQueryable,
  generation: number,
  settings: TeamSettings,
  deals: ReadonlyArray<DealRow>,
  window: { readonly start: string; readonly end: string },
): Promise<ProactiveFigures> => {
  const owners = [...new Set(deals.map((d) => d.ownerRepId))]
  const activity = new Map(
    (
      await repAccountsOf(
        q,
        generation,
        deals.flatMap((d) => (d.accountId === null ? [] : [d.accountId])),
        owners,
      )
    ).map((row) => [repAccountKey(row.repId, row.accountId), row]),
  )
  return proactiveFigures(deals, (deal) => dealOriginAmong(deal, activity, settings), window)
}
