/**
 * @module The scorecard read model's tables: the one place that knows them. One set of tables per
 * generation (`rm_g<N>_…`), so that a rebuild fills new tables while the old ones answer reads.
 *
 * Rep days have a numeric column per counter, so a window is one `sum(...) group by rep_id`:
 * O(reps × days) in the database, O(reps) across the wire. Entities are stored as jsonb rows.
 */
import {
  counterNames,
  emptyLedgerState,
  identityIndexOf,
  repDayKey,
  type AccountRow,
  type ContactRow,
  type DayCounters,
  type DealRow,
  type LedgerState,
  type MeetingRow,
  type RepDayRow,
  type RepRow,
} from "../../projections/index.js"
import type { TeamSettings } from "../../events/index.js"
import type { SqlQueryable } from "../store/sql.js"

const quoted = (name: string) => `"${name}"`
const counterColumns = counterNames.map(quoted).join(", ")

/** The tables of one generation. */
export const tablesOf = (generation: number) => {
  const prefix = `rm_g${Math.trunc(generation)}`
  return {
    repDays: `${prefix}_rep_days`,
    reps: `${prefix}_reps`,
    deals: `${prefix}_deals`,
    meetings: `${prefix}_meetings`,
    accounts: `${prefix}_accounts`,
    contacts: `${prefix}_contacts`,
    settings: `${prefix}_settings`,
  }
}

export const createTables = async (q: SqlQueryable, generation: number): Promise<void> => {
  const t = tablesOf(generation)
  const statements = [
    `create table if not exists ${t.repDays} (rep_id text not null, day text not null,
       ${counterNames.map((c) => `${quoted(c)} double precision not null default 0`).join(", ")},
       primary key (rep_id, day))`,
    `create index if not exists ${t.repDays}_by_day on ${t.repDays} (day)`,
    `create table if not exists ${t.reps} (rep_id text primary key, row jsonb not null)`,
    `create table if not exists ${t.deals} (deal_id text primary key, owner_rep_id text not null, row jsonb not null)`,
    `create index if not exists ${t.deals}_by_owner on ${t.deals} (owner_rep_id)`,
    `create table if not exists ${t.meetings} (meeting_id text primary key, row jsonb not null)`,
    `create table if not exists ${t.accounts} (account_id text primary key, targeted boolean not null, row jsonb not null)`,
    `create table if not exists ${t.contacts} (contact_id text primary key, row jsonb not null)`,
    `create table if not exists ${t.settings} (id int primary key, settings jsonb not null)`,
  ]
  for (const statement of statements) await q.query(statement)
}

export const dropTables = async (q: SqlQueryable, generation: number): Promise<void> => {
  for (const table of Object.values(tablesOf(generation))) await q.query(`drop table if exists ${table}`)
}

/** The keys a batch of changes touched, per table: only those rows are written. */
export type Touched = {
  readonly repDays: Set<string>
  readonly reps: Set<string>
  readonly deals: Set<string>
  readonly meetings: Set<string>
  readonly accounts: Set<string>
  readonly contacts: Set<string>
  settings: boolean
}

export const nothingTouched = (): Touched => ({
  repDays: new Set(),
  reps: new Set(),
  deals: new Set(),
  meetings: new Set(),
  accounts: new Set(),
  contacts: new Set(),
  settings: false,
})

/**
 * Writes the touched rows as the state now has them (upserts: writing a row twice is harmless), and
 * deletes the touched rows the state no longer has (an identity's rows, merged into its rep).
 */
