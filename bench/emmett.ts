/**
 * @module `npm run bench:emmett`: the ledger beside Emmett (`@event-driven-io/emmett-postgresql`,
 * the TypeScript event store on PostgreSQL closest to this one), on the same PostgreSQL server
 * (`DATABASE_URL`), each in a fresh database of its own, in the same runs: same durability (both
 * commit synchronously, on the server's own settings), same pool size (10 connections).
 *
 * Measured:
 * - appends/s of 50 concurrent appenders, one event per append, (a) each to a new stream, (b) to 50
 *   hot streams picked at random. Target (issue 7): ≥ 3× Emmett.
 * - the catch-up of a projection (`benchEmmettCatchUp`): `BENCH_CATCHUP_EVENTS` (default 1,000,000)
 *   CallLogged events over 200 reps, appended beforehand (untimed), folded from the start of the log
 *   to its end into `rep_counts(rep_id, events)`, each side's checkpoint written in the same
 *   transaction as its rows; both results checked equal. Target: ≥ 1.5× Emmett. One run of each
 *   (the ledger first), not a median. Emmett's side is slow to run at the default million: pulls of
 *   100 events with a 50 ms pause after each, and each pull a scan and sort of the whole of
 *   `emt_messages` (0.42 has no index on its read order), so its time grows with the square of the
 *   log (50,000 events: about a minute). `BENCH_CATCHUP_EMMETT_BATCH=<n>` adds a row: Emmett again
 *   with pulls of n events (not its default, no target).
 *
 * `npx tsx bench/emmett.ts` runs both; `npx tsx bench/emmett.ts appends` (or `catchup`) one of them.
 */
import { pathToFileURL } from "node:url"
import { dumbo, sql } from "@event-driven-io/dumbo"
import type { Event } from "@event-driven-io/emmett"
import {
  DefaultPostgreSQLEventStoreProcessorBatchSize,
  DefaultPostgreSQLEventStoreProcessorPullingFrequencyInMs,
  defaultTag,
  getPostgreSQLEventStore,
  postgreSQLRawSQLProjection,
  readMessagesBatch,
  readProcessorCheckpoint,
} from "@event-driven-io/emmett-postgresql"
import { Effect, ManagedRuntime } from "effect"
import pg from "pg"
import { defaultStep } from "../src/runtime/projectionRunner.js"
import { EventStore } from "../src/store/EventStore.js"
import type { StoreFailure } from "../src/store/errors.js"
import { type Checkpoint, logStart } from "../src/store/eventLog.js"
import { committedHead } from "../src/store/logHead.js"
import { readLogToFold } from "../src/store/readFoldPage.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { requireDatabaseUrl } from "./ingest.js"
import { createRawTable, oneCommitPerEvent } from "./limits.js"
import { type Append, appenders, type Measured, measureAppends } from "./support/appenders.js"
import { rawReadRate } from "./support/logReads.js"
import { freshPostgresDatabase, type Place } from "./support/places.js"
import { benchSettings, describeMachine, median, perSecond, printTable, type Row } from "./support/report.js"

export const hotStreams = 50
const poolSize = 10

const callData = (n: number) => ({
  callId: `c${n}`,
  repId: "ana",
  direction: "outbound",
  disposition: "connected",
  durationSeconds: 95,
})

type Run = {
  commits: number
  ours: { distinct: Measured; hot: Measured }
  emmett: { distinct: Measured; hot: Measured }
}

/** Both stores on one server, each in a fresh database of its own: the ledger's and Emmett's (migrated). */
type SideBySide = {
  readonly runtime: ManagedRuntime.ManagedRuntime<EventStore, StoreFailure>
  readonly store: EventStore["Service"]
  readonly oursPlace: Place
  readonly theirsPlace: Place
  readonly emmettPool: pg.Pool
  readonly emmett: ReturnType<typeof getPostgreSQLEventStore>
}

