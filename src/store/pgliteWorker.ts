/**
 * @module The embedded store's thread (a worker thread, started by pglite.ts): PGlite on the data
 * directory, answering the statements the server's thread sends. PostgreSQL compiled to WASM runs
 * where it is called, and every commit's fsync (`LEDGER_DURABILITY=os`) is a synchronous call inside
 * it: on the server's thread they held every request while they ran (bench/responsiveness.ts). Here
 * they hold only this thread.
 *
 * A transaction stays open on this thread while the server's thread sends its statements one by
 * one (`begin`, `query`… with its id, then `commit` or `rollback`); PGlite runs one transaction at a
 * time, and a statement outside it waits for its end, as in-process.
 */
import { parentPort } from "node:worker_threads"
import { PGlite, type Transaction, types } from "@electric-sql/pglite"
import postgresDate from "postgres-date"
import { type Durability, durableNodeFs, startParamsFor } from "./durability.js"
import { PrivateNodeFS } from "./privateFiles.js"

/** What the server's thread asks of the store's thread. Every request is answered with its `id`. */
export type StoreRequest =
  | {
      readonly op: "open"
      readonly id: number
      readonly dir: string
      readonly durability: Durability
      readonly observeSyncs: boolean
    }
  | {
      readonly op: "query"
      readonly id: number
      readonly tx?: number
      readonly text: string
      readonly params?: unknown[]
    }
  | { readonly op: "exec"; readonly id: number; readonly text: string }
  | { readonly op: "begin"; readonly id: number; readonly tx: number }
  | { readonly op: "commit" | "rollback"; readonly id: number; readonly tx: number }
  | { readonly op: "close"; readonly id: number }

/** A database error as it crosses threads: its message and its fields (`code`, `detail`…). */
export type StoreError = { readonly message: string; readonly name: string; readonly fields: Record<string, unknown> }

/** The store's thread's messages: an answer to a request, or a file PostgreSQL synced (durability.ts `SyncObserver`). */
export type StoreReply =
  | { readonly id: number; readonly rows: ReadonlyArray<unknown> }
  | { readonly id: number; readonly error: StoreError }
  | { readonly synced: string }

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

const port = parentPort
if (port === null) throw new Error("pgliteWorker.ts runs as a worker thread: open the store with pglite.ts")
const reply = (message: StoreReply) => port.postMessage(message)

/** An error as data: structured cloning would keep its message and drop the fields the store reads (`code`). */
const storeError = (error: unknown): StoreError => {
  if (!(error instanceof Error)) return { message: String(error), name: "Error", fields: {} }
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error))
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value
  return { message: error.message, name: error.name, fields }
}

const answer = (id: number, work: () => Promise<ReadonlyArray<unknown>>): Promise<void> =>
  work().then(
    (rows) => reply({ id, rows }),
    (error: unknown) => reply({ id, error: storeError(error) }),
  )

/** The statements of one open transaction, in the order they were sent, until its end. */
type Inbox = { readonly queued: StoreRequest[]; wake?: () => void }

let db: PGlite | undefined
const transactions = new Map<number, Inbox>()

const next = async (inbox: Inbox): Promise<StoreRequest> => {
  for (;;) {
    const request = inbox.queued.shift()
    if (request !== undefined) return request
    await new Promise<void>((resolve) => {
      inbox.wake = resolve
    })
  }
}

class RolledBack extends Error {}

const runTransaction = (database: PGlite, begin: Extract<StoreRequest, { op: "begin" }>): void => {
  const inbox: Inbox = { queued: [] }
  transactions.set(begin.tx, inbox)
  let begun = false
  let endId: number | undefined
  const serve = async (tx: Transaction) => {
    begun = true
    reply({ id: begin.id, rows: [] })
    for (;;) {
      const request = await next(inbox)
      if (request.op === "query")
        await answer(request.id, async () => (await tx.query(request.text, request.params)).rows)
      else if (request.op === "commit") return (endId = request.id)
      else if (request.op === "rollback") {
        endId = request.id
        throw new RolledBack()
      }
    }
  }
  database
    .transaction(serve)
    .then(
      () => reply({ id: endId as number, rows: [] }),
      (error: unknown) => {
        if (error instanceof RolledBack) reply({ id: endId as number, rows: [] })
        else reply({ id: begun && endId !== undefined ? endId : begin.id, error: storeError(error) })
      },
    )
    .finally(() => transactions.delete(begin.tx))
}

const open = async (request: Extract<StoreRequest, { op: "open" }>): Promise<ReadonlyArray<unknown>> => {
  const onSync = request.observeSyncs ? (file: string) => reply({ synced: file }) : undefined
  db =
    request.durability === "os"
      ? await PGlite.create({
          fs: durableNodeFs(request.dir, onSync),
          startParams: startParamsFor(request.durability),
          parsers,
          serializers,
        })
      : await PGlite.create({ fs: new PrivateNodeFS(request.dir), parsers, serializers })
  return []
}

port.on("message", (request: StoreRequest) => {
  if (request.op === "open") return void answer(request.id, () => open(request))
  const database = db
  if (database === undefined)
    return reply({ id: request.id, error: storeError(new Error("the embedded store is not open")) })
  switch (request.op) {
    case "query": {
      if (request.tx === undefined)
        return void answer(request.id, async () => (await database.query(request.text, request.params)).rows)
      const inbox = transactions.get(request.tx)
      if (inbox === undefined)
        return reply({ id: request.id, error: storeError(new Error(`transaction ${request.tx} is not open`)) })
      inbox.queued.push(request)
      return inbox.wake?.()
    }
    case "commit":
    case "rollback": {
      const inbox = transactions.get(request.tx)
      if (inbox === undefined) return reply({ id: request.id, rows: [] })
      inbox.queued.push(request)
      return inbox.wake?.()
    }
    case "begin":
      return runTransaction(database, request)
    case "exec":
      return void answer(request.id, async () => {
        await database.exec(request.text)
        return []
      })
    case "close":
      return void answer(request.id, async () => {
        await database.close()
        db = undefined
        return []
      })
  }
})
