/**
 * @module The embedded store: PGlite on a data directory, on a thread of its own (pgliteWorker.ts),
 * guarded by a lock file so that one process at a time writes it (two writers silently lose
 * committed rows), as durable as `durability` says (durability.ts: a killed process, or also an OS
 * crash), and private to the server's user (privateFiles.ts: 0700 directories, 0600 files, made so
 * again at every open).
 *
 * Why a thread: PostgreSQL compiled to WASM runs on the thread that calls it, fsyncs included. On
 * the server's thread, every statement and every commit held every request: a first start answered
 * nothing for seconds at a time while its demo loaded, and each commit waited for the disk with the
 * whole server (bench/responsiveness.ts; under load, an fsync per commit took 51 ms at the median
 * and 420 ms at worst, measured on the shared 2-core machine). A statement crosses to the store's
 * thread and back as a message: parameters and rows are copied (large reads already come as one
 * json text, sql.ts `selectMany`).
 */
import { Worker } from "node:worker_threads"
import { acquireDataDirLock } from "./dataDirLock.js"
import { type Durability, defaultDurability, type SyncObserver } from "./durability.js"
import { clusterExists, createCluster } from "./pgliteCluster.js"
import type { StoreError, StoreReply, StoreRequest } from "./pgliteWorker.js"
import { makePrivate } from "./privateFiles.js"
import type { Lease, SqlDatabase, SqlQueryable } from "./sql.js"

export type PgliteOptions = {
  /** What an acknowledged commit survives (default `os`, see durability.ts). */
  readonly durability?: Durability
  /** Told of each file PostgreSQL synced (only with `os`): tests and measurements. */
  readonly onSync?: SyncObserver
}

/** Opens (creating if needed) the PGlite database in `dir`; refuses a directory another live process holds. */
export const openPglite = async (dir: string, options: PgliteOptions = {}): Promise<SqlDatabase> => {
  const lock = acquireDataDirLock(dir)
  const durability = options.durability ?? defaultDurability
  let thread: StoreThread
  try {
    if (!clusterExists(dir)) await createCluster(dir, { sync: durability === "os" })
    // What an older version (or a copy, or a restore, or the child that created the cluster) left
    // readable by others, before anything is read.
    makePrivate(lock.dir)
    thread = await startStoreThread(options.onSync)
    try {
      await thread.ask({ op: "open", dir, durability, observeSyncs: options.onSync !== undefined })
    } catch (error) {
      await thread.end()
      throw error
    }
  } catch (error) {
    lock.release()
    throw error
  }
  const on = (tx: number | undefined): SqlQueryable => ({
    backend: "pglite",
    query: async <Row>(text: string, params?: ReadonlyArray<unknown>) =>
      (await thread.ask({
        op: "query",
        ...(tx === undefined ? {} : { tx }),
        text,
        ...(params === undefined ? {} : { params: [...params] }),
      })) as ReadonlyArray<Row>,
  })
  let lastTransaction = 0
  const leases = new Set<number>()
  return {
    location: dir,
    ...on(undefined),
    transaction: async (work) => {
      const tx = ++lastTransaction
      await thread.ask({ op: "begin", tx })
      let result: Awaited<ReturnType<typeof work>>
      try {
        result = await work(on(tx))
      } catch (error) {
        await thread.ask({ op: "rollback", tx }).catch(() => undefined)
        throw error
      }
      await thread.ask({ op: "commit", tx })
      return result
    },
    exec: async (text) => {
      await thread.ask({ op: "exec", text })
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
        await thread.ask({ op: "close" })
      } finally {
        await thread.end()
        lock.release()
      }
    },
  }
}

/** Distributes a request without its id: `ask` numbers it. */
type Unnumbered<R> = R extends unknown ? Omit<R, "id"> : never

type StoreThread = {
  /** Sends a request and answers its rows, or rejects with the database's error (its `code` kept). */
  ask(request: Unnumbered<StoreRequest>): Promise<ReadonlyArray<unknown>>
  /** Ends the thread (after `close`, or when the open failed). */
  end(): Promise<void>
}

/**
 * Starts a store thread from the bundle built beside the `ledger` command's (src/bundle.mjs). It
 * holds the process open only while a request waits for it, as an in-process PGlite would.
 */
const startStoreThread = async (onSync: SyncObserver | undefined): Promise<StoreThread> => {
  const { storeWorkerBundle } = await import("../bundle.mjs")
  const worker = new Worker(await storeWorkerBundle())
  worker.unref()
  const waiting = new Map<number, { resolve: (rows: ReadonlyArray<unknown>) => void; reject: (e: Error) => void }>()
  let failure: Error | undefined
  let lastId = 0
  const fail = (error: Error) => {
    failure ??= error
    for (const { reject } of waiting.values()) reject(failure)
    waiting.clear()
  }
  worker.on("message", (message: StoreReply) => {
    if ("synced" in message) return onSync?.(message.synced)
    const pending = waiting.get(message.id)
    if (pending === undefined) return
    waiting.delete(message.id)
    if (waiting.size === 0) worker.unref()
    if ("error" in message) pending.reject(errorOf(message.error))
    else pending.resolve(message.rows)
  })
  worker.on("error", fail)
  worker.on("exit", (code) => fail(new Error(`the embedded store's thread exited (code ${code})`)))
  return {
    ask: (request) =>
      new Promise((resolve, reject) => {
        if (failure !== undefined) return reject(failure)
        const id = ++lastId
        waiting.set(id, { resolve, reject })
        worker.ref()
        worker.postMessage({ ...request, id })
      }),
    end: async () => {
      await worker.terminate()
    },
  }
}

/** The database's error again, on this thread: its message, name and fields (`code`, `detail`…), and this thread's stack. */
const errorOf = (error: StoreError): Error => {
  const rebuilt = Object.assign(new Error(error.message), error.fields)
  if (error.name !== "Error") Object.defineProperty(rebuilt, "name", { value: error.name, configurable: true })
  return rebuilt
}
