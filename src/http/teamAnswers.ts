/**
 * @module The schemas of the team's answers (the cohort comparison and the rollups), so that the
 * OpenAPI document types them; each is checked against the read model's own type at compile time
 * (`sameShape`, see answers.ts) and against real answers in test/openapi.contract.e2e.test.ts.
 */
import { z } from "@hono/zod-openapi"
import { RepRole } from "../../events/reps.js"
import {
  type CounterName,
  counterNames,
  defaultEvidenceSettings,
  type EvidenceMinimum,
  type RankingMetric,
  rankingDirection,
  unattributedCounterNames,
} from "../../projections/index.js"
import type { cohortComparisonView, teamRollupView } from "../readModel/teamViews.js"
import {
  AnswerWindow,
  amount,
  Coverage,
  count,
  instant,
  ReadModelPosition,
  RepMetrics,
  RepSummary,
  ratio,
  type SameShape,
  sameShape,
} from "./answers.js"

/** Every metric a rep can be ranked by. */
export const rankingMetrics = Object.keys(rankingDirection) as [RankingMetric, ...RankingMetric[]]
const RankingMetricName = z.enum(rankingMetrics)
const evidenceMinimums = Object.keys(defaultEvidenceSettings) as [EvidenceMinimum, ...EvidenceMinimum[]]

const Window = AnswerWindow

const Interval = z
  .object({ low: z.number(), high: z.number().nullable().describe("null: no upper bound (n per 0 successes)") })
  .describe("The 95% Wilson interval, in the metric's own unit")
  .openapi("MetricInterval")
const Intervals = z
  .partialRecord(RankingMetricName, Interval.nullable())
  .describe("The 95% interval of every count metric (k of n); null without trials")

const FigureChange = z
  .object({ value: z.number().nullable(), previous: z.number().nullable(), change: z.number().nullable() })
  .describe("change = value − previous, in the figure's own unit; null when either is null")
  .openapi("FigureChange")
const Changes = z
  .record(z.string(), FigureChange)
  .nullable()
  .describe("With compareTo=previous: each metric now, in the previous window, and the change; else null")

const detail = z.string().describe("The reason in words")
const Reason = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("neverJoined"), detail }),
    z.object({ kind: z.literal("joinedAfterStart"), joinedAt: instant, detail }),
    z.object({ kind: z.literal("leftBeforeEnd"), leftAt: instant, detail }),
    z.object({ kind: z.literal("tooFewActivities"), activities: count, minimum: count, detail }),
    z.object({
      kind: z.literal("tooFewForRate"),
      metric: RankingMetricName,
      setting: z.enum(evidenceMinimums),
      count,
      minimum: count,
      detail,
    }),
    z.object({ kind: z.literal("noValue"), metric: RankingMetricName, detail }),
  ])
  .nullable()
  .openapi("Ineligibility")

const Quadrant = z.enum(["focused", "grinding", "spraying", "idle"])

const UnattributedCounts = z.object(
  Object.fromEntries(unattributedCounterNames.map((name) => [name, z.number()])) as Record<
    (typeof unattributedCounterNames)[number],
    z.ZodNumber
  >,
)
const Unattributed = z
  .object({
    identities: z
      .array(
        z
          .object({
            repId: z.string().describe("The alias the events were recorded under, e.g. aircall:123"),
            source: z.string(),
            externalId: z.string(),
          })
          .extend(UnattributedCounts.shape),
      )
      .describe("Each unlinked identity that did something in the window, most activities first"),
    totals: UnattributedCounts,
  })
  .describe(
    "Work recorded under vendor identities nobody has linked to a rep (POST /v1/reps/{repId}/identities): not ranked, and credited to the rep once linked",
  )
  .openapi("Unattributed")

const GroupContrast = z.object({ repIds: z.array(z.string()), metrics: RepMetrics, activitiesPerRep: ratio })

