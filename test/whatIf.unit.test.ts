/**
 * What-if coverage, the pure parts: the formulas of projections/whatIf.ts, the answer measured on a
 * hand-made history (every expected figure worked out here by hand), the back-test, the compact log
 * copy, and a property: with the live read model's rules, the what-if's coverage figures are the
 * live fold's `coverageAt` at each period's start.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import {
  backTest,
  closedInLookback,
  closingCost,
  coverageAt,
  emptyCounters,
  expectedLosses,
  foldAll,
  historyRates,
  impliedLossRate,
  pipelineGap,
  policyOutcome,
} from "../projections/index.js"
import type { CoverageWhatIfAnswer, RepPeriod } from "../src/whatif/answer.js"
import { LogCopy } from "../src/whatif/logCopy.js"
import { parseWhatIfCoverage, type WhatIfCoverage } from "../src/whatif/request.js"
import { anyHistory } from "./support/histories.js"
import { measureOnLog } from "./support/whatIfOracle.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt: new Date(occurredAt).toISOString(), data }) as EventOf<T>

const request = (input: Record<string, unknown>): WhatIfCoverage => {
  const parsed = parseWhatIfCoverage(input)
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
  return parsed.request
}

const answerOf = (
  events: ReadonlyArray<LedgerEvent>,
  input: Record<string, unknown>,
  recordedAt?: ReadonlyArray<string>,
): CoverageWhatIfAnswer => {
  const result = measureOnLog(recordedAt === undefined ? { events } : { events, recordedAt }, request(input))
  if (!result.ok) throw new Error(JSON.stringify(result.issue))
  return result.answer
}

const repIn = (answer: CoverageWhatIfAnswer, period: string, repId: string): RepPeriod => {
  const rep = answer.periods.find((p) => p.period === period)?.reps.find((r) => r.repId === repId)
  if (rep === undefined) throw new Error(`no ${repId} in ${period}`)
  return rep
}

const opened = (dealId: string, at: string, repId: string, amount: number, accountId: string) =>
  event("DealOpened", at, { dealId, repId, accountId, amount, source: "outbound" })
const call = (id: string, at: string, repId: string, contactId?: string) =>
  event("CallLogged", at, {
    callId: id,
    repId,
    direction: "outbound",
    disposition: "no_answer",
    durationSeconds: 0,
    ...(contactId === undefined ? {} : { contactId }),
  })
const booked = (meetingId: string, at: string, repId: string, accountId: string) =>
  event("MeetingBooked", at, { meetingId, repId, accountId, scheduledFor: at, source: "outbound" })
const day = (n: number) => `2025-12-${String(n).padStart(2, "0")}T10:00:00Z`

/**
 * Ana, measured at the start of 2026-Q2 (2026-04-01T00:00Z, UTC):
 * - quota 100k, nothing won in Q2 yet: 100k left;
 * - open: d3 50k on acme (one meeting: not qualified) and d4 50k on globex (two held meetings: qualified)
 *   ⇒ openPipeline 100k, qualifiedPipeline 50k, coverage 1, qualifiedCoverage 0.5;
 * - closed in the year before: d1 won 40k, d2 lost 60k ⇒ valueWinRate 0.4 ⇒ requiredCoverage 2.5;
 * - the year before (2025-04-01..2026-03-31): 4 deals opened for 200k (avgDealSize 50k), 8 meetings
 *   booked (2 per deal), 40 activities (10 per deal, 5 per meeting) of which 8 badgering.
 * In Q2 she wins d3 (50k): 50k < 100k, quota missed.
 */
