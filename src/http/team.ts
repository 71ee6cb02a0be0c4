/**
 * @module The team's read routes: the comparison of one cohort (`GET /v1/team/comparison`) and the
 * rollups per team or manager (`GET /v1/team/rollup`). Figures are defined in projections/README.md
 * "Cohorts, evidence and rollups".
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import { RepRole } from "../../events/reps.js"
import {
  cohortDefaults,
  cohortOptionsIssue,
  defaultEvidenceSettings,
  type EvidenceMinimum,
  type EvidenceSettings,
  evidenceNouns,
} from "../../projections/index.js"
import { cohortComparisonView, teamRollupView } from "../readModel/teamViews.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { SqlQueryable } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { csvAnswer, formatQuery, tableAnswer, wantsCsv } from "./csv.js"
import { problem } from "./problem.js"
import { knownQuery, queryInteger } from "./query.js"
import { windowAnswerer, windowChecked, windowQuery, windowRefusals } from "./scorecardWindow.js"
import { rankingMetrics, TeamComparison, TeamRollup } from "./teamAnswers.js"
import { validationHook } from "./validation.js"

export type TeamRoutesDeps = { readonly sql: SqlQueryable; readonly runner: ProjectionRunner }

const compareTo = z
  .enum(["previous"])
  .optional()
  .describe("`previous`: also the window of the same length just before, each figure's previous value and change")

const evidenceMinimums = Object.keys(defaultEvidenceSettings) as ReadonlyArray<EvidenceMinimum>
/** One query parameter per evidence minimum, defaulting to projections' documented defaults. */
const evidenceQuery = Object.fromEntries(
  evidenceMinimums.map((name) => [
    name,
    queryInteger({ min: 0, max: 10_000_000, default: defaultEvidenceSettings[name] }).describe(
      `The fewest ${evidenceNouns[name]} in the window ${name === "minActivities" ? "for a rep to be compared at all" : "to be ranked by a metric resting on them"} (default ${defaultEvidenceSettings[name]}; below 1 counts as 1)`,
    ),
  ]),
) as Record<EvidenceMinimum, ReturnType<typeof queryInteger>>

const cohortsDescribed = Object.entries(cohortDefaults)
  .map(([cohort, d]) => `${cohort}: ranked by ${d.rankBy}, yield ${d.yieldBy}, top 20% by ${d.topBy}`)
  .join("; ")

export const teamRoutes = ({ sql, runner }: TeamRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const read = requireScope(sql, "read")
  const answer = windowAnswerer({ sql, runner })

  app.openapi(
    createRoute({
      method: "get",
      operationId: "compareTeam",
      path: "/v1/team/comparison",
      summary: "One cohort's effort against yield: eligibility, intervals, medians, quadrants, ranking, top 20%",
      description: `Reps are compared within their role (\`role\`, default AE). A rep is eligible when on the team for the whole window and with at least \`minActivities\` activities; the others are listed with \`eligible: false\` and the \`reason\`, never ranked, in the medians or placed in a quadrant. The ranking orders eligible reps with enough evidence for \`sort\` by the unfavourable end of the metric's 95% Wilson interval (\`score\`), so that one lucky deal never outranks a season. Defaults per cohort — ${cohortsDescribed}. BDRs are never judged on deals they do not close. Managers are compared as their group's rollup. Work under vendor identities nobody has linked is listed under \`unattributed\`, not ranked.`,
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: {
        query: windowChecked(
          knownQuery({
            ...windowQuery,
            role: RepRole.default("AE").describe("The cohort compared: reps of this role"),
            team: z.string().min(1).optional(),
            sort: z.enum(rankingMetrics).optional().describe("The metric to rank by (default: the cohort's)"),
            yield: z
              .enum(["meetingYield", "heldMeetingYield", "revenuePerActivity"])
              .optional()
              .describe("The yield of the quadrants (default: the cohort's)"),
            ...evidenceQuery,
            compareTo,
            format: formatQuery,
          }),
        ),
      },
      responses: {
        200: tableAnswer("The comparison (as CSV: one row per rep of the cohort)", TeamComparison),
        ...windowRefusals,
      },
    }),
    async (c) => {
      const query = c.req.valid("query")
      const issue = cohortOptionsIssue(query.role, { yieldBy: query.yield, rankBy: query.sort })
      if (issue !== null) {
        const parameter = query.sort !== undefined && issue.includes(query.sort) ? "sort" : "yield"
        const error = { path: `query.${parameter}`, message: issue }
        return problem(c, {
          title: "Invalid request",
          status: 400,
          detail: `${error.path}: ${issue}`,
          errors: [error],
        }) as never
      }
      const evidence = Object.fromEntries(evidenceMinimums.map((name) => [name, query[name]])) as EvidenceSettings
      return answer(c, query, async (window) => {
        const comparison = await cohortComparisonView(sql, window, {
          cohort: query.role,
          evidence,
          ...(query.team === undefined ? {} : { team: query.team }),
          ...(query.sort === undefined ? {} : { rankBy: query.sort }),
          ...(query.yield === undefined ? {} : { yieldBy: query.yield }),
          ...(query.compareTo === undefined ? {} : { compareTo: query.compareTo }),
        })
        return wantsCsv(c, query.format)
          ? csvAnswer(c, `team-comparison-${query.role}-${window.from}-${window.to}`, comparison.reps)
          : c.json(comparison, 200)
      }) as never
    },
  )

  app.openapi(
    createRoute({
      method: "get",
      operationId: "getTeamRollup",
      path: "/v1/team/rollup",
      summary: "Per team or per manager: summed metrics, coverage, required coverage, quota attainment",
      description:
        "Each group's counters summed and the metrics of the sums (ratios of sums, never means of ratios), with the 95% intervals of the count rates; the group's coverage and required coverage at the window's end, over the members with a quota; and of the sellers with a quota in each quota period that finished in the window, how many reached it, and the share. `total` is the same for every rep. A manager's group is everyone under them, transitively, and themselves.",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: {
        query: windowChecked(
          knownQuery({
            ...windowQuery,
            groupBy: z.enum(["team", "manager"]).default("team").describe("Group reps by team or by manager"),
            compareTo,
            format: formatQuery,
          }),
        ),
      },
      responses: {
        200: tableAnswer("The rollups (as CSV: one row per group, then `all`)", TeamRollup),
        ...windowRefusals,
      },
    }),
    async (c) => {
      const query = c.req.valid("query")
      return answer(c, query, async (window) => {
        const rollup = await teamRollupView(sql, window, {
          groupBy: query.groupBy,
          ...(query.compareTo === undefined ? {} : { compareTo: query.compareTo }),
        })
        return wantsCsv(c, query.format)
          ? csvAnswer(c, `team-rollup-${query.groupBy}-${window.from}-${window.to}`, [...rollup.groups, rollup.total])
          : c.json(rollup, 200)
      }) as never
    },
  )

  return app
}
