/**
 * @module The `ledger_events` table as the operations read it: the columns selected, a row as the
 * drivers return it and the event it records, and the SQL fragments the reads share (an instant as
 * epoch milliseconds, the as-of bounds, the last event of each stream).
 */
import type { AsOf, RecordedEvent } from "./eventLog.js"
import type { SqlQueryable } from "./sql.js"

/** A row of ledger_events as the drivers return it. */
export type EventRow = {
  global_position: number | string
  transaction_id: string
  stream_id: string
  stream_version: number | string
  type: string
  schema_version: number
  data: unknown
  metadata: Record<string, unknown>
  occurred_at: Date
  recorded_at: Date
  idempotency_key: string
}

// The xid8 goes out as text (JS has no 64-bit integer column type here). ORDER BY must then name
// ledger_events.transaction_id: the bare name would be this text alias, sorted as text ("1000" < "999")
// and without the index.
export const eventColumns = `global_position, transaction_id::text as transaction_id, stream_id, stream_version, type,
  schema_version, data, metadata, occurred_at, recorded_at, idempotency_key`
export const selectEvents = `select ${eventColumns} from ledger_events`

export const toRecorded = (row: EventRow): RecordedEvent => ({
  position: Number(row.global_position),
  transactionId: row.transaction_id,
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  occurredAt: row.occurred_at.toISOString(),
  recordedAt: row.recorded_at.toISOString(),
  idempotencyKey: row.idempotency_key,
})

/**
 * The transaction ids of the server's other databases still running, as `xid`s (a subquery): each
 * backend's database and transaction, from `pg_stat_get_activity`. A transaction of another
 * database never writes this log.
 */
const otherDatabasesTransactions = `select a.backend_xid from pg_stat_get_activity(null) as a
  where a.backend_xid is not null and a.datid <> (select oid from pg_database where datname = current_database())`

/**
 * The fence of a read, an xid8 expression: the transactions below it have all ended, so that the
 * events they stored are final in the log's order and a reader may checkpoint past them (see
 * readLog.ts). It is the oldest transaction still running that could write this log, or the next
 * transaction id when none is. Transaction ids are the server's, and `pg_snapshot_xmin` is the
 * oldest running in any database: a session left in a transaction in another database of the same
 * PostgreSQL server (a report, another application, another test run) would hide every event
 * appended since from every reader, for as long as it stays open. So on PostgreSQL the running
 * transactions the snapshot lists are those of this database, and those not known to be another's
 * (one that ended since, a prepared one): a transaction of this database is never left out, so no
 * reader skips an event that a slower writer commits. PGlite has one database.
 */
export const fenceOf = (q: SqlQueryable): string =>
  q.backend === "pglite"
    ? "pg_snapshot_xmin(pg_current_snapshot())"
    : `(select coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) from pg_snapshot_xip(pg_current_snapshot()) as x
        where x::xid not in (${otherDatabasesTransactions}))`

/**
 * The running transactions a fenced read cannot see past (an xid8 set, for `… as x`): every one the
 * snapshot lists on PGlite; on PostgreSQL those not known to be another database's (see `fenceOf`).
 */
export const runningBelowFence = (q: SqlQueryable): string =>
  q.backend === "pglite"
    ? "pg_snapshot_xip(pg_current_snapshot())"
    : `(select x from pg_snapshot_xip(pg_current_snapshot()) as x where x::xid not in (${otherDatabasesTransactions}))`

/** An instant as epoch milliseconds (floored, as a JS Date holds it), a plain JSON number. */
export const epochMs = (column: string) => `floor(extract(epoch from ${column}) * 1000)::float8`

/** `select` over the last event of each stream named in `$1` (a text[]) that has one: `s.id` the stream, `last.version` its version. */
export const lastEventOfEach = (select: string) =>
  `${select} from unnest($1::text[]) as s(id)
   cross join lateral (select stream_version as version from ledger_events where stream_id = s.id
                       order by stream_version desc limit 1) as last`

/** The conditions of an as-of bound (`and …`, empty without one), numbered after `params`, and all the parameters. */
export const asOfClause = (asOf: AsOf | undefined, params: ReadonlyArray<unknown>) => {
  const all = [...params]
  const conditions: string[] = []
  if (asOf?.occurredAt !== undefined) {
    all.push(asOf.occurredAt)
    conditions.push(`occurred_at <= $${all.length}::timestamptz`)
  }
  if (asOf?.recordedAt !== undefined) {
    all.push(asOf.recordedAt)
    conditions.push(`recorded_at <= $${all.length}::timestamptz`)
  }
  if (asOf?.until !== undefined) {
    all.push(asOf.until.transactionId, asOf.until.position)
    conditions.push(`(transaction_id, global_position) <= ($${all.length - 1}::text::xid8, $${all.length}::bigint)`)
  }
  return { where: conditions.map((c) => `and ${c}`).join(" "), params: all }
}