/** Runs `work` with both stores, then closes them and drops both databases. */
const sideBySide = async <A>(
  serverUrl: string,
  databases: { readonly ours: string; readonly theirs: string },
  work: (stores: SideBySide) => Promise<A>,
): Promise<A> => {
  const oursPlace = await freshPostgresDatabase(serverUrl, databases.ours)
  const theirsPlace = await freshPostgresDatabase(serverUrl, databases.theirs)
  const runtime = ManagedRuntime.make(EventStore.layer(oursPlace.store))
  const emmettPool = new pg.Pool({ connectionString: theirsPlace.url, max: poolSize })
  emmettPool.on("error", () => {})
  const emmett = getPostgreSQLEventStore(theirsPlace.url as string, { connectionOptions: { pool: emmettPool } })
  try {
    const store = await runtime.runPromise(
      Effect.gen(function* () {
        return yield* EventStore
      }),
    )
    await emmett.schema.migrate()
    return await work({ runtime, store, oursPlace, theirsPlace, emmettPool, emmett })
  } finally {
    await emmett.close().catch(() => {})
    await emmettPool.end().catch(() => {})
    await runtime.dispose()
    await oursPlace.discard()
    await theirsPlace.discard()
  }
}

export const benchEmmett = (serverUrl = requireDatabaseUrl(), options = benchSettings()): Promise<ReadonlyArray<Row>> =>
  sideBySide(
    serverUrl,
    { ours: "ledger_bench_vs_emmett", theirs: "emmett_bench" },
    async ({ runtime, store, emmett }) => {
      await createRawTable(store.sql)
      const run = Date.now().toString(36)
      const ours: Append = (streamId, n) =>
        runtime.runPromise(
          store.append([
            {
              streamId,
              expected: "any",
              events: [
                {
                  type: "CallLogged",
                  schemaVersion: 1,
                  data: callData(n),
                  metadata: { source: "bench" },
                  occurredAt: "2026-11-02T14:05:00Z",
                  idempotencyKey: `${run}-${n}`,
                },
              ],
            },
          ]),
        )
      const theirs: Append = (streamId, n) =>
        emmett.appendToStream(streamId, [{ type: "CallLogged", data: callData(n) }])
      let round = 0
      const distinct = (n: number) => `call-${run}-${round}-${n}`
      const hot = (n: number) => `rep-${run}-${(n * 7919) % hotStreams}`

      // Warm-up of both, uncounted.
      await measureAppends(ours, distinct, 0.5)
      await measureAppends(theirs, distinct, 0.5)
      const runs: Run[] = []
      for (let i = 0; i < options.runs; i++) {
        round += 1
        const commits = await oneCommitPerEvent(store.sql, options.seconds)
        // Alternate who goes first, so that neither always meets the server warmer.
        const pair = async (streamOf: (n: number) => string) => {
          if (i % 2 === 0) {
            const o = await measureAppends(ours, streamOf, options.seconds)
            return { o, e: await measureAppends(theirs, streamOf, options.seconds) }
          }
          const e = await measureAppends(theirs, streamOf, options.seconds)
          return { o: await measureAppends(ours, streamOf, options.seconds), e }
        }
        const d = await pair(distinct)
        const h = await pair(hot)
        runs.push({ commits, ours: { distinct: d.o, hot: h.o }, emmett: { distinct: d.e, hot: h.e } })
        const failed = [d.o, d.e, h.o, h.e].filter((m) => m.failures > 0)
        process.stderr.write(
          `  vs Emmett run ${i + 1}/${options.runs}: raw ${perSecond(commits)} commits; distinct ${perSecond(d.o.appendsPerSecond)} vs ${perSecond(d.e.appendsPerSecond)}; ` +
            `hot ${perSecond(h.o.appendsPerSecond)} vs ${perSecond(h.e.appendsPerSecond)}` +
            `${failed.length === 0 ? "" : `; failures ${failed.map((m) => `${m.failures} (${m.firstFailure})`).join(", ")}`}\n`,
        )
      }
      return rowsOf(runs)
    },
  )

