/** The dashboard's window presets, in the team's calendar: the what-if's default is the last four finished quarters. */
import { describe, expect, it } from "vitest"
import { windowPresets } from "../src/http/dashboard/ledgerStatus.js"

describe("the window presets", () => {
  it("the last four finished quarters end with the quarter before this one", () => {
    // 2026-12-08 is in Q4 (Oct–Dec): Q4 2025 … Q3 2026.
    expect(windowPresets("2026-12-08", 1).lastFourQuarters).toEqual({ from: "2025-10-01", to: "2026-09-30" })
    // A fiscal year from February: quarters Nov–Jan, Aug–Oct, May–Jul, Feb–Apr; this one began Nov 1.
    expect(windowPresets("2026-12-08", 2).lastFourQuarters).toEqual({ from: "2025-11-01", to: "2026-10-31" })
    // On a quarter's first day, that quarter is not finished.
    expect(windowPresets("2026-01-01", 1).lastFourQuarters).toEqual({ from: "2025-01-01", to: "2025-12-31" })
  })
})
