/**
 * @module The EventStore service: append to streams and read the log, on PGlite (a data directory)
 * or on a PostgreSQL server, with the same SQL. Concurrent appends share transactions (group commit).
 *
 * @example
 * const stored = yield* EventStore.use((store) => store.append([{ streamId: "deal-42", expected: "no_stream", events }]))
 */
import { Context, Effect, Layer } from "effect"
import type { Durability } from "./durability.js"
import {
  type AppendError,
  IdempotencyKeyReused,
  StoreFailure,
  StreamRuleViolation,
  WrongExpectedVersion,
} from "./errors.js"
import type { AppendResult, AsOf, Checkpoint, RecordedEvent, StreamAppend } from "./eventLog.js"
import { type GroupCommit, type GroupCommitOptions, groupCommit } from "./groupCommit.js"
import { awaitHiddenCommits, visibleHead } from "./logHead.js"
import { migrate } from "./migrations.js"
import { openPglite } from "./pglite.js"
import { openPostgres } from "./postgres.js"
import { type LogFilter, readLog } from "./readLog.js"
import { readStream } from "./readStream.js"
import { resolvePersonal } from "./resolvePersonal.js"
import type { SqlDatabase } from "./sql.js"

/** A PostgreSQL server, or a PGlite data directory with its durability (durability.ts; default `os`). */
export type StoreLocation =
  | { readonly databaseUrl: string }
  | { readonly dataDir: string; readonly durability?: Durability }

export type Appended = Extract<AppendResult, { ok: true }>

export class EventStore extends Context.Service<
  EventStore,
  {
    /** The database itself, for the modules that own other tables (read models, API keys). */
    readonly sql: SqlDatabase
    append(appends: ReadonlyArray<StreamAppend>): Effect.Effect<Appended, AppendError>
    readStream(
      streamId: string,
      options?: { readonly fromVersion?: number; readonly limit?: number; readonly asOf?: AsOf },
    ): Effect.Effect<ReadonlyArray<RecordedEvent>, StoreFailure>
    /**
     * A page of the global log for a client: first waits (at most a second) for the writers that began
     * before the newest committed event and hide it behind the fence (logHead.ts `awaitHiddenCommits`),
     * so a client reads what it was told is stored.
     */
    readLog(options: {
      readonly after?: Checkpoint
      readonly limit: number
      readonly asOf?: AsOf
      readonly filter?: LogFilter
    }): Effect.Effect<ReadonlyArray<RecordedEvent>, StoreFailure>
    readonly visibleHead: Effect.Effect<Checkpoint, StoreFailure>
  }
>()("outcome-ledger/store/EventStore") {
  /**
   * Opens the store at `location` (migrating it) for the lifetime of the layer; `options.onGroup`
   * hears of each group commit (the server's metrics).
   */
  static readonly layer = (location: StoreLocation, options: Pick<GroupCommitOptions, "onGroup"> = {}) =>
    Layer.effect(
      EventStore,
      Effect.gen(function* () {
        const sql = yield* Effect.acquireRelease(
          attempt("open the store", () => openDatabase(location)),
          (db) => Effect.promise(() => db.close()),
        )
        yield* attempt("migrate the store", () => migrate(sql))
        return EventStore.of(storeOn(sql, yield* groupCommitOn(sql, options)))
      }),
    )

  /** A store over an already open database (tests, the CLI's copy command). */
  static readonly layerOn = (sql: SqlDatabase) =>
    Layer.effect(
      EventStore,
      Effect.map(groupCommitOn(sql), (commits) => EventStore.of(storeOn(sql, commits))),
    )
}

/** The store's group commit, which answers every queued append before the database closes. */
const groupCommitOn = (sql: SqlDatabase, options: Pick<GroupCommitOptions, "onGroup"> = {}) =>
  Effect.acquireRelease(
    Effect.sync(() => groupCommit(sql, options)),
    (commits) => Effect.promise(() => commits.close()),
  )

/** Opens the database a location names, PostgreSQL when a URL is given, PGlite otherwise. */
export const openDatabase = (location: StoreLocation): Promise<SqlDatabase> =>
  "databaseUrl" in location
    ? openPostgres(location.databaseUrl)
    : openPglite(location.dataDir, location.durability === undefined ? {} : { durability: location.durability })

const storeOn = (sql: SqlDatabase, commits: GroupCommit): EventStore["Service"] => ({
  sql,
  // Untraced, as the rest of the ingest path (appendEvents, recordCallSignal): every webhook and
  // event passes here. `Effect.fn` captures a call-site stack and opens a span at each call, ~3.5 µs
  // each in a micro-benchmark, for spans no tracer collects. Single events over POST /v1/events went
  // 5,083 → 5,580/s with this and appendEvents untraced (PGlite, 50 connections, medians of 9
  // alternated runs); recordCallSignal followed for the same reason, not measured apart.
  append: Effect.fnUntraced(function* (appends: ReadonlyArray<StreamAppend>) {
    const result = yield* attempt("append", () => commits.append(appends))
    if (result.ok) return result
    const rejection = result.rejection
    switch (rejection._tag) {
      case "WrongExpectedVersion":
        return yield* new WrongExpectedVersion(rejection)
      case "StreamRuleViolation":
        return yield* new StreamRuleViolation(rejection)
      case "IdempotencyKeyReused":
        return yield* new IdempotencyKeyReused(rejection)
    }
  }),
  // Both hand events out of the store: personal values read as kept (resolvePersonal.ts). The folds
  // read their pages elsewhere (readFoldPage.ts), on tokens.
  readStream: (streamId, options) =>
    attempt("read a stream", async () => resolvePersonal(sql, await readStream(sql, streamId, options))),
  readLog: (options) =>
    attempt("read the log", async () => {
      await awaitHiddenCommits(sql, 1_000)
      return resolvePersonal(sql, await readLog(sql, options))
    }),
  visibleHead: attempt("read the log's head", () => visibleHead(sql)),
})

const attempt = <A>(operation: string, run: () => Promise<A>): Effect.Effect<A, StoreFailure> =>
  Effect.tryPromise({ try: run, catch: (cause) => new StoreFailure({ operation, cause }) })
