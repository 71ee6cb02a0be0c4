/**
 * @module Group commit: concurrent appends share one transaction, so that a burst of single-event
 * webhooks costs one commit (one WAL flush) instead of one each. Measured in issue 7: one commit per
 * event caps ingestion near 4,000 events/s on PGlite and 2,700/s per PostgreSQL connection, while
 * one batched insert reaches 50,000–70,000 rows/s.
 *
 * Natural batching, no timer: while groups' transactions are in flight, the appends that arrive
 * queue up; when one commits (or while there is room for another), the queue (up to
 * `maxGroupEvents`) becomes the next group, once the event loop has turned until callers stop
 * arriving (see `gather`). An idle store commits an append
 * after two turns of the event loop, so a lone caller waits for little but its own commit.
 *
 * On PGlite one group is in flight at a time (its transaction holds the thread), in the order
 * callers came. On a PostgreSQL server, whose transactions run beside this thread, two are, each
 * batch of 1,000 events or more in a group of its own (see `maxGroupsInFlight`): concurrent groups
 * are ordered by the database (stream locks, unique keys, retries) exactly as two ledger processes
 * on one database are, so their order in the log is the one the database chose.
 *
 * @example
 * const commits = groupCommit(db)
 * const result = await commits.append([{ streamId: "call-7", expected: "any", events }])
 * await commits.close()
 */

import { appendGroupToLog, appendToLog } from "./appendToLog.js"
import type { AppendResult, RecordedEvent, StreamAppend } from "./eventLog.js"
import type { SqlDatabase } from "./sql.js"

export type GroupCommitOptions = {
  /**
   * Most events in one group's transaction (default 5,000 on PGlite, the HTTP batch limit; 1,000 on
   * PostgreSQL, see `maxGroupsInFlight`). A caller with more than that commits alone.
   */
  readonly maxGroupEvents?: number
  /**
   * Most groups whose transactions are in flight at once (default 1 on PGlite, 2 on PostgreSQL).
   * Above 1, a group may start before the one ahead of it has committed, and the database orders them.
   */
  readonly maxGroupsInFlight?: number
  /** Told after each group is answered (tests and measurements). */
  readonly onGroup?: (group: GroupReport) => void
}

export type GroupReport = {
  readonly callers: number
  readonly events: number
  /** The group's transaction failed and its callers were appended one transaction each. */
  readonly replayedAlone: boolean
  /** The events the group added to the log (not the stored ones it answered duplicates with). */
  readonly stored: ReadonlyArray<RecordedEvent>
}

export type GroupCommit = {
  /**
   * Appends one caller's batch, answered once the transaction holding it has committed, with the
   * outcome it would have had alone. With one group in flight (PGlite's default), batches are
   * stored in the order `append` was called; with more, in an order the database chose.
   */
  append(appends: ReadonlyArray<StreamAppend>): Promise<AppendResult>
  /** Answers every queued append, then refuses new ones. */
  close(): Promise<void>
}

type Waiting = {
  readonly appends: ReadonlyArray<StreamAppend>
  readonly events: number
  readonly resolve: (result: AppendResult) => void
  readonly reject: (error: unknown) => void
}

/**
 * The defaults of each backend. PGlite runs one transaction at a time on this thread: sharing a
 * commit is all a group can do there, so groups take up to a whole HTTP batch (1,000-event batches
 * from 4 connections: 13,927 and 12,221 events/s in groups of up to 5,000, 12,522 and 9,928 in
 * groups of up to 1,000). A PostgreSQL server writes a group while this thread reads, checks and
 * judges the next: with two groups in flight and each 1,000-event batch a group of its own, the
 * server's thread and the database work side by side, and four importers no longer wait for one
 * another's batches in one shared transaction. 1,000-event batches from 4 connections: 16,088 and
 * 16,009 against 11,798 and 11,138 events/s with one group of up to 5,000 (medians of 3 runs of 4 s,
 * alternated, 2026-12-06). Either half alone gained nothing (groups of up to 1,000 with one in
 * flight: 10,576 and 11,432; two in flight with groups of up to 5,000 or 2,000: 11,027–11,780), nor
 * did a third group in flight (17,118 and 14,779 against 15,688–17,673 with two). Single events from
 * 50 connections measured the same (2,998 and 2,913 against 2,260 and 3,037/s): their groups stay
 * far below 1,000.
 */
const defaultsOf = (backend: SqlDatabase["backend"]) =>
  backend === "postgres"
    ? { maxGroupEvents: 1_000, maxGroupsInFlight: 2 }
    : { maxGroupEvents: 5_000, maxGroupsInFlight: 1 }

/**
 * The most turns of the event loop a group waits for callers. A request takes several turns from
 * its socket to the queue (its key checked, its body read, its events validated), so one turn
 * gathered only the requests that had come furthest: 28 callers a group from 50 connections, on
 * PGlite (whose transaction holds the thread, so nothing else moves meanwhile). Turning while
 * callers keep coming made groups of 44–46 and 45% more single-event webhooks per second (medians of
 * five servers each, 2,214 against 3,204; `ledger serve`, 50 connections, 2026-12-06; README
 * "Performance"); a limit of 16 turns did no better than 8.
 */
