/**
 * @module Summaries of the log for people watching ingestion: how many events each source stored
 * (the `source` of their metadata: api, demo, an importer, a connector) and when, and the latest
 * events. Read-only, unfenced: what is committed now.
 */
import type { SqlQueryable } from "./sql.js"

/** A source's share of the log; `source` is `null` for events whose metadata names none. */
export type SourceSummary = {
  readonly source: string | null
  readonly events: number
  readonly lastOccurredAt: string
  readonly lastRecordedAt: string
}

/** Each source's events: how many, and the latest instants, the most recently recorded source first. */
export const eventsBySource = async (q: SqlQueryable): Promise<ReadonlyArray<SourceSummary>> =>
  (
    await q.query<{ source: string | null; events: number | string; last_occurred_at: Date; last_recorded_at: Date }>(
      `select metadata->>'source' as source, count(*) as events, max(occurred_at) as last_occurred_at, max(recorded_at) as last_recorded_at
       from ledger_events group by 1 order by max(recorded_at) desc`,
    )
  ).map((s) => ({
    source: s.source,
    events: Number(s.events),
    lastOccurredAt: s.last_occurred_at.toISOString(),
    lastRecordedAt: s.last_recorded_at.toISOString(),
  }))

/** One of the latest events, as a summary shows it (no data, no metadata but its source). */
export type LatestEvent = {
  readonly position: number
  readonly type: string
  readonly streamId: string
  readonly occurredAt: string
  readonly recordedAt: string
  readonly source: string | null
}

/** The last `limit` events stored, newest first. */
export const latestEvents = async (q: SqlQueryable, limit: number): Promise<ReadonlyArray<LatestEvent>> =>
  (
    await q.query<{
      global_position: number | string
      type: string
      stream_id: string
      occurred_at: Date
      recorded_at: Date
      source: string | null
    }>(
      `select global_position, type, stream_id, occurred_at, recorded_at, metadata->>'source' as source
       from ledger_events order by global_position desc limit $1`,
      [limit],
    )
  ).map((e) => ({
    position: Number(e.global_position),
    type: e.type,
    streamId: e.stream_id,
    occurredAt: e.occurred_at.toISOString(),
    recordedAt: e.recorded_at.toISOString(),
    source: e.source,
  }))

/** Whether any event stored came from `source` (its metadata's `source`). */
export const holdsEventsFrom = async (q: SqlQueryable, source: string): Promise<boolean> =>
  (
    await q.query<{ held: boolean }>(
      "select exists(select 1 from ledger_events where metadata->>'source' = $1) as held",
      [source],
    )
  )[0]?.held === true
