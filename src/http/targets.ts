/**
 * @module The routes of the sellers' target lists: a seller's list for a month, untouched longest
 * first (`GET /v1/reps/{repId}/targets`), and the manager's cadence grid, every seller by month
 * (`GET /v1/targets/cadence`). The figures are projections/README.md's `targetCadence`; the lists
 * and the cap are projections/targetLists.ts's. Unknown query parameters are refused, named.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import type { Context } from "hono"
import { bucketsOfWindow, dayKeyOf } from "../../projections/index.js"
import { readContext } from "../readModel/scorecardQueries.js"
import { cadenceGrid, sellerTargetList } from "../readModel/targetQueries.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { SqlQueryable } from "../store/sql.js"
import { CadenceGrid, SellerTargetList } from "./answers.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { problem, problemResponse } from "./problem.js"
import { notCaughtUp } from "./scorecardWindow.js"
import { validationHook } from "./validation.js"

export type TargetRoutesDeps = { readonly sql: SqlQueryable; readonly runner: ProjectionRunner }

/** The most months the grid shows at once (three years). */
export const maxGridMonths = 36

const month = z
  .string()
  .regex(/^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])$/, "must be a month written YYYY-MM, such as 2026-03 (year 0001–9999)")
const consistency = z
  .enum(["eventual", "strong"])
  .default("eventual")
  .describe("`strong` waits until the read model has applied every event appended before this request")

const common = {
  401: problemResponse("No valid API key"),
  403: problemResponse("The key lacks the read scope"),
  503: problemResponse("The read model is being built, or did not catch up in time for consistency=strong"),
}
const json = (description: string, schema: z.ZodType) => ({ description, content: { "application/json": { schema } } })

const badRequest = (c: Context, path: string, message: string) =>
  problem(c, { title: "Invalid request", status: 400, detail: `${path}: ${message}`, errors: [{ path, message }] })

export const targetRoutes = ({ sql, runner }: TargetRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const read = requireScope(sql, "read")

  /** Waits for consistency=strong and hands the current month (team zone) over. */
  const answer = async (
    c: Context,
    wanted: "eventual" | "strong",
    work: (currentMonth: string) => Promise<Response>,
  ): Promise<Response> => {
    const behind = await notCaughtUp(c, runner, wanted)
    if (behind !== undefined) return behind
    const { settings } = await readContext(sql)
    return await work(dayKeyOf(Date.now(), settings.timeZone).slice(0, 7))
  }

  app.openapi(
    createRoute({
      method: "get",
      operationId: "getSellerTargets",
      path: "/v1/reps/{repId}/targets",
      summary: "A seller's target list for a month, untouched longest first, with the month's cadence",
      description:
        "The accounts on the seller's list at the month's end (a reassignment moves an account from its date on), each with the seller's last day of activity, this month's activities and meetings, its open and won deals, and whether the seller left it untouched this month. `targetCadence` is the share touched (projections/README.md). `cap.warning` is set when the list holds more than the team's `targetListCap`: a warning, never a refusal.",
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: {
        params: z.object({ repId: z.string().min(1) }),
        query: z.strictObject({
          month: month.optional().describe("The month, YYYY-MM. Default: the current month in the team's zone"),
          consistency,
        }),
      },
      responses: {
        200: json("The seller's list", SellerTargetList),
        400: problemResponse("A bad month, or an unknown query parameter; the problem names it"),
        404: problemResponse("No such rep"),
        ...common,
      },
    }),
    async (c) => {
      const { repId } = c.req.valid("param")
      const query = c.req.valid("query")
      return answer(c, query.consistency, async (currentMonth) => {
        const list = await sellerTargetList(sql, repId, query.month ?? currentMonth)
        return list === undefined
          ? problem(c, {
              title: "Rep not found",
              status: 404,
              detail: `no rep "${repId}" in the ledger; GET /v1/reps lists them`,
            })
          : c.json(list, 200)
      }) as never
    },
  )

  app.openapi(
    createRoute({
      method: "get",
      operationId: "getCadenceGrid",
      path: "/v1/targets/cadence",
      summary: "Every seller's target cadence by month: the manager's grid",
      description: `Each seller who owns or owned a target account, with their \`targetCadence\` in each month from \`from\` to \`to\` (at most ${maxGridMonths} months) and its average over the months with a list; \`capWarnings\` names the sellers whose list is over the team's \`targetListCap\`.`,
      security: [{ bearer: [] }],
      middleware: [read] as const,
      request: {
        query: z.strictObject({
          from: month.optional().describe("The first month. Default: five months before `to`"),
          to: month.optional().describe("The last month. Default: the current month in the team's zone"),
          team: z.string().min(1).optional().describe("Only this team's sellers"),
          consistency,
        }),
      },
      responses: {
        200: json("The grid", CadenceGrid),
        400: problemResponse(
          `A bad month, from after to, over ${maxGridMonths} months, or an unknown query parameter; the problem names it`,
        ),
        ...common,
      },
    }),
    async (c) => {
      const query = c.req.valid("query")
      return answer(c, query.consistency, async (currentMonth) => {
        const to = query.to ?? currentMonth
        const from = query.from ?? monthsBefore(to, 5)
        if (from > to) return badRequest(c, "query.from", `must not be after to (${to})`)
        const months = bucketsOfWindow(`${from}-01`, `${to}-01`, "month").map((b) => b.key)
        if (months.length > maxGridMonths)
          return badRequest(
            c,
            "query.from",
            `the grid shows at most ${maxGridMonths} months; ${from} to ${to} is ${months.length}`,
          )
        return c.json(await cadenceGrid(sql, months, query.team), 200)
      }) as never
    },
  )

  return app
}

/** The month `count` months before `month` (YYYY-MM), not before 0001-01. */
const monthsBefore = (month: string, count: number): string => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - count
  const clamped = Math.max(12, index)
  return `${String(Math.floor(clamped / 12)).padStart(4, "0")}-${String((clamped % 12) + 1).padStart(2, "0")}`
}
