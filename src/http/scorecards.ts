/**
 * @module The read routes of the scorecards: reps, a rep's scorecard, the team comparison and the
 * target accounts. Metric names are those of shared/METRICS.md.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import type { Context } from "hono"
import { CalendarDate } from "../../events/fields.js"
import {
  dayKeyOf,
  daysOfPeriod,
  type Granularity,
  maxWindowBuckets,
  maxWindowDays,
  quarterOf,
  type RankingMetric,
  rankingDirection,
  unattributedCounterNames,
  windowIssue,
} from "../../projections/index.js"
import {
  type DayWindow,
  listReps,
  readContext,
  repScorecard,
  targetAccountsView,
  teamComparison,
} from "../readModel/scorecardQueries.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import { repIdAsKept } from "../store/personalValues.js"
import type { SqlQueryable } from "../store/sql.js"
import { RepList, RepScorecard } from "./answers.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { problem, problemResponse } from "./problem.js"
import { validationHook } from "./validation.js"

export type ScorecardRoutesDeps = { readonly sql: SqlQueryable; readonly runner: ProjectionRunner }

const rankingMetrics = Object.keys(rankingDirection) as [RankingMetric, ...RankingMetric[]]

const day = CalendarDate
const windowQuery = {
  from: day
    .optional()
    .describe("First day of the window (inclusive, team time zone). Default: the start of the current quarter"),
  to: day.optional().describe("Last day of the window (inclusive). Default: today"),
  consistency: z
    .enum(["eventual", "strong"])
    .default("eventual")
    .describe("`strong` waits until the read model has applied every event appended before this request"),
}
const isDay = (value: string | undefined): value is string => value !== undefined && day.safeParse(value).success
type WindowParameters = { from?: string | undefined; to?: string | undefined; bucket?: Granularity }
// Bounded (projections/windowBounds.ts) when both are given; a window with a default end is checked
// once resolved, in `answer`. Compared only when both are dates: an unparseable one has its own
// error, and no second, false one.
const windowChecked = <S extends z.ZodObject<typeof windowQuery & z.ZodRawShape>>(schema: S): S =>
  schema.superRefine((q: WindowParameters, ctx) => {
    if (!isDay(q.from) || !isDay(q.to)) return
    const issue = windowIssue({ from: q.from, to: q.to }, q.bucket)
    if (issue !== undefined) ctx.addIssue({ code: "custom", message: issue.message, path: [issue.parameter] })
  })

const common = {
  400: problemResponse(
    `A bad window (unparseable date, a year outside 0001–9999, from after to, over ${maxWindowDays} days, over ${maxWindowBuckets} buckets) or an unknown metric; the problem names the parameter`,
  ),
  401: problemResponse("No valid API key"),
  403: problemResponse("The key lacks the read scope"),
  503: problemResponse("The read model is being built, or did not catch up in time for consistency=strong"),
}
const json = (description: string, schema: z.ZodType) => ({ description, content: { "application/json": { schema } } })
// The answers are large and fully derived from projections' types; documented loosely, typed in code.
const AnyObject = z.record(z.string(), z.unknown())

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
const TeamComparisonAnswer = z.looseObject({ unattributed: Unattributed }).openapi("TeamComparison")

export const scorecardRoutes = ({ sql, runner }: ScorecardRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const read = requireScope(sql, "read")

  /** Waits for consistency=strong, resolves the default window, and turns known failures into problems. */
  const answer = async (
    c: Context,
    query: WindowParameters & { consistency: "eventual" | "strong" },
    work: (window: DayWindow) => Promise<Response>,
  ): Promise<Response> => {
    if (query.consistency === "strong" && !(await runner.waitUntilCaughtUp({ timeoutMs: 5_000 }))) {
      return problem(
        c,
        {
          title: "Not caught up",
          status: 503,
          detail: "the scorecards did not catch up with the log within 5 s; retry, or read with consistency=eventual",
        },
        { "retry-after": "1" },
      )
    }
    const { settings } = await readContext(sql)
    const today = dayKeyOf(Date.now(), settings.timeZone)
    const to = query.to ?? today
    const from =
      query.from ??
      daysOfPeriod(quarterOf(to, settings.fiscalYearStartMonth), settings.fiscalYearStartMonth)?.firstDay ??
      to
    const issue = windowIssue({ from, to }, query.bucket, settings.fiscalYearStartMonth)
    if (issue !== undefined) {
      const defaulted =
        query.from === undefined
          ? `the default \`from\` is ${from}; `
          : query.to === undefined
            ? `the default \`to\` is ${to}; `
            : ""
      const error = { path: `query.${issue.parameter}`, message: `${defaulted}${issue.message}` }
      return problem(c, {
        title: "Invalid request",
        status: 400,
        detail: `${error.path}: ${error.message}`,
        errors: [error],
      })
    }
    return await work({ from, to })
  }

  app.openapi(
    createRoute({
      method: "get",
      operationId: "listReps",
      path: "/v1/reps",
      summary: "Every rep, with team, role and the quota in force today",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: { query: z.object({ consistency: windowQuery.consistency }) },
      responses: { 200: json("The reps", RepList), ...common },
    }),
    async (c) =>
      answer(c, { consistency: c.req.valid("query").consistency }, async () =>
        c.json({ reps: await listReps(sql, new Date().toISOString()) }, 200),
      ) as never,
  )

  app.openapi(
    createRoute({
      method: "get",
      operationId: "getRepScorecard",
      path: "/v1/reps/{repId}/scorecard",
      summary: "One rep's activity against outcomes for a window, with a series per bucket",
      description:
        "Totals and ratios (shared/METRICS.md names; a ratio with a zero denominator is null) for the window, coverage at the window's end (openPipeline, qualifiedPipeline, quota, coverage, qualifiedCoverage, requiredCoverage), and the same metrics per day, week (ISO), month or quarter.",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: {
        params: z.object({ repId: z.string().min(1) }),
        query: windowChecked(
          z.object({ ...windowQuery, bucket: z.enum(["day", "week", "month", "quarter"]).default("week") }),
        ),
      },
      responses: { 200: json("The scorecard", RepScorecard), 404: problemResponse("No such rep"), ...common },
    }),
    async (c) => {
      const { repId } = c.req.valid("param")
      const query = c.req.valid("query")
      return answer(c, query, async (window) => {
        const scorecard = await repScorecard(sql, await repIdAsKept(sql, repId), window, query.bucket)
        return scorecard === undefined
          ? problem(c, {
              title: "Rep not found",
              status: 404,
              detail: `no rep "${repId}" in the ledger; GET /v1/reps lists them`,
            })
          : c.json(scorecard, 200)
      }) as never
    },
  )

  app.openapi(
    createRoute({
      method: "get",
      operationId: "compareTeam",
      path: "/v1/team/comparison",
      summary: "Every rep's effort against yield: metrics, team medians, quadrants, ranking, top 20% versus the rest",
      description:
        "Reps are ranked by an outcome-per-activity metric (`sort`, default meetingYield), never by activity alone. Quadrants compare each rep's activities and yield (`yield`: meetingYield or revenuePerActivity) with the team medians: focused (low effort, high yield), grinding (high, high), spraying (high effort, low yield), idle (low, low). Work recorded under a vendor identity nobody has linked to a rep yet (e.g. `aircall:123`) is not ranked: it is listed under `unattributed`, whatever the `team`, until a link credits it to the rep.",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: {
        query: windowChecked(
          z.object({
            ...windowQuery,
            team: z.string().min(1).optional(),
            sort: z.enum(rankingMetrics).default("meetingYield").describe("The ratio to rank reps by"),
            yield: z.enum(["meetingYield", "revenuePerActivity"]).default("meetingYield"),
          }),
        ),
      },
      responses: { 200: json("The comparison", TeamComparisonAnswer), ...common },
    }),
    async (c) => {
      const query = c.req.valid("query")
      return answer(c, query, async (window) =>
        c.json(
          await teamComparison(sql, window, {
            ...(query.team === undefined ? {} : { team: query.team }),
            rankBy: query.sort,
            yieldBy: query.yield,
          }),
          200,
        ),
      ) as never
    },
  )

  app.openapi(
    createRoute({
      method: "get",
      operationId: "listTargetAccounts",
      path: "/v1/accounts/targets",
      summary: "The target list: accounts that buy what we sell, with their meetings, deals and pipeline",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: { query: z.object({ consistency: windowQuery.consistency }) },
      responses: { 200: json("The target accounts", z.object({ accounts: z.array(AnyObject) })), ...common },
    }),
    async (c) =>
      answer(c, c.req.valid("query"), async () => c.json({ accounts: await targetAccountsView(sql) }, 200)) as never,
  )

  return app
}
