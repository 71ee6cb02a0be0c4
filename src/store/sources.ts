/**
 * @module Ingestion status: the `ledger_sources` table, one row per source (`api`, `aircall`,
 * `twilio`…) counting its deliveries by outcome, the events they added, and the last rejection with
 * its reason, so that an admin sees at a glance that a webhook is failing its signature check.
 * What an admin reads here is evidence: a request nobody authenticated adds at most one to
 * `rejected`, with the ledger's own words as its reason; it never moves `lastSeenAt`.
 *
 * @example
 * const deliveries = deliveryTally(sql)
 * deliveries.record("twilio", { kind: "rejected", status: 401, reason: "X-Twilio-Signature does not match" }, new Date())
 * await deliveries.flush()
 * const sources = await listSources(sql)
 */
import { storableCopy } from "../../events/storableText.js"
import type { SqlQueryable } from "./sql.js"

/** What became of one delivery (a webhook request, or one POST /v1/events). */
export type DeliveryOutcome =
  /** Stored something: `eventsAppended` events were added to the log. */
  | { readonly kind: "accepted"; readonly eventsAppended: number }
  /** A retry of a delivery already stored: nothing appended. */
  | { readonly kind: "duplicate" }
  /** Authentic, but nothing the ledger maps (a vendor event it does not read). */
  | { readonly kind: "ignored" }
  /** Refused. `reason` is kept and shown: for a request nobody authenticated, fixed words, never the request's text. */
  | { readonly kind: "rejected"; readonly status: number; readonly reason: string }

/** One source's ingestion status. */
export type SourceStatus = {
  readonly source: string
  readonly eventsReceived: number
  readonly deliveries: {
    readonly accepted: number
    readonly duplicate: number
    readonly ignored: number
    readonly rejected: number
  }
  /** The last delivery that was not rejected. */
  readonly lastSeenAt: string | null
  /** The last delivery that added events. */
  readonly lastEventAt: string | null
  readonly lastRejection: { readonly at: string; readonly status: number; readonly reason: string } | null
}

/** What a source's deliveries add to its row: counts, the latest instants, the last rejection. */
type SourceDelta = {
  events: number
  accepted: number
  duplicate: number
  ignored: number
  rejected: number
  seenAt: string | null
  eventAt: string | null
  rejection: { readonly at: string; readonly status: number; readonly reason: string } | null
}

const noDelta = (): SourceDelta => ({
  events: 0,
  accepted: 0,
  duplicate: 0,
  ignored: 0,
  rejected: 0,
  seenAt: null,
  eventAt: null,
  rejection: null,
})

const later = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a > b ? a : b)

/** Adds one delivery to a source's delta (a later rejection replaces an earlier one, as in the table). */
const addDelivery = (delta: SourceDelta, outcome: DeliveryOutcome, at: Date): void => {
  const instant = at.toISOString()
  delta[outcome.kind] += 1
  if (outcome.kind === "rejected") {
    // A reason may quote what was sent, NUL included: the count must not fail on it.
    delta.rejection = { at: instant, status: outcome.status, reason: storableCopy(outcome.reason) }
    return
  }
  delta.seenAt = later(delta.seenAt, instant)
  if (outcome.kind === "accepted" && outcome.eventsAppended > 0) {
    delta.events += outcome.eventsAppended
    delta.eventAt = later(delta.eventAt, instant)
  }
}

/** Adds several sources' deltas to their rows in one statement (concurrent writers add up). */
const addDeltas = async (db: SqlQueryable, deltas: ReadonlyMap<string, SourceDelta>): Promise<void> => {
  await db.query(
    `insert into ledger_sources as s (source, events_received, deliveries_accepted, deliveries_duplicate, deliveries_ignored,
       deliveries_rejected, last_seen_at, last_event_at, last_rejected_at, last_rejection_status, last_rejection)
     select source, events, accepted, duplicate, ignored, rejected, seen_at, event_at, rejected_at, rejection_status, rejection
     from jsonb_to_recordset($1::jsonb) as d(source text, events bigint, accepted bigint, duplicate bigint, ignored bigint,
       rejected bigint, seen_at timestamptz, event_at timestamptz, rejected_at timestamptz, rejection_status int, rejection text)
     order by source
     on conflict (source) do update set
       events_received = s.events_received + excluded.events_received,
       deliveries_accepted = s.deliveries_accepted + excluded.deliveries_accepted,
       deliveries_duplicate = s.deliveries_duplicate + excluded.deliveries_duplicate,
       deliveries_ignored = s.deliveries_ignored + excluded.deliveries_ignored,
       deliveries_rejected = s.deliveries_rejected + excluded.deliveries_rejected,
       last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
       last_event_at = greatest(s.last_event_at, excluded.last_event_at),
       last_rejected_at = coalesce(excluded.last_rejected_at, s.last_rejected_at),
       last_rejection_status = coalesce(excluded.last_rejection_status, s.last_rejection_status),
       last_rejection = coalesce(excluded.last_rejection, s.last_rejection)`,
    [
      JSON.stringify(
        [...deltas].map(([source, d]) => ({
          source,
          events: d.events,
          accepted: d.accepted,
          duplicate: d.duplicate,
          ignored: d.ignored,
          rejected: d.rejected,
          seen_at: d.seenAt,
          event_at: d.eventAt,
          rejected_at: d.rejection?.at ?? null,
          rejection_status: d.rejection?.status ?? null,
          rejection: d.rejection?.reason ?? null,
        })),
      ),
    ],
  )
}

