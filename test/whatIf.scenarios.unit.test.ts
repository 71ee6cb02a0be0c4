/**
 * What-if scenarios side by side: two mandates, each rep's own required coverage and win rates
 * raised by 5 points, priced by the same formulas, and the differences of each pair. Every expected
 * figure is worked out here by hand.
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import { scenarioTarget } from "../projections/index.js"
import type { CoverageWhatIfAnswer } from "../src/whatif/answer.js"
import { parseWhatIfCoverage } from "../src/whatif/request.js"
import { measureOnLog } from "./support/whatIfOracle.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt: new Date(occurredAt).toISOString(), data }) as EventOf<T>
const opened = (dealId: string, at: string, amount: number) =>
  event("DealOpened", at, { dealId, repId: "bea", accountId: `acc-${dealId}`, amount, source: "outbound" })
const call = (i: number) =>
  event("CallLogged", `2026-03-0${1 + i}T10:00:00Z`, {
    callId: `c${i}`,
    repId: "bea",
    direction: "outbound",
    disposition: "no_answer",
    durationSeconds: 0,
  })
const booked = (i: number) =>
  event("MeetingBooked", `2026-03-1${i}T10:00:00Z`, {
    meetingId: `m${i}`,
    repId: "bea",
    accountId: "acc-m",
    scheduledFor: `2026-03-2${i}T10:00:00Z`,
    source: "outbound",
  })

/**
 * Bea at the start of 2026-Q3 (UTC):
 * - closed in the year before: d3 won 20k, d2 lost 60k ⇒ valueWinRate 20 / 80 = 0.25 (requiredCoverage 4);
 * - open: d1 at 100k (raised to 104.5k on July 10, won in September: 104.5k ≥ 100k, quota hit);
 * - quota 100k, nothing won in Q3 yet: 100k left; pipeline 100k.
 * - the year before: 3 deals opened for 180k (avgDealSize 60k), 3 meetings booked (1 per deal),
 *   6 activities (2 per deal).
 */
const bea: ReadonlyArray<LedgerEvent> = [
  event("RepJoined", "2026-01-05T00:00:00Z", { repId: "bea", name: "Bea", role: "AE" }),
  opened("d3", "2026-02-01T00:00:00Z", 20_000),
  opened("d2", "2026-02-02T00:00:00Z", 60_000),
  ...[0, 1, 2, 3, 4, 5].map(call),
  ...[0, 1, 2].map(booked),
  event("DealWon", "2026-04-01T00:00:00Z", { dealId: "d3" }),
  event("DealLost", "2026-05-01T00:00:00Z", { dealId: "d2" }),
  opened("d1", "2026-06-01T00:00:00Z", 100_000),
  event("QuotaSet", "2026-07-01T06:00:00Z", { repId: "bea", period: "2026-Q3", amount: 100_000 }),
  event("DealAmountChanged", "2026-07-10T00:00:00Z", { dealId: "d1", amount: 104_500 }),
  event("DealWon", "2026-09-10T00:00:00Z", { dealId: "d1" }),
  opened("d4", "2026-10-02T00:00:00Z", 10_000), // the history reaches past Q3's end: Q3 is over
]

const answerOf = (input: Record<string, unknown>): CoverageWhatIfAnswer => {
  const parsed = parseWhatIfCoverage({ from: "2026-07-01", to: "2026-09-30", period: "quarter", ...input })
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  const result = measureOnLog({ events: bea }, parsed.request)
  if (!result.ok) throw new Error(JSON.stringify(result.issue))
  return result.answer
}

const scenarios = [
  { coverageTarget: 3 },
  { coverageTarget: 8 },
  { policy: "own-required-coverage" },
  { policy: "effectiveness", winRateDelta: 0.05 },
]