export const persistTouched = async (q: SqlQueryable, generation: number, state: LedgerState, touched: Touched): Promise<void> => {
  const t = tablesOf(generation)
  const rows = <K, R>(keys: Set<K>, map: Map<K, R>) => [...keys].map((k) => map.get(k)).filter((r): r is R => r !== undefined)
  const gone = <K>(keys: Set<K>, map: Map<K, unknown>) => [...keys].filter((k) => !map.has(k))

  const goneDays = gone(touched.repDays, state.repDays)
  if (goneDays.length > 0) {
    // The key is `${repId}|${day}` and a day has no "|": split at the last one.
    const pairs = goneDays.map((key) => {
      const bar = key.lastIndexOf("|")
      return { rep_id: key.slice(0, bar), day: key.slice(bar + 1) }
    })
    await q.query(
      `delete from ${t.repDays} using jsonb_to_recordset($1::jsonb) as r(rep_id text, day text)
       where ${t.repDays}.rep_id = r.rep_id and ${t.repDays}.day = r.day`,
      [JSON.stringify(pairs)],
    )
  }
  const deleteGone = async (table: string, keyColumn: string, keys: ReadonlyArray<string>) => {
    if (keys.length === 0) return
    await q.query(`delete from ${table} where ${keyColumn} in (select value from jsonb_array_elements_text($1::jsonb))`, [JSON.stringify(keys)])
  }
  await deleteGone(t.reps, "rep_id", gone(touched.reps, state.reps))
  await deleteGone(t.deals, "deal_id", gone(touched.deals, state.deals))
  await deleteGone(t.meetings, "meeting_id", gone(touched.meetings, state.meetings))
  await deleteGone(t.accounts, "account_id", gone(touched.accounts, state.accounts))
  await deleteGone(t.contacts, "contact_id", gone(touched.contacts, state.contacts))

  const days = rows(touched.repDays, state.repDays)
  for (let i = 0; i < days.length; i += 5_000) {
    const chunk = days.slice(i, i + 5_000)
    await q.query(
      `insert into ${t.repDays} (rep_id, day, ${counterColumns})
       select rep_id, day, ${counterColumns} from jsonb_to_recordset($1::jsonb)
         as r(rep_id text, day text, ${counterNames.map((c) => `${quoted(c)} double precision`).join(", ")})
       on conflict (rep_id, day) do update set ${counterNames.map((c) => `${quoted(c)} = excluded.${quoted(c)}`).join(", ")}`,
      [JSON.stringify(chunk.map(({ repId, day, ...counters }) => ({ rep_id: repId, day, ...counters })))],
    )
  }
  const upsertJson = async (table: string, keyColumn: string, items: ReadonlyArray<{ key: string; row: unknown; extra?: Record<string, unknown> }>, extraColumns: ReadonlyArray<[string, string]> = []) => {
    for (let i = 0; i < items.length; i += 5_000) {
      const chunk = items.slice(i, i + 5_000)
      const extras = extraColumns.map(([name]) => name)
      await q.query(
        `insert into ${table} (${keyColumn}, ${[...extras, "row"].join(", ")})
         select k, ${[...extras, "row"].join(", ")} from jsonb_to_recordset($1::jsonb)
           as r(k text, ${[...extraColumns.map(([n, type]) => `${n} ${type}`), "row jsonb"].join(", ")})
         on conflict (${keyColumn}) do update set ${[...extras, "row"].map((c) => `${c} = excluded.${c}`).join(", ")}`,
        [JSON.stringify(chunk.map(({ key, row, extra }) => ({ k: key, row, ...extra })))],
      )
    }
  }
  await upsertJson(t.reps, "rep_id", rows(touched.reps, state.reps).map((row) => ({ key: row.repId, row })))
  await upsertJson(
    t.deals,
    "deal_id",
    rows(touched.deals, state.deals).map((row) => ({ key: row.dealId, row, extra: { owner_rep_id: row.ownerRepId } })),
    [["owner_rep_id", "text"]],
  )
  await upsertJson(t.meetings, "meeting_id", rows(touched.meetings, state.meetings).map((row) => ({ key: row.meetingId, row })))
  await upsertJson(
    t.accounts,
    "account_id",
    rows(touched.accounts, state.accounts).map((row) => ({ key: row.accountId, row, extra: { targeted: row.targeted } })),
    [["targeted", "boolean"]],
  )
  await upsertJson(t.contacts, "contact_id", rows(touched.contacts, state.contacts).map((row) => ({ key: row.contactId, row })))
  if (touched.settings) {
    await q.query(
      `insert into ${t.settings} (id, settings) values (1, $1::jsonb) on conflict (id) do update set settings = excluded.settings`,
      [JSON.stringify(state.settings)],
    )
  }
}

