/**
 * @module Change over time (projections/README.md "Cohorts, evidence and rollups"): the window of
 * the same length just before a window, and each figure's previous value and change.
 *
 * A change is current − previous, in the figure's own unit (a winRate from 0.25 to 0.4 changed by
 * 0.15: fifteen points, not 60%): a relative change would be infinite from 0 and meaningless across
 * the sign. It is null when either value is null: no change can be told from "no figure".
 *
 * @example
 * previousWindow({ from: "2026-11-01", to: "2026-11-30" }) // { from: "2026-10-02", to: "2026-10-31" }
 * figureChanges({ winRate: 0.4 }, { winRate: 0.25 })     // { winRate: { value: 0.4, previous: 0.25, change: 0.15 } }
 */
import { addDays, daysBetween } from "./calendar.js"

/** A window of whole days, both included (`YYYY-MM-DD`). */
export type DayWindow = { readonly from: string; readonly to: string }

/** The window of the same number of days that ends the day before `window` starts. */
export const previousWindow = (window: DayWindow): DayWindow => {
  const days = daysBetween(window.from, window.to) + 1
  return { from: addDays(window.from, -days), to: addDays(window.from, -1) }
}

/** A figure now, in the previous window, and the change. */
export type FigureChange = {
  readonly value: number | null
  readonly previous: number | null
  readonly change: number | null
}

/** current − previous; null when either is null. */
export const changeOf = (value: number | null, previous: number | null): number | null =>
  value === null || previous === null ? null : value - previous

/**
 * Every figure of `current` with its previous value and change. A figure missing from `previous`
 * (a rep who was not there) has previous null.
 */
export const figureChanges = <Figure extends string>(
  current: Readonly<Record<Figure, number | null>>,
  previous: Readonly<Partial<Record<Figure, number | null>>> | undefined,
): Record<Figure, FigureChange> => {
  const changes = {} as Record<Figure, FigureChange>
  for (const figure of Object.keys(current) as Array<Figure>) {
    const value = current[figure]
    const before = previous?.[figure] ?? null
    changes[figure] = { value, previous: before, change: changeOf(value, before) }
  }
  return changes
}
