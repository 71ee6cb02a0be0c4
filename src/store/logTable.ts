/**
 * @module The `ledger_events` table as the operations read it: the columns selected, a row as the
 * drivers return it and the event it records, and the SQL fragments the reads share (an instant as
 * epoch milliseconds, the as-of bounds, the last event of each stream).
 */
import type { AsOf, RecordedEvent } from "./eventLog.js"

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
