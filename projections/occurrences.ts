/**
 * @module When the folded events happened: how many were folded, the first and the last instants
 * they occurred at, and how many occurred in each quarter of an hour. A what-if checks its window
 * against them ("any event in this window?") and reports them; they are part of the read model so
 * that a replay can start from it instead of from the first event (src/whatif/replayer.ts).
 *
 * Quarters of an hour: every UTC offset and every offset transition in use since 1972 falls on a
 * multiple of 15 minutes (periods.ts relies on it too), so a window of whole days in any zone starts
 * and ends on a quarter-hour, and counts per quarter-hour answer "any event in this window?"
 * exactly, whatever the team's time zone turns out to be after the fold.
 *
 * @example
 * const occurrences = noOccurrences()
 * countOccurrence(occurrences, Date.parse("2026-11-02T14:05:00Z"))
 * occurrencesBetween(occurrences, Date.parse("2026-11-02T00:00:00Z"), Date.parse("2026-11-03T00:00:00Z")) // 1
 */

export const quarterHourMs = 15 * 60_000

export type Occurrences = {
  /** Events folded (events of types the folds do not know are not counted). */
  events: number
  /** The earliest and the latest occurredAt folded (epoch ms); ±Infinity before any event. */
  firstMs: number
  lastMs: number
  /** Events by the quarter-hour they occurred in: `Math.floor(occurredMs / quarterHourMs)`. */
  readonly byQuarterHour: Map<number, number>
}

export const noOccurrences = (): Occurrences => ({
  events: 0,
  firstMs: Number.POSITIVE_INFINITY,
  lastMs: Number.NEGATIVE_INFINITY,
  byQuarterHour: new Map(),
})

/** The quarter-hour an instant (epoch ms) falls in: the key of {@link Occurrences.byQuarterHour}. */
export const quarterHourOf = (occurredMs: number): number => Math.floor(occurredMs / quarterHourMs)

/** Counts one event that occurred at `occurredMs`. */
export const countOccurrence = (occurrences: Occurrences, occurredMs: number): void => {
  occurrences.events += 1
  if (occurredMs < occurrences.firstMs) occurrences.firstMs = occurredMs
  if (occurredMs > occurrences.lastMs) occurrences.lastMs = occurredMs
  const quarterHour = quarterHourOf(occurredMs)
  occurrences.byQuarterHour.set(quarterHour, (occurrences.byQuarterHour.get(quarterHour) ?? 0) + 1)
}

/** How many events occurred in [startMs, endMs); both must fall on a quarter-hour. */
export const occurrencesBetween = (occurrences: Occurrences, startMs: number, endMs: number): number => {
  const first = Math.ceil(startMs / quarterHourMs)
  const last = Math.ceil(endMs / quarterHourMs)
  let count = 0
  for (const [quarterHour, n] of occurrences.byQuarterHour) if (quarterHour >= first && quarterHour < last) count += n
  return count
}
