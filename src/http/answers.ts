/**
 * @module The schemas of the read answers (a rep's scorecard, the reps, a seller's target list; the what-if's are in whatIfAnswers.ts, the team's in teamAnswers.ts), so
 * that the OpenAPI document types them and a generated client does not see `unknown`. The code that
 * computes them (src/readModel, src/whatif, projections/) keeps its own TypeScript types; each
 * schema below is checked against them at compile time (`sameShape`), and against real answers in
 * test/openapi.contract.e2e.test.ts.
 */
import { z } from "@hono/zod-openapi"
import { RepRole } from "../../events/reps.js"
import type { listReps, repScorecard } from "../readModel/scorecardQueries.js"
import type { cadenceGrid, sellerTargetList } from "../readModel/targetQueries.js"

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

export const QuotaInForce = z
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
    openDealsWithoutAmount: count.describe(
      "Deals open at `at` without an amount yet: counted as deals, in no pipeline",
    ),
    qualifiedPipeline: amount,
    coverage: ratio,
    qualifiedCoverage: ratio,
    requiredCoverage: ratio,
  })
  .openapi("Coverage")

export const ReadModelPosition = z.object({ generation: count, eventsApplied: count })

const month = z.string().describe("A month of the calendar, YYYY-MM")

/** A seller's `targetCadence` in one month (projections/README.md). */
const TargetCadence = z
  .object({
    month,
    targetAccounts: count.describe("Accounts on the seller's list at the month's end"),
    touchedAccounts: count.describe("Of those, the ones the seller worked (activity or held meeting) in the month"),
    targetCadence: ratio.describe("touchedAccounts / targetAccounts; null for an empty list"),
  })
  .openapi("TargetCadence")

const OriginFigures = z.object({
  dealsOpened: count,
  openedValue: amount,
  dealsWon: count,
  dealsLost: count,
  wonValue: amount,
  winRate: ratio,
})

/** Proactive versus reactive pipeline (projections/README.md, `proactiveShare`). */
const ProactiveFigures = z
  .object({
    created: OriginFigures.describe(
      "Outbound deals whose owner worked the account within proactiveLookbackDays before",
    ),
    found: OriginFigures.describe("Every other deal: inbound, referral, or nobody worked the account first"),
    proactiveShare: ratio.describe("created.openedValue over the pipeline opened in the window"),
  })
  .openapi("ProactiveFigures")

/** The window a read measured, as every windowed answer states it. */
export const AnswerWindow = z.object({
  from: day,
  to: day,
  start: instant,
  end: instant.describe("Exclusive: the start of the day after `to`"),
  measuredAt: instant.describe("The window's last instant, where coverage is measured"),
  timeZone: z.string(),
})

export const RepScorecard = z
  .object({
    rep: RepSummary,
    window: AnswerWindow,
    metrics: RepMetrics,
    coverage: Coverage,
    bucket: z.enum(["day", "week", "month", "quarter"]),
    series: z.array(
      z.object({
        bucket: z.string(),
        from: day,
        to: day,
        metrics: RepMetrics,
        targetCadence: ratio.describe(
          "A month's cadence; a quarter's the average of its months with a list; null for a day or a week",
        ),
      }),
    ),
    targets: z.object({
      months: z.array(TargetCadence).describe("Each month the window touches"),
      averageCadence: ratio.describe("The average of those months with a list"),
    }),
    proactive: ProactiveFigures,
    readModel: ReadModelPosition,
  })
  .openapi("RepScorecard")

/** A seller's target list for a month (`GET /v1/reps/{repId}/targets`). */
export const SellerTargetList = z
  .object({
    repId: z.string(),
    name: z.string().nullable(),
    month,
    targetCadence: ratio,
    targetAccounts: count,
    touchedAccounts: count,
    untouchedAccounts: count,
    cap: z.object({
      targetListCap: count.describe("The team's cap (TeamSettingsChanged), warned about, never enforced"),
      accountsNow: count.describe("Accounts on the seller's list now"),
      warning: z.string().nullable().describe("Set when the list is over the cap: what to do"),
    }),
    accounts: z
      .array(
        z.object({
          accountId: z.string(),
          name: z.string().nullable(),
          reason: z.enum(["buys_what_we_sell", "dream_client", "displacement", "other"]).nullable(),
          incumbent: z.string().nullable(),
          ownedSince: instant,
          lastActivityDay: day.nullable().describe("The seller's latest day of activity on it up to the month's end"),
          activitiesThisMonth: count,
          meetingsThisMonth: count,
          openDeals: count,
          openPipeline: amount,
          wonDeals: count,
          wonValue: amount,
          untouchedThisMonth: z.boolean(),
        }),
      )
      .describe("Untouched this month first, the longest untouched first"),
    displacement: z
      .object({
        campaigns: z.array(
          z.object({
            accountId: z.string(),
            incumbent: z.string(),
            won: z.boolean().describe("A deal on it won since it was targeted"),
            firstTouchDay: day.nullable().describe("The first day any rep worked it"),
            daysToWin: count.nullable().describe("From the first touch to the first win"),
            touchesToWin: count.describe("Activities on it up to the win's day (up to now if not won)"),
          }),
        ),
        wonFromIncumbent: count,
      })
      .describe("The accounts of the list that buy from a competitor today, and what winning them took"),
    readModel: ReadModelPosition,
  })
  .openapi("SellerTargetList")

/** Every seller's cadence by month (`GET /v1/targets/cadence`). */
export const CadenceGrid = z
  .object({
    months: z.array(month),
    team: z.string().nullable(),
    targetListCap: count,
    capWarnings: z.array(z.object({ repId: z.string(), accounts: count, cap: count })),
    sellers: z.array(
      z.object({
        repId: z.string(),
        name: z.string().nullable(),
        team: z.string().nullable(),
        months: z.array(TargetCadence),
        averageCadence: ratio,
      }),
    ),
    readModel: ReadModelPosition,
  })
  .openapi("CadenceGrid")

export const RepList = z
  .object({ reps: z.array(RepSummary.extend({ quota: QuotaInForce.nullable() })) })
  .openapi("RepList")

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
sameShape<SameShape<z.infer<typeof SellerTargetList>, NonNullable<Awaited<ReturnType<typeof sellerTargetList>>>>>()
sameShape<SameShape<z.infer<typeof CadenceGrid>, Awaited<ReturnType<typeof cadenceGrid>>>>()
