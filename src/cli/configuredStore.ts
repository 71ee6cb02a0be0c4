/**
 * @module The store a command works on: the one `ledger serve` uses (src/config.ts: DATABASE_URL, else the
 * PGlite directory LEDGER_DATA_DIR), opened for the command and closed when it ends, however it ends.
 *
 * On the embedded store a command cannot run while `ledger serve` (or another command) holds the data
 * directory: the lock refuses, and the command fails with the lock's message.
 */
import { Effect } from "effect"
import { loadConfig } from "../config.js"
import { EventStore, openDatabase, type StoreLocation } from "../store/EventStore.js"
import type { SqlDatabase } from "../store/sql.js"
import { type CommandFailed, commandFailed } from "./failure.js"

const configuredLocation: Effect.Effect<StoreLocation, CommandFailed> = Effect.try({
  try: () => loadConfig().store,
  catch: commandFailed,
})

/** Runs `work` with the configured store open (and migrated), closing it afterwards. */
export const withConfiguredStore = <A, E, R>(
  work: Effect.Effect<A, E, R>,
): Effect.Effect<A, CommandFailed, Exclude<R, EventStore>> =>
  configuredLocation.pipe(
    Effect.flatMap((location) => Effect.provide(work, EventStore.layer(location))),
    Effect.mapError(commandFailed),
  )

/** Runs `work` on the configured database as it is, not migrated (for `ledger migrate`), closing it afterwards. */
export const withConfiguredDatabase = <A, E, R>(
  work: (db: SqlDatabase) => Effect.Effect<A, E, R>,
): Effect.Effect<A, CommandFailed, R> =>
  configuredLocation.pipe(
    Effect.flatMap((location) =>
      Effect.acquireUseRelease(
        Effect.tryPromise({ try: () => openDatabase(location), catch: (cause) => cause }),
        work,
        (db) => Effect.promise(() => db.close()),
      ),
    ),
    Effect.mapError(commandFailed),
  )