const ComparedRep = RepSummary.extend({
  cohort: RepRole,
  eligible: z.boolean().describe("In the medians, quadrants, ranking and top 20%"),
  reason: Reason.describe("Why not eligible; null when eligible"),
  metrics: RepMetrics.describe("A manager's: their group's, summed"),
  intervals: Intervals,
  quadrant: Quadrant.nullable(),
  rank: count.nullable(),
  score: z.number().nullable().describe("What the rank was decided by: the interval's unfavourable end"),
  rankReason: Reason.describe("Why not ranked; null when ranked"),
  members: z.array(z.string()).nullable().describe("A manager's group, the manager first; null for a rep"),
  coverage: Coverage,
  previous: z
    .object({ eligible: z.boolean(), rank: count.nullable(), quadrant: Quadrant.nullable() })
    .nullable()
    .describe("With compareTo=previous: the rep in the previous window; else null"),
  changes: Changes,
})

export const TeamComparison = z
  .object({
    window: Window,
    previousWindow: Window.nullable(),
    team: z.string().nullable(),
    cohort: RepRole.describe("The role whose reps are compared"),
    yieldBy: z.enum(["meetingYield", "heldMeetingYield", "revenuePerActivity"]),
    rankBy: RankingMetricName,
    topBy: z.enum(counterNames as unknown as [CounterName, ...CounterName[]]),
    evidence: z.object(
      Object.fromEntries(evidenceMinimums.map((name) => [name, count])) as Record<EvidenceMinimum, typeof count>,
    ),
    medians: z.object({ activities: z.number().nullable(), yield: z.number().nullable() }),
    medianChanges: z.object({ activities: FigureChange, yield: FigureChange }).nullable(),
    ranking: z.array(
      z.object({
        repId: z.string(),
        value: z.number().nullable(),
        interval: Interval.nullable(),
        score: z.number().nullable(),
        rank: count,
      }),
    ),
    reps: z.array(ComparedRep),
    contrast: z.object({ top: GroupContrast, rest: GroupContrast }),
    unattributed: Unattributed,
    readModel: ReadModelPosition,
  })
  .openapi("TeamComparison")

const RateInterval = z.object({ low: z.number(), high: z.number() })
const Attainment = {
  sellers: count.describe("Sellers with a quota in the period (rep-periods over several periods)"),
  reached: count,
  share: ratio.describe("reached / sellers"),
  interval: RateInterval.nullable(),
}

const RollupGroup = z.object({
  group: z.string().describe("The team's name, the manager's repId, or `all` for the whole team"),
  members: z.array(z.string()),
  metrics: RepMetrics.describe("The metrics of the members' summed counters: ratios of sums"),
  intervals: Intervals,
  activitiesPerRep: ratio,
  coverage: z.object({
    at: instant,
    sellers: z.array(z.string()).describe("The members with a quota in force at `at`"),
    quota: z.number().nullable(),
    wonValue: amount,
    openPipeline: amount,
    qualifiedPipeline: amount,
    coverage: ratio,
    qualifiedCoverage: ratio,
    requiredCoverage: ratio,
  }),
  attainment: z
    .object({
      ...Attainment,
      periods: z.array(
        z.object({
          period: z.string(),
          start: instant,
          end: instant,
          ...Attainment,
          bySeller: z.array(
            z.object({
              repId: z.string(),
              quota: amount,
              wonValue: amount,
              attainment: z.number(),
              reached: z.boolean(),
            }),
          ),
        }),
      ),
    })
    .describe("Of the sellers with a quota in each quota period that finished in the window, how many reached it"),
  changes: Changes,
})

export const TeamRollup = z
  .object({
    window: Window,
    previousWindow: Window.nullable(),
    groupBy: z.enum(["team", "manager"]),
    groups: z.array(RollupGroup),
    total: RollupGroup,
    readModel: ReadModelPosition,
  })
  .openapi("TeamRollup")

sameShape<SameShape<z.infer<typeof TeamRollup>, Awaited<ReturnType<typeof teamRollupView>>>>()
sameShape<SameShape<z.infer<typeof TeamComparison>, Awaited<ReturnType<typeof cohortComparisonView>>>>()