/** Loads a generation's whole state, to resume folding where its checkpoint left off. */
export const loadState = async (q: SqlQueryable, generation: number): Promise<LedgerState> => {
  const t = tablesOf(generation)
  const state = emptyLedgerState()
  for (const row of await q.query<Record<string, unknown> & { rep_id: string; day: string }>(
    `select rep_id, day, ${counterColumns} from ${t.repDays}`,
  )) {
    const { rep_id, day, ...counters } = row
    state.repDays.set(repDayKey(rep_id, day), { repId: rep_id, day, ...(numbers(counters) as DayCounters) })
  }
  const load = async <R>(table: string, key: string, into: Map<string, R>) => {
    for (const { k, row } of await q.query<{ k: string; row: R }>(`select ${key} as k, row from ${table}`)) into.set(k, row)
  }
  await load<RepRow>(t.reps, "rep_id", state.reps)
  for (const [alias, repId] of identityIndexOf(state.reps.values())) state.identities.set(alias, repId)
  await load<DealRow>(t.deals, "deal_id", state.deals)
  await load<MeetingRow>(t.meetings, "meeting_id", state.meetings)
  await load<AccountRow>(t.accounts, "account_id", state.accounts)
  await load<ContactRow>(t.contacts, "contact_id", state.contacts)
  const settings = (await q.query<{ settings: TeamSettings }>(`select settings from ${t.settings} where id = 1`))[0]
  if (settings !== undefined) state.settings = settings.settings
  return state
}

const numbers = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]))

// ---- reads --------------------------------------------------------------------------------------

/** Each rep's counters summed over the days `fromDay`..`toDay` (inclusive). */
export const sumRepDays = async (
  q: SqlQueryable,
  generation: number,
  window: { readonly fromDay: string; readonly toDay: string; readonly repIds?: ReadonlyArray<string> },
): Promise<Map<string, DayCounters>> => {
  const t = tablesOf(generation)
  const params: unknown[] = [window.fromDay, window.toDay]
  let reps = ""
  if (window.repIds !== undefined) {
    params.push(JSON.stringify(window.repIds))
    reps = `and rep_id in (select value from jsonb_array_elements_text($3::jsonb))`
  }
  const rows = await q.query<Record<string, unknown> & { rep_id: string }>(
    `select rep_id, ${counterNames.map((c) => `sum(${quoted(c)}) as ${quoted(c)}`).join(", ")}
     from ${t.repDays} where day >= $1 and day <= $2 ${reps} group by rep_id`,
    params,
  )
  return new Map(rows.map(({ rep_id, ...counters }) => [rep_id, numbers(counters) as DayCounters]))
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

/** Deals, all or those of some owners. */
export const dealsOf = async (q: SqlQueryable, generation: number, ownerRepIds?: ReadonlyArray<string>): Promise<ReadonlyArray<DealRow>> =>
  (ownerRepIds === undefined
    ? await q.query<{ row: DealRow }>(`select row from ${tablesOf(generation).deals}`)
    : await q.query<{ row: DealRow }>(
        `select row from ${tablesOf(generation).deals} where owner_rep_id in (select value from jsonb_array_elements_text($1::jsonb))`,
        [JSON.stringify(ownerRepIds)],
      )
  ).map((r) => r.row)

export const targetAccounts = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<AccountRow>> =>
  (await q.query<{ row: AccountRow }>(`select row from ${tablesOf(generation).accounts} where targeted order by account_id`)).map((r) => r.row)

export const allAccounts = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<AccountRow>> =>
  (await q.query<{ row: AccountRow }>(`select row from ${tablesOf(generation).accounts} order by account_id`)).map((r) => r.row)

export const meetingsOf = async (q: SqlQueryable, generation: number): Promise<ReadonlyArray<MeetingRow>> =>
  (await q.query<{ row: MeetingRow }>(`select row from ${tablesOf(generation).meetings}`)).map((r) => r.row)

export const teamSettings = async (q: SqlQueryable, generation: number): Promise<TeamSettings | undefined> =>
  (await q.query<{ settings: TeamSettings }>(`select settings from ${tablesOf(generation).settings} where id = 1`))[0]?.settings
