/**
 * @module Long work on the server's thread in slices of bounded time. The server answers requests on
 * the thread that runs a demo load, an import's parsing or a what-if's fold: each must give the event
 * loop a turn often enough that no request waits long (bench/responsiveness.ts: the event loop's delay
 * p99 < 200 ms while they run). A slice is measured in time, not in items, because an item's cost
 * varies with the work and the machine: on the shared 2-core machine, under load, the same 10,000
 * events took six times as long to fold as on a quiet one.
 *
 * @example
 * const slices = timeSlices()
 * for (const event of events) {
 *   fold(event)
 *   await slices.turnIfDue()
 * }
 */
import { setImmediate as turn } from "node:timers/promises"

/**
 * How long a slice may hold the thread. Small against the 200 ms target, so that a machine several
 * times slower than this one (a busy one) still meets it, and large against a turn's cost (a few µs).
 */
export const sliceMs = 20

export type TimeSlices = {
  /** Gives the event loop a turn if this slice has run `sliceMs` or more, and starts the next. */
  turnIfDue(): Promise<void>
  /** Whether this slice has run its time (for loops that must stop at a clean point before turning). */
  due(): boolean
  /** Gives the event loop a turn now, and starts the next slice. */
  turn(): Promise<void>
}

/** Slices of `ms` milliseconds of the thread's time, the first starting now. */
export const timeSlices = (ms: number = sliceMs): TimeSlices => {
  let started = performance.now()
  const due = () => performance.now() - started >= ms
  const next = async () => {
    await turn()
    started = performance.now()
  }
  return {
    due,
    turn: next,
    // Not async: a slice that is not due costs no promise.
    turnIfDue: () => (due() ? next() : Promise.resolve()),
  }
}
