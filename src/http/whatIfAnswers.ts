/**
 * @module The schema of the what-if's answer (`POST /v1/what-if/coverage`), checked against the
 * code's type at compile time (`sameShape`, answers.ts) and against real answers in
 * test/openapi.contract.e2e.test.ts.
 */
import { z } from "@hono/zod-openapi"
import { RepRole } from "../../events/reps.js"
import type { CoverageWhatIfAnswer } from "../whatif/index.js"
import { amount, count, day, instant, QuotaInForce, ratio, type SameShape, sameShape } from "./answers.js"

const HistoryRates = z.object({
  activities: count,
  badgering: count,
  meetingsBooked: count,
  dealsOpened: count,
  openedValue: amount,
  avgDealSize: ratio,
  meetingsPerDeal: ratio,
  activitiesPerMeeting: ratio,
  activitiesPerDeal: ratio,
})

const nullableNumber = z.number().nullable()
const PolicyOutcome = z
  .object({
    target: nullableNumber,
    impliedLossRate: nullableNumber,
    met: z.boolean().nullable(),
    gap: nullableNumber,
    pipelineAtTarget: nullableNumber,
    expectedLostValue: nullableNumber,
    expectedLostDeals: nullableNumber,
    extraDeals: nullableNumber,
    extraMeetings: nullableNumber,
    extraActivities: nullableNumber,
  })
  .openapi("PolicyOutcome")

const PolicyTotals = z
  .object({
    met: count,
    notMet: count,
    gap: amount,
    pipelineAtTarget: amount,
    expectedLostValue: amount,
    expectedLostDeals: z.number(),
    extraDeals: z.number(),
    extraMeetings: z.number(),
    extraActivities: z.number(),
    unpriced: count,
  })
  .openapi("PolicyTotals")

const QuotaHits = z.object({
  reps: count,
  hitQuota: count,
  hitRate: ratio,
  interval: z
    .object({ low: z.number(), high: z.number() })
    .nullable()
    .describe("The 95% Wilson interval of hitRate; null for an empty group"),
})
const BackTest = z.object({ met: QuotaHits, notMet: QuotaHits }).openapi("BackTest")
const BackTests = z.object({ mandate: BackTest, repTarget: BackTest })

const ScenarioOutcome = PolicyOutcome.extend({
  name: z.string(),
  winRate: ratio.describe("The win rate the scenario expects: the rep's value win rate (raised, for effectiveness)"),
  plannedLostValue: nullableNumber.describe("pipelineAtTarget × impliedLossRate: what the target plans to lose"),
  expectedWonValue: nullableNumber.describe("pipelineAtTarget × winRate"),
  quotaAttainmentExpected: nullableNumber.describe("(wonSoFar + expectedWonValue) / quota"),
}).openapi("ScenarioOutcome")

const ScenarioTotals = PolicyTotals.extend({
  name: z.string(),
  quotaOfExpected: amount.describe("Σ quota of the reps whose expected attainment is known"),
  expectedAttainedValue: amount.describe("Σ (wonSoFar + expectedWonValue) over the same reps"),
  quotaAttainmentExpected: ratio.describe("expectedAttainedValue / quotaOfExpected"),
  backTest: BackTest,
  backTestByQuadrant: z
    .object({
      focused: BackTest,
      grinding: BackTest,
      spraying: BackTest,
      idle: BackTest,
      unplaced: BackTest,
    })
    .describe("The back-test within each effort/yield quadrant of the reps at the period's start"),
  verdict: z.string().describe("What the back-test can honestly say, in one sentence"),
}).openapi("ScenarioTotals")

const ScenarioDifference = z
  .object({
    from: z.string(),
    to: z.string(),
    pipelineAsked: z.number().describe("Σ pipelineAtTarget of `to` − that of `from`"),
    meetingsAsked: z.number().describe("Σ extraMeetings of `to` − that of `from`"),
    activitiesAsked: z.number().describe("Σ extraActivities of `to` − that of `from`"),
    expectedLostValue: z.number(),
    quotaAttainmentExpected: nullableNumber,
  })
  .openapi("ScenarioDifference")

