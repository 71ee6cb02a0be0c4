/**
 * @module The window every read of the scorecards takes (`from`, `to`, `consistency`): its query
 * parameters, its bounds, its defaults in the team's calendar, and the refusals every such route
 * shares. Used by the rep routes (scorecards.ts) and the team routes (team.ts).
 */
import { z } from "@hono/zod-openapi"
import type { Context } from "hono"
import { CalendarDate } from "../../events/fields.js"
import {
  dayKeyOf,
  daysOfPeriod,
  type Granularity,
  maxWindowBuckets,
  maxWindowDays,
  quarterOf,
  windowIssue,
} from "../../projections/index.js"
import { type DayWindow, readContext } from "../readModel/scorecardQueries.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { SqlQueryable } from "../store/sql.js"
import { problem, problemResponse } from "./problem.js"

const day = CalendarDate

/** The query parameters of a window. */
export const windowQuery = {
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

export type WindowParameters = { from?: string | undefined; to?: string | undefined; bucket?: Granularity }

/**
 * The schema with the window's bounds checked (projections/windowBounds.ts) when both ends are given;
 * a window with a default end is checked once resolved, in the answerer. Compared only when both are
 * dates: an unparseable one has its own error, and no second, false one.
 */
export const windowChecked = <S extends z.ZodObject<typeof windowQuery & z.ZodRawShape>>(schema: S): S =>
  schema.superRefine((q: WindowParameters, ctx) => {
    if (!isDay(q.from) || !isDay(q.to)) return
    const issue = windowIssue({ from: q.from, to: q.to }, q.bucket)
    if (issue !== undefined) ctx.addIssue({ code: "custom", message: issue.message, path: [issue.parameter] })
  })

/** The refusals every windowed read shares. */
export const windowRefusals = {
  400: problemResponse(
    `A bad window (unparseable date, a year outside 0001–9999, from after to, over ${maxWindowDays} days, over ${maxWindowBuckets} buckets), an unknown metric or an unknown query parameter; the problem names the parameter`,
  ),
  401: problemResponse("No valid API key"),
  403: problemResponse("The key lacks the read scope"),
  503: problemResponse("The read model is being built, or did not catch up in time for consistency=strong"),
}

/** A 200 answer of JSON with its schema. */
export const jsonAnswer = (description: string, schema: z.ZodType) => ({
  description,
  content: { "application/json": { schema } },
})

/**
 * The answer to a read with consistency=strong when the read model did not catch up with the log
 * within 5 s (a 503 to retry); `undefined` when the read may go on.
 */
export const notCaughtUp = async (
  c: Context,
  runner: ProjectionRunner,
  consistency: "eventual" | "strong",
): Promise<Response | undefined> =>
  consistency === "strong" && !(await runner.waitUntilCaughtUp({ timeoutMs: 5_000 }))
    ? problem(
        c,
        {
          title: "Not caught up",
          status: 503,
          detail: "the read model did not catch up with the log within 5 s; retry, or read with consistency=eventual",
        },
        { "retry-after": "1" },
      )
    : undefined

/**
 * The answerer of windowed reads: it waits for consistency=strong, resolves the default window in the
 * team's calendar (from the start of the current quarter to today), refuses a window out of bounds,
 * and lets a read model still being built go to the one mapper (a 503, problem.ts).
 *
 * @example
 * const answer = windowAnswerer({ sql, runner })
 * return answer(c, c.req.valid("query"), async (window) => c.json(await view(sql, window), 200))
 */
export const windowAnswerer =
  ({ sql, runner }: { readonly sql: SqlQueryable; readonly runner: ProjectionRunner }) =>
  async (
    c: Context,
    query: WindowParameters & { consistency: "eventual" | "strong" },
    work: (window: DayWindow) => Promise<Response>,
  ): Promise<Response> => {
    const behind = await notCaughtUp(c, runner, query.consistency)
    if (behind !== undefined) return behind
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
