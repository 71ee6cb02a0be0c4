/**
 * @module The embedded store: PGlite on a data directory, guarded by a lock file so that one
 * process at a time writes it (two writers silently lose committed rows), as durable as
 * `durability` says (durability.ts: a killed process, or also an OS crash), and private to the
 * server's user (privateFiles.ts: 0700 directories, 0600 files, made so again at every open).
 */
import { PGlite, types } from "@electric-sql/pglite"
import postgresDate from "postgres-date"
import { acquireDataDirLock } from "./dataDirLock.js"
import { type Durability, defaultDurability, durableNodeFs, type SyncObserver, startParamsFor } from "./durability.js"
import { clusterExists, createCluster } from "./pgliteCluster.js"
import { makePrivate, PrivateNodeFS } from "./privateFiles.js"
import type { Lease, SqlDatabase, SqlQueryable } from "./sql.js"

export type PgliteOptions = {
  /** What an acknowledged commit survives (default `os`, see durability.ts). */
  readonly durability?: Durability
  /** Told of each file PostgreSQL synced (only with `os`): tests and measurements. */
  readonly onSync?: SyncObserver
}

// CommonJS (`module.exports = parseDate`) typed as an ES module's default export: imported from an
// ES module, the default export is the function itself.
const parseTimestamp = postgresDate as unknown as typeof postgresDate.default

/**
 * PGlite reads a timestamptz with `new Date(text)`, whose lenient parse takes PostgreSQL's
 * `0099-12-31 23:59:59+00` for 1999 and `0001-06-01 …` for 2001 (instants the ledger admits: years
 * 1 to 9999). postgres-date, the parser node-postgres uses, reads every year as written.
 */
const parsers = { [types.TIMESTAMPTZ]: (text: string) => parseTimestamp(text) }

/**
 * A jsonb parameter given as bytes is already in jsonb's binary form (sql.ts `jsonbBytes`) and
 * goes as it is; PGlite's own jsonb serializer, which serializes everything else, would write the
 * byte array as a JSON array of numbers.
 */
const pgliteJsonb = types.serializers[types.JSONB] as (value: unknown) => string
const serializers = {
  // Typed as answering text, but PGlite's Bind sends any byte array it is given in binary format.
  [types.JSONB]: (value: unknown) => (value instanceof Uint8Array ? (value as unknown as string) : pgliteJsonb(value)),
}

/** Opens (creating if needed) the PGlite database in `dir`; refuses a directory another live process holds. */
export const openPglite = async (dir: string, options: PgliteOptions = {}): Promise<SqlDatabase> => {
  const lock = acquireDataDirLock(dir)
  const durability = options.durability ?? defaultDurability
  let db: PGlite
  try {
    if (!clusterExists(dir)) await createCluster(dir, { sync: durability === "os" })
    // What an older version (or a copy, or a restore, or the child that created the cluster) left
    // readable by others, before anything is read.
    makePrivate(lock.dir)
    db =
      durability === "os"
        ? await PGlite.create({
            fs: durableNodeFs(dir, options.onSync),
            startParams: startParamsFor(durability),
            parsers,
            serializers,
          })
        : await PGlite.create({ fs: new PrivateNodeFS(dir), parsers, serializers })
  } catch (error) {
    lock.release()
    throw error
  }
  const on = (q: Pick<PGlite, "query">): SqlQueryable => ({
    backend: "pglite",
    query: async <Row>(text: string, params?: ReadonlyArray<unknown>) =>
      (await q.query<Row>(text, params as unknown[] | undefined)).rows,
  })
  const leases = new Set<number>()
  return {
    location: dir,
    ...on(db),
    transaction: (work) => db.transaction((tx) => work(on(tx))),
    exec: async (text) => {
      await db.exec(text)
    },
    // One process owns the directory (the lock file), so within it a lease is a local flag.
    tryLease: async (key) => {
      if (leases.has(key)) return undefined
      leases.add(key)
      let held = true
      const lease: Lease = {
        held: () => held,
        release: async () => {
          held = false
          leases.delete(key)
        },
      }
      return lease
    },
    close: async () => {
      try {
        await db.close()
      } finally {
        lock.release()
      }
    },
  }
}
