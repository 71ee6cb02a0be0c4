/**
 * @module The event log as an archive: every event in log order, one JSON object per line (NDJSON), and the
 * SQL that restores such an archive into a store at its original positions.
 *
 * An archived event is the `RecordedEvent` without its `transactionId`: that is the id of the transaction that
 * appended the event in *this* database, meaningless in another one. The log's order survives without it,
 * because the lines are written in log order and a restore commits them in that order (see `restoreBatch`).
 *
 * The log's own operations each have a file (eventLog.ts lists them); the restore's SQL is here because it is
 * the one writer that sets positions, stream versions and `recorded_at` itself instead of letting the database
 * assign them.
 *
 * @example
 * for await (const page of archivePages(db)) for (const event of page) out.write(`${archiveLine(event)}\n`)
 */
import { isDeepStrictEqual } from "node:util"
import { type Checkpoint, logStart, type NewEvent, type RecordedEvent } from "./eventLog.js"
import { committedHead } from "./logHead.js"
import { fenceOf } from "./logTable.js"
import { insertKeptValues, type KeptValue, keepEventApart, personalKeyOf, streamIdApart } from "./personalValues.js"
import { readLog } from "./readLog.js"
import { resolvePersonal } from "./resolvePersonal.js"
import { jsonbBytes, type SqlDatabase } from "./sql.js"

/** One line of an archive. */
export type ArchivedEvent = Omit<RecordedEvent, "transactionId"> & Pick<NewEvent, "payloadSubjects">

/** The members of an archive line, in the order they are written: a stable order, so equal logs give equal files. */
export const archiveFields = [
  "position",
  "streamId",
  "streamVersion",
  "type",
  "schemaVersion",
  "data",
  "metadata",
  "occurredAt",
  "recordedAt",
  "idempotencyKey",
] as const satisfies ReadonlyArray<keyof ArchivedEvent>

/** The archive line of an event (without its newline). */
export const archiveLine = (event: ArchivedEvent): string =>
  JSON.stringify(Object.fromEntries(archiveFields.map((field) => [field, event[field]])))

/**
 * The log from its start to its head as of the call, a page at a time: memory stays bounded by the page size,
 * and events appended while the export runs are left for the next export.
 *
 * Every event committed before the call is in it: the pages start once the fence has lifted past the last
 * committed event (`untilCommittedVisible`).
 */
export async function* archivePages(
  db: SqlDatabase,
  options: { readonly pageSize?: number; readonly fenceTimeoutMs?: number } = {},
): AsyncGenerator<ReadonlyArray<RecordedEvent>> {
  const pageSize = options.pageSize ?? 1_000
  const until = await untilCommittedVisible(db, options.fenceTimeoutMs ?? 60_000)
  let after: Checkpoint = logStart
  for (;;) {
    // An archive holds the values, not the tokens (a token means nothing under another store's key):
    // those erased read as `erased:…` in it, and a restore keeps them apart again under its own key.
    const page = await resolvePersonal(db, await readLog(db, { after, limit: pageSize, asOf: { until } }))
    if (page.length === 0) return
    yield page
    const last = page[page.length - 1] as RecordedEvent
    after = { transactionId: last.transactionId, position: last.position }
  }
}

/** Events committed before an export or import are still hidden behind the fence after the time allowed. */
export class FenceStillClosed extends Error {
  override readonly name = "FenceStillClosed"
}

/**
 * The last committed event's checkpoint, once a fenced read shows it (and so everything before it). The fence is
 * the oldest transaction still running that could write the log (logTable.ts `fenceOf`): a session left "idle in
 * transaction" in the store's database holds it back, and after `timeoutMs` this gives up with `FenceStillClosed`.
 */
const untilCommittedVisible = async (db: SqlDatabase, timeoutMs: number): Promise<Checkpoint> => {
  const head = await committedHead(db)
  if (head.transactionId === logStart.transactionId) return head
  const deadline = Date.now() + timeoutMs
  for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
    const [fence] = await db.query<{ lifted: boolean }>(`select $1::text::xid8 < ${fenceOf(db)} as lifted`, [
      head.transactionId,
    ])
    if (fence?.lifted === true) return head
    if (Date.now() > deadline) {
      throw new FenceStillClosed(
        `the last events committed are still hidden after ${Math.round(timeoutMs / 1000)} s by an older transaction ` +
          `that is still running; end it (on PostgreSQL, look for sessions "idle in transaction" in pg_stat_activity) ` +
          `and try again`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, pause))
  }
}