const ana: ReadonlyArray<LedgerEvent> = [
  event("RepJoined", "2025-01-06T09:00:00Z", { repId: "ana", name: "Ana", role: "AE", team: "east" }),
  opened("d1", "2025-06-02T09:00:00Z", "ana", 40_000, "acme"),
  opened("d2", "2025-07-01T09:00:00Z", "ana", 60_000, "acme"),
  event("DealWon", "2025-09-01T09:00:00Z", { dealId: "d1" }),
  event("DealLost", "2025-10-01T09:00:00Z", { dealId: "d2" }),
  event("ProspectDeclined", "2025-11-30T09:00:00Z", { contactId: "p1", how: "said_no" }),
  // 40 calls in December: the first 8 to p1, who said no the day before they start: badgering.
  ...Array.from({ length: 40 }, (_, i) => call(`c${i}`, day(1 + (i % 20)), "ana", i < 8 ? "p1" : undefined)),
  // 8 bookings: 6 at initech in December, 2 held at globex in February.
  ...Array.from({ length: 6 }, (_, i) => booked(`mi${i}`, day(2 + i), "ana", "initech")),
  booked("m1", "2026-02-10T09:00:00Z", "ana", "globex"),
  event("MeetingHeld", "2026-02-15T09:00:00Z", { meetingId: "m1" }),
  booked("m2", "2026-02-20T09:00:00Z", "ana", "globex"),
  event("MeetingHeld", "2026-02-25T09:00:00Z", { meetingId: "m2" }),
  opened("d3", "2026-02-01T09:00:00Z", "ana", 50_000, "acme"),
  opened("d4", "2026-03-01T09:00:00Z", "ana", 50_000, "globex"),
  event("QuotaSet", "2026-03-20T09:00:00Z", { repId: "ana", period: "2026-Q2", amount: 100_000 }),
  event("DealWon", "2026-05-15T09:00:00Z", { dealId: "d3" }),
  call("late", "2026-07-02T09:00:00Z", "ana"), // the history reaches past Q2's end: Q2 is over
]
const q2 = { from: "2026-04-01", to: "2026-06-30", period: "quarter" }

/** The 95% Wilson interval of 1 of 2: (0.5 + 0.9604 ∓ 1.96 √(0.125 + 0.2401)) / 2.9207. */
const oneOfTwo = { low: expect.closeTo(0.0945, 4), high: expect.closeTo(0.9055, 4) }

