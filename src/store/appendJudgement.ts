/**
 * @module Judging appends, without SQL: each caller's batch against what the log holds and what the
 * group accepted before it (idempotency keys, expected versions, stream guards), exactly as a
 * transaction of its own would judge it; and the answer each caller gets once the group is stored.
 */
import { isDeepStrictEqual } from "node:util"
import type { AppendRejection, AppendResult, Expected, NewEvent, RecordedEvent, StreamAppend } from "./eventLog.js"

type Row = { readonly streamId: string; readonly streamVersion: number; readonly event: NewEvent }

/** What the transaction knows while it judges the group's batches one after the other. */
export type GroupState = {
  /** Each stream's version, moved on by every batch accepted so far. */
  readonly versions: Map<string, number>
  /** Events by idempotency key: stored before the transaction, or accepted earlier in the group. */
  readonly known: Map<string, RecordedEvent>
  /** The entries of `known` accepted earlier in this group, to be swapped for the stored rows. */
  readonly earlierInGroup: Set<RecordedEvent>
  /** Stored history of each guarded stream, followed by what the group accepted for it. */
  readonly histories: Map<string, RecordedEvent[]>
  /** Every accepted event, in the group's order: as sent, and as the database will hold it (its place in the log not yet known). */
  readonly rows: Array<{ readonly sent: NewEvent; readonly accepted: RecordedEvent }>
}

export type Judgement =
  | { readonly ok: true; readonly appended: number }
  | { readonly ok: false; readonly rejection: AppendRejection }

/**
 * Judges one caller's batch against the group's state as it stands, exactly as a transaction of
 * its own would: accepted, it moves the state on; refused, it leaves the state untouched.
 */
export const judge = (state: GroupState, appends: ReadonlyArray<StreamAppend>): Judgement => {
  const rows: Row[] = []
  const versions = new Map<string, number>()
  const claimed = new Map<string, { streamId: string; event: NewEvent }>()
  const refuse = (rejection: AppendRejection): Judgement => ({ ok: false, rejection })
  for (const append of appends) {
    const fresh: NewEvent[] = []
    for (const event of append.events) {
      const earlier = state.known.get(event.idempotencyKey)
      if (earlier !== undefined) {
        if (!sameEvent(earlier, append.streamId, event)) {
          return refuse({ _tag: "IdempotencyKeyReused", idempotencyKey: event.idempotencyKey, storedAs: earlier })
        }
        continue
      }
      const sibling = claimed.get(event.idempotencyKey)
      if (sibling !== undefined) {
        if (sibling.streamId !== append.streamId || !sameContent(sibling.event, event)) {
          return refuse({
            _tag: "IdempotencyKeyReused",
            idempotencyKey: event.idempotencyKey,
            storedAs: pending(sibling.streamId, sibling.event),
          })
        }
        continue
      }
      claimed.set(event.idempotencyKey, { streamId: append.streamId, event })
      fresh.push(event)
    }
    if (fresh.length === 0) continue // a retry of what is stored: its expectation was met the first time

    const actual = versions.get(append.streamId) ?? state.versions.get(append.streamId) ?? 0
    if (!meets(append.expected, actual)) {
      return refuse({ _tag: "WrongExpectedVersion", streamId: append.streamId, expected: append.expected, actual })
    }
    if (append.guard !== undefined) {
      const history = [
        ...(state.histories.get(append.streamId) ?? []),
        ...rows.filter((r) => r.streamId === append.streamId).map((r) => pending(r.streamId, r.event, r.streamVersion)),
      ]
      const refusal = append.guard(history, fresh)
      if (refusal !== undefined) return refuse({ _tag: "StreamRuleViolation", streamId: append.streamId, ...refusal })
    }
    let version = actual
    for (const event of fresh) rows.push({ streamId: append.streamId, streamVersion: ++version, event })
    versions.set(append.streamId, version)
  }

  for (const [streamId, version] of versions) state.versions.set(streamId, version)
  for (const row of rows) {
    // What a later batch of the group sees of this one, and what it is answered with once stored:
    // the event as the database will hold it (as jsonb: no undefined members, JSON's numbers).
    const accepted: RecordedEvent = {
      ...pending(row.streamId, row.event, row.streamVersion),
      data: roundTrip(row.event.data),
      metadata: roundTrip(row.event.metadata) as Record<string, unknown>,
    }
    state.known.set(row.event.idempotencyKey, accepted)
    state.earlierInGroup.add(accepted)
    state.histories.get(row.streamId)?.push(accepted)
    state.rows.push({ sent: row.event, accepted })
  }
  return { ok: true, appended: rows.length }
}

/** A judgement as the caller's answer, with the stored rows it stands for. */
export const answer = (
  judgement: Judgement,
  appends: ReadonlyArray<StreamAppend>,
  stored: ReadonlyMap<string, RecordedEvent>,
  inserted: ReadonlyMap<string, RecordedEvent>,
  resolve: (event: RecordedEvent) => RecordedEvent = (event) => event,
): AppendResult => {
  if (!judgement.ok) {
    const rejection = judgement.rejection
    return {
      ok: false,
      rejection:
        rejection._tag === "IdempotencyKeyReused" ? { ...rejection, storedAs: resolve(rejection.storedAs) } : rejection,
    }
  }
  const events = appends.flatMap((a) =>
    a.events.map((e) => stored.get(e.idempotencyKey) ?? (inserted.get(e.idempotencyKey) as RecordedEvent)),
  )
  return { ok: true, status: judgement.appended === 0 ? "duplicate" : "appended", events, appended: judgement.appended }
}

const meets = (expected: Expected, actual: number): boolean => {
  switch (expected) {
    case "any":
      return true
    case "no_stream":
      return actual === 0
    case "stream_exists":
      return actual > 0
    default:
      return actual === expected
  }
}

const sameContent = (a: NewEvent, b: NewEvent): boolean =>
  a.type === b.type && Date.parse(a.occurredAt) === Date.parse(b.occurredAt) && isDeepStrictEqual(a.data, b.data)

const sameEvent = (stored: RecordedEvent, streamId: string, event: NewEvent): boolean =>
  stored.streamId === streamId &&
  stored.type === event.type &&
  Date.parse(stored.occurredAt) === Date.parse(event.occurredAt) &&
  isDeepStrictEqual(stored.data, roundTrip(event.data))

/** jsonb drops `undefined` members and normalises numbers: compare what the database would store. */
const roundTrip = (data: unknown): unknown => JSON.parse(JSON.stringify(data ?? null))

const pending = (streamId: string, event: NewEvent, streamVersion = 0): RecordedEvent => ({
  position: 0,
  transactionId: "0",
  streamId,
  streamVersion,
  type: event.type,
  schemaVersion: event.schemaVersion,
  data: event.data,
  metadata: event.metadata,
  occurredAt: event.occurredAt,
  recordedAt: "",
  idempotencyKey: event.idempotencyKey,
})
