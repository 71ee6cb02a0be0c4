/**
 * @module The projection runner: folds the log into the scorecard read model. It catches up from
 * each generation's stored checkpoint, has its fold thread (foldThread.ts) apply a batch of events
 * with the pure folds of `projections/` while it reads on, then writes the touched rows and the new
 * checkpoint in one transaction — a crash mid-batch never double-counts. One runner per read model
 * at a time, across every instance on one database (a lease); a rebuild fills a new generation while
 * the old one keeps answering.
 */

import { Data } from "effect"
import {
  activeGeneration,
  addGeneration,
  advanceCheckpoint,
  type Generation,
  liveGenerations,
  promote,
  reached,
} from "../readModel/registry.js"
import { readStoredRows } from "../readModel/scorecardState.js"
import { createTables, dropTables, scorecardFoldVersion, scorecardModel } from "../readModel/scorecardTables.js"
import { type Checkpoint, logStart } from "../store/eventLog.js"
import { committedHead, logBehind } from "../store/logHead.js"
import { readFoldPage } from "../store/readFoldPage.js"
import type { Lease, SqlDatabase } from "../store/sql.js"
import { type Fold, openFold } from "./foldThread.js"

const leaseKey = 7_340_101 // one per read model; any constant shared by every instance
const generationsLock = 7_340_102 // taken while registering a generation and creating its tables

/** `POST /v1/admin/rebuild` while a generation is building: one rebuild at a time. */
export class RebuildAlreadyRunning extends Data.TaggedError("RebuildAlreadyRunning")<{
  readonly generation: Generation
}> {
  override get message() {
    return `generation ${this.generation.generation} is being built (${this.generation.eventsApplied} events applied so far)`
  }
}

/**
 * Registers a new generation and creates its tables in one transaction, under a transaction lock
 * shared by every instance, after `check` has seen the live generations. One transaction: no runner
 * sees the generation before its tables exist (two sessions running `create table if not exists` on
 * one new table at once collide in PostgreSQL's catalog: found by test/crash.e2e.test.ts, a 500 from
 * POST /v1/admin/rebuild, duplicate key in pg_type_typname_nsp_index). One lock: two rebuilds, or a
 * rebuild and a starting runner, never both register (both would take the same next number, and the
 * second fail on the primary key), and "one building at a time" holds however many requests race.
 */
const addGenerationWithTables = (
  db: SqlDatabase,
  check: (live: ReadonlyArray<Generation>) => "add" | "keep",
): Promise<{ readonly live: ReadonlyArray<Generation>; readonly added?: Generation }> =>
  db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [generationsLock])
    const live = await liveGenerations(tx, scorecardModel)
    if (check(live) === "keep") return { live }
    const added = await addGeneration(tx, scorecardModel, scorecardFoldVersion)
    await createTables(tx, added.generation)
    return { live: await liveGenerations(tx, scorecardModel), added }
  })

export type RunnerOptions = {
  /** Most events folded per transaction (a catch-up's; a live runner writes what is new each round). */
  readonly batchSize?: number
  /** Events per read of the log, folded before the next read. */
  readonly pageSize?: number
  /** How long to wait for new events when caught up (an append in this process wakes it sooner). */
  readonly idleMs?: number
  /**
   * How long after an append's wake-up the runner starts its round, so that a burst of appends is
   * folded and written in one round rather than one round each (well within the second in which
   * new events must show in scorecards). A strong read wakes it at once. Default 200 ms: on PGlite a
   * round of 250–300 single events took the server's thread ~4 ms (its read 1.7, its write 2.2),
   * so at 50 ms, about 17 rounds a second, rounds took ~7% of that thread (computed); 200 ms gave
   * single events 5,062 → 5,439/s (PGlite, 50 connections, medians of 9 alternated runs).
   */
  readonly lingerMs?: number
  /** How often the leader re-reads the generations registry for a rebuild started by another instance. */
  readonly registryRefreshMs?: number
  /** What to do with a failure of the loop (logged by the server). */
  readonly onError?: (error: unknown) => void
}

