/**
 * @module A log folded by the projections' own `evolve`/`applyChanges` into a `LedgerState`, with the
 * few facts about the events themselves that a what-if checks: how many were folded, the first and
 * last instants they occurred at, and how many occurred in each quarter of an hour (to tell whether a
 * window holds any event, whatever the team's time zone turns out to be after the fold).
 *
 * Memory: the state is O(reps × days + deals + meetings + accounts + contacts); the facts are one
 * counter per quarter-hour that saw an event. Never the events themselves.
 */
import type { LedgerEvent } from "../../events/index.js"
import { applyChanges, emptyLedgerState, evolve, type LedgerState } from "../../projections/index.js"

// Every UTC offset and every offset transition in use since 1972 falls on a multiple of 15 minutes
// (projections/periods.ts relies on it too): a window of whole days in any zone starts and ends on
// a quarter-hour, so counts per quarter-hour answer "any event in this window?" exactly.
const quarterHourMs = 15 * 60_000

export class FoldedLog {
  readonly state: LedgerState = emptyLedgerState()
  /** Events folded (events of types the folds do not know are not counted). */
  events = 0
  /** The earliest and the latest occurredAt folded (epoch ms); ±Infinity before any event. */
  firstOccurredMs = Number.POSITIVE_INFINITY
  lastOccurredMs = Number.NEGATIVE_INFINITY
  private readonly quarterHours = new Map<number, number>()

  /** Folds one event, as the live runner does. */
  fold(event: LedgerEvent, occurredMs: number): void {
    applyChanges(this.state, evolve(this.state, event))
    this.events++
    if (occurredMs < this.firstOccurredMs) this.firstOccurredMs = occurredMs
    if (occurredMs > this.lastOccurredMs) this.lastOccurredMs = occurredMs
    const bucket = Math.floor(occurredMs / quarterHourMs)
    this.quarterHours.set(bucket, (this.quarterHours.get(bucket) ?? 0) + 1)
  }

  /** How many folded events occurred in [startMs, endMs); both must fall on a quarter-hour. */
  eventsBetween(startMs: number, endMs: number): number {
    const first = Math.ceil(startMs / quarterHourMs)
    const last = Math.ceil(endMs / quarterHourMs)
    let count = 0
    for (const [bucket, n] of this.quarterHours) if (bucket >= first && bucket < last) count += n
    return count
  }
}
