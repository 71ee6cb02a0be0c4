/**
 * @module The event log's vocabulary: what a writer sends (a `StreamAppend` of `NewEvent`s, with its
 * `Expected` version and an optional `StreamGuard`), what it is answered (`AppendResult`), what the
 * log holds (`RecordedEvent`), and where a reader stands in it (`Checkpoint`, the cursors of the
 * HTTP API). A stream is its events: its version is its last event's.
 *
 * One file per operation on the log, all in this folder (the only room that knows its tables):
 * appendToLog.ts (an append, or a group of them in one transaction, judged by appendJudgement.ts),
 * readStream.ts, readByIdempotencyKey.ts, readLog.ts (the global order behind the fence),
 * readFoldPage.ts (the same pages as the folds take them), logHead.ts (where the log ends and how
 * far a reader is behind), logSummary.ts (counts by source, the latest events); logTable.ts is the
 * table's row as the drivers return it.
 */

/** What a writer expects of a stream before its append. */
export type Expected = "any" | "no_stream" | "stream_exists" | number

export type NewEvent = {
  readonly type: string
  readonly schemaVersion: number
  readonly data: unknown
  readonly metadata: Record<string, unknown>
  readonly occurredAt: string
  readonly idempotencyKey: string
  /**
   * The people a vendor's payload in `metadata.raw` names, as its connector declares them
   * (src/ingest/webhooks/keptPayload.ts `payloadSubjectsOf`): the payload is filed under them
   * (personalValues.ts). Never stored.
   */
  readonly payloadSubjects?: ReadonlyArray<string>
}

export type RecordedEvent = {
  readonly position: number
  readonly transactionId: string
  readonly streamId: string
  readonly streamVersion: number
  readonly type: string
  readonly schemaVersion: number
  readonly data: unknown
  readonly metadata: Record<string, unknown>
  readonly occurredAt: string
  readonly recordedAt: string
  readonly idempotencyKey: string
}

/** Why a stream refuses new events given its history (e.g. a deal won twice); `undefined` to accept. */
export type StreamGuard = (
  history: ReadonlyArray<RecordedEvent>,
  incoming: ReadonlyArray<NewEvent>,
) => { readonly reason: string; readonly state: unknown } | undefined

export type StreamAppend = {
  readonly streamId: string
  readonly expected: Expected
  readonly events: ReadonlyArray<NewEvent>
  readonly guard?: StreamGuard
}

export type AppendRejection =
  | {
      readonly _tag: "WrongExpectedVersion"
      readonly streamId: string
      readonly expected: Expected
      readonly actual: number
    }
  | {
      readonly _tag: "StreamRuleViolation"
      readonly streamId: string
      readonly reason: string
      readonly state: unknown
    }
  | { readonly _tag: "IdempotencyKeyReused"; readonly idempotencyKey: string; readonly storedAs: RecordedEvent }

export type AppendResult =
  | {
      readonly ok: true
      /** `duplicate` when every event's idempotency key was already stored: nothing was appended. */
      readonly status: "appended" | "duplicate"
      /** The stored event for each event sent, in the order sent (a duplicate answers with the stored one). */
      readonly events: ReadonlyArray<RecordedEvent>
      readonly appended: number
    }
  | { readonly ok: false; readonly rejection: AppendRejection }

/** A position in the global log: the pair the log is ordered by. */
export type Checkpoint = { readonly transactionId: string; readonly position: number }
export const logStart: Checkpoint = { transactionId: "0", position: 0 }

/** Bounds of a read: instants are inclusive upper bounds ("as of"). */
export type AsOf = { readonly occurredAt?: string; readonly recordedAt?: string; readonly until?: Checkpoint }

/** What a fold reads of a logged event: its place in the log, and the event (its instant also as epoch ms). */
export type LoggedEvent = {
  readonly transactionId: string
  readonly position: number
  readonly type: string
  readonly schemaVersion: number
  readonly data: unknown
  readonly occurredAt: string
  readonly occurredMs: number
}

/** `"<transaction id>-<position>"`, the opaque cursor the HTTP API hands out. */
export const formatCheckpoint = (c: Checkpoint): string => `${c.transactionId}-${c.position}`

const maxTransactionId = 2n ** 64n - 1n // xid8

/** The checkpoint a cursor names, or `undefined` when it is not one (malformed, or out of range). */
export const parseCheckpoint = (cursor: string): Checkpoint | undefined => {
  const match = /^(\d{1,20})-(\d{1,16})$/.exec(cursor)
  if (match === null) return undefined
  const transactionId = BigInt(match[1] as string)
  const position = Number(match[2])
  if (transactionId > maxTransactionId || !Number.isSafeInteger(position)) return undefined
  return { transactionId: transactionId.toString(), position }
}