export type ProjectionRunner = {
  /** Wakes the runner now: something was appended. */
  wake(): void
  /**
   * Starts a new generation built from the start of the log; the current one answers until it has
   * caught up. Fails with `RebuildAlreadyRunning` while another generation is building.
   */
  rebuild(): Promise<Generation>
  /**
   * Resolves `true` once the active generation has applied every event up to `checkpoint` (default:
   * every event committed now), `false` at the timeout — e.g. while an older transaction on the
   * server holds the log's fence.
   */
  waitUntilCaughtUp(options?: { readonly checkpoint?: Checkpoint; readonly timeoutMs?: number }): Promise<boolean>
  /** Whether this process holds the lease and is the one folding. */
  isLeader(): boolean
  /** How far the answering generation is behind the committed log (read from the store: true on every instance). */
  lag(): Promise<ProjectionLag>
  /** Finishes the batch in flight, writes it, releases the lease. */
  stop(): Promise<void>
}

/** How far a read model is behind the log: events committed but not applied, and the oldest one's age. */
export type ProjectionLag = {
  readonly model: string
  readonly events: number
  readonly seconds: number
}

/** One generation being folded in this process: its state (held by the fold thread) and where it stands in the log. */
export type Projector = { generation: Generation; fold: Fold; checkpoint: Checkpoint }

/** A projector for `generation`, its state read from the store onto the fold thread. `closeProjector` it when done with it. */
export const openProjector = async (db: SqlDatabase, generation: Generation): Promise<Projector> => {
  const fold = await openFold(scorecardModel, generation.generation)
  try {
    await readStoredRows(db, generation.generation, (page) => fold.addStored(page))
  } catch (error) {
    fold.close()
    throw error
  }
  return { generation, checkpoint: generation.checkpoint, fold }
}

export const closeProjector = (projector: Projector): void => projector.fold.close()

/** Makes sure the read model has an active generation of the current fold version (or one building). */
export const ensureGenerations = async (db: SqlDatabase): Promise<ReadonlyArray<Generation>> =>
  (
    await addGenerationWithTables(db, (live) =>
      live.some((g) => g.foldVersion === scorecardFoldVersion) ? "keep" : "add",
    )
  ).live

/** How many events a step folds, and how it reads them. */
export type StepSize = {
  /** Most events folded before the touched rows and the checkpoint are written (one transaction). */
  readonly batchSize: number
  /** Events per read of the log (default: the batch size, at most 5,000). */
  readonly pageSize?: number
}

/**
 * Advances one projector by up to one batch: reads the log page by page, each page folded by the
 * fold thread while the next is read, then writes every row the batch touched and the new checkpoint
 * in one transaction. A crash mid-batch never double-counts.
 * A row touched by many events of the batch is written once: a catch-up's cost is the rows it
 * writes, not the events it folds (measured: 20,000-event batches wrote 28% fewer rows than
 * 2,000-event ones and took 37% less time writing them). Answers how many events it applied
 * (fewer than the batch size: it has reached the head of the log as it stood, or `stopping()` said
 * so at the end of a page — the runner stopping writes what it folded rather than read on).
 * The checkpoint moves only if no other runner moved it (compare and set): if one did, the batch
 * rolls back and the projector reloads from what is stored.
 */
export const stepProjector = async (
  db: SqlDatabase,
  projector: Projector,
  size: number | StepSize,
  stopping: () => boolean = () => false,
): Promise<number> => {
  const { batchSize, pageSize = Math.min(batchSize, 5_000) } = typeof size === "number" ? { batchSize: size } : size
  let to = projector.checkpoint
  let applied = 0
  const read = (after: Checkpoint) => {
    const limit = Math.min(pageSize, batchSize - applied)
    return readFoldPage(db, { after, limit }).then((page) => ({ page, limit }))
  }
  let next = read(to)
  while (applied < batchSize) {
    const { page, limit } = await next
    if (page === undefined) break
    // The fold thread folds this page while this one reads the next.
    projector.fold.add(page.text)
    applied += page.events
    to = page.last
    const more = page.events === limit && applied < batchSize && !stopping()
    if (!more) break
    next = read(to)
    // Between pages, a turn of the event loop: on PGlite a read runs on this thread (see the loop below).
    await new Promise((resolve) => setImmediate(resolve))
  }
  if (applied === 0) return 0
  try {
    const statements = await projector.fold.statements()
    await db.transaction(async (tx) => {
      if ((await advanceCheckpoint(tx, projector.generation, projector.checkpoint, to, applied)) === undefined)
        throw new CheckpointMoved()
      for (const { text, params } of statements) await tx.query(text, params)
    })
  } catch (error) {
    // The fold thread's state is ahead of what is stored: start again from the stored state.
    await reload(db, projector)
    if (error instanceof CheckpointMoved) return 0
    throw error
  }
  projector.checkpoint = to
  return applied
}

