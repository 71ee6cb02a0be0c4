/**
 * Change over time (projections/windowChange.ts): the previous window of the same length, and each
 * figure's previous value and change.
 */
import { describe, expect, it } from "vitest"
import { emptyCounters, figureChanges, metricsOf, previousWindow } from "../projections/index.js"

describe("change over time", () => {
  it("compares with the window of the same length just before", () => {
    expect(previousWindow({ from: "2026-11-01", to: "2026-11-30" })).toEqual({ from: "2026-10-02", to: "2026-10-31" })
    expect(previousWindow({ from: "2026-03-01", to: "2026-03-01" })).toEqual({ from: "2026-02-28", to: "2026-02-28" })
    expect(previousWindow({ from: "2026-01-01", to: "2026-03-31" })).toEqual({ from: "2025-10-03", to: "2025-12-31" }) // 90 days
  })

  it("gives each figure's previous value and its change, null when either is null", () => {
    const now = metricsOf({ ...emptyCounters(), activities: 200, meetingsBooked: 6, dealsWon: 2, dealsLost: 3 })
    const before = metricsOf({ ...emptyCounters(), activities: 100, meetingsBooked: 2 })
    const changes = figureChanges(now, before)
    expect(changes.activities).toEqual({ value: 200, previous: 100, change: 100 })
    expect(changes.meetingYield).toEqual({ value: 3, previous: 2, change: 1 }) // 100 × 6/200 against 100 × 2/100
    expect(changes.winRate).toEqual({ value: 0.4, previous: null, change: null }) // no closed deal before
    expect(figureChanges({ winRate: 0.4 }, undefined).winRate).toEqual({ value: 0.4, previous: null, change: null })
  })
})
