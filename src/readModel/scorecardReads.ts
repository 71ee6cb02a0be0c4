/**
 * @module The reads the scorecard queries make of a generation's tables: a window's counters per
 * rep, a rep's days, and the reps, deals, meetings, accounts and settings as stored. The metrics
 * themselves are computed from these by scorecardQueries.ts, with the formulas of `projections/`.
 */
import { defaultTeamSettings, type TeamSettings } from "../../events/index.js"
import {
  type AccountActivityRow,
  type AccountRow,
  counterNames,
  type DayCounters,
  type DealRow,
  type MeetingRow,
  monthsWithin,
  type RepAccountRow,
  type RepDayRow,
  type RepRow,
  sumCounters,
} from "../../projections/index.js"
import { type SqlQueryable, selectMany } from "../store/sql.js"
import {
  type AccountActivityColumns,
  accountActivityColumns,
  counterColumns,
  numbers,
  quoted,
  type RepAccountColumns,
  repAccountColumns,
  tablesOf,
  toAccountActivity,
  toRepAccount,
} from "./scorecardTables.js"

/**
 * Each rep's counters summed over the days `fromDay`..`toDay` (inclusive): month rows for the whole
 * months of the window, day rows for the days at its edges (a quarter is 3 rows a rep, not 92).
 * One grouped query per part, added up here: as one query over a union the planner took three
 * times as long.
 */
export const sumRepDays = async (
  q: SqlQueryable,
  generation: number,
  window: { readonly fromDay: string; readonly toDay: string },
): Promise<Map<string, DayCounters>> => {
  const t = tablesOf(generation)
  const { months, edges } = monthsWithin(window.fromDay, window.toDay)
  const sums = counterNames.map((c) => `sum(${quoted(c)}) as ${quoted(c)}`).join(", ")
  const parts = [
    ...(months.length === 0
      ? []
      : [
          {
            text: `select rep_id, ${sums} from ${t.repMonths} where month = any($1::text[]) group by rep_id`,
            params: [months],
          },
        ]),
    ...edges.map((edge) => ({
      text: `select rep_id, ${sums} from ${t.repDays} where day >= $1 and day <= $2 group by rep_id`,
      params: [edge.fromDay, edge.toDay],
    })),
  ]
  const byRep = new Map<string, DayCounters[]>()
  for (const part of parts) {
    for (const { rep_id, ...counters } of await selectMany<Record<string, unknown> & { rep_id: string }>(
      q,
      part.text,
      part.params,
    )) {
      const list = byRep.get(rep_id)
      if (list === undefined) byRep.set(rep_id, [numbers(counters) as DayCounters])
      else list.push(numbers(counters) as DayCounters)
    }
  }
  return new Map(
    [...byRep].map(([repId, rows]) => [repId, rows.length === 1 ? (rows[0] as DayCounters) : sumCounters(rows)]),
  )
}

/** One rep's day rows in a window, in day order (for series by bucket). */
export const repDaysOf = async (
  q: SqlQueryable,
  generation: number,
  repId: string,
  window: { readonly fromDay: string; readonly toDay: string },
): Promise<ReadonlyArray<RepDayRow>> => {
  const rows = await q.query<Record<string, unknown> & { rep_id: string; day: string }>(
    `select rep_id, day, ${counterColumns} from ${tablesOf(generation).repDays}
     where rep_id = $1 and day >= $2 and day <= $3 order by day`,
    [repId, window.fromDay, window.toDay],
  )
  return rows.map(({ rep_id, day, ...counters }) => ({ repId: rep_id, day, ...(numbers(counters) as DayCounters) }))
}

export const allReps = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<RepRow>> =>
  (await q.query<{ row: RepRow }>(`select row from ${tablesOf(generation).reps} order by rep_id`)).map((r) => r.row)

/**
 * The deals of a generation as last read, per database. Every team view reads all of them, and they
 * change only with deal events: a read asks only for the rows written since the last one (`written`
 * is the generation's events applied when a row was written, and deal rows are never deleted: a
 * deal, once known, stays). A warm read costs one indexed query that finds nothing, where reading
 * every deal cost a team comparison 30 ms of its 78 (bench/projections.ts, 3,837 deals).
 */
