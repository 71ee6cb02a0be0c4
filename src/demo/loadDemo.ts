/**
 * @module Loads the demo team into the store: the generator streamed in batches, each batch one
 * transaction through the same path as every other append (`toStreamAppends`, so deal streams are
 * checked by the deal decider), each event labelled `source: "demo"` in its metadata.
 *
 * Loading again appends nothing: every demo event has its deterministic idempotency key.
 *
 * @example
 * const loaded = await loadDemoTeam(db, { seed: 42, onProgress: (n) => console.log(`${n} events loaded`) })
 */
import { type Provenance, toStreamAppends } from "../ingest/appendEvents.js"
import { appendToLog } from "../store/appendToLog.js"
import type { AppendRejection } from "../store/eventLog.js"
import type { SqlDatabase } from "../store/sql.js"
import { type DemoEvent, generateDemoTeam } from "./generateDemoTeam.js"
import type { DemoTeamOptions } from "./options.js"

export type LoadDemoOptions = DemoTeamOptions & {
  /** Events per transaction. Default 2,000. */
  readonly batchSize?: number
  /** Called after each batch with the number of events loaded so far. */
  readonly onProgress?: (eventsLoaded: number) => void
}

/** The provenance of demo events: `{ source: "demo" }` and the seed, in every event's metadata. */
export const demoProvenance = (seed: number): Provenance => ({ source: "demo", extra: { demoSeed: seed } })

/** The store refused a batch of the demo; the message says why and what to do. */
export class DemoLoadRejected extends Error {
  constructor(readonly rejection: AppendRejection) {
    super(messageOf(rejection))
    this.name = "DemoLoadRejected"
  }
}

/**
 * Streams the demo team into the store; answers how many demo events it loaded (generated and sent:
 * on a second run the store keeps them once, and `countEvents` does not move).
 */
export const loadDemoTeam = async (db: SqlDatabase, options: LoadDemoOptions): Promise<number> => {
  const batchSize = options.batchSize ?? 2_000
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`batchSize must be a positive integer, got ${batchSize}`)
  const provenance = demoProvenance(options.seed)
  let batch: Array<DemoEvent> = []
  let events = 0
  const flush = async (): Promise<void> => {
    const result = await appendToLog(db, toStreamAppends(batch, provenance).appends)
    if (!result.ok) throw new DemoLoadRejected(result.rejection)
    events += batch.length
    batch = []
    options.onProgress?.(events)
  }
  for (const event of generateDemoTeam(options)) {
    batch.push(event)
    if (batch.length >= batchSize) await flush()
  }
  if (batch.length > 0) await flush()
  return events
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