const Scenario = z.object({
  name: z.string(),
  policy: z.enum(["coverage-target", "own-required-coverage", "effectiveness"]),
  coverageTarget: nullableNumber,
  winRateDelta: nullableNumber,
})

const WhatIfRepPeriod = z.object({
  repId: z.string(),
  name: z.string().nullable(),
  role: RepRole.nullable(),
  team: z.string().nullable(),
  quota: QuotaInForce.nullable(),
  wonSoFar: amount,
  remainingQuota: nullableNumber,
  openPipeline: amount,
  qualifiedPipeline: amount,
  pipelineCounted: amount,
  coverage: ratio,
  qualifiedCoverage: ratio,
  coverageCounted: ratio,
  requiredCoverage: ratio,
  requiredCoverageReason: z
    .string()
    .nullable()
    .describe("Why requiredCoverage is null: too few deals closed, nothing won"),
  valueWinRate: ratio,
  closedDeals: count,
  quadrantAtStart: z.enum(["focused", "grinding", "spraying", "idle"]).nullable(),
  history: HistoryRates.extend({ from: day, to: day }),
  mandate: PolicyOutcome,
  repTarget: PolicyOutcome,
  wonByEnd: nullableNumber,
  hitQuota: z.boolean().nullable(),
  scenarios: z.array(ScenarioOutcome),
})

const WhatIfTeamTotals = z.object({
  reps: count,
  repsWithQuota: count,
  repsWithQuotaLeft: count,
  quota: amount,
  wonSoFar: amount,
  remainingQuota: amount,
  openPipeline: amount,
  qualifiedPipeline: amount,
  pipelineCounted: amount,
  coverage: ratio,
  qualifiedCoverage: ratio,
  coverageCounted: ratio,
  mandate: PolicyTotals,
  repTarget: PolicyTotals,
  backTest: BackTests,
  scenarios: z.array(ScenarioTotals),
  requiredCoverage: z
    .object({
      closedDeals: count,
      valueWinRate: ratio,
      requiredCoverage: ratio,
      reason: z.string().nullable(),
    })
    .describe("The team's own required coverage, from every deal its reps closed in the trailing window"),
})

export const WhatIfCoverageAnswer = z
  .object({
    request: z
      .object({
        coverageTarget: nullableNumber,
        scenarios: z.array(Scenario),
        minClosedDeals: count,
        from: day,
        to: day,
        period: z.enum(["month", "quarter"]),
        team: z.string().nullable(),
        rules: z.object({ qualifiedOnly: z.boolean(), excludeBadgering: z.boolean() }),
        asOf: z.union([z.object({ occurred: instant }), z.object({ recorded: instant })]).nullable(),
        periodStartsKnownBy: z
          .enum(["occurred", "recorded"])
          .describe("The clock a period's start is known by: the events occurred, or recorded, by it"),
      })
      .describe("The request with its defaults filled in"),
    replay: z.object({
      eventsReplayed: count,
      firstOccurredAt: instant,
      lastOccurredAt: instant,
      timeZone: z.string(),
      fiscalYearStartMonth: count,
      lookbackDays: count,
    }),
    mandate: z.object({ coverageTarget: nullableNumber, impliedLossRate: nullableNumber }),
    periods: z.array(
      z.object({
        period: z.string(),
        firstDay: day,
        lastDay: day,
        start: instant,
        end: instant,
        over: z
          .boolean()
          .describe("Whether the replayed history reaches the period's end (only then is hitQuota judged)"),
        reps: z.array(WhatIfRepPeriod),
        totals: WhatIfTeamTotals,
      }),
    ),
    totals: z.object({
      mandate: PolicyTotals,
      repTarget: PolicyTotals,
      backTest: BackTests,
      scenarios: z.array(ScenarioTotals),
    }),
    differences: z.array(ScenarioDifference),
  })
  .openapi("WhatIfCoverageAnswer")

sameShape<SameShape<z.infer<typeof WhatIfCoverageAnswer>, CoverageWhatIfAnswer>>()