describe("the what-if formulas", () => {
  it("an 8x mandate plans to lose 87.5% of the pipeline; 3x two thirds; 1x nothing", () => {
    expect(impliedLossRate(8)).toBe(0.875)
    expect(impliedLossRate(3)).toBeCloseTo(2 / 3, 12)
    expect(impliedLossRate(1)).toBe(0)
  })

  it("the gap is target × quota left − pipeline, floored at 0", () => {
    expect(pipelineGap({ target: 3, remainingQuota: 60_000, pipeline: 150_000 })).toBe(30_000) // 180k − 150k
    expect(pipelineGap({ target: 3, remainingQuota: 60_000, pipeline: 200_000 })).toBe(0) // above the mandate
    expect(pipelineGap({ target: 3, remainingQuota: 0, pipeline: 0 })).toBe(0) // quota met: nothing to cover
    expect(pipelineGap({ target: 3, remainingQuota: null, pipeline: 0 })).toBeNull() // no quota
    expect(pipelineGap({ target: null, remainingQuota: 60_000, pipeline: 0 })).toBeNull() // no target
  })

  it("prices a gap at the rep's own history: deals, then meetings per deal, activities per deal", () => {
    // 10 deals opened for 200k (20k each), 25 meetings booked, 400 activities of which 100 badgering.
    const totals = {
      ...emptyCounters(),
      dealsOpened: 10,
      openedValue: 200_000,
      meetingsBooked: 25,
      activities: 400,
      badgering: 100,
    }
    const rates = historyRates(totals)
    expect(rates).toMatchObject({
      avgDealSize: 20_000,
      meetingsPerDeal: 2.5,
      activitiesPerMeeting: 16,
      activitiesPerDeal: 40,
    })
    // a 60k gap: 3 deals, 7.5 meetings, 120 activities — and 7.5 meetings × 16 activities each is 120 too
    expect(closingCost(60_000, rates)).toEqual({ extraDeals: 3, extraMeetings: 7.5, extraActivities: 120 })
    // without badgering: 300 activities, 12 per meeting, 30 per deal ⇒ 90
    const focused = historyRates(totals, { excludeBadgering: true })
    expect(focused).toMatchObject({ activities: 300, activitiesPerMeeting: 12, activitiesPerDeal: 30 })
    expect(closingCost(60_000, focused).extraActivities).toBe(90)
  })

  it("a gap of 0 costs nothing; a gap without any deal opened has no price", () => {
    const none = historyRates(emptyCounters())
    expect(closingCost(0, none)).toEqual({ extraDeals: 0, extraMeetings: 0, extraActivities: 0 })
    expect(closingCost(10_000, none)).toEqual({ extraDeals: null, extraMeetings: null, extraActivities: null })
    expect(closingCost(null, none)).toEqual({ extraDeals: null, extraMeetings: null, extraActivities: null })
  })

  it("stays defined for a rep whose deals came without booking meetings (activitiesPerDeal, not per meeting)", () => {
    const rates = historyRates({ ...emptyCounters(), dealsOpened: 2, openedValue: 20_000, activities: 50 })
    expect(rates.activitiesPerMeeting).toBeNull()
    expect(closingCost(20_000, rates)).toEqual({ extraDeals: 2, extraMeetings: 0, extraActivities: 50 })
  })

  it("expects to lose target × quota left × impliedLossRate, in value and in deals", () => {
    // 4x on 50k left: 200k of pipeline, of which 3/4 lost: 150k, 7.5 deals of 20k
    expect(expectedLosses({ target: 4, remainingQuota: 50_000, avgDealSize: 20_000 })).toEqual({
      pipelineAtTarget: 200_000,
      expectedLostValue: 150_000,
      expectedLostDeals: 7.5,
    })
  })

  it("a policy is met when the pipeline reaches target × quota left, and cannot be judged without quota left", () => {
    const rates = historyRates(emptyCounters())
    expect(policyOutcome({ target: 3, remainingQuota: 60_000, pipeline: 180_000, rates }).met).toBe(true)
    expect(policyOutcome({ target: 3, remainingQuota: 60_000, pipeline: 179_999, rates }).met).toBe(false)
    expect(policyOutcome({ target: 3, remainingQuota: 0, pipeline: 0, rates }).met).toBeNull()
    expect(policyOutcome({ target: null, remainingQuota: 60_000, pipeline: 0, rates }).met).toBeNull()
  })

  it("tallies a back-test: 2 met the mandate and 1 of them hit quota; 1 of the other 2 hit", () => {
    const tally = backTest([
      { met: true, hitQuota: true },
      { met: true, hitQuota: false },
      { met: false, hitQuota: true },
      { met: false, hitQuota: false },
      { met: null, hitQuota: true }, // no quota left at the start: not judged
      { met: true, hitQuota: null }, // period not over: not judged
    ])
    expect(tally).toEqual({
      met: { reps: 2, hitQuota: 1, hitRate: 0.5, interval: oneOfTwo },
      notMet: { reps: 2, hitQuota: 1, hitRate: 0.5, interval: oneOfTwo },
    })
    expect(backTest([]).met.hitRate).toBeNull()
  })
})

