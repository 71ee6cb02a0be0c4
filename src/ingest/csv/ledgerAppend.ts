/**
 * @module How the ledger takes an import's batch of rows: appended through the ledger's one append path, its
 * refusals as values naming the row they fall on (a deal imported before with other details, a deal closed the
 * other way), so that the import can keep the rows before it and say which row was refused and why.
 *
 * @example
 * const appended = await runtime.runPromise(appendBatchEffect(events, { source: "csv" }))
 * if (!appended.ok) console.log(ledgerRefusal(appended.refusal, culpritOf(batch, appended.refusal)))
 */
import { Effect } from "effect"
import { type IncomingEvent, streamOf } from "../../../events/index.js"
import type { EventStore } from "../../store/EventStore.js"
import type { StoreFailure } from "../../store/errors.js"
import type { RecordedEvent } from "../../store/eventLog.js"
import { appendEvents, type Provenance } from "../appendEvents.js"

/** How an append of a batch ended: stored (some events may have been stored already), or refused by the ledger. */
export type BatchAppended =
  | { readonly ok: true; readonly appended: number }
  | {
      readonly ok: false
      readonly refusal:
        | { readonly idempotencyKey: string; readonly storedAs: RecordedEvent }
        | { readonly streamId: string; readonly reason: string }
    }

export type AppendBatch = (events: ReadonlyArray<IncomingEvent>) => Promise<BatchAppended>

/** Appending through the ledger's one append path, the ledger's refusals as values (a store failure stays an error). */
export const appendBatchEffect = (
  events: ReadonlyArray<IncomingEvent>,
  provenance: Provenance,
): Effect.Effect<BatchAppended, StoreFailure, EventStore> =>
  appendEvents(events, provenance).pipe(
    Effect.map((stored): BatchAppended => ({ ok: true, appended: stored.appended })),
    Effect.catchTags({
      IdempotencyKeyReused: (e) =>
        Effect.succeed<BatchAppended>({
          ok: false,
          refusal: { idempotencyKey: e.idempotencyKey, storedAs: e.storedAs },
        }),
      StreamRuleViolation: (e) =>
        Effect.succeed<BatchAppended>({ ok: false, refusal: { streamId: e.streamId, reason: e.reason } }),
      // Every import append expects "any" version: no stream can refuse it on that ground.
      WrongExpectedVersion: (e) =>
        Effect.succeed<BatchAppended>({
          ok: false,
          refusal: { streamId: e.streamId, reason: `is at version ${e.actual}` },
        }),
    }),
  )

/** One row of the file in a batch: its line, its cells (for the rejects file) and its events. */
export type BatchRow = {
  readonly line: number
  readonly cells: ReadonlyArray<string>
  readonly events: ReadonlyArray<IncomingEvent>
}

export type LedgerRefusal = Extract<BatchAppended, { ok: false }>["refusal"]

/** The row of `batch` the ledger's refusal falls on. */
export const culpritOf = (batch: ReadonlyArray<BatchRow>, refusal: LedgerRefusal): BatchRow => {
  const touches = (row: BatchRow) =>
    "idempotencyKey" in refusal
      ? row.events.some((event) => event.idempotencyKey === refusal.idempotencyKey)
      : row.events.some((event) => streamOf(event) === refusal.streamId)
  // The last row involved: an earlier row of the file with the same key is the one the ledger holds.
  return [...batch].reverse().find(touches) ?? (batch[batch.length - 1] as BatchRow)
}

/** Whether the ledger refused the row's DealOpened because an earlier import stored the deal's opening. */
export const isEarlierOpening = (
  refusal: { readonly idempotencyKey: string; readonly storedAs: RecordedEvent },
  row: BatchRow,
): boolean => {
  const event = row.events.find((e) => e.idempotencyKey === refusal.idempotencyKey)
  // A stored event has a position; one accepted earlier in the same append (a row repeated in the file) has none.
  return (
    event?.type === "DealOpened" &&
    refusal.storedAs.type === "DealOpened" &&
    refusal.storedAs.position > 0 &&
    refusal.storedAs.streamId === streamOf(event)
  )
}

export const ledgerRefusal = (refusal: LedgerRefusal, row: BatchRow): string => {
  if ("reason" in refusal) return `the ledger refuses this row: ${refusal.reason}`
  const event = row.events.find((e) => e.idempotencyKey === refusal.idempotencyKey)
  const stored = refusal.storedAs
  return (
    `the ledger already holds this row's ${event?.type ?? stored.type} (${refusal.idempotencyKey}) with other details ` +
    `(it was imported before as ${JSON.stringify(stored.data)} at ${stored.occurredAt}); a record imported once is not changed by importing it again`
  )
}

/** What a strict import kept when the ledger refused a row: the lines before it, or nothing. */
export const keptSoFar = (
  kept: { readonly first: number; readonly last: number; readonly rows: number } | undefined,
  appended: number,
): string =>
  kept === undefined
    ? "nothing was imported"
    : `the rows before it were imported (lines ${kept.first} to ${kept.last}: ${kept.rows} row${kept.rows === 1 ? "" : "s"}, ${appended} new event${appended === 1 ? "" : "s"}), the rows from it on were not; correct the row (or import with --skip-invalid), and importing the file again goes on after the rows imported`