const dealCaches = new WeakMap<
  SqlQueryable,
  { generation: number; written: number; readonly byId: Map<string, DealRow>; sorted?: ReadonlyArray<DealRow> }
>()

const byDealId = (a: DealRow, b: DealRow) => (a.dealId < b.dealId ? -1 : a.dealId > b.dealId ? 1 : 0)

/** Deals, all or those of some owners, in deal id order. */
export const dealsOf = async (
  q: SqlQueryable,
  generation: number,
  ownerRepIds?: ReadonlyArray<string>,
): Promise<ReadonlyArray<DealRow>> => {
  const table = tablesOf(generation).deals
  if (ownerRepIds !== undefined) {
    return (
      await selectMany<{ row: DealRow }>(
        q,
        `select deal_id, row from ${table} where owner_rep_id = any($1::text[])`,
        [ownerRepIds],
        "deal_id",
      )
    ).map((r) => r.row)
  }
  let cache = dealCaches.get(q)
  if (cache === undefined || cache.generation !== generation)
    dealCaches.set(q, (cache = { generation, written: -1, byId: new Map() }))
  const fresh = await selectMany<{ deal_id: string; row: DealRow; written: number | string }>(
    q,
    `select deal_id, row, written from ${table} where written > $1`,
    [cache.written],
  )
  for (const { deal_id, row, written } of fresh) {
    cache.byId.set(deal_id, row)
    cache.written = Math.max(cache.written, Number(written))
  }
  if (fresh.length > 0 || cache.sorted === undefined) cache.sorted = [...cache.byId.values()].sort(byDealId)
  return cache.sorted
}

export const targetAccounts = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<AccountRow>> =>
  (
    await q.query<{ row: AccountRow }>(
      `select row from ${tablesOf(generation).accounts} where targeted order by account_id`,
    )
  ).map((r) => r.row)

/** The activity of these accounts (an account nobody has worked has no row). */
export const accountActivityOf = async (
  q: SqlQueryable,
  generation: number,
  accountIds: ReadonlyArray<string>,
): Promise<ReadonlyArray<AccountActivityRow>> =>
  (
    await q.query<AccountActivityColumns>(
      `select ${accountActivityColumns} from ${tablesOf(generation).accountActivity} where account_id = any($1::text[])`,
      [accountIds],
    )
  ).map(toAccountActivity)

export const meetingsOf = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<MeetingRow>> =>
  (await q.query<{ row: MeetingRow }>(`select row from ${tablesOf(generation).meetings}`)).map((r) => r.row)

/** The team settings folded, each setting a generation stored before it existed at its default. */
export const teamSettings = async (q: SqlQueryable, generation: number): Promise<TeamSettings | undefined> => {
  const stored = (
    await q.query<{ settings: TeamSettings }>(`select settings from ${tablesOf(generation).settings} where id = 1`)
  )[0]?.settings
  return stored === undefined ? undefined : { ...defaultTeamSettings, ...stored }
}

/** The accounts that were ever on a seller's list (a month's list is read from their owners). */
export const ownedAccounts = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<AccountRow>> =>
  (
    await q.query<{ row: AccountRow }>(
      `select row from ${tablesOf(generation).accounts} where jsonb_array_length(coalesce(row->'owners', '[]'::jsonb)) > 0 order by account_id`,
    )
  ).map((r) => r.row)

/** The reps' activity by day on these accounts (every rep's, or these reps' only). */
export const repAccountsOf = async (
  q: SqlQueryable,
  generation: number,
  accountIds: ReadonlyArray<string>,
  repIds?: ReadonlyArray<string>,
): Promise<ReadonlyArray<RepAccountRow>> =>
  (
    await q.query<RepAccountColumns>(
      `select ${repAccountColumns} from ${tablesOf(generation).repAccounts}
       where account_id = any($1::text[])${repIds === undefined ? "" : " and rep_id = any($2::text[])"}`,
      repIds === undefined ? [accountIds] : [accountIds, repIds],
    )
  ).map(toRepAccount)
