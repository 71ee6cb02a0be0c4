/**
 * The pure parts of `ledger store copy` (src/store/storeCopy.ts): how a page of the log is cut into
 * batches the restore can store in order, and how an instant keeps its microseconds.
 */
import { describe, expect, it } from "vitest"
import type { ArchivedEvent } from "../src/store/eventArchive.js"
import { ascendingRuns, exactInstant } from "../src/store/storeCopy.js"

const at = (position: number): ArchivedEvent => ({
  position,
  streamId: `call-${position}`,
  streamVersion: 1,
  type: "CallLogged",
  schemaVersion: 1,
  data: {},
  metadata: {},
  occurredAt: "2026-11-02T14:05:00.000Z",
  recordedAt: "2026-11-02T14:05:01.000Z",
  idempotencyKey: `k${position}`,
})

describe("ascendingRuns", () => {
  it("cuts the log where a later transaction holds a lower position, keeping the log's order", () => {
    // Log order (by transaction): 1, 2, 4 committed before 3, then 5; 7 before 6.
    const runs = ascendingRuns([1, 2, 4, 3, 5, 7, 6].map(at))
    expect(runs.map((run) => run.map((event) => event.position))).toEqual([[1, 2, 4], [3, 5, 7], [6]])
  })

  it("answers no batch for no events", () => {
    expect(ascendingRuns([])).toEqual([])
  })
})

describe("exactInstant", () => {
  it("writes an instant to the millisecond as JavaScript does, so the line equals the export's", () => {
    expect(exactInstant(new Date("2026-11-02T14:05:00.123Z"), 0)).toBe("2026-11-02T14:05:00.123Z")
  })

  it("adds the microseconds beyond the millisecond when there are any", () => {
    expect(exactInstant(new Date("2026-11-02T14:05:00.123Z"), 456)).toBe("2026-11-02T14:05:00.123456Z")
    expect(exactInstant(new Date("2026-11-02T14:05:00.000Z"), 7)).toBe("2026-11-02T14:05:00.000007Z")
  })
})