export type DeliveryTally = {
  /** Counts one delivery; it reaches the table with the next flush. */
  record(source: string, outcome: DeliveryOutcome, at: Date): void
  /** Writes every delivery counted so far (readers of the table call it first). */
  flush(): Promise<void>
  /** Flushes, then stops the timer. */
  close(): Promise<void>
}

/**
 * Counts deliveries in memory and adds them to the table every `flushEveryMs` (one statement for
 * every source), and whenever a reader flushes. Counting is off the request's path: one statement
 * per delivery made the single `ledger_sources` row of a busy source the ingest path's bottleneck —
 * 50 concurrent dialer webhooks queued for that row's lock and each paid a commit of its own
 * (bench/ingest.ts: 420 requests/s on PGlite, each count waiting ~22 ms).
 *
 * What it costs: counts not yet flushed when the process is killed are lost (at most
 * `flushEveryMs` of them; a graceful stop flushes). They are the ingestion status's counters, not
 * events: the events those deliveries appended are in the log, committed before their answer.
 * A flush that fails keeps its counts for the next one.
 */
export const deliveryTally = (
  db: SqlQueryable,
  options: { readonly flushEveryMs?: number; readonly onError?: (error: unknown) => void } = {},
): DeliveryTally => {
  const flushEveryMs = options.flushEveryMs ?? 200
  let pending = new Map<string, SourceDelta>()
  let timer: NodeJS.Timeout | undefined
  let writing: Promise<void> = Promise.resolve()

  const write = (): Promise<void> => {
    writing = writing.then(async () => {
      if (pending.size === 0) return
      const batch = pending
      pending = new Map()
      try {
        await addDeltas(db, batch)
      } catch (error) {
        for (const [source, delta] of batch) merge(pending, source, delta)
        throw error
      }
    })
    return writing
  }

  return {
    record: (source, outcome, at) => {
      let delta = pending.get(source)
      if (delta === undefined) pending.set(source, (delta = noDelta()))
      addDelivery(delta, outcome, at)
      timer ??= setTimeout(() => {
        timer = undefined
        write().catch((error: unknown) => options.onError?.(error))
      }, flushEveryMs)
    },
    flush: () => write(),
    close: async () => {
      clearTimeout(timer)
      timer = undefined
      await write()
    },
  }
}

/** Adds `delta` to the pending delta of `source` (a flush that failed gives its counts back). */
const merge = (pending: Map<string, SourceDelta>, source: string, delta: SourceDelta): void => {
  const into = pending.get(source)
  if (into === undefined) {
    pending.set(source, delta)
    return
  }
  into.events += delta.events
  into.accepted += delta.accepted
  into.duplicate += delta.duplicate
  into.ignored += delta.ignored
  into.rejected += delta.rejected
  into.seenAt = later(into.seenAt, delta.seenAt)
  into.eventAt = later(into.eventAt, delta.eventAt)
  into.rejection ??= delta.rejection // the pending one came later
}

type SourceRow = {
  source: string
  events_received: string | number
  deliveries_accepted: string | number
  deliveries_duplicate: string | number
  deliveries_ignored: string | number
  deliveries_rejected: string | number
  last_seen_at: Date | null
  last_event_at: Date | null
  last_rejected_at: Date | null
  last_rejection_status: number | null
  last_rejection: string | null
}

/** Every source that has sent something, by name. */
export const listSources = async (db: SqlQueryable): Promise<ReadonlyArray<SourceStatus>> =>
  (await db.query<SourceRow>("select * from ledger_sources order by source")).map((row) => ({
    source: row.source,
    eventsReceived: Number(row.events_received),
    deliveries: {
      accepted: Number(row.deliveries_accepted),
      duplicate: Number(row.deliveries_duplicate),
      ignored: Number(row.deliveries_ignored),
      rejected: Number(row.deliveries_rejected),
    },
    lastSeenAt: row.last_seen_at?.toISOString() ?? null,
    lastEventAt: row.last_event_at?.toISOString() ?? null,
    lastRejection:
      row.last_rejected_at === null
        ? null
        : {
            at: row.last_rejected_at.toISOString(),
            status: Number(row.last_rejection_status),
            reason: row.last_rejection ?? "",
          },
  }))

/** A source that has sent nothing yet, as `listSources` would show it. */
export const silentSource = (source: string): SourceStatus => ({
  source,
  eventsReceived: 0,
  deliveries: { accepted: 0, duplicate: 0, ignored: 0, rejected: 0 },
  lastSeenAt: null,
  lastEventAt: null,
  lastRejection: null,
})
