/**
 * @module The projection runner's fold thread, as the runner sees it. `openFold` opens a
 * generation's state on the thread, and `addStored` sends it the stored rows a page at a time (no
 * whole state is copied at once between threads: that held the server's thread for a moment and
 * doubled its memory while the copy lasted); `add` sends it each page of the log as read (json
 * text, decoded there); `statements` answers the writes of what the pages added since the last call
 * touched, computed there too. The runner's own thread is left with reading the log and writing the rows.
 *
 * Why a thread: on PGlite the store's queries run on the runner's thread, so a catch-up that also
 * folded there took the read, the fold and the write one after the other (measured on the demo's
 * million events: 7.2 s reading, 3.9 s folding, 3.3 s writing). The thread folds a page while the
 * next one is read; on PostgreSQL it keeps the fold off the thread that answers requests.
 *
 * One thread a process, shared by every fold open in it, started by the first (from the bundle built
 * beside the `ledger` command's: src/bundle.mjs), and holding the process open only while a
 * request waits for it. Pages are folded in the order they were added; a failure while folding is
 * answered by the next `statements`, and a thread that dies fails every fold open on it: the runner
 * then loads the state again from the store (projectionRunner.ts `reload`).
 */
import { Worker } from "node:worker_threads"
import { emptyLedgerState, type LedgerState } from "../../projections/index.js"
import type { StoredRows } from "../readModel/scorecardState.js"
import type { Statement } from "../readModel/scorecardWrites.js"

/** What the runner asks of the fold thread. */
export type FoldRequest =
  | {
      readonly op: "open"
      readonly fold: number
      readonly model: string
      readonly generation: number
      readonly state: LedgerState
    }
  | { readonly op: "stored"; readonly fold: number; readonly page: StoredRows }
  | { readonly op: "fold"; readonly fold: number; readonly page: string }
  | { readonly op: "statements"; readonly fold: number; readonly request: number }
  | { readonly op: "close"; readonly fold: number }

/** The fold thread's answer to a `statements` request. */
export type FoldReply =
  | { readonly request: number; readonly statements: ReadonlyArray<Statement> }
  | { readonly request: number; readonly failure: string }

/** A generation's state, held by the fold thread. */
export type Fold = {
  /** Sends a page of the generation's stored rows (`readStoredRows`), before any page of the log. */
  addStored(page: StoredRows): void
  /** Sends a page read by `readFoldPage` to be folded after the pages sent before it. */
  add(page: string): void
  /** The statements writing the rows the pages added since the last call touched, as the state now has them. */
  statements(): Promise<ReadonlyArray<Statement>>
  /** Lets the thread drop the state. */
  close(): void
}

type Waiting = {
  readonly resolve: (statements: ReadonlyArray<Statement>) => void
  readonly reject: (error: Error) => void
}
type Thread = { readonly worker: Worker; readonly waiting: Map<number, Waiting>; failure?: Error }

let started: Promise<Thread> | undefined
let current: Thread | undefined
let lastId = 0

const startThread = async (): Promise<Thread> => {
  const { foldWorkerBundle } = await import("../bundle.mjs")
  const worker = new Worker(await foldWorkerBundle())
  worker.unref()
  const thread: Thread = { worker, waiting: new Map() }
  const fail = (error: Error) => {
    thread.failure ??= error
    // The next open starts a new thread (an earlier thread's late exit leaves the new one alone).
    if (thread === current) started = current = undefined
    for (const waiting of thread.waiting.values()) waiting.reject(error)
    thread.waiting.clear()
  }
  worker.on("message", (reply: FoldReply) => {
    const waiting = thread.waiting.get(reply.request)
    if (waiting === undefined) return
    thread.waiting.delete(reply.request)
    if (thread.waiting.size === 0) worker.unref()
    if ("failure" in reply) waiting.reject(new Error(`the fold thread failed: ${reply.failure}`))
    else waiting.resolve(reply.statements)
  })
  worker.on("error", (error) => fail(error))
  worker.on("exit", (code) => fail(new Error(`the fold thread exited (code ${code})`)))
  current = thread
  return thread
}

/**
 * Ends the fold thread, if one runs: every fold open on it fails (its runner then loads the state
 * again from the store, on a new thread). For a process done with folding that wants the thread's
 * heap back, and for the tests that check that a dead thread costs nothing but a reload.
 */
export const stopFoldThread = async (): Promise<void> => {
  const thread = current
  if (thread !== undefined) await thread.worker.terminate()
}

/**
 * Opens a generation's state on the fold thread, started if need be: `initial` (a small state, as
 * tests give; copied once), then what `addStored` adds.
 */
export const openFold = async (
  model: string,
  generation: number,
  initial: LedgerState = emptyLedgerState(),
): Promise<Fold> => {
  // A thread that could not start is not kept: the next open tries again.
  started ??= startThread().catch((error: unknown) => {
    started = undefined
    throw error
  })
  const thread = await started
  const fold = ++lastId
  const post = (request: FoldRequest) => {
    if (thread.failure === undefined) thread.worker.postMessage(request)
  }
  post({ op: "open", fold, model, generation, state: initial })
  return {
    addStored: (page) => post({ op: "stored", fold, page }),
    add: (page) => post({ op: "fold", fold, page }),
    statements: () =>
      new Promise((resolve, reject) => {
        if (thread.failure !== undefined) return reject(thread.failure)
        const request = ++lastId
        thread.waiting.set(request, { resolve, reject })
        thread.worker.ref()
        post({ op: "statements", fold, request })
      }),
    close: () => post({ op: "close", fold }),
  }
}