describe("a what-if on a hand-made history", () => {
  it("measures Ana at the start of Q2: coverage, requiredCoverage 2.5, the 3x gap and its price", () => {
    const answer = answerOf(ana, { coverageTarget: 3, ...q2 })
    expect(answer.mandate).toEqual({ coverageTarget: 3, impliedLossRate: 1 - 1 / 3 })
    expect(answer.periods.map((p) => [p.period, p.start, p.end, p.over])).toEqual([
      ["2026-Q2", "2026-04-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z", true],
    ])
    const rep = repIn(answer, "2026-Q2", "ana")
    expect(rep).toMatchObject({
      quota: { period: "2026-Q2", amount: 100_000 },
      wonSoFar: 0,
      remainingQuota: 100_000,
      openPipeline: 100_000,
      qualifiedPipeline: 50_000,
      pipelineCounted: 100_000,
      coverage: 1,
      qualifiedCoverage: 0.5,
      coverageCounted: 1,
      requiredCoverage: 2.5, // 1 / (40k / (40k + 60k))
      history: {
        from: "2025-04-01",
        to: "2026-03-31",
        activities: 40,
        badgering: 8,
        meetingsBooked: 8,
        dealsOpened: 4,
        openedValue: 200_000,
        avgDealSize: 50_000,
        meetingsPerDeal: 2,
        activitiesPerMeeting: 5,
        activitiesPerDeal: 10,
      },
      wonByEnd: 50_000,
      hitQuota: false,
    })
    // 3x: 300k asked, 100k open ⇒ 200k short: 4 deals of 50k, 8 meetings, 40 activities
    expect(rep.mandate).toMatchObject({
      target: 3,
      met: false,
      gap: 200_000,
      extraDeals: 4,
      extraMeetings: 8,
      extraActivities: 40,
      pipelineAtTarget: 300_000,
    })
    // it plans to lose two thirds of 300k: 200k, 4 deals of 50k
    expect(rep.mandate.expectedLostValue).toBeCloseTo(200_000, 6)
    expect(rep.mandate.expectedLostDeals).toBeCloseTo(4, 12)
    // her own 2.5x: 250k asked ⇒ 150k short: 3 deals, 6 meetings, 30 activities; it plans to lose 60% of 250k
    expect(rep.repTarget).toMatchObject({
      target: 2.5,
      met: false,
      gap: 150_000,
      extraDeals: 3,
      extraMeetings: 6,
      extraActivities: 30,
      pipelineAtTarget: 250_000,
    })
    expect(rep.repTarget.impliedLossRate).toBeCloseTo(0.6, 12)
    expect(rep.repTarget.expectedLostValue).toBeCloseTo(150_000, 6)
  })

  it("an 8x mandate plans to lose 87.5%: 700k of the 800k it asks of Ana", () => {
    const rep = repIn(answerOf(ana, { coverageTarget: 8, ...q2 }), "2026-Q2", "ana")
    expect(rep.mandate).toMatchObject({
      impliedLossRate: 0.875,
      gap: 700_000,
      extraDeals: 14,
      pipelineAtTarget: 800_000,
      expectedLostValue: 700_000,
      expectedLostDeals: 14,
    })
  })

  it("with qualifiedOnly counts only d4: 300k − 50k = 250k short, 5 deals", () => {
    const rep = repIn(answerOf(ana, { coverageTarget: 3, ...q2, rules: { qualifiedOnly: true } }), "2026-Q2", "ana")
    expect(rep).toMatchObject({ pipelineCounted: 50_000, coverageCounted: 0.5, coverage: 1 })
    expect(rep.mandate).toMatchObject({ gap: 250_000, extraDeals: 5, extraMeetings: 10, extraActivities: 50 })
  })

  it("with excludeBadgering prices at 32 activities: 8 per deal, 4 per meeting", () => {
    const rep = repIn(answerOf(ana, { coverageTarget: 3, ...q2, rules: { excludeBadgering: true } }), "2026-Q2", "ana")
    expect(rep.history).toMatchObject({ activities: 32, badgering: 8, activitiesPerDeal: 8, activitiesPerMeeting: 4 })
    expect(rep.mandate.extraActivities).toBe(32) // 4 deals × 8 = 8 meetings × 4
  })
})

/**
 * Four reps of team west, each with a 100k quota for 2026-Q3, measured on 2026-07-01 against 3x:
 * - bo: 300k open (3x: met), wins 100k in Q3: hit;    own history won 50k / lost 50k: requires 2x (met)
 * - cy: 300k open (met), wins 50k: missed;             won 25k / lost 75k: requires 4x (not met)
 * - di: 100k open (not met), wins 100k: hit;           won 80k / lost 20k: requires 1.25x (not met)
 * - ed: 100k open (not met), loses it: missed;         won 50k / lost 50k: requires 2x (not met)
 * Mandate: met 2, 1 hit (0.5); not met 2, 1 hit (0.5). Own requiredCoverage: met 1, 1 hit (1); not met 3, 1 hit (1/3).
 */
