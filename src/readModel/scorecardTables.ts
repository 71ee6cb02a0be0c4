/**
 * @module The scorecard read model's tables: the one place that knows them. One set of tables per
 * generation (`rm_g<N>_…`), so that a rebuild fills new tables while the old ones answer reads;
 * and the fold version they are filled with. Writing a batch: scorecardWrites.ts; loading a stored
 * state back: scorecardState.ts; the reads the queries make: scorecardReads.ts.
 *
 * Rep days have a numeric column per counter, so a window is one `sum(...) group by rep_id`:
 * O(reps × days) in the database, O(reps) across the wire. Entities are stored as jsonb rows.
 */
import { type AccountActivityRow, counterNames, type RepAccountRow } from "../../projections/index.js"
import type { SqlQueryable } from "../store/sql.js"

/** The read model's name in the generations registry (registry.ts). */
export const scorecardModel = "scorecards"

/**
 * The version of the folds' meaning. Bump it when a change to `projections/` would give other rows
 * for the same log: on its next start the runner rebuilds a new generation, blue-green.
 */
export const scorecardFoldVersion = 6 // 2: vendor identities resolved to reps, retroactively; firstSeenAt the earliest instant. 3: account activity in a table of its own. 4: badgering by when declines happened; counters of what a booker and an originator produced. 5: deals without an amount or an account, and their CRM stage; accounts' industry and size. 6: target accounts' owners; each rep's activity on each account by day

/** A column name as SQL reads it (the counters are camelCase). */
export const quoted = (name: string) => `"${name}"`
/** The counter columns of the rep days and rep months tables, in `counterNames` order. */
export const counterColumns = counterNames.map(quoted).join(", ")

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
    repAccounts: `${prefix}_rep_accounts`,
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
    `create table if not exists ${t.repAccounts} (rep_id text not null, account_id text not null, days jsonb not null, last_activity_at text not null, primary key (rep_id, account_id))`,
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

/** A row read from SQL with its numbers as numbers (bigint and numeric come back as strings). */
export const numbers = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]))

export type AccountActivityColumns = { account_id: string; activities: number; last_activity_at: string }
export const accountActivityColumns = "account_id, activities, last_activity_at"
export const toAccountActivity = (row: AccountActivityColumns): AccountActivityRow => ({
  accountId: row.account_id,
  activities: Number(row.activities),
  lastActivityAt: row.last_activity_at,
})

export type RepAccountColumns = { rep_id: string; account_id: string; days: Array<number>; last_activity_at: string }
export const repAccountColumns = "rep_id, account_id, days, last_activity_at"
export const toRepAccount = (row: RepAccountColumns): RepAccountRow => ({
  repId: row.rep_id,
  accountId: row.account_id,
  days: row.days,
  lastActivityAt: row.last_activity_at,
})