const rowsOf = (runs: ReadonlyArray<Run>): ReadonlyArray<Row> => {
  const commits = median(runs.map((r) => r.commits))
  const row = (label: string, pick: (side: Run["ours"]) => Measured): ReadonlyArray<Row> => {
    const ours = median(runs.map((r) => pick(r.ours).appendsPerSecond))
    const theirs = median(runs.map((r) => pick(r.emmett).appendsPerSecond))
    const failures = (side: "ours" | "emmett") => runs.reduce((n, r) => n + pick(r[side]).failures, 0)
    const failed = (side: "ours" | "emmett") => (failures(side) === 0 ? "" : ` (${failures(side)} failed)`)
    return [
      {
        backend: "postgres",
        measure: `Emmett: ${label}`,
        figure: `${perSecond(theirs)}${failed("emmett")}`,
        limit: `${perSecond(commits)} commits`,
      },
      {
        backend: "postgres",
        measure: `ledger: ${label}`,
        figure: `${perSecond(ours)}${failed("ours")}`,
        limit: `${perSecond(commits)} commits`,
        ratio: `${(ours / theirs).toFixed(1)}× Emmett`,
        target: "≥ 3× Emmett",
        met: ours >= 3 * theirs && failures("ours") === 0,
      },
    ]
  }
  return [
    {
      backend: "postgres",
      measure: "raw: single-row INSERT, one commit each (1 connection)",
      figure: perSecond(commits),
    },
    ...row(`${appenders} appenders, single events, each to a new stream`, (side) => side.distinct),
    ...row(`${appenders} appenders, single events, ${hotStreams} hot streams`, (side) => side.hot),
  ]
}

// ——— Catch-up of a projection: the ledger's runner loop beside Emmett's consumer and projector ———

export const catchUpReps = 200
/** Events in each store's log for the catch-up (`BENCH_CATCHUP_EVENTS`, default 1,000,000). */
export const catchUpEvents = (): number => positiveInteger("BENCH_CATCHUP_EVENTS", 1_000_000)
/** Loading (untimed): events per append, each batch to a stream of its own, this many batches in flight. */
const loadBatch = 5_000
const loadConcurrency = 2
/** How often the Emmett side's checkpoint is read while it catches up: the resolution of its time. */
const checkpointPollMs = 20

const catchUpData = (n: number) => ({
  callId: `c${n}`,
  repId: `rep-${n % catchUpReps}`,
  direction: "outbound",
  disposition: "connected",
  durationSeconds: 95,
})

type CallLoggedEvent = Event<"CallLogged", ReturnType<typeof catchUpData>>

type CatchUp = {
  /** Events folded, and the seconds from the start of the catch-up until its checkpoint was at the log's last event. */
  readonly events: number
  readonly seconds: number
  /** The raw read of the same log, in the reader's own pages, nothing done with the events: events/s. */
  readonly rawRead: number
  readonly counts: ReadonlyMap<string, number>
}

/**
 * Appends `BENCH_CATCHUP_EVENTS` CallLogged to each store in batches (untimed), then times, in the
 * same run, one catch-up of a per-rep counter from the start of each log to its end, and checks
 * that both end with the same `rep_counts` (and the counts the log holds). The ledger goes first.
 */
