/**
 * @module The schemas of the read answers (a rep's scorecard, the reps, the what-if coverage), so
 * that the OpenAPI document types them and a generated client does not see `unknown`. The code that
 * computes them (src/readModel, src/whatif, projections/) keeps its own TypeScript types; each
 * schema below is checked against them at compile time (`sameShape`), and against real answers in
 * test/openapi.contract.e2e.test.ts.
 */
import { z } from "@hono/zod-openapi"
import { RepRole } from "../../events/reps.js"
import type { listReps, repScorecard } from "../readModel/scorecardQueries.js"
import type { CoverageWhatIfAnswer } from "../whatif/index.js"

export const count = z.number().int()
export const amount = z.number()
export const ratio = z.number().nullable()
export const day = z.string().describe("A day of the calendar, YYYY-MM-DD")
export const instant = z.string().describe("An instant, ISO 8601 in UTC")

/** A rep as every read names them. */
export const RepSummary = z.object({
  repId: z.string(),
  name: z.string().nullable(),
  role: RepRole.nullable(),
  team: z.string().nullable(),
  managerRepId: z.string().nullable(),
  active: z.boolean().describe("No RepLeft yet"),
  known: z.boolean().describe("false for a rep credited by events before any RepJoined (e.g. an unlinked identity)"),
  unlinkedIdentity: z
    .object({ source: z.string(), externalId: z.string() })
    .nullable()
    .describe("The vendor identity this row stands for until someone links it to a rep (null for a rep)"),
})

const QuotaInForce = z
  .object({ period: z.string().describe("2026-Q4 or 2026-11"), amount, start: instant, end: instant })
  .openapi("QuotaInForce")

/** The metrics of projections/metrics.ts (names of shared METRICS.md); a ratio with a zero denominator is null. */
export const RepMetrics = z
  .object({
    dials: count,
    connects: count,
    conversations: count,
    emails: count,
    followUps: count,
    touches: count,
    activities: count,
    badgering: count,
    targetedActivities: count,
    meetingsBooked: count,
    meetingsHeld: count,
    secondMeetings: count,
    dealsOpened: count,
    dealsWon: count,
    dealsLost: count,
    wonValue: amount,
    lostValue: amount,
    dealsOriginated: count,
    originatedPipeline: amount,
    originatedWon: count,
    originatedWonValue: amount,
    bookedMeetingsHeld: count,
    bookedSecondMeetings: count,
    connectRate: ratio,
    activitiesPerMeeting: ratio,
    activitiesPerWin: ratio,
    meetingYield: ratio,
    heldMeetingYield: ratio,
    secondMeetingRate: ratio,
    winRate: ratio,
    valueWinRate: ratio,
    avgWonDeal: ratio,
    revenuePerActivity: ratio,
    salesCycleDays: ratio,
    targetFocus: ratio,
    targetWinRate: ratio,
    nonTargetWinRate: ratio,
    outboundShare: ratio,
    badgeringShare: ratio,
    activitiesPerDeal: ratio,
  })
  .openapi("RepMetrics")

export const Coverage = z
  .object({
    repId: z.string(),
    at: instant,
    quota: QuotaInForce.nullable(),
    wonValue: amount.describe("Won from the quota period's start to `at`; 0 without a quota"),
    openPipeline: amount,
    qualifiedPipeline: amount,
    coverage: ratio,
    qualifiedCoverage: ratio,
    requiredCoverage: ratio,
  })
  .openapi("Coverage")

export const ReadModelPosition = z.object({ generation: count, eventsApplied: count })

export const RepScorecard = z
  .object({
    rep: RepSummary,
    window: z.object({
      from: day,
      to: day,
      start: instant,
      end: instant.describe("Exclusive: the start of the day after `to`"),
      measuredAt: instant.describe("The window's last instant, where coverage is measured"),
      timeZone: z.string(),
    }),
    metrics: RepMetrics,
    coverage: Coverage,
    bucket: z.enum(["day", "week", "month", "quarter"]),
    series: z.array(z.object({ bucket: z.string(), from: day, to: day, metrics: RepMetrics })),
    readModel: ReadModelPosition,
  })
  .openapi("RepScorecard")

export const RepList = z
  .object({ reps: z.array(RepSummary.extend({ quota: QuotaInForce.nullable() })) })
  .openapi("RepList")

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

const QuotaHits = z.object({ reps: count, hitQuota: count, hitRate: ratio })
const BackTest = z.object({ met: QuotaHits, notMet: QuotaHits }).openapi("BackTest")
const BackTests = z.object({ mandate: BackTest, repTarget: BackTest })

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
  history: HistoryRates.extend({ from: day, to: day }),
  mandate: PolicyOutcome,
  repTarget: PolicyOutcome,
  wonByEnd: nullableNumber,
  hitQuota: z.boolean().nullable(),
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
})

export const WhatIfCoverageAnswer = z
  .object({
    request: z
      .object({
        coverageTarget: z.number(),
        from: day,
        to: day,
        period: z.enum(["month", "quarter"]),
        team: z.string().nullable(),
        rules: z.object({ qualifiedOnly: z.boolean(), excludeBadgering: z.boolean() }),
        asOf: z.union([z.object({ occurred: instant }), z.object({ recorded: instant })]).nullable(),
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
    mandate: z.object({ coverageTarget: z.number(), impliedLossRate: nullableNumber }),
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
    totals: z.object({ mandate: PolicyTotals, repTarget: PolicyTotals, backTest: BackTests }),
  })
  .openapi("WhatIfCoverageAnswer")

/** The type with every array writable: the code's answers hold readonly arrays, zod infers writable ones. */
export type Writable<T> =
  T extends ReadonlyArray<infer E> ? Array<Writable<E>> : T extends object ? { [K in keyof T]: Writable<T[K]> } : T
/** True when each type is assignable to the other: the schema and the code describe one shape. */
export type SameShape<Schema, Code> = [Schema] extends [Writable<Code>]
  ? [Writable<Code>] extends [Schema]
    ? true
    : false
  : false
export const sameShape = <_ extends true>() => undefined
sameShape<SameShape<z.infer<typeof RepScorecard>, NonNullable<Awaited<ReturnType<typeof repScorecard>>>>>()
sameShape<SameShape<z.infer<typeof RepList>["reps"][number], Awaited<ReturnType<typeof listReps>>[number]>>()
sameShape<SameShape<z.infer<typeof WhatIfCoverageAnswer>, CoverageWhatIfAnswer>>()
