/**
 * @module A generation's stored state, read back: every row of its tables a page at a time, put
 * into a `LedgerState` the way the folds left it, to resume folding where its checkpoint left off
 * (the projection runner, on its fold thread) or to replay from (the what-if's snapshot).
 */
import { defaultTeamSettings, type TeamSettings } from "../../events/index.js"
import {
  type AccountRow,
  type ContactRow,
  type DayCounters,
  type DealRow,
  emptyLedgerState,
  identityIndexOf,
  type LedgerState,
  type MeetingRow,
  type RepRow,
  repAccountKey,
  repDayKey,
} from "../../projections/index.js"
import { type SqlQueryable, selectMany } from "../store/sql.js"
import {
  type AccountActivityColumns,
  accountActivityColumns,
  counterColumns,
  numbers,
  type RepAccountColumns,
  repAccountColumns,
  tablesOf,
  toAccountActivity,
  toRepAccount,
} from "./scorecardTables.js"

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
  | { readonly part: "repAccounts"; readonly rows: ReadonlyArray<RepAccountColumns> }
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
  await scan<RepAccountColumns>(q, t.repAccounts, ["rep_id", "account_id"], repAccountColumns, (rows) =>
    take({ part: "repAccounts", rows }),
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
    case "repAccounts":
      for (const row of page.rows) state.repAccounts.set(repAccountKey(row.rep_id, row.account_id), toRepAccount(row))
      return
    case "contacts":
      for (const { contact_id, row } of page.rows) state.contacts.set(contact_id, row)
      return
    case "settings":
      // A generation stored before a setting existed has its default.
      for (const { settings } of page.rows) state.settings = { ...defaultTeamSettings, ...settings }
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