const west: ReadonlyArray<LedgerEvent> = (() => {
  const events: LedgerEvent[] = []
  const reps = { bo: [50_000, 50_000], cy: [25_000, 75_000], di: [80_000, 20_000], ed: [50_000, 50_000] } as const
  for (const [repId, [won, lost]] of Object.entries(reps)) {
    events.push(
      event("RepJoined", "2026-01-05T09:00:00Z", { repId, name: repId, role: "AE", team: "west" }),
      event("QuotaSet", "2026-06-20T09:00:00Z", { repId, period: "2026-Q3", amount: 100_000 }),
      opened(`${repId}-w`, "2026-02-01T09:00:00Z", repId, won, "old"),
      opened(`${repId}-l`, "2026-02-01T09:00:00Z", repId, lost, "old"),
      event("DealWon", "2026-03-01T09:00:00Z", { dealId: `${repId}-w` }),
      event("DealLost", "2026-03-02T09:00:00Z", { dealId: `${repId}-l` }),
    )
  }
  events.push(
    opened("bo-1", "2026-06-01T09:00:00Z", "bo", 100_000, "a1"),
    opened("bo-2", "2026-06-01T09:00:00Z", "bo", 200_000, "a1"),
    opened("cy-1", "2026-06-01T09:00:00Z", "cy", 250_000, "a2"),
    opened("cy-2", "2026-06-01T09:00:00Z", "cy", 50_000, "a2"),
    opened("di-1", "2026-06-01T09:00:00Z", "di", 100_000, "a3"),
    opened("ed-1", "2026-06-01T09:00:00Z", "ed", 100_000, "a4"),
    event("DealWon", "2026-08-01T09:00:00Z", { dealId: "bo-1" }),
    event("DealWon", "2026-08-01T09:00:00Z", { dealId: "cy-2" }),
    event("DealWon", "2026-09-30T23:59:00Z", { dealId: "di-1" }),
    event("DealLost", "2026-08-01T09:00:00Z", { dealId: "ed-1" }),
    event("DealWon", "2026-10-01T00:00:00Z", { dealId: "bo-2" }), // Q4: after Q3's end, not counted there
  )
  return events
})()
const q3 = { from: "2026-07-01", to: "2026-09-30", period: "quarter", team: "west" }

describe("the back-test", () => {
  it("of 4 reps, 2 met the 3x mandate and 1 of them hit quota; of the 2 that did not, 1 hit: 0.5 and 0.5", () => {
    const answer = answerOf([...ana, ...west], { coverageTarget: 3, ...q3 })
    const period = answer.periods[0]
    expect(
      period?.reps.map((r) => [
        r.repId,
        r.coverage,
        r.requiredCoverage,
        r.mandate.met,
        r.repTarget.met,
        r.wonByEnd,
        r.hitQuota,
      ]),
    ).toEqual([
      ["bo", 3, 2, true, true, 100_000, true],
      ["cy", 3, 4, true, false, 50_000, false],
      ["di", 1, 1.25, false, false, 100_000, true],
      ["ed", 1, 2, false, false, 0, false],
    ])
    expect(period?.totals.backTest.mandate).toEqual({
      met: { reps: 2, hitQuota: 1, hitRate: 0.5, interval: oneOfTwo },
      notMet: { reps: 2, hitQuota: 1, hitRate: 0.5, interval: oneOfTwo },
    })
    expect(period?.totals.backTest.repTarget).toEqual({
      // 1 of 1: (1 + 1.9208 − 1.96 √0.9604) / 4.8415 to 1; 1 of 3: (0.3333 + 0.6402 ∓ 0.8333) / 2.2805
      met: { reps: 1, hitQuota: 1, hitRate: 1, interval: { low: expect.closeTo(0.2065, 4), high: 1 } },
      notMet: {
        reps: 3,
        hitQuota: 1,
        hitRate: 1 / 3,
        interval: { low: expect.closeTo(0.0615, 3), high: expect.closeTo(0.7923, 3) },
      },
    })
    expect(answer.totals.backTest).toEqual(period?.totals.backTest)
  })

  it("adds up the team: 400k left, 800k open, team coverage 2, 3x gap 400k", () => {
    const totals = answerOf(west, { coverageTarget: 3, ...q3 }).periods[0]?.totals
    expect(totals).toMatchObject({
      reps: 4,
      repsWithQuota: 4,
      repsWithQuotaLeft: 4,
      quota: 400_000,
      remainingQuota: 400_000,
      openPipeline: 800_000,
      coverage: 2,
    })
    // gaps: bo 0, cy 0, di 200k, ed 200k
    expect(totals?.mandate).toMatchObject({ met: 2, notMet: 2, gap: 400_000, pipelineAtTarget: 1_200_000 })
  })

  it("does not judge a period the history has not reached the end of", () => {
    const untilAugust = west.filter((e) => e.occurredAt < "2026-09-01")
    const period = answerOf(untilAugust, { coverageTarget: 3, ...q3 }).periods[0]
    expect(period?.over).toBe(false)
    expect(period?.reps.every((r) => r.hitQuota === null)).toBe(true)
    expect(period?.totals.backTest.mandate).toEqual(backTest([]))
  })
})