export const benchEmmettCatchUp = (
  serverUrl = requireDatabaseUrl(),
  total = catchUpEvents(),
): Promise<ReadonlyArray<Row>> =>
  sideBySide(
    serverUrl,
    { ours: "ledger_bench_catchup", theirs: "emmett_bench_catchup" },
    async ({ runtime, store, oursPlace, theirsPlace, emmettPool, emmett }) => {
      const loadStarted = performance.now()
      await inBatches(total, (first, count, batch) =>
        runtime.runPromise(
          store.append([
            {
              streamId: `calls-${batch}`,
              expected: "no_stream",
              events: Array.from({ length: count }, (_, i) => ({
                type: "CallLogged",
                schemaVersion: 1,
                data: catchUpData(first + i),
                metadata: { source: "bench" },
                occurredAt: "2026-11-02T14:05:00Z",
                idempotencyKey: `catchup-${first + i}`,
              })),
            },
          ]),
        ),
      )
      const oursLoaded = performance.now()
      await inBatches(total, (first, count, batch) =>
        emmett.appendToStream<CallLoggedEvent>(
          `calls-${batch}`,
          Array.from({ length: count }, (_, i) => ({ type: "CallLogged", data: catchUpData(first + i) })),
        ),
      )
      process.stderr.write(
        `  catch-up: loaded ${total.toLocaleString("en-US")} events, ledger ${perSecond((total * 1000) / (oursLoaded - loadStarted))}, ` +
          `Emmett ${perSecond((total * 1000) / (performance.now() - oursLoaded))} (untimed)\n`,
      )
      // Both logs as a catch-up meets them in service: vacuumed (hint bits set, visibility map, statistics), flushed.
      await settle(oursPlace)
      await settle(theirsPlace)

      const ours = await ledgerCatchUp(store.sql)
      process.stderr.write(
        `  catch-up: ledger ${perSecond(ours.events / ours.seconds)} (${ours.seconds.toFixed(1)} s)\n`,
      )
      await settle(theirsPlace)
      const theirs = await emmettCatchUp(theirsPlace.url as string, emmettPool, "rep_counts")
      process.stderr.write(
        `  catch-up: Emmett ${perSecond(theirs.events / theirs.seconds)} (${theirs.seconds.toFixed(1)} s)\n`,
      )
      expectLedgerExact(total, ours.counts)
      // Optionally, Emmett again with larger pulls than its default (a second processor, table of its own, same log).
      const tunedBatch =
        process.env.BENCH_CATCHUP_EMMETT_BATCH === undefined
          ? undefined
          : positiveInteger("BENCH_CATCHUP_EMMETT_BATCH", 0)
      let tuned: CatchUp | undefined
      if (tunedBatch !== undefined) {
        await settle(theirsPlace)
        tuned = await emmettCatchUp(theirsPlace.url as string, emmettPool, "rep_counts_pulls", tunedBatch)
        process.stderr.write(
          `  catch-up: Emmett, pulls of ${tunedBatch}: ${perSecond(tuned.events / tuned.seconds)} (${tuned.seconds.toFixed(1)} s)\n`,
        )
      }
      return catchUpRows(
        total,
        ours,
        theirs,
        tuned === undefined || tunedBatch === undefined ? undefined : { pull: tunedBatch, result: tuned },
      )
    },
  )

