/**
 * @module The fold thread's side (a worker thread, started by foldThread.ts): it holds the state of
 * each generation the runner folds (rebuilt from the stored rows the runner sends), folds the pages
 * of the log the runner reads (decoding their json here), and answers the statements that write the
 * rows they touched. The runner's thread only reads and writes the store, while this one folds: on
 * PGlite, whose queries run on the runner's thread, the two no longer wait for each other.
 */
import { parentPort } from "node:worker_threads"
import type { LedgerState } from "../../projections/index.js"
import { addStoredRows } from "../readModel/scorecardState.js"
import { nothingTouched, type Statement, type Touched, touchedStatements } from "../readModel/scorecardWrites.js"
import { decodeFoldPage } from "../store/readFoldPage.js"
import { foldInto } from "./batchFold.js"
import type { FoldReply, FoldRequest } from "./foldThread.js"

/** A generation's fold: its state, what the pages folded since the last statements touched, and the first failure since. */
type Open = {
  readonly model: string
  readonly generation: number
  readonly state: LedgerState
  touched: Touched
  failure?: string
}

const port = parentPort
if (port === null) throw new Error("foldWorker.ts runs as a worker thread: start it with foldThread.ts")
const folds = new Map<number, Open>()

/** Runs `work` on an open fold unless it has failed already; a failure is kept for the next statements. */
const unlessFailed = <A>(open: Open, work: () => A): A | undefined => {
  if (open.failure !== undefined) return undefined
  try {
    return work()
  } catch (error) {
    open.failure = error instanceof Error ? (error.stack ?? error.message) : String(error)
    return undefined
  }
}

const statementsOf = (open: Open): ReadonlyArray<Statement> => {
  const statements = touchedStatements(open.model, open.generation, open.state, open.touched)
  open.touched = nothingTouched()
  return statements
}

port.on("message", (request: FoldRequest) => {
  if (request.op === "open") {
    folds.set(request.fold, {
      model: request.model,
      generation: request.generation,
      state: request.state,
      touched: nothingTouched(),
    })
    return
  }
  const open = folds.get(request.fold)
  switch (request.op) {
    case "stored":
      if (open !== undefined) unlessFailed(open, () => addStoredRows(open.state, request.page))
      return
    case "fold":
      if (open !== undefined) unlessFailed(open, () => foldInto(open.state, decodeFoldPage(request.page), open.touched))
      return
    case "statements": {
      const reply = (message: FoldReply) => port.postMessage(message)
      if (open === undefined)
        return reply({ request: request.request, failure: `fold ${request.fold} is not open on the fold thread` })
      const statements = unlessFailed(open, () => statementsOf(open))
      return reply(
        statements === undefined
          ? { request: request.request, failure: open.failure as string }
          : { request: request.request, statements },
      )
    }
    case "close":
      folds.delete(request.fold)
      return
  }
})