class CheckpointMoved extends Error {}

const reload = async (db: SqlDatabase, projector: Projector) => {
  const stored = (await liveGenerations(db, scorecardModel)).find(
    (g) => g.generation === projector.generation.generation,
  )
  if (stored === undefined) return
  const reloaded = await openProjector(db, stored)
  closeProjector(projector)
  Object.assign(projector, reloaded)
}

/**
 * A runner's batch: up to 250,000 events per transaction, read in pages of 5,000. A batch's write
 * costs the rows it touched, which a larger batch rewrites less often: the demo's 40,480 accounts
 * were written 761,529 times in 20,000-event batches, 245,048 times in 250,000-event ones. Measured
 * on the demo's million events (PGlite, one run each): 55k events/s in 20,000-event batches, 68k/s
 * in 250,000-event ones, whose longest write took 1.3 s (bench/projections.ts): the price, as the
 * embedded store waits on a write, while reads let other work in page by page. The rows a write
 * touches are bounded by the rows there are, so a larger batch writes little more. A live runner's
 * batch is what is new, far smaller; a stopping runner ends its batch at the end of the page.
 */
export const defaultStep: Required<StepSize> = { batchSize: 250_000, pageSize: 5_000 }

/** Starts folding in the background; resolves once the runner has tried for the lease once. */
export const startProjectionRunner = async (
  db: SqlDatabase,
  options: RunnerOptions = {},
): Promise<ProjectionRunner> => {
  const step: StepSize = {
    batchSize: options.batchSize ?? defaultStep.batchSize,
    pageSize: options.pageSize ?? defaultStep.pageSize,
  }
  const idleMs = options.idleMs ?? 250
  const lingerMs = options.lingerMs ?? 200
  const registryRefreshMs = options.registryRefreshMs ?? 1_000
  let lease: Lease | undefined
  let projectors: Projector[] = []
  let registryReadAt = Number.NEGATIVE_INFINITY
  let stopping = false
  const alarm = wakeableSleep()

  // Only the lease holder creates generations, so instances starting together never race to.
  lease = await db.tryLease(leaseKey)
  if (lease !== undefined) await ensureGenerations(db)

  /** Drops every projector (their states are let go): they are loaded again from the store when needed. */
  const forgetProjectors = () => {
    for (const projector of projectors) closeProjector(projector)
    projectors = []
    registryReadAt = Number.NEGATIVE_INFINITY
  }

  const syncProjectors = async () => {
    const live = await liveGenerations(db, scorecardModel)
    registryReadAt = Date.now()
    const isLive = (p: Projector) => live.some((g) => g.generation === p.generation.generation)
    for (const projector of projectors) if (!isLive(projector)) closeProjector(projector)
    const kept = projectors.filter(isLive)
    for (const generation of live) {
      if (kept.some((p) => p.generation.generation === generation.generation)) continue
      await createTables(db, generation.generation)
      kept.push(await openProjector(db, generation))
    }
    projectors = kept.sort((a, b) => a.generation.generation - b.generation.generation)
  }

  const promoteIfCaughtUp = async (projector: Projector) => {
    if (projector.generation.status !== "building") return
    const retired = await db.transaction((tx) => promote(tx, projector.generation))
    for (const generation of retired) await dropTables(db, generation)
    await syncProjectors()
  }

  /** Folds one batch into each generation; answers whether any is still behind the log. */
  const round = async (): Promise<boolean> => {
    if (lease === undefined || !lease.held()) {
      lease = await db.tryLease(leaseKey)
      if (lease === undefined) return false
      forgetProjectors()
      await ensureGenerations(db)
    }
    // The registry changes on a rebuild (this instance's, which marks it stale, or another's) and on
    // a promotion (which re-reads it): reading it every round cost a query per round.
    if (Date.now() - registryReadAt >= registryRefreshMs) await syncProjectors()
    let behind = false
    for (const projector of [...projectors]) {
      const applied = await stepProjector(db, projector, step, () => stopping)
      if (applied >= step.batchSize) behind = true
      else await promoteIfCaughtUp(projector)
    }
    return behind
  }

  const loop = (async () => {
    while (!stopping) {
      let behind = false
      try {
        behind = await round()
      } catch (error) {
        options.onError?.(error)
        forgetProjectors()
        await alarm.sleep(1_000)
      }
      if (stopping) break
      // A turn of the event loop between batches: on PGlite a query resolves without waiting for I/O, so
      // a catch-up would otherwise hold the process until its end, answering no request (measured by
      // the crash harness: a request sent during a 60,000-event rebuild waited 2.3 s, the rebuild's length).
      if (behind) await new Promise((resolve) => setImmediate(resolve))
      else await alarm.sleep(lease === undefined ? Math.max(idleMs, 1_000) : idleMs)
    }
  })()

  return {
    wake: () => alarm.wakeWithin(lingerMs),
    rebuild: async () => {
      const { live, added } = await addGenerationWithTables(db, (live) =>
        live.some((g) => g.status === "building") ? "keep" : "add",
      )
      if (added === undefined)
        throw new RebuildAlreadyRunning({ generation: live.find((g) => g.status === "building") as Generation })
      registryReadAt = Number.NEGATIVE_INFINITY
      alarm.wakeWithin(0)
      return added
    },
    waitUntilCaughtUp: async ({ checkpoint, timeoutMs = 10_000 } = {}) => {
      const target = checkpoint ?? (await committedHead(db))
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const active = await activeGeneration(db, scorecardModel)
        if (active !== undefined && reached(active.checkpoint, target)) return true
        if (Date.now() >= deadline) return false
        alarm.wakeWithin(0)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    isLeader: () => lease?.held() === true,
    lag: async () => {
      const active = await activeGeneration(db, scorecardModel)
      return { model: scorecardModel, ...(await logBehind(db, active?.checkpoint ?? logStart)) }
    },
    stop: async () => {
      stopping = true
      alarm.wakeWithin(0)
      await loop
      forgetProjectors()
      await lease?.release()
    },
  }
}

/**
 * A sleep that can be cut short: `wakeWithin(ms)` ends the sleep in progress no later than `ms`
 * from now (a sleep already due sooner is left alone); called while awake, it makes the next sleep
 * that short, so a wake-up between two rounds is not lost.
 */
const wakeableSleep = () => {
  let sleeping: { readonly until: number; readonly timer: NodeJS.Timeout; readonly resolve: () => void } | undefined
  let wokenUntil: number | undefined
  const end = (resolve: () => void, timer: NodeJS.Timeout) => {
    clearTimeout(timer)
    sleeping = undefined
    resolve()
  }
  const at = (until: number, resolve: () => void) => {
    const timer: NodeJS.Timeout = setTimeout(() => end(resolve, timer), Math.max(0, until - Date.now()))
    sleeping = { until, timer, resolve }
  }
  return {
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        const until = Math.min(Date.now() + ms, wokenUntil ?? Number.POSITIVE_INFINITY)
        wokenUntil = undefined
        at(until, resolve)
      }),
    wakeWithin: (ms: number) => {
      const until = Date.now() + ms
      if (sleeping === undefined) {
        wokenUntil = Math.min(until, wokenUntil ?? Number.POSITIVE_INFINITY)
        return
      }
      if (sleeping.until <= until) return
      const { timer, resolve } = sleeping
      clearTimeout(timer)
      at(until, resolve)
    },
  }
}
