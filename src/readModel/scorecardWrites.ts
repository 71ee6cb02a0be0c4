/**
 * @module Writing a batch to the scorecard tables: the keys a batch of changes touched, and the
 * statements that write those rows as the folded state now has them. Pure: computed on the fold
 * thread, run by the projection runner in the transaction that moves the checkpoint.
 */
import {
  counterNames,
  type DayCounters,
  type LedgerState,
  monthOf,
  type RepDayRow,
  repDayKey,
  sumCounters,
} from "../../projections/index.js"
import { eventsAppliedExpression } from "./registry.js"
import { counterColumns, quoted, tablesOf } from "./scorecardTables.js"

/** The keys a batch of changes touched, per table: only those rows are written. */
export type Touched = {
  /** The days touched, by rep (no key string built per event). */
  readonly repDays: Map<string, Set<string>>
  readonly reps: Set<string>
  readonly deals: Set<string>
  readonly meetings: Set<string>
  readonly accounts: Set<string>
  readonly accountActivity: Set<string>
  /** Keys of {@link LedgerState.repAccounts} (`repAccountKey`). */
  readonly repAccounts: Set<string>
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
  repAccounts: new Set(),
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
 * since they last looked (see `dealsOf`, scorecardReads.ts).
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
  const repAccounts = rows(touched.repAccounts, state.repAccounts)
  statements.push(
    ...inChunks(repAccounts, (chunk) => ({
      text: `insert into ${t.repAccounts} (rep_id, account_id, days, last_activity_at)
       select rep_id, account_id, days, last_activity_at from jsonb_to_recordset($1::jsonb)
         as r(rep_id text, account_id text, days jsonb, last_activity_at text)
       on conflict (rep_id, account_id) do update set days = excluded.days, last_activity_at = excluded.last_activity_at`,
      params: [
        JSON.stringify(
          chunk.map((r) => ({
            rep_id: r.repId,
            account_id: r.accountId,
            days: r.days,
            last_activity_at: r.lastActivityAt,
          })),
        ),
      ],
    })),
  )
  const goneRepAccounts = gone(touched.repAccounts, state.repAccounts)
  if (goneRepAccounts.length > 0)
    statements.push({
      text: `delete from ${t.repAccounts} where rep_id || '|' || account_id in (select value from jsonb_array_elements_text($1::jsonb))`,
      params: [JSON.stringify(goneRepAccounts)],
    })
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