describe("scenarios side by side", () => {
  const answer = answerOf({ scenarios })
  const columns = answer.periods[0]?.reps[0]?.scenarios ?? []

  it("names each column as a leader says it", () => {
    expect(columns.map((c) => c.name)).toEqual([
      "3× mandate",
      "8× mandate",
      "own required coverage",
      "win rate +5 points",
    ])
    expect(answer.mandate.coverageTarget).toBeNull() // no single coverageTarget was asked
  })

  it("a 3× mandate: 300k asked, 200k short, 3.33 deals, meetings, 6.67 activities; 75% of quota expected", () => {
    const [three] = columns
    expect(three?.target).toBe(3)
    expect(three?.pipelineAtTarget).toBe(300_000)
    expect(three?.gap).toBe(200_000) // 300k − 100k
    expect(three?.extraDeals).toBeCloseTo(200_000 / 60_000, 9)
    expect(three?.extraMeetings).toBeCloseTo(200_000 / 60_000, 9) // 1 meeting per deal
    expect(three?.extraActivities).toBeCloseTo((2 * 200_000) / 60_000, 9) // 2 activities per deal
    expect(three?.plannedLostValue).toBeCloseTo(200_000, 6) // what 3× plans: 300k × (1 − 1/3)
    expect(three?.expectedLostValue).toBe(225_000) // what Bea would lose at her own rate: 300k × (1 − 0.25)
    expect(three?.winRate).toBe(0.25)
    expect(three?.expectedWonValue).toBe(75_000) // 300k × 0.25
    expect(three?.quotaAttainmentExpected).toBe(0.75) // (0 + 75k) / 100k
    expect(three?.met).toBe(false)
  })

  it("own required coverage: 4× (1 / 0.25), exactly the quota expected", () => {
    const own = columns[2]
    expect(own?.target).toBe(4)
    expect(own?.gap).toBe(300_000) // 400k − 100k
    expect(own?.extraActivities).toBeCloseTo(10, 9) // 300k / 60k = 5 deals × 2
    expect(own?.quotaAttainmentExpected).toBe(1)
  })

  it("win rate +5 points: 0.30, so 3.33× is enough: 333,333 asked, 7.78 more activities, the quota expected", () => {
    const better = columns[3]
    expect(better?.winRate).toBeCloseTo(0.3, 12)
    expect(better?.target).toBeCloseTo(1 / 0.3, 9)
    expect(better?.pipelineAtTarget).toBeCloseTo(100_000 / 0.3, 6)
    expect(better?.gap).toBeCloseTo(100_000 / 0.3 - 100_000, 6) // 233,333.33
    expect(better?.extraMeetings).toBeCloseTo((100_000 / 0.3 - 100_000) / 60_000, 9) // 3.89
    expect(better?.extraActivities).toBeCloseTo((2 * (100_000 / 0.3 - 100_000)) / 60_000, 9) // 7.78
    expect(better?.expectedLostValue).toBeCloseTo(100_000 / 0.3 - 100_000, 6)
    expect(better?.quotaAttainmentExpected).toBeCloseTo(1, 12)
  })

  it("the difference of each pair: 8× asks 500k more pipeline than 3× and expects 125 points more of quota", () => {
    expect(answer.differences).toHaveLength(6) // 4 scenarios: 4 × 3 / 2 pairs
    const threeToEight = answer.differences.find((d) => d.from === "3× mandate" && d.to === "8× mandate")
    expect(threeToEight?.pipelineAsked).toBe(500_000) // 800k − 300k
    expect(threeToEight?.meetingsAsked).toBeCloseTo(500_000 / 60_000, 9) // 11.67 − 3.33
    expect(threeToEight?.activitiesAsked).toBeCloseTo((2 * 500_000) / 60_000, 9)
    expect(threeToEight?.expectedLostValue).toBe(375_000) // 800k × 0.75 − 300k × 0.75
    expect(threeToEight?.quotaAttainmentExpected).toBeCloseTo(1.25, 12) // 2.00 − 0.75
    const threeToBetter = answer.differences.find((d) => d.from === "3× mandate" && d.to === "win rate +5 points")
    expect(threeToBetter?.pipelineAsked).toBeCloseTo(100_000 / 0.3 - 300_000, 6) // +33,333
    expect(threeToBetter?.quotaAttainmentExpected).toBeCloseTo(0.25, 12)
  })

  it("totals each column over the window, with its back-test: Bea met none and hit quota", () => {
    const [three, eight] = answer.totals.scenarios
    expect(three?.pipelineAtTarget).toBe(300_000)
    expect(eight?.quotaAttainmentExpected).toBe(2) // (0 + 800k × 0.25) / 100k
    expect(three?.backTest.notMet).toMatchObject({ reps: 1, hitQuota: 1 })
    expect(three?.backTest.met).toMatchObject({ reps: 0, hitQuota: 0 })
  })

  it("splits the back-test by Bea's quadrant at the start, and says why it cannot compare", () => {
    // The only AE: at the medians of her own 6 activities and 20,000 / 6 revenue per activity: focused.
    expect(answer.periods[0]?.reps[0]?.quadrantAtStart).toBe("focused")
    const [three] = answer.totals.scenarios
    expect(three?.backTestByQuadrant.focused.notMet).toMatchObject({ reps: 1, hitQuota: 1 })
    expect(three?.backTestByQuadrant.idle.notMet.reps).toBe(0)
    expect(three?.verdict).toBe(
      "No rep-period met “3× mandate” at its start (of 1 judged in 1 finished period): nothing to compare.",
    )
  })

  it("coverageTarget alone is one scenario, and comes first beside `scenarios`", () => {
    expect(answerOf({ coverageTarget: 3 }).periods[0]?.reps[0]?.scenarios.map((c) => c.name)).toEqual(["3× mandate"])
    const both = answerOf({ coverageTarget: 8, scenarios: [{ name: "three", coverageTarget: 3 }] })
    expect(both.totals.scenarios.map((c) => c.name)).toEqual(["8× mandate", "three"])
    expect(both.mandate.coverageTarget).toBe(8)
    expect(both.differences).toMatchObject([{ from: "8× mandate", to: "three", pipelineAsked: -500_000 }])
  })

  it("caps a raised win rate at 1", () => {
    expect(scenarioTarget({ name: "x", policy: "effectiveness", coverageTarget: null, winRateDelta: 0.5 }, 0.9)).toBe(1)
  })
})

