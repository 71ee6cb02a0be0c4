/**
 * @module The raw limits of a store: what its database does with the plainest SQL, against which the
 * ledger's figures are read. Rows go into a scratch copy of the ledger's event table (same columns,
 * defaults, indexes and constraints) in the same database, so that the log the server's projection
 * runner reads is not filled with rows it would then have to skip during the HTTP measurements.
 */
import { randomUUID } from "node:crypto"
import { jsonbBytes, type SqlDatabase } from "../src/store/sql.js"

const rawType = "BenchRaw"
const rawTable = "bench_raw_events"

/** Creates the scratch table (empty); `dropRawTable` removes it. */
export const createRawTable = async (db: SqlDatabase): Promise<void> => {
  await db.exec(`drop table if exists ${rawTable}; create table ${rawTable} (like ledger_events including all)`)
}

export const dropRawTable = (db: SqlDatabase): Promise<void> => db.exec(`drop table if exists ${rawTable}`)

const callData = (n: number) => ({
  callId: `raw-${n}`,
  repId: "ana",
  direction: "outbound",
  disposition: "connected",
  durationSeconds: 95,
})

/** Runs `step` back to back for `seconds`; answers units per second (`step` answers its units). */
const repeatFor = async (seconds: number, step: () => Promise<number>): Promise<number> => {
  const start = performance.now()
  const end = start + seconds * 1000
  let units = 0
  while (performance.now() < end) units += await step()
  return units / ((performance.now() - start) / 1000)
}

/** One single-row INSERT per transaction, one after the other on one connection: commits per second. */
export const oneCommitPerEvent = async (db: SqlDatabase, seconds: number): Promise<number> => {
  const run = randomUUID()
  let n = 0
  return repeatFor(seconds, async () => {
    n += 1
    await db.transaction((tx) =>
      tx.query(
        `insert into ${rawTable} (stream_id, stream_version, type, schema_version, data, metadata, occurred_at, idempotency_key)
         values ($1, 1, '${rawType}', 1, $2::jsonb, '{"source":"bench"}', now(), $1)`,
        [`raw-${run}-${n}`, JSON.stringify(callData(n))],
      ),
    )
    return 1
  })
}

/** One `rows`-row jsonb_to_recordset INSERT per transaction, back to back: rows per second. */
export const batchedInsert = async (db: SqlDatabase, seconds: number, rows = 10_000): Promise<number> => {
  const run = randomUUID()
  let batch = 0
  return repeatFor(seconds, async () => {
    batch += 1
    // Handed over as the ledger's append hands its rows (sql.ts `jsonbBytes`), so that the limit is
    // the database's, not a slower way of passing it the same rows.
    const payload = jsonbBytes(
      Array.from({ length: rows }, (_, i) => ({
        stream_id: `raw-${run}-${batch}-${i}`,
        idempotency_key: `raw-${run}-${batch}-${i}`,
        data: callData(i),
        occurred_at: "2026-11-02T14:05:00Z",
      })),
    )
    await db.transaction((tx) =>
      tx.query(
        `insert into ${rawTable} (stream_id, stream_version, type, schema_version, data, metadata, occurred_at, idempotency_key)
         select stream_id, 1, '${rawType}', 1, data, '{"source":"bench"}', occurred_at, idempotency_key
         from jsonb_to_recordset($1::jsonb) as r(stream_id text, idempotency_key text, data jsonb, occurred_at timestamptz)`,
        [payload],
      ),
    )
    return rows
  })
}
