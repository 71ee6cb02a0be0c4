/**
 * @module The raw read of a log: every page from the start, nothing done with the events — the limit
 * a catch-up is measured against.
 */
import { type Checkpoint, logStart } from "../../src/store/eventLog.js"

/** A page as a reader answers it: how many events, and where it ends. */
type PageRead = { readonly events: number; readonly last: Checkpoint }

/** Reads the whole log through `read` (the page after a checkpoint, `undefined` at the end); answers events/s. */
export const pagesReadRate = async (read: (after: Checkpoint) => Promise<PageRead | undefined>): Promise<number> => {
  const started = performance.now()
  let events = 0
  for (let page = await read(logStart); page !== undefined; page = await read(page.last)) events += page.events
  return (events / (performance.now() - started)) * 1000
}

/** Reads the whole log through `read` (the events after a checkpoint, empty at the end); answers events/s. */
export const rawReadRate = (read: (after: Checkpoint) => Promise<ReadonlyArray<Checkpoint>>): Promise<number> =>
  pagesReadRate(async (after) => {
    const page = await read(after)
    const last = page.at(-1)
    return last === undefined
      ? undefined
      : { events: page.length, last: { transactionId: last.transactionId, position: last.position } }
  })
