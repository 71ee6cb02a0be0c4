/**
 * @module The scorecard read model's tables: the one place that knows them. One set of tables per
 * generation (`rm_g<N>_…`), so that a rebuild fills new tables while the old ones answer reads.
 *
 * Rep days have a numeric column per counter, so a window is one `sum(...) group by rep_id`:
 * O(reps × days) in the database, O(reps) across the wire. Entities are stored as jsonb rows.
 */

import type { TeamSettings } from "../../events/index.js"
import {
  type AccountActivityRow,
  type AccountRow,
  type ContactRow,
  counterNames,
  type DayCounters,
  type DealRow,
  emptyLedgerState,
  identityIndexOf,
  type LedgerState,
  type MeetingRow,
  monthOf,
  monthsWithin,
  type RepDayRow,
  type RepRow,
  repDayKey,
  sumCounters,
} from "../../projections/index.js"
import { eventsAppliedExpression } from "../runtime/registry.js"
import { type SqlQueryable, selectMany } from "../store/sql.js"

const quoted = (name: string) => `"${name}"`
const counterColumns = counterNames.map(quoted).join(", ")

/** The tables of one generation. */
export const tablesOf = (generation: number) => {
  const prefix = `rm_g${Math.trunc(generation)}`
  return {
    repDays: `${prefix}_rep_days`,
    repMonths: `${prefix}_rep_months`,
    reps: `${prefix}_reps`,
    deals: `${prefix}_deals`,
    meetings: `${prefix}_meetings`,
    accounts: `${prefix}_accounts`,
    accountActivity: `${prefix}_account_activity`,
    occurrences: `${prefix}_occurrences`,
    occurrenceSpan: `${prefix}_occurrence_span`,
    contacts: `${prefix}_contacts`,
    settings: `${prefix}_settings`,
  }
}

export const createTables = async (q: SqlQueryable, generation: number): Promise<void> => {
  const t = tablesOf(generation)
  const statements = [
    `create table if not exists ${t.repDays} (rep_id text not null, day text not null,
       ${counterNames.map((c) => `${quoted(c)} double precision not null default 0`).join(", ")},
       primary key (rep_id, day)) with (fillfactor = 50)`,
    `create index if not exists ${t.repDays}_by_day on ${t.repDays} (day)`,
    `create table if not exists ${t.repMonths} (rep_id text not null, month text not null,
       ${counterNames.map((c) => `${quoted(c)} double precision not null default 0`).join(", ")},
       primary key (rep_id, month)) with (fillfactor = 50)`,
    `create index if not exists ${t.repMonths}_by_month on ${t.repMonths} (month)`,
    `create table if not exists ${t.reps} (rep_id text primary key, row jsonb not null)`,
    `create table if not exists ${t.deals} (deal_id text primary key, owner_rep_id text not null, row jsonb not null, written bigint not null)`,
    `create index if not exists ${t.deals}_by_owner on ${t.deals} (owner_rep_id)`,
    `create index if not exists ${t.deals}_by_written on ${t.deals} (written)`,
    `create table if not exists ${t.meetings} (meeting_id text primary key, row jsonb not null)`,
    `create table if not exists ${t.accounts} (account_id text primary key, targeted boolean not null, row jsonb not null)`,
    `create table if not exists ${t.accountActivity} (account_id text primary key, activities double precision not null, last_activity_at text not null) with (fillfactor = 50)`,
    `create table if not exists ${t.contacts} (contact_id text primary key, row jsonb not null)`,
    `create table if not exists ${t.settings} (id int primary key, settings jsonb not null)`,
    `create table if not exists ${t.occurrences} (quarter_hour bigint primary key, events bigint not null)`,
    `create table if not exists ${t.occurrenceSpan} (id int primary key, events bigint not null, first_ms double precision not null, last_ms double precision not null)`,
  ]
  for (const statement of statements) await q.query(statement)
}

export const dropTables = async (q: SqlQueryable, generation: number): Promise<void> => {
  for (const table of Object.values(tablesOf(generation))) await q.query(`drop table if exists ${table}`)
}

/** The keys a batch of changes touched, per table: only those rows are written. */
export type Touched = {
  /** The days touched, by rep (no key string built per event). */
  readonly repDays: Map<string, Set<string>>
  readonly reps: Set<string>
  readonly deals: Set<string>
  readonly meetings: Set<string>
  readonly accounts: Set<string>
  readonly accountActivity: Set<string>
  readonly contacts: Set<string>
  /** Quarter-hours in which folded events occurred (their counts, and the span, are written). */
  readonly quarterHours: Set<number>
  settings: boolean
}