describe("what a what-if refuses", () => {
  const refusal = (events: ReadonlyArray<LedgerEvent>, input: Record<string, unknown>, logHasEvents = true) => {
    const result = measureOnLog({ events, logHasEvents }, request(input))
    return result.ok ? undefined : result.issue
  }

  it("a target below 1, from after to, asOf with both bounds: named by the field", () => {
    const issues = (input: Record<string, unknown>) => {
      const parsed = parseWhatIfCoverage(input)
      return parsed.ok ? [] : parsed.issues.map((i) => i.path)
    }
    expect(issues({ coverageTarget: 0.5, ...q2 })).toEqual(["coverageTarget"])
    expect(issues({ coverageTarget: -3, ...q2 })).toEqual(["coverageTarget"])
    expect(issues({ coverageTarget: 3, from: "2026-07-01", to: "2026-06-30", period: "quarter" })).toEqual(["from"])
    expect(
      issues({
        coverageTarget: 3,
        ...q2,
        asOf: { occurred: "2026-01-01T00:00:00Z", recorded: "2026-01-01T00:00:00Z" },
      }),
    ).toEqual(["asOf"])
    expect(issues({ coverageTarget: 3, ...q2, period: "week" })).toEqual(["period"])
    expect(issues({ coverageTarget: 3, ...q2, rules: { qualifiedOnly: "yes" } })).toEqual(["rules.qualifiedOnly"])
  })

  it("a team no rep is on, listing the teams there are", () => {
    expect(refusal([...ana, ...west], { coverageTarget: 3, ...q2, team: "north" })).toEqual({
      path: "team",
      message: 'no rep is on team "north"; teams in the ledger: east, west',
    })
  })

  it("a window in which nothing happened, saying when things did", () => {
    expect(refusal(ana, { coverageTarget: 3, from: "2030-01-01", to: "2030-03-31", period: "quarter" })).toMatchObject({
      path: "from",
      message: expect.stringMatching(/no event occurred from 2030-01-01 to 2030-03-31.*2025-01-06 to 2026-07-02/),
    })
  })

  it("an asOf before the first event", () => {
    const input = { coverageTarget: 3, ...q2, asOf: { recorded: "2020-01-01T00:00:00Z" } }
    expect(refusal([], input)?.path).toBe("asOf.recorded")
    expect(refusal([], { ...input, asOf: { occurred: "2020-01-01T00:00:00Z" } })?.path).toBe("asOf.occurred")
    expect(refusal([], { coverageTarget: 3, ...q2 }, false)?.message).toMatch(/no events yet/)
  })
})

