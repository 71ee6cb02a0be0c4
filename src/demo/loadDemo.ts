/**
 * @module Loads the demo team into the store: the generator streamed in batches, each batch one
 * transaction through the same path as every other append (`toStreamAppends`, so deal streams are
 * checked by the deal decider), each event labelled `source: "demo"` in its metadata, the first
 * one also with the demo's plan (`demoPlan`: what it takes to generate the same team again).
 *
 * A batch is small and the loader gives the event loop a turn after each, and while it generates
 * the next (src/runtime/timeSlices.ts): the server answers while it loads (bench/responsiveness.ts).
 *
 * Loading again appends nothing: every demo event has its deterministic idempotency key.
 *
 * @example
 * const loaded = await loadDemoTeam(db, { seed: 42, onProgress: (n) => console.log(`${n} events loaded`) })
 */
import { setImmediate as turn } from "node:timers/promises"
import { type EventToAppend, type Provenance, toStreamAppends } from "../ingest/appendEvents.js"
import { timeSlices } from "../runtime/timeSlices.js"
import { appendToLog } from "../store/appendToLog.js"
import type { AppendRejection } from "../store/eventLog.js"
import type { SqlDatabase } from "../store/sql.js"
import { dateOf } from "./calendar.js"
import { type DemoEvent, generateDemoTeam } from "./generateDemoTeam.js"
import { type DemoTeamOptions, resolveDemoOptions } from "./options.js"

export type LoadDemoOptions = DemoTeamOptions & {
  /**
   * Events per transaction. By default the loader sizes its batches to hold the store about
   * {@link batchTargetMs} each.
   */
  readonly batchSize?: number
  /**
   * The demo's events the store already holds (currentDemo.ts): the first `events` are generated
   * again (the simulation needs them to carry on) but not sent, and the last of them must be the
   * stored one (`isStored`), or the load stops with `DemoDiverged` before sending anything.
   */
  readonly after?: { readonly events: number; readonly isStored: (event: DemoEvent) => boolean }
  /** Called after each batch with the number of events sent so far (those skipped by `after` not counted). */
  readonly onProgress?: (eventsLoaded: number) => void
}

/**
 * How long one batch's append may hold the store: the team's own appends (webhooks, dialers) wait for
 * it. On PGlite an append costs about 90 µs an event (measured: 1,000 demo events in 89–95 ms, 250 in
 * 31–36), so about 500 events on an idle machine; on a busy one the batches shrink (never under 50).
 */
export const batchTargetMs = 50

/** The next batch's size, from the last one's and how long its append took: steered towards the target, by at most half or double. */
const nextBatchSize = (size: number, tookMs: number): number =>
  Math.round(Math.min(2_000, Math.max(50, size * Math.min(2, Math.max(0.5, batchTargetMs / Math.max(tookMs, 1))))))

/** What it takes to generate the same demo again, kept in the metadata of its first event. */
export type DemoPlan = {
  readonly reps: number
  readonly months: number
  readonly scale: number
  readonly endDate: string
}

/** The provenance of demo events: `{ source: "demo" }` and the seed, in every event's metadata. */
export const demoProvenance = (seed: number): Provenance => ({ source: "demo", extra: { demoSeed: seed } })

/** The idempotency key of a demo's `n`-th event (from 1), as the generator numbers them. */
export const demoEventKey = (seed: number, n: number): string => `demo-${seed}-${n}`

/** The store's demo is not what this generator makes of its plan: it cannot be carried on. */
export class DemoDiverged extends Error {
  constructor(readonly atEvent: number) {
    super(`the stored demo's event ${atEvent} is not the one its plan generates`)
    this.name = "DemoDiverged"
  }
}

/** The store refused a batch of the demo; the message says why and what to do. */
export class DemoLoadRejected extends Error {
  constructor(readonly rejection: AppendRejection) {
    super(messageOf(rejection))
    this.name = "DemoLoadRejected"
  }
}

/**
 * Streams the demo team into the store; answers how many demo events it sent (generated and sent:
 * on a second run the store keeps them once, and `countEvents` does not move).
 */
export const loadDemoTeam = async (db: SqlDatabase, options: LoadDemoOptions): Promise<number> => {
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1))
    throw new Error(`batchSize must be a positive integer, got ${options.batchSize}`)
  let batchSize = options.batchSize ?? 250
  const after = options.after?.events ?? 0
  const resolved = resolveDemoOptions(options)
  const provenance = demoProvenance(options.seed)
  const plan: DemoPlan = {
    reps: resolved.reps,
    months: resolved.months,
    scale: resolved.scale,
    endDate: dateOf(resolved.lastDay),
  }
  let batch: Array<EventToAppend> = []
  let sent = 0
  let generated = 0
  const flush = async (): Promise<void> => {
    const { appends } = toStreamAppends(batch, provenance)
    const started = performance.now()
    const result = await appendToLog(db, appends)
    if (!result.ok) throw new DemoLoadRejected(result.rejection)
    if (options.batchSize === undefined) batchSize = nextBatchSize(batchSize, performance.now() - started)
    sent += batch.length
    batch = []
    options.onProgress?.(sent)
    await turn()
  }
  // Generating is work too (about 10 µs an event, several times that on a busy machine): sliced in time.
  const slices = timeSlices()
  for (const event of generateDemoTeam(options)) {
    generated++
    if ((generated & 127) === 0 && slices.due()) await slices.turn()
    if (generated <= after) {
      if (generated === after && !options.after?.isStored(event)) throw new DemoDiverged(after)
      continue
    }
    batch.push(generated === 1 ? { ...event, metadata: { demoPlan: plan } } : event)
    if (batch.length >= batchSize) await flush()
  }
  // A run that ends before the stored events do is not the one that made them.
  if (generated < after) throw new DemoDiverged(after)
  if (batch.length > 0) await flush()
  return sent
}

const messageOf = (rejection: AppendRejection): string => {
  switch (rejection._tag) {
    case "IdempotencyKeyReused":
      return (
        `the store already holds a different event under the demo key ${rejection.idempotencyKey}: ` +
        "a demo with the same seed but other options (reps, months, endDate, scale) was loaded before; " +
        "load this one into a fresh store or use another seed"
      )
    case "StreamRuleViolation":
      return `the store refused the demo's stream ${rejection.streamId}: ${rejection.reason} (is another demo with the same seed already loaded?)`
    case "WrongExpectedVersion":
      return `the demo's stream ${rejection.streamId} was at version ${rejection.actual}, not ${String(rejection.expected)}`
    default:
      return assertNever(rejection)
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled rejection ${JSON.stringify(value)}`)
}
