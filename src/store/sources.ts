/**
 * @module Ingestion status: the `ledger_sources` table, one row per source (`api`, `aircall`,
 * `twilio`…) counting its deliveries by outcome, the events they added, and the last rejection with
 * its reason, so that an admin sees at a glance that a webhook is failing its signature check.
 *
 * @example
 * await recordDelivery(sql, "twilio", { kind: "rejected", status: 401, reason: "X-Twilio-Signature does not match" }, new Date())
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
  /** Authentic, but nothing the ledger maps (a vendor event it does not read, a handshake). */
  | { readonly kind: "ignored" }
  | { readonly kind: "rejected"; readonly status: number; readonly reason: string }

/** One source's ingestion status. */
export type SourceStatus = {
  readonly source: string
  readonly eventsReceived: number
  readonly deliveries: { readonly accepted: number; readonly duplicate: number; readonly ignored: number; readonly rejected: number }
  /** The last delivery that was not rejected. */
  readonly lastSeenAt: string | null
  /** The last delivery that added events. */
  readonly lastEventAt: string | null
  readonly lastRejection: { readonly at: string; readonly status: number; readonly reason: string } | null
}

/** Counts one delivery of `source` at `at` (one statement: concurrent deliveries add up). */
export const recordDelivery = async (db: SqlQueryable, source: string, outcome: DeliveryOutcome, at: Date): Promise<void> => {
  const counts = {
    accepted: outcome.kind === "accepted" ? 1 : 0,
    duplicate: outcome.kind === "duplicate" ? 1 : 0,
    ignored: outcome.kind === "ignored" ? 1 : 0,
    rejected: outcome.kind === "rejected" ? 1 : 0,
  }
  const events = outcome.kind === "accepted" ? outcome.eventsAppended : 0
  const seenAt = outcome.kind === "rejected" ? null : at.toISOString()
  const eventAt = events > 0 ? at.toISOString() : null
  const rejection = outcome.kind === "rejected" ? outcome : undefined
  await db.query(
    `insert into ledger_sources as s (source, events_received, deliveries_accepted, deliveries_duplicate, deliveries_ignored,
       deliveries_rejected, last_seen_at, last_event_at, last_rejected_at, last_rejection_status, last_rejection)
     values ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::timestamptz, $9::timestamptz, $10, $11)
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
      source,
      events,
      counts.accepted,
      counts.duplicate,
      counts.ignored,
      counts.rejected,
      seenAt,
      eventAt,
      rejection === undefined ? null : at.toISOString(),
      rejection?.status ?? null,
      // A reason may quote what was sent, NUL included: the count must not fail on it.
      rejection === undefined ? null : storableCopy(rejection.reason),
    ],
  )
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
        : { at: row.last_rejected_at.toISOString(), status: Number(row.last_rejection_status), reason: row.last_rejection ?? "" },
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