const positiveInteger = (name: string, byDefault: number): number => {
  const value = Number(process.env[name] ?? byDefault)
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${process.env[name]}`)
  return value
}

/** Runs `append(first, count, batch)` over `total` events in batches of `loadBatch`, `loadConcurrency` at a time. */
const inBatches = async (
  total: number,
  append: (first: number, count: number, batch: number) => Promise<unknown>,
): Promise<void> => {
  let next = 0
  let batch = 0
  await Promise.all(
    Array.from({ length: loadConcurrency }, async () => {
      while (next < total) {
        const first = next
        const count = Math.min(loadBatch, total - first)
        next += count
        await append(first, count, batch++)
      }
    }),
  )
}

const settle = async (place: Place): Promise<void> => {
  const client = new pg.Client({ connectionString: place.url })
  await client.connect()
  try {
    await client.query("vacuum (analyze)")
    await client.query("checkpoint").catch(() => {}) // needs superuser or pg_checkpoint: best effort
  } finally {
    await client.end()
  }
}

/**
 * The ledger's side, as src/runtime/projectionRunner.ts `stepProjector` reads and writes: the log
 * read with `readLogToFold` in pages of 5,000, and every batch (`defaultStep`) the rows the batch
 * touched and the new checkpoint written in ONE transaction (the checkpoint compare-and-set). A count
 * per rep is folded on this thread: the runner's fold thread is for the scorecards' heavier fold.
 */
const ledgerCatchUp = async (db: SqlDatabase): Promise<CatchUp> => {
  await db.exec(`create table rep_counts (rep_id text primary key, events int not null);
    create table bench_catchup_checkpoints (projection text primary key, checkpoint_tx xid8 not null, checkpoint_position bigint not null);
    insert into bench_catchup_checkpoints values ('rep_counts', '0', 0)`)
  const { batchSize, pageSize } = defaultStep
  const counts = new Map<string, number>()
  let checkpoint: Checkpoint = logStart
  let applied = 0
  const started = performance.now()
  for (;;) {
    const touched = new Set<string>()
    let to = checkpoint
    let inBatch = 0
    while (inBatch < batchSize) {
      const limit = Math.min(pageSize, batchSize - inBatch)
      const events = await readLogToFold(db, { after: to, limit })
      const last = events.at(-1)
      if (last === undefined) break
      for (const event of events) {
        if (event.type !== "CallLogged") continue
        const repId = (event.data as { readonly repId: string }).repId
        counts.set(repId, (counts.get(repId) ?? 0) + 1)
        touched.add(repId)
      }
      inBatch += events.length
      to = { transactionId: last.transactionId, position: last.position }
      if (events.length < limit) break
      await new Promise((resolve) => setImmediate(resolve)) // as stepProjector does between pages
    }
    if (inBatch === 0) break
    const from = checkpoint
    await db.transaction(async (tx) => {
      const moved = await tx.query(
        `update bench_catchup_checkpoints set checkpoint_tx = $3::text::xid8, checkpoint_position = $4
         where projection = 'rep_counts' and checkpoint_tx = $1::text::xid8 and checkpoint_position = $2 returning projection`,
        [from.transactionId, from.position, to.transactionId, to.position],
      )
      if (moved.length !== 1) throw new Error("the rep_counts checkpoint moved under the catch-up")
      const repIds = [...touched]
      await tx.query(
        `insert into rep_counts (rep_id, events) select * from unnest($1::text[], $2::int[])
         on conflict (rep_id) do update set events = excluded.events`,
        [repIds, repIds.map((id) => counts.get(id))],
      )
    })
    checkpoint = to
    applied += inBatch
    if (inBatch < batchSize) break
  }
  const seconds = (performance.now() - started) / 1000

  const head = await committedHead(db)
  const [stored] = await db.query<{ tx: string; position: number | string }>(
    "select checkpoint_tx::text as tx, checkpoint_position as position from bench_catchup_checkpoints where projection = 'rep_counts'",
  )
  if (stored?.tx !== head.transactionId || Number(stored.position) !== head.position) {
    throw new Error(
      `ledger catch-up: checkpoint ${stored?.tx}-${stored?.position} is not the log's last event ${head.transactionId}-${head.position}`,
    )
  }
  const rawRead = await rawReadRate((after) => readLogToFold(db, { after, limit: pageSize }))
  const rows = await db.query<{ rep_id: string; events: number }>("select rep_id, events from rep_counts")
  return { events: applied, seconds, rawRead, counts: new Map(rows.map((r) => [r.rep_id, r.events])) }
}

/**
 * Emmett's side, as its documentation shows an asynchronous projection (docs: event-stores/postgresql.md
 * "Async Consumers"; the package README "Setting Up Async Consumers"): `eventStore.consumer()`, a
 * `consumer.projector({ projection })` (`postgreSQLProjector`: checkpoints in `emt_processors`
 * through `postgreSQLCheckpointer`), `consumer.start()`. The projection is a
 * `postgreSQLRawSQLProjection`, Emmett's projection into a table of one's own (the Pongo ones write
 * JSON documents), one upsert per event. A new processor has no checkpoint, so it starts from the
 * beginning of the log.
 *
 * Batch sizes: Emmett's defaults, which its documentation does not ask to change — pulls of
 * `DefaultPostgreSQLEventStoreProcessorBatchSize` (100) events, a pause of
 * `DefaultPostgreSQLEventStoreProcessorPullingFrequencyInMs` (50 ms) after each. `pullBatchSize`
 * overrides the pull size (`BENCH_CATCHUP_EMMETT_BATCH`, an extra row). Each pull is handled in one
 * transaction (the processor's processing scope): per event, the projection's SQL, then the
 * checkpoint (`store_processor_checkpoint`), committed together. Timed from `consumer.start()`
 * until the stored checkpoint is the log's last global position (read every `checkpointPollMs`).
 */