/** Whether a stored event is the event an archive line describes (instants compared as instants, JSON as values). */
export const sameArchivedEvent = (stored: ArchivedEvent, archived: ArchivedEvent): boolean =>
  stored.position === archived.position &&
  stored.streamId === archived.streamId &&
  stored.streamVersion === archived.streamVersion &&
  stored.type === archived.type &&
  stored.schemaVersion === archived.schemaVersion &&
  stored.idempotencyKey === archived.idempotencyKey &&
  Date.parse(stored.occurredAt) === Date.parse(archived.occurredAt) &&
  Date.parse(stored.recordedAt) === Date.parse(archived.recordedAt) &&
  isDeepStrictEqual(stored.data, asJsonb(archived.data)) &&
  isDeepStrictEqual(stored.metadata, asJsonb(archived.metadata))

/** jsonb drops `undefined` members and normalises numbers: compare what the database would store. */
const asJsonb = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null))

/** The store is not in the state a restore found it in: another writer appended meanwhile. */
export class StoreChangedDuringRestore extends Error {
  override readonly name = "StoreChangedDuringRestore"
}

/** What a restore expects of the log before its next batch: how far it reaches, and (first batch) its size. */
export type RestoreExpectation = { readonly highestPosition: number; readonly eventCount?: number }

/**
 * Inserts `batch` at its archived positions, stream versions and instants, in one transaction, and
 * returns the log's highest position afterwards (the expectation of the next batch).
 *
 * The log is ordered by (transaction id, position), and this transaction's id is higher than every id before
 * it, so a batch lands after everything already stored. Within the batch, positions order the rows: the caller
 * must pass a batch whose positions ascend in archive order, and start a new batch where they do not.
 *
 * The table is locked against other writers for the transaction, and the identity sequence is moved past the
 * highest position, so appends after (or between) batches get fresh positions. A writer that appended since the
 * previous batch moved the highest position: the batch is refused with `StoreChangedDuringRestore`.
 */
export const restoreBatch = async (
  db: SqlDatabase,
  batch: ReadonlyArray<ArchivedEvent>,
  expected: RestoreExpectation,
): Promise<number> => {
  const key = await personalKeyOf(db)
  const kept: KeptValue[] = []
  const apart = batch.map((archived) => {
    const { event, kept: values } = keepEventApart(key, archived)
    for (const value of values) kept.push(value.raw ? { ...value, keptAt: archived.recordedAt } : value)
    return { ...archived, ...event, streamId: streamIdApart(archived.streamId, values) }
  })
  return db.transaction(async (tx) => {
    await tx.query("lock table ledger_events in exclusive mode")
    const [now] = await tx.query<{ highest: number | string | null; events: number | string | null }>(
      expected.eventCount === undefined
        ? "select max(global_position) as highest, null as events from ledger_events"
        : "select max(global_position) as highest, count(*) as events from ledger_events",
    )
    const highest = Number(now?.highest ?? 0)
    if (
      highest !== expected.highestPosition ||
      (expected.eventCount !== undefined && Number(now?.events) !== expected.eventCount)
    ) {
      throw new StoreChangedDuringRestore(
        `another writer appended to the store during the import (its highest position is ${highest}, ` +
          `the import expected ${expected.highestPosition}); stop the other writers and import again`,
      )
    }
    if (batch.length === 0) return highest
    await tx.query(
      `insert into ledger_events
         (global_position, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, recorded_at,
          idempotency_key)
       overriding system value
       select position, stream_id, stream_version, type, schema_version, data, metadata, occurred_at, recorded_at,
              idempotency_key
       from jsonb_to_recordset($1::jsonb) as r(position bigint, stream_id text, stream_version bigint, type text,
            schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz, recorded_at timestamptz,
            idempotency_key text)`,
      [
        jsonbBytes(
          apart.map((event) => ({
            position: event.position,
            stream_id: event.streamId,
            stream_version: event.streamVersion,
            type: event.type,
            schema_version: event.schemaVersion,
            data: event.data,
            metadata: event.metadata,
            occurred_at: event.occurredAt,
            recorded_at: event.recordedAt,
            idempotency_key: event.idempotencyKey,
          })),
        ),
      ],
    )
    await insertKeptValues(tx, kept)
    const [after] = await tx.query<{ highest: number | string }>(
      `select setval(pg_get_serial_sequence('ledger_events', 'global_position'), max(global_position)) as highest
       from ledger_events`,
    )
    return Number(after?.highest)
  })
}
