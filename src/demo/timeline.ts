/**
 * @module The simulation's agenda: events waiting to be emitted and decisions waiting to be taken
 * (a meeting's outcome, a deal's close), in time order. A binary min-heap keyed by (instant, order
 * of scheduling), so equal instants come out in the order they were planned and the demo stays
 * deterministic.
 *
 * It holds one day of activity plus what is pending (meetings booked, deals open): thousands of
 * entries, never the whole history.
 */
import type { IncomingEvent } from "../../events/index.js"

/** An event waiting for its turn; its idempotency key is written when it comes out. */
export type PendingEvent = IncomingEvent & { idempotencyKey: string }

/** An event to emit when its turn comes, or a decision to take then. */
export type Entry =
  | { readonly at: number; readonly seq: number; readonly event: PendingEvent; readonly run: undefined }
  | { readonly at: number; readonly seq: number; readonly event: undefined; readonly run: () => void }

export type Timeline = {
  /** The instant of the entry being handled: nothing may be planned before it. */
  readonly now: () => number
  /** Emits `event` at `at` (it arrives then; its `occurredAt` may be earlier, for a late arrival). */
  readonly emit: (at: number, event: PendingEvent) => void
  /** Runs `decide` at `at`. */
  readonly schedule: (at: number, decide: () => void) => void
  /** The next entry before `until`, removed (and `now` moved to it); undefined when none is left. */
  readonly next: (until: number) => Entry | undefined
  readonly size: () => number
}

export const createTimeline = (): Timeline => {
  const heap: Array<Entry> = []
  let seq = 0
  let now = Number.NEGATIVE_INFINITY

  const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

  const push = (entry: Entry): void => {
    let index = heap.length
    heap.push(entry)
    while (index > 0) {
      const parent = (index - 1) >> 1
      const above = heap[parent] as Entry
      if (!before(entry, above)) break
      heap[index] = above
      index = parent
    }
    heap[index] = entry
  }

  const pop = (): Entry => {
    const top = heap[0] as Entry
    const last = heap.pop() as Entry
    if (heap.length > 0) {
      let index = 0
      const length = heap.length
      for (;;) {
        const left = 2 * index + 1
        if (left >= length) break
        const right = left + 1
        let child = left
        if (right < length && before(heap[right] as Entry, heap[left] as Entry)) child = right
        if (!before(heap[child] as Entry, last)) break
        heap[index] = heap[child] as Entry
        index = child
      }
      heap[index] = last
    }
    return top
  }

  return {
    now: () => now,
    // Both kinds of entry have the same fields, so the heap's comparisons see one object shape.
    emit: (at, event) => push({ at: Math.max(at, now), seq: seq++, event, run: undefined }),
    schedule: (at, run) => push({ at: Math.max(at, now), seq: seq++, event: undefined, run }),
    next: (until) => {
      const top = heap[0]
      if (top === undefined || top.at >= until) return undefined
      now = top.at
      return pop()
    },
    size: () => heap.length,
  }
}