const emmettCatchUp = async (url: string, pool: pg.Pool, table: string, pullBatchSize?: number): Promise<CatchUp> => {
  const db = dumbo({ connectionString: url, pool })
  // The log's last event, in the order Emmett's consumer reads it. (Not Emmett's own
  // `readLastMessageGlobalPosition`: in 0.42 it orders ascending and answers the FIRST position.)
  const [head] = (
    await pool.query<{ global_position: string }>(
      `select global_position from emt_messages where partition = $1 and is_archived = false
       order by transaction_id desc, global_position desc limit 1`,
      [defaultTag],
    )
  ).rows
  if (head === undefined) throw new Error("Emmett catch-up: the log is empty")
  const last = BigInt(head.global_position)
  const projection = postgreSQLRawSQLProjection<CallLoggedEvent>({
    name: table,
    canHandle: ["CallLogged"],
    init: () => sql(`create table if not exists ${table} (rep_id text primary key, events int not null)`),
    evolve: (event) =>
      sql(
        `insert into ${table} (rep_id, events) values (%L, 1) on conflict (rep_id) do update set events = ${table}.events + 1`,
        event.data.repId,
      ),
  })
  const consumer = getPostgreSQLEventStore(url, { connectionOptions: { pool } }).consumer(
    pullBatchSize === undefined ? undefined : { pulling: { batchSize: pullBatchSize } },
  )
  const processor = consumer.projector<CallLoggedEvent>({ projection })
  let ended: { readonly error?: unknown } | undefined
  const started = performance.now()
  const running = consumer.start().then(
    () => (ended = {}),
    (error: unknown) => (ended = { error }),
  )
  let reportedAt = started
  try {
    for (;;) {
      const reached = (await readProcessorCheckpoint(db.execute, { processorId: processor.id })).lastProcessedCheckpoint
      if (reached !== null && reached >= last) break
      // A processor that throws is dropped by the consumer, which then stops: no checkpoint to wait for.
      if (ended !== undefined)
        throw new Error(
          `Emmett catch-up: the consumer stopped at checkpoint ${reached} of ${last}${ended.error === undefined ? "" : `: ${String(ended.error)}`}`,
        )
      if (performance.now() - reportedAt >= 30_000) {
        reportedAt = performance.now()
        process.stderr.write(
          `  catch-up: Emmett at ${reached ?? 0n} of ${last} after ${Math.round((reportedAt - started) / 1000)} s\n`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, checkpointPollMs))
    }
  } finally {
    await consumer.stop()
    await running
  }
  const seconds = (performance.now() - started) / 1000

  // The raw read: the consumer's own read (readMessagesBatch, pulls of its size), nothing done with the
  // events. Sampled from the middle of the log (a pull scans the whole table, see the report): a full
  // read at 100 a pull would take as long as the catch-up.
  const pull = pullBatchSize ?? DefaultPostgreSQLEventStoreProcessorBatchSize
  const rawStarted = performance.now()
  let read = 0
  for (let after = last / 2n; read < 5_000; ) {
    const batch = await readMessagesBatch(db.execute, { after, batchSize: pull })
    read += batch.messages.length
    after = batch.currentGlobalPosition
    if (!batch.areMessagesLeft) break
  }
  const rawRead = (read * 1000) / (performance.now() - rawStarted)
  const rows = (await pool.query<{ rep_id: string; events: number }>(`select rep_id, events from ${table}`)).rows
  const counts = new Map(rows.map((r) => [r.rep_id, r.events]))
  return { events: [...counts.values()].reduce((a, b) => a + b, 0), seconds, rawRead, counts }
}

/** The reps whose count is not the log's (at most `shown` of them, as text). */
const wrongCounts = (total: number, counts: ReadonlyMap<string, number>, shown = 5): ReadonlyArray<string> => {
  const expected = new Map<string, number>()
  for (let k = 0; k < Math.min(total, catchUpReps); k++)
    expected.set(`rep-${k}`, Math.floor(total / catchUpReps) + (k < total % catchUpReps ? 1 : 0))
  return [...new Set([...expected.keys(), ...counts.keys()])]
    .filter((rep) => counts.get(rep) !== expected.get(rep))
    .slice(0, shown)
    .map((rep) => `${rep}: ${counts.get(rep) ?? "none"}, expected ${expected.get(rep) ?? "none"}`)
}

