/**
 * @module The read routes of a rep's scorecards: the reps, a rep's scorecard and the target
 * accounts (the team's views are team.ts). Metric names are those of projections/README.md.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import { listReps, repScorecard, targetAccountsView } from "../readModel/scorecardQueries.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import { repIdAsKept } from "../store/personalValues.js"
import type { SqlQueryable } from "../store/sql.js"
import { RepList, RepScorecard } from "./answers.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { csvAnswer, formatQuery, tableAnswer, wantsCsv } from "./csv.js"
import { problem, problemResponse } from "./problem.js"
import { knownQuery } from "./query.js"
import {
  windowRefusals as common,
  jsonAnswer as json,
  windowAnswerer,
  windowChecked,
  windowQuery,
} from "./scorecardWindow.js"
import { validationHook } from "./validation.js"

export type ScorecardRoutesDeps = { readonly sql: SqlQueryable; readonly runner: ProjectionRunner }

// The answers are large and fully derived from projections' types; documented loosely, typed in code.
const AnyObject = z.record(z.string(), z.unknown())

export const scorecardRoutes = ({ sql, runner }: ScorecardRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const read = requireScope(sql, "read")

  const answer = windowAnswerer({ sql, runner })

  app.openapi(
    createRoute({
      method: "get",
      operationId: "listReps",
      path: "/v1/reps",
      summary: "Every rep, with team, role and the quota in force today",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: { query: knownQuery({ consistency: windowQuery.consistency, format: formatQuery }) },
      responses: { 200: tableAnswer("The reps (as CSV: one row per rep)", RepList), ...common },
    }),
    async (c) => {
      const query = c.req.valid("query")
      return answer(c, { consistency: query.consistency }, async () => {
        const reps = await listReps(sql, new Date().toISOString())
        return wantsCsv(c, query.format) ? csvAnswer(c, "reps", reps) : c.json({ reps }, 200)
      }) as never
    },
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
          knownQuery({
            ...windowQuery,
            bucket: z.enum(["day", "week", "month", "quarter"]).default("week"),
            format: formatQuery,
          }),
        ),
      },
      responses: {
        200: tableAnswer("The scorecard (as CSV: its series, one row per bucket)", RepScorecard),
        404: problemResponse("No such rep"),
        ...common,
      },
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
          : wantsCsv(c, query.format)
            ? csvAnswer(
                c,
                `scorecard-${repId}-${window.from}-${window.to}`,
                scorecard.series.map((bucket) => ({ repId, ...bucket })),
              )
            : c.json(scorecard, 200)
      }) as never
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
      request: { query: knownQuery({ consistency: windowQuery.consistency }) },
      responses: { 200: json("The target accounts", z.object({ accounts: z.array(AnyObject) })), ...common },
    }),
    async (c) =>
      answer(c, c.req.valid("query"), async () => c.json({ accounts: await targetAccountsView(sql) }, 200)) as never,
  )

  return app
}