export const nothingTouched = (): Touched => ({
  repDays: new Map(),
  reps: new Set(),
  deals: new Set(),
  meetings: new Set(),
  accounts: new Set(),
  accountActivity: new Set(),
  contacts: new Set(),
  quarterHours: new Set(),
  settings: false,
})

/** One statement of a batch's write: computed where the state is (the fold thread), run where the store is. */
export type Statement = { readonly text: string; readonly params: ReadonlyArray<unknown> }

/** A statement per chunk of 5,000 rows (a statement's parameters stay a bounded size). */
const inChunks = <T>(rows: ReadonlyArray<T>, statement: (chunk: ReadonlyArray<T>) => Statement): Statement[] => {
  const statements: Statement[] = []
  for (let i = 0; i < rows.length; i += 5_000) statements.push(statement(rows.slice(i, i + 5_000)))
  return statements
}

/** Rows of a counters table (rep days, rep months): a rep, a period, the counters. */
type CounterRow = { readonly repId: string; readonly period: string; readonly counters: DayCounters }

/**
 * Upserts of counter rows. Only the non-zero counters travel (a rep's day has a handful of its ~25
 * counters set); the others are read back as 0. Measured on PGlite for 12,000 rep days rewritten:
 * 43 µs a row with every counter sent, 24 sparse, 11 sparse in tables with fillfactor 50 (an
 * update then fits on its row's page and leaves the indexes alone).
 */
const upsertCounters = (table: string, periodColumn: string, rows: ReadonlyArray<CounterRow>): Statement[] =>
  inChunks(rows, (chunk) => ({
    text: `insert into ${table} (rep_id, ${periodColumn}, ${counterColumns})
       select rep_id, period, ${counterNames.map((c) => `coalesce(${quoted(c)}, 0)`).join(", ")} from jsonb_to_recordset($1::jsonb)
         as r(rep_id text, period text, ${counterNames.map((c) => `${quoted(c)} double precision`).join(", ")})
       on conflict (rep_id, ${periodColumn}) do update set ${counterNames.map((c) => `${quoted(c)} = excluded.${quoted(c)}`).join(", ")}`,
    params: [JSON.stringify(chunk.map(sparseCounterRow))],
  }))

const sparseCounterRow = ({ repId, period, counters }: CounterRow): Record<string, string | number> => {
  const row: Record<string, string | number> = { rep_id: repId, period }
  for (const name of counterNames) if (counters[name] !== 0) row[name] = counters[name]
  return row
}

const deleteCounters = (
  table: string,
  periodColumn: string,
  rows: ReadonlyArray<{ readonly repId: string; readonly period: string }>,
): Statement[] =>
  rows.length === 0
    ? []
    : [
        {
          text: `delete from ${table} using unnest($1::text[], $2::text[]) as r(rep_id, period)
     where ${table}.rep_id = r.rep_id and ${table}.${periodColumn} = r.period`,
          params: [rows.map((r) => r.repId), rows.map((r) => r.period)],
        },
      ]

/**
 * The statements that write the touched rows as the state now has them (upserts: writing a row twice
 * is harmless), and delete the touched rows the state no longer has (an identity's rows, merged into
 * its rep). Month rows are summed again from the state's days of each touched month. Pure: the
 * projection runner computes them on its fold thread and runs them in the transaction that moves the
 * checkpoint, after it has moved: a deal row's `written` is then the generation's events applied
 * with this batch (`eventsApplied`, read in the statement), and readers fetch only the deals written
 * since they last looked (see `dealsOf`).
 */