const maxGatherTurns = 8

/**
 * The events an append added, out of those it answers with (which include the stored events its
 * duplicates stand for): its `appended` newest, in the log's order. (An event stored before this
 * transaction belongs to an earlier one; see src/store/README.md for the log's order.)
 */
const newlyStored = (result: AppendResult): ReadonlyArray<RecordedEvent> => {
  if (!result.ok || result.appended === 0) return []
  const unique = [...new Map(result.events.map((e) => [e.position, e])).values()]
  const newestFirst = unique.sort((a, b) => compareLogOrder(b, a))
  return newestFirst.slice(0, result.appended).reverse()
}

const compareLogOrder = (a: RecordedEvent, b: RecordedEvent): number => {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId)
  return byTransaction !== 0n ? (byTransaction < 0n ? -1 : 1) : a.position - b.position
}

/** Group commit over `db`: groups in the order callers arrived, `maxGroupsInFlight` of them at once. */
export const groupCommit = (db: SqlDatabase, options: GroupCommitOptions = {}): GroupCommit => {
  const defaults = defaultsOf(db.backend)
  const maxGroupEvents = options.maxGroupEvents ?? defaults.maxGroupEvents
  const maxGroupsInFlight = options.maxGroupsInFlight ?? defaults.maxGroupsInFlight
  const queue: Waiting[] = []
  let draining: Promise<void> | undefined
  let closed = false

  const nextGroup = (): Waiting[] => {
    let size = 0
    let events = 0
    for (const waiting of queue) {
      if (size > 0 && events + waiting.events > maxGroupEvents) break
      size += 1
      events += waiting.events
    }
    return queue.splice(0, size)
  }

  const commit = async (group: ReadonlyArray<Waiting>): Promise<void> => {
    const events = group.reduce((n, w) => n + w.events, 0)
    try {
      const results = await appendGroupToLog(
        db,
        group.map((w) => w.appends),
      )
      for (const [i, w] of group.entries()) w.resolve(results[i] as AppendResult)
      options.onGroup?.({ callers: group.length, events, replayedAlone: false, stored: results.flatMap(newlyStored) })
    } catch (error) {
      const [only] = group
      if (group.length === 1 && only !== undefined) {
        only.reject(error)
        options.onGroup?.({ callers: 1, events, replayedAlone: false, stored: [] })
        return
      }
      // A database error is the group's, not yet anybody's: one caller's event the database refuses
      // (or a connection lost mid-commit) must not fail its neighbours. Each is replayed in a
      // transaction of its own, in the same order; idempotency keys make a replay of what did
      // commit a duplicate, not a second copy.
      const stored: RecordedEvent[] = []
      for (const waiting of group) {
        await appendToLog(db, waiting.appends).then((result) => {
          stored.push(...newlyStored(result))
          waiting.resolve(result)
        }, waiting.reject)
      }
      options.onGroup?.({ callers: group.length, events, replayedAlone: true, stored })
    }
  }

  const queuedEvents = () => queue.reduce((n, w) => n + w.events, 0)

  /**
   * Turns the event loop before a group until two turns in a row bring no new caller (or the group
   * is full, or `maxGatherTurns` have passed), so that requests already received reach the queue.
   * PGlite runs a whole transaction without yielding to I/O (WASM, synchronous file writes:
   * measured, an HTTP server on it never holds two requests at once), so without these turns no
   * second caller could ever join a group on PGlite.
   */
  const gather = async (): Promise<void> => {
    let quietTurns = 0
    for (let turn = 0; turn < maxGatherTurns && quietTurns < 2 && queuedEvents() < maxGroupEvents; turn++) {
      const before = queue.length
      await new Promise((resolve) => setImmediate(resolve))
      quietTurns = queue.length === before ? quietTurns + 1 : 0
    }
  }

  /** Wakes a drain that waits with a group in flight and room for another, when a caller arrives. */
  let arrived: (() => void) | undefined

  const drain = async (): Promise<void> => {
    const inFlight = new Set<Promise<void>>()
    while (queue.length > 0 || inFlight.size > 0) {
      if (inFlight.size >= maxGroupsInFlight) {
        await Promise.race(inFlight)
      } else if (queue.length === 0) {
        await Promise.race([...inFlight, new Promise<void>((resolve) => (arrived = resolve))])
        arrived = undefined
      } else {
        await gather()
        const group: Promise<void> = commit(nextGroup()).finally(() => inFlight.delete(group))
        inFlight.add(group)
      }
    }
    draining = undefined
  }

  return {
    append: (appends) => {
      if (closed) return Promise.reject(new Error("the event store is closing: no more appends are accepted"))
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ appends, events: appends.reduce((n, a) => n + a.events.length, 0), resolve, reject })
        arrived?.()
        draining ??= drain()
      })
    },
    close: async () => {
      closed = true
      await draining
    },
  }
}