describe("the replay's fold and copy", () => {
  const quarterly = { coverageTarget: 3, from: "2026-01-01", to: "2027-12-31", period: "quarter" }

  it("measures each period's start on the log truncated there: what a replay as of that instant saw", () => {
    let measured = 0
    fc.assert(
      fc.property(
        anyHistory(60),
        fc.array(fc.integer({ min: 0, max: 400 * 24 * 60 }), { minLength: 60, maxLength: 60 }),
        fc.constantFrom("occurred" as const, "recorded" as const),
        (events, recordedMinutes, clock) => {
          // Recorded at random instants of the same span: late arrivals and early ones alike.
          const recordedAt = recordedMinutes.map((m) => new Date(Date.parse("2026-01-01") + m * 60_000).toISOString())
          const live = foldAll(events)
          const answer = answerOf(events, { ...quarterly, asOf: clock }, recordedAt)
          for (const period of answer.periods) {
            const startMs = Date.parse(period.start)
            const truncated = foldAll(
              events.filter(
                (e, i) => Date.parse(clock === "occurred" ? e.occurredAt : (recordedAt[i] as string)) <= startMs,
              ),
            )
            for (const rep of period.reps) {
              const deals = [...truncated.deals.values()].filter((d) => d.ownerRepId === rep.repId)
              const expected = coverageAt({
                deals,
                rep: live.reps.get(rep.repId), // the quota: the period's target, as the whole replay knows it
                repId: rep.repId,
                settings: live.settings,
                at: period.start,
              })
              expect({
                quota: rep.quota,
                wonValue: rep.wonSoFar,
                openPipeline: rep.openPipeline,
                qualifiedPipeline: rep.qualifiedPipeline,
                coverage: rep.coverage,
                qualifiedCoverage: rep.qualifiedCoverage,
                requiredCoverage: rep.requiredCoverage,
              }).toEqual({
                quota: expected.quota,
                wonValue: expected.wonValue,
                openPipeline: expected.openPipeline,
                qualifiedPipeline: expected.qualifiedPipeline,
                coverage: expected.coverage,
                qualifiedCoverage: expected.qualifiedCoverage,
                // Given only from minClosedDeals deals closed in the trailing year (thin history: null).
                requiredCoverage:
                  closedInLookback(deals, new Set([rep.repId]), period.start).closedDeals >=
                  answer.request.minClosedDeals
                    ? expected.requiredCoverage
                    : null,
              })
              measured++
            }
          }
        },
      ),
      { numRuns: 40 },
    )
    expect(measured).toBeGreaterThan(100) // reps were measured, not skipped
  })

  it("is deterministic: the same history and request give the same JSON", () => {
    fc.assert(
      fc.property(anyHistory(60), (events) => {
        expect(JSON.stringify(answerOf(events, quarterly))).toBe(JSON.stringify(answerOf([...events], quarterly)))
      }),
      { numRuns: 15 },
    )
  })

  it("the log copy gives back every event as it was appended", () => {
    fc.assert(
      fc.property(anyHistory(60), (events) => {
        const copy = new LogCopy()
        for (const [i, e] of events.entries()) copy.append(e, 1_000 * i)
        expect(copy.size).toBe(events.length)
        expect(Array.from({ length: copy.size }, (_, i) => copy.eventAt(i))).toEqual(events)
        expect(Array.from({ length: copy.size }, (_, i) => copy.recordedMsAt(i))).toEqual(
          events.map((_, i) => 1_000 * i),
        )
        expect(Array.from({ length: copy.size }, (_, i) => copy.occurredMsAt(i))).toEqual(
          events.map((e) => Date.parse(e.occurredAt)),
        )
      }),
      { numRuns: 50 },
    )
  })

  it("the log copy gives back ids that never repeat (kept as they are) and ids that do (interned) alike", () => {
    // more than a chunk (65,536 events): sealed chunks keep their unique ids joined in one string
    const calls = Array.from({ length: 70_000 }, (_, i) =>
      call(
        `call-${i}`,
        new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        `rep-${i % 7}`,
        i % 3 === 0 ? `p${i % 11}` : undefined,
      ),
    )
    const copy = new LogCopy()
    for (const c of calls) copy.append(c, 0)
    expect(Array.from({ length: copy.size }, (_, i) => copy.eventAt(i))).toEqual(calls)
  })

  it("the log copy keeps numbers, nulls, nested values and key order exactly", () => {
    const odd = {
      type: "TeamSettingsChanged",
      occurredAt: "2026-01-01T00:00:00.000Z",
      data: { b: -0, a: 1.5, big: 2 ** 40, neg: -7, none: null, yes: true, no: false, list: [1, "x", { z: 1 }] },
    }
    const copy = new LogCopy()
    copy.append(odd as unknown as LedgerEvent, 0)
    const back = copy.eventAt(0)
    expect(back).toEqual(odd)
    expect(Object.keys(back.data)).toEqual(Object.keys(odd.data))
    expect(Object.is((back.data as { b: number }).b, -0)).toBe(true)
  })
})
