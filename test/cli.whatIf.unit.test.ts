/**
 * The CLI's what-if report: percentages to one decimal (as the dashboard shows them), "an 8×"
 * read as it is said, and the scenarios as columns with the difference of each pair.
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType } from "../events/index.js"
import { mandateWords, percent, whatIfReport } from "../src/cli/whatIf.js"
import { parseWhatIfCoverage } from "../src/whatif/request.js"
import { measureOnLog } from "./support/whatIfOracle.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

describe("the what-if report", () => {
  it("says percentages to one decimal and mandates with their article", () => {
    expect(percent(0.875)).toBe("87.5%")
    expect(percent(2 / 3)).toBe("66.7%")
    expect(mandateWords(8)).toBe("an 8× mandate")
    expect(mandateWords(11)).toBe("an 11× mandate")
    expect(mandateWords(18)).toBe("an 18× mandate")
    expect(mandateWords(3)).toBe("a 3× mandate")
    expect(mandateWords(1.5)).toBe("a 1.5× mandate")
  })

  it("shows the scenarios as columns and the difference of each pair", () => {
    // Cy: quota 100k for Q3 2026, 50k open at its start, 1 deal won of 40k and 1 lost of 60k before.
    const events = [
      event("RepJoined", "2026-01-05T00:00:00.000Z", { repId: "cy", name: "Cy", role: "AE" }),
      event("DealOpened", "2026-02-01T00:00:00.000Z", {
        dealId: "w",
        repId: "cy",
        accountId: "a",
        amount: 40_000,
        source: "outbound",
      }),
      event("DealOpened", "2026-02-02T00:00:00.000Z", {
        dealId: "l",
        repId: "cy",
        accountId: "b",
        amount: 60_000,
        source: "outbound",
      }),
      event("DealWon", "2026-03-01T00:00:00.000Z", { dealId: "w" }),
      event("DealLost", "2026-03-02T00:00:00.000Z", { dealId: "l" }),
      event("DealOpened", "2026-06-01T00:00:00.000Z", {
        dealId: "o",
        repId: "cy",
        accountId: "c",
        amount: 50_000,
        source: "outbound",
      }),
      event("QuotaSet", "2026-06-20T00:00:00.000Z", { repId: "cy", period: "2026-Q3", amount: 100_000 }),
      event("DealOpened", "2026-08-01T00:00:00.000Z", {
        dealId: "later",
        repId: "cy",
        accountId: "d",
        amount: 10_000,
        source: "outbound",
      }),
    ]
    const parsed = parseWhatIfCoverage({
      scenarios: [{ coverageTarget: 3 }, { coverageTarget: 8 }, { policy: "effectiveness", winRateDelta: 0.1 }],
      from: "2026-07-01",
      to: "2026-09-30",
      period: "quarter",
    })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
    const measured = measureOnLog({ events }, parsed.request)
    if (!measured.ok) throw new Error(JSON.stringify(measured.issue))
    const report = whatIfReport(measured.answer)
    expect(report).toContain("What-if: 3× mandate, 8× mandate, win rate +10 points, side by side.")
    // 3× asks 300k, 8× 800k; win rate 0.4 + 0.1 = 0.5 asks 2 × 100k = 200k.
    expect(report).toMatch(/pipeline asked\s+300,000\s+800,000\s+200,000/)
    // 3× expects 300k × 0.4 = 120k: 120.0% of quota; 8× 320.0%; the raised rate exactly 100.0%.
    expect(report).toMatch(/quota expected\s+120\.0%\s+320\.0%\s+100\.0%/)
    expect(report).toContain("8× mandate against 3× mandate: +500,000 pipeline")
    expect(report).toContain("+200.0 points of quota expected")
    expect(report).toContain("3× mandate: No period of the window has finished yet")
  })
})