/** The ledger's counts must be the log's: a benchmark of a wrong projection measures nothing. */
const expectLedgerExact = (total: number, counts: ReadonlyMap<string, number>): void => {
  const wrong = wrongCounts(total, counts)
  if (wrong.length > 0) throw new Error(`catch-up: the ledger's rep_counts differ from the log: ${wrong.join("; ")}`)
}

/**
 * Emmett's counts against the log's, for the table: reported, not thrown, as Emmett's answer. Once
 * (2026-12-06, one run of two on one machine) its consumer reached the log's last checkpoint with
 * 1,600 of 100,000 events uncounted, 8 for each rep, and the whole run was lost to the throw. The
 * cause is not found: its read resumes after a position alone while ordering by (transaction id,
 * position), which would skip a transaction holding lower positions under a later id, but two
 * concurrent 5,000-event appends to Emmett took positions in transaction order in ten tries.
 */
const emmettCountsNote = (total: number, catchUp: CatchUp): string => {
  const wrong = wrongCounts(total, catchUp.counts, 3)
  if (wrong.length === 0) return "equal"
  return `DIFFERENT, ${catchUp.events.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} events counted (${wrong.join("; ")}…)`
}

const catchUpRows = (
  total: number,
  ours: CatchUp,
  theirs: CatchUp,
  tuned?: { readonly pull: number; readonly result: CatchUp },
): ReadonlyArray<Row> => {
  const rate = (c: CatchUp) => c.events / c.seconds
  const what = `catch-up of ${total.toLocaleString("en-US")} CallLogged into rep_counts (${catchUpReps} reps), checkpoint in the rows' transaction`
  const emmettRow = (c: CatchUp, pull: number, note: string): Row => ({
    backend: "postgres",
    measure: `Emmett: ${what}; consumer.projector + postgreSQLRawSQLProjection, pulls of ${pull.toLocaleString("en-US")} every ${DefaultPostgreSQLEventStoreProcessorPullingFrequencyInMs} ms (${note})`,
    figure: `${perSecond(rate(c))} (${c.seconds.toFixed(1)} s)`,
    limit: `${perSecond(c.rawRead)} read (sampled)`,
  })
  return [
    emmettRow(theirs, DefaultPostgreSQLEventStoreProcessorBatchSize, "defaults"),
    ...(tuned === undefined
      ? []
      : [
          {
            ...emmettRow(tuned.result, tuned.pull, "BENCH_CATCHUP_EMMETT_BATCH, not the default"),
            ratio: `ledger ${(rate(ours) / rate(tuned.result)).toFixed(1)}× this`,
          },
        ]),
    {
      backend: "postgres",
      measure: `ledger: ${what}; readLogToFold pages of ${defaultStep.pageSize.toLocaleString("en-US")}, ${defaultStep.batchSize.toLocaleString("en-US")} events a transaction`,
      figure: `${perSecond(rate(ours))} (${ours.seconds.toFixed(1)} s)`,
      limit: `${perSecond(ours.rawRead)} read`,
      ratio: `${(rate(ours) / rate(theirs)).toFixed(1)}× Emmett`,
      target: "≥ 1.5× Emmett",
      met: rate(ours) >= 1.5 * rate(theirs),
    },
    {
      backend: "postgres",
      measure: `catch-up result: rep_counts against the log's count for each of the ${catchUpReps} reps`,
      figure: `ledger: equal; Emmett: ${emmettCountsNote(total, theirs)}${tuned === undefined ? "" : `; Emmett, pulls of ${tuned.pull}: ${emmettCountsNote(total, tuned.result)}`}`,
    },
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const only = process.argv[2]
  if (only !== undefined && only !== "appends" && only !== "catchup")
    throw new Error(`usage: tsx bench/emmett.ts [appends|catchup], not ${only}`)
  console.log(`Benchmark against Emmett on ${describeMachine()}`)
  const rows = [
    ...(only === "catchup" ? [] : await benchEmmett()),
    ...(only === "appends" ? [] : await benchEmmettCatchUp()),
  ]
  printTable(
    only === "appends"
      ? "Appends beside Emmett"
      : only === "catchup"
        ? "Projection catch-up beside Emmett"
        : "Appends and projection catch-up beside Emmett",
    rows,
  )
}