describe("thin history", () => {
  it("gives no requiredCoverage from fewer closed deals than minClosedDeals, and says why; the team's is always given", () => {
    const answer = answerOf({ coverageTarget: 3, minClosedDeals: 3 })
    const period = answer.periods[0]
    expect(period?.reps[0]).toMatchObject({
      closedDeals: 2,
      valueWinRate: 0.25, // shown, but too thin to ask a coverage of
      requiredCoverage: null,
      requiredCoverageReason:
        "2 deals closed in the 365 days before the period's start, fewer than the 3 a win rate needs (minClosedDeals)",
    })
    expect(period?.reps[0]?.repTarget.target).toBeNull()
    expect(period?.reps[0]?.scenarios[0]?.winRate).toBeNull() // nothing expected of a rate not known
    // The team: every deal its reps closed, 20k won of 80k: 0.25, so 4×.
    expect(period?.totals.requiredCoverage).toEqual({
      closedDeals: 2,
      valueWinRate: 0.25,
      requiredCoverage: 4,
      reason: null,
    })
    // At the default (2 closed deals), Bea's is given.
    expect(answerOf({ coverageTarget: 3 }).periods[0]?.reps[0]?.requiredCoverage).toBe(4)
  })
})

describe("what a scenario request refuses, naming the field", () => {
  const paths = (input: Record<string, unknown>) => {
    const parsed = parseWhatIfCoverage({ from: "2026-07-01", to: "2026-09-30", period: "quarter", ...input })
    return parsed.ok ? [] : parsed.issues.map((i) => i.path)
  }
  it("neither coverageTarget nor scenarios", () => expect(paths({})).toEqual(["scenarios"]))
  it("a scenario with both a target and a policy", () =>
    expect(paths({ scenarios: [{ coverageTarget: 3, policy: "own-required-coverage" }] })).toEqual([
      "scenarios.0.coverageTarget",
    ]))
  it("an effectiveness scenario without its delta", () =>
    expect(paths({ scenarios: [{ policy: "effectiveness" }] })).toEqual(["scenarios.0.winRateDelta"]))
  it("an unknown policy", () => expect(paths({ scenarios: [{ policy: "hope" }] })).toContain("scenarios.0.policy"))
  it("two scenarios of one name", () =>
    expect(paths({ scenarios: [{ coverageTarget: 3 }, { coverageTarget: 3 }] })).toEqual(["scenarios.1.name"]))
})
