/**
 * @module The raw read of a log: every page from the start, nothing done with the events — the limit
 * a catch-up is measured against.
 */
import { logStart, type Checkpoint } from "../../src/store/eventLog.js"

/** Reads the whole log through `read` (the page after a checkpoint, empty at the end); answers events/s. */
export const rawReadRate = async (read: (after: Checkpoint) => Promise<ReadonlyArray<Checkpoint>>): Promise<number> => {
  const started = performance.now()
  let events = 0
  for (let after = logStart, page = await read(after); page.length > 0; page = await read(after)) {
    events += page.length
    const last = page.at(-1) as Checkpoint
    after = { transactionId: last.transactionId, position: last.position }
  }
  return (events / (performance.now() - started)) * 1000
}
