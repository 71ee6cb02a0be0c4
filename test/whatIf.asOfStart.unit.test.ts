/**
 * What-if without hindsight: a period's start is measured on the log as it stood then. Every
 * expected figure is worked out here by hand.
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import type { RepPeriod } from "../src/whatif/answer.js"
import { parseWhatIfCoverage } from "../src/whatif/request.js"
import { measureOnLog } from "./support/whatIfOracle.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt: new Date(occurredAt).toISOString(), data }) as EventOf<T>

const q3 = { coverageTarget: 3, from: "2026-07-01", to: "2026-09-30", period: "quarter" }

const anaInQ3 = (
  events: ReadonlyArray<LedgerEvent>,
  input: Record<string, unknown>,
  recordedAt?: ReadonlyArray<string>,
): RepPeriod => {
  const parsed = parseWhatIfCoverage(input)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  const result = measureOnLog(recordedAt === undefined ? { events } : { events, recordedAt }, parsed.request)
  if (!result.ok) throw new Error(JSON.stringify(result.issue))
  const rep = result.answer.periods[0]?.reps.find((r) => r.repId === "ana")
  if (rep === undefined) throw new Error("no ana in Q3")
  return rep
}

// Ana's year (UTC, the default zone): a 25k win and a 50k loss before Q3 (value win rate 25k/75k =
// 1/3, so requiredCoverage 3); d1 open at 98,500 when Q3 starts, raised to 104,500 on July 10 and won
// in September; Q3's quota (100k) set on the quarter's first morning.
const history = (amountChangedAt: string): Array<LedgerEvent> => [
  event("RepJoined", "2026-01-01T00:00:00Z", { repId: "ana", name: "Ana", role: "AE" }),
  event("DealOpened", "2026-04-01T00:00:00Z", {
    dealId: "d3",
    repId: "ana",
    accountId: "a3",
    amount: 25_000,
    source: "outbound",
  }),
  event("DealWon", "2026-05-20T00:00:00Z", { dealId: "d3" }),
  event("DealOpened", "2026-05-01T00:00:00Z", {
    dealId: "d2",
    repId: "ana",
    accountId: "a2",
    amount: 50_000,
    source: "outbound",
  }),
  event("DealLost", "2026-06-15T00:00:00Z", { dealId: "d2" }),
  event("DealOpened", "2026-06-01T00:00:00Z", {
    dealId: "d1",
    repId: "ana",
    accountId: "a1",
    amount: 98_500,
    source: "outbound",
  }),
  event("QuotaSet", "2026-07-01T06:00:00Z", { repId: "ana", period: "2026-Q3", amount: 100_000 }),
  event("DealAmountChanged", amountChangedAt, { dealId: "d1", amount: 104_500 }),
  event("DealWon", "2026-09-10T00:00:00Z", { dealId: "d1" }),
  event("DealOpened", "2026-10-02T00:00:00Z", {
    dealId: "d4",
    repId: "ana",
    accountId: "a4",
    amount: 10_000,
    source: "outbound",
  }),
]

describe("a period's start, as the log stood then", () => {
  it("prices a deal whose amount changed after the start at its old amount", () => {
    const ana = anaInQ3(history("2026-07-10T00:00:00Z"), q3)
    // Open at July 1: d1 at 98,500 (not the 104,500 it was raised to on July 10).
    expect(ana.openPipeline).toBe(98_500)
    // 98,500 / (100,000 − 0 won so far) = 0.985
    expect(ana.coverage).toBeCloseTo(0.985, 12)
    // 1 / (25,000 / (25,000 + 50,000)) = 3
    expect(ana.requiredCoverage).toBeCloseTo(3, 12)
    // 3 × 100,000 − 98,500 = 201,500 short
    expect(ana.mandate.gap).toBeCloseTo(201_500, 6)
    expect(ana.mandate.met).toBe(false)
    // The outcome knows the whole quarter: d1 won at 104,500 ≥ 100,000.
    expect(ana.wonByEnd).toBe(104_500)
    expect(ana.hitQuota).toBe(true)
  })

  it("by occurredAt, a change that happened before the start counts, even if recorded after it", () => {
    const events = history("2026-06-20T00:00:00Z")
    // Every event recorded when it happened, but the amount change: recorded on July 5.
    const recordedAt = events.map((e) => (e.type === "DealAmountChanged" ? "2026-07-05T00:00:00.000Z" : e.occurredAt))
    expect(anaInQ3(events, q3, recordedAt).openPipeline).toBe(104_500)
    expect(anaInQ3(events, { ...q3, asOf: "occurred" }, recordedAt).openPipeline).toBe(104_500)
    // By recordedAt: on July 1 the ledger did not know it yet.
    expect(anaInQ3(events, { ...q3, asOf: "recorded" }, recordedAt).openPipeline).toBe(98_500)
  })

  it("refuses an asOf that is neither a clock nor a bound, naming the field", () => {
    const parsed = parseWhatIfCoverage({ ...q3, asOf: "yesterday" })
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual(["asOf"])
  })
})