export const touchedStatements = (
  model: string,
  generation: number,
  state: LedgerState,
  touched: Touched,
): Statement[] => {
  const t = tablesOf(generation)
  const rows = <K, R>(keys: Set<K>, map: Map<K, R>) =>
    [...keys].map((k) => map.get(k)).filter((r): r is R => r !== undefined)
  const gone = <K>(keys: Set<K>, map: Map<K, unknown>) => [...keys].filter((k) => !map.has(k))
  const statements: Statement[] = []

  const dayRows: RepDayRow[] = []
  const goneDays: Array<{ readonly repId: string; readonly period: string }> = []
  const months = new Map<string, { readonly repId: string; readonly month: string }>()
  for (const [repId, days] of touched.repDays) {
    for (const day of days) {
      const row = state.repDays.get(repDayKey(repId, day))
      if (row === undefined) goneDays.push({ repId, period: day })
      else dayRows.push(row)
      const month = monthOf(day)
      months.set(`${repId}|${month}`, { repId, month })
    }
  }
  statements.push(...deleteCounters(t.repDays, "day", goneDays))
  statements.push(
    ...upsertCounters(
      t.repDays,
      "day",
      dayRows.map(({ repId, day, ...counters }) => ({ repId, period: day, counters })),
    ),
  )

  const monthRows: CounterRow[] = []
  const goneMonths: Array<{ readonly repId: string; readonly period: string }> = []
  for (const { repId, month } of months.values()) {
    const days: RepDayRow[] = []
    for (let day = 1; day <= 31; day++) {
      const row = state.repDays.get(repDayKey(repId, `${month}-${String(day).padStart(2, "0")}`))
      if (row !== undefined) days.push(row)
    }
    if (days.length === 0) goneMonths.push({ repId, period: month })
    else monthRows.push({ repId, period: month, counters: sumCounters(days) })
  }
  statements.push(...deleteCounters(t.repMonths, "month", goneMonths))
  statements.push(...upsertCounters(t.repMonths, "month", monthRows))
  const deleteGone = (table: string, keyColumn: string, keys: ReadonlyArray<string>) => {
    if (keys.length > 0)
      statements.push({
        text: `delete from ${table} where ${keyColumn} in (select value from jsonb_array_elements_text($1::jsonb))`,
        params: [JSON.stringify(keys)],
      })
  }
  deleteGone(t.reps, "rep_id", gone(touched.reps, state.reps))
  deleteGone(t.deals, "deal_id", gone(touched.deals, state.deals))
  deleteGone(t.meetings, "meeting_id", gone(touched.meetings, state.meetings))
  deleteGone(t.accounts, "account_id", gone(touched.accounts, state.accounts))
  deleteGone(t.contacts, "contact_id", gone(touched.contacts, state.contacts))

  /** Upserts of json rows; `computed` columns are set by an expression, the same for every row. */
  const upsertJson = (
    table: string,
    keyColumn: string,
    items: ReadonlyArray<{ key: string; row: unknown; extra?: Record<string, unknown> }>,
    extraColumns: ReadonlyArray<[string, string]> = [],
    computed: ReadonlyArray<[string, string]> = [],
  ) => {
    const extras = extraColumns.map(([name]) => name)
    const columns = [...extras, "row", ...computed.map(([name]) => name)]
    statements.push(
      ...inChunks(items, (chunk) => ({
        text: `insert into ${table} (${keyColumn}, ${columns.join(", ")})
         select k, ${[...extras, "row", ...computed.map(([, expression]) => expression)].join(", ")} from jsonb_to_recordset($1::jsonb)
           as r(k text, ${[...extraColumns.map(([n, type]) => `${n} ${type}`), "row jsonb"].join(", ")})
         on conflict (${keyColumn}) do update set ${columns.map((c) => `${c} = excluded.${c}`).join(", ")}`,
        params: [JSON.stringify(chunk.map(({ key, row, extra }) => ({ k: key, row, ...extra })))],
      })),
    )
  }
  upsertJson(
    t.reps,
    "rep_id",
    rows(touched.reps, state.reps).map((row) => ({ key: row.repId, row })),
  )
  upsertJson(
    t.deals,
    "deal_id",
    rows(touched.deals, state.deals).map((row) => ({ key: row.dealId, row, extra: { owner_rep_id: row.ownerRepId } })),
    [["owner_rep_id", "text"]],
    [["written", eventsAppliedExpression(model, generation)]],
  )
  upsertJson(
    t.meetings,
    "meeting_id",
    rows(touched.meetings, state.meetings).map((row) => ({ key: row.meetingId, row })),
  )
  upsertJson(
    t.accounts,
    "account_id",
    rows(touched.accounts, state.accounts).map((row) => ({
      key: row.accountId,
      row,
      extra: { targeted: row.targeted },
    })),
    [["targeted", "boolean"]],
  )
  upsertJson(
    t.contacts,
    "contact_id",
    rows(touched.contacts, state.contacts).map((row) => ({ key: row.contactId, row })),
  )
  statements.push(
    ...inChunks(rows(touched.accountActivity, state.accountActivity), (chunk) => ({
      text: `insert into ${t.accountActivity} (account_id, activities, last_activity_at)
       select * from unnest($1::text[], $2::float8[], $3::text[])
       on conflict (account_id) do update set activities = excluded.activities, last_activity_at = excluded.last_activity_at`,
      params: [chunk.map((r) => r.accountId), chunk.map((r) => r.activities), chunk.map((r) => r.lastActivityAt)],
    })),
  )
  if (touched.quarterHours.size > 0) {
    const { byQuarterHour, events, firstMs, lastMs } = state.occurrences
    const quarterHours = [...touched.quarterHours]
    statements.push(
      {
        text: `insert into ${t.occurrences} (quarter_hour, events) select * from unnest($1::bigint[], $2::bigint[])
       on conflict (quarter_hour) do update set events = excluded.events`,
        params: [quarterHours, quarterHours.map((quarterHour) => byQuarterHour.get(quarterHour) ?? 0)],
      },
      {
        text: `insert into ${t.occurrenceSpan} (id, events, first_ms, last_ms) values (1, $1, $2, $3)
       on conflict (id) do update set events = excluded.events, first_ms = excluded.first_ms, last_ms = excluded.last_ms`,
        params: [events, firstMs, lastMs],
      },
    )
  }
  if (touched.settings) {
    statements.push({
      text: `insert into ${t.settings} (id, settings) values (1, $1::jsonb) on conflict (id) do update set settings = excluded.settings`,
      params: [JSON.stringify(state.settings)],
    })
  }
  return statements
}

