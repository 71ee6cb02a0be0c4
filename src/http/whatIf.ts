/**
 * @module `POST /v1/what-if/coverage`: replay the log under a flat coverage mandate (src/whatif).
 *
 * The sub-app keeps one replayer for the server's life: the log folded to its head (and, from the first
 * as-of request, a compact copy of it), so a later what-if reads only the events appended since the
 * last one. A replay yields between pages (other requests go on) and stops when its client disconnects.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi"
import type { Context } from "hono"
import type { SqlDatabase } from "../store/sql.js"
import { coverageWhatIfFormulas } from "../whatif/formulas.js"
import { coverageWhatIf, LogReplayer, type ReplayerOptions, WhatIfCoverageRequest } from "../whatif/index.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { readJsonBody } from "./body.js"
import { problem, problemResponse } from "./problem.js"
import { documentedBody, validationHook } from "./validation.js"
import { WhatIfCoverageAnswer } from "./whatIfAnswers.js"

export type WhatIfRoutesDeps = {
  readonly sql: SqlDatabase
  readonly bodyLimitBytes: number
  /** How the server's replayer pages and caches (tests make pages small). */
  readonly whatIf?: ReplayerOptions
}

export const whatIfRoutes = ({ sql, bodyLimitBytes, whatIf }: WhatIfRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  const replayer = new LogReplayer(sql, whatIf)

  const route = createRoute({
    method: "post",
    operationId: "whatIfCoverage",
    path: "/v1/what-if/coverage",
    summary:
      "Replay history under a flat coverage mandate: what it asks, costs and plans to lose, and whether it predicted quota",
    description: coverageWhatIfFormulas,
    security: [{ bearer: [] }],
    middleware: [requireScope(sql, "read")] as const,
    request: {
      body: documentedBody({
        "application/json": WhatIfCoverageRequest,
      }),
    },
    responses: {
      200: {
        description: "Per period: each rep's figures and the team totals; the window's totals and back-test",
        content: { "application/json": { schema: WhatIfCoverageAnswer } },
      },
      400: problemResponse(
        "An invalid field, an asOf before the first event, a window without events or an unknown team; `errors[].path` names the field",
      ),
      401: problemResponse("No valid API key"),
      403: problemResponse("The key lacks the read scope"),
      413: problemResponse("Body over the size limit"),
      415: problemResponse("Not application/json"),
    },
  })

  // `as never`: the body reader answers its refusals as plain Responses, which the route types cannot name.
  const answer = async (c: Context): Promise<Response> => {
    const body = await readJsonBody(c, bodyLimitBytes)
    if (!body.ok) return body.response
    // A client gone away cancels the replay (ReplayCancelled): the handler ends, with an answer nobody reads.
    const outcome = await coverageWhatIf(replayer, body.value, c.req.raw.signal)
    if (!outcome.ok) {
      return problem(c, {
        title: "Invalid request",
        status: 400,
        detail: outcome.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "),
        errors: outcome.issues,
      })
    }
    return c.json(outcome.answer, 200)
  }
  app.openapi(route, (c) => answer(c) as never)

  return app
}