/**
 * Every row of `table` in key order, a page at a time (each read as `selectMany` reads), each page
 * handed to `take`, with a turn of the event loop between pages: a large read model loads without
 * holding the process (on PGlite a query runs on this thread).
 */
const scan = async <Row extends Record<string, unknown>>(
  q: SqlQueryable,
  table: string,
  key: ReadonlyArray<string>,
  columns: string,
  take: (rows: ReadonlyArray<Row>) => void,
  pageSize = 5_000,
): Promise<void> => {
  let after: ReadonlyArray<unknown> = []
  for (;;) {
    const where = after.length === 0 ? "" : `where (${key.join(", ")}) > (${key.map((_, i) => `$${i + 1}`).join(", ")})`
    const order = key.join(", ")
    const rows = await selectMany<Row>(
      q,
      `select ${columns} from ${table} ${where} order by ${order} limit ${pageSize}`,
      after,
      order,
    )
    if (rows.length > 0) take(rows)
    const last = rows.at(-1)
    if (last === undefined || rows.length < pageSize) return
    after = key.map((column) => last[column])
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** A page of a generation's stored rows, as read: which part of the state they make, and the rows. */
export type StoredRows =
  | {
      readonly part: "repDays"
      readonly rows: ReadonlyArray<Record<string, unknown> & { rep_id: string; day: string }>
    }
  | { readonly part: "reps"; readonly rows: ReadonlyArray<{ rep_id: string; row: RepRow }> }
  | { readonly part: "deals"; readonly rows: ReadonlyArray<{ deal_id: string; row: DealRow }> }
  | { readonly part: "meetings"; readonly rows: ReadonlyArray<{ meeting_id: string; row: MeetingRow }> }
  | { readonly part: "accounts"; readonly rows: ReadonlyArray<{ account_id: string; row: AccountRow }> }
  | { readonly part: "accountActivity"; readonly rows: ReadonlyArray<AccountActivityColumns> }
  | { readonly part: "contacts"; readonly rows: ReadonlyArray<{ contact_id: string; row: ContactRow }> }
  | { readonly part: "settings"; readonly rows: ReadonlyArray<{ settings: TeamSettings }> }
  | {
      readonly part: "occurrences"
      readonly rows: ReadonlyArray<{ quarter_hour: number | string; events: number | string }>
    }
  | {
      readonly part: "occurrenceSpan"
      readonly rows: ReadonlyArray<{ events: number | string; first_ms: number; last_ms: number }>
    }

/**
 * Reads a generation's stored state a page of rows at a time, each handed to `take` (the projection
 * runner hands them to its fold thread, so that no whole state is ever copied between threads).
 */
export const readStoredRows = async (
  q: SqlQueryable,
  generation: number,
  take: (page: StoredRows) => void,
): Promise<void> => {
  const t = tablesOf(generation)
  await scan<Record<string, unknown> & { rep_id: string; day: string }>(
    q,
    t.repDays,
    ["rep_id", "day"],
    `rep_id, day, ${counterColumns}`,
    (rows) => take({ part: "repDays", rows }),
  )
  await scan<{ rep_id: string; row: RepRow }>(q, t.reps, ["rep_id"], "rep_id, row", (rows) =>
    take({ part: "reps", rows }),
  )
  await scan<{ deal_id: string; row: DealRow }>(q, t.deals, ["deal_id"], "deal_id, row", (rows) =>
    take({ part: "deals", rows }),
  )
  await scan<{ meeting_id: string; row: MeetingRow }>(q, t.meetings, ["meeting_id"], "meeting_id, row", (rows) =>
    take({ part: "meetings", rows }),
  )
  await scan<{ account_id: string; row: AccountRow }>(q, t.accounts, ["account_id"], "account_id, row", (rows) =>
    take({ part: "accounts", rows }),
  )
  await scan<AccountActivityColumns>(q, t.accountActivity, ["account_id"], accountActivityColumns, (rows) =>
    take({ part: "accountActivity", rows }),
  )
  await scan<{ contact_id: string; row: ContactRow }>(q, t.contacts, ["contact_id"], "contact_id, row", (rows) =>
    take({ part: "contacts", rows }),
  )
  take({
    part: "settings",
    rows: await q.query<{ settings: TeamSettings }>(`select settings from ${t.settings} where id = 1`),
  })
  await scan<{ quarter_hour: number | string; events: number | string }>(
    q,
    t.occurrences,
    ["quarter_hour"],
    "quarter_hour, events",
    (rows) => take({ part: "occurrences", rows }),
  )
  take({
    part: "occurrenceSpan",
    rows: await q.query<{ events: number | string; first_ms: number; last_ms: number }>(
      `select events, first_ms, last_ms from ${t.occurrenceSpan}`,
    ),
  })
}

/** Puts a page of stored rows into a state: the one way a stored state is rebuilt, here or on the fold thread. */
export const addStoredRows = (state: LedgerState, page: StoredRows): void => {
  switch (page.part) {
    case "repDays":
      for (const { rep_id, day, ...counters } of page.rows)
        state.repDays.set(repDayKey(rep_id, day), { repId: rep_id, day, ...(numbers(counters) as DayCounters) })
      return
    case "reps":
      for (const { rep_id, row } of page.rows) state.reps.set(rep_id, row)
      for (const [alias, repId] of identityIndexOf(page.rows.map((r) => r.row))) state.identities.set(alias, repId)
      return
    case "deals":
      for (const { deal_id, row } of page.rows) state.deals.set(deal_id, row)
      return
    case "meetings":
      for (const { meeting_id, row } of page.rows) state.meetings.set(meeting_id, row)
      return
    case "accounts":
      for (const { account_id, row } of page.rows) state.accounts.set(account_id, row)
      return
    case "accountActivity":
      for (const row of page.rows) state.accountActivity.set(row.account_id, toAccountActivity(row))
      return
    case "contacts":
      for (const { contact_id, row } of page.rows) state.contacts.set(contact_id, row)
      return
    case "settings":
      for (const { settings } of page.rows) state.settings = settings
      return
    case "occurrences":
      for (const { quarter_hour, events } of page.rows)
        state.occurrences.byQuarterHour.set(Number(quarter_hour), Number(events))
      return
    case "occurrenceSpan":
      for (const { events, first_ms, last_ms } of page.rows)
        Object.assign(state.occurrences, { events: Number(events), firstMs: Number(first_ms), lastMs: Number(last_ms) })
      return
    default:
      assertNever(page)
  }
}

/** Loads a generation's whole state, to resume folding where its checkpoint left off. */
export const loadState = async (q: SqlQueryable, generation: number): Promise<LedgerState> => {
  const state = emptyLedgerState()
  await readStoredRows(q, generation, (page) => addStoredRows(state, page))
  return state
}

function assertNever(page: never): never {
  throw new Error(`unhandled stored rows ${JSON.stringify(page)}`)
}

const numbers = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]))

// ---- reads --------------------------------------------------------------------------------------

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

type AccountActivityColumns = { account_id: string; activities: number; last_activity_at: string }
const accountActivityColumns = "account_id, activities, last_activity_at"
const toAccountActivity = (row: AccountActivityColumns): AccountActivityRow => ({
  accountId: row.account_id,
  activities: Number(row.activities),
  lastActivityAt: row.last_activity_at,
})

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

export const teamSettings = async (q: SqlQueryable, generation: number): Promise<TeamSettings | undefined> =>
  (await q.query<{ settings: TeamSettings }>(`select settings from ${tablesOf(generation).settings} where id = 1`))[0]
    ?.settings
