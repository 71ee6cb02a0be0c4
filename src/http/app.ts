/**
 * @module The HTTP application: every feature's routes mounted on one hono app, one problem
 * answer for everything that goes wrong.
 */
import { OpenAPIHono } from "@hono/zod-openapi"
import { requestId } from "hono/request-id"
import { eventJsonSchemas } from "../../events/index.js"
import { dashboardRoutes } from "../dashboard/index.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { SqlQueryable } from "../store/sql.js"
import { mountDocs } from "./docs.js"
import { eventRoutes } from "./events.js"
import { problem } from "./problem.js"
import { scorecardRoutes } from "./scorecards.js"
import { whatIfRoutes } from "./whatIf.js"
import type { LedgerRuntime } from "./runtime.js"

export type AppDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlQueryable
  readonly runner: ProjectionRunner
  readonly bodyLimitBytes: number
  readonly version: string
}

export const buildApp = (deps: AppDeps) => {
  const app = new OpenAPIHono()
  app.use(requestId())
  app.get("/healthz", (c) => c.json({ status: "ok" }))
  app.get("/v1/event-types", (c) => c.json(eventJsonSchemas()))
  app.route("/", eventRoutes({ ...deps, onAppended: deps.runner.wake }))
  app.route("/", scorecardRoutes(deps))
  app.route("/", whatIfRoutes(deps))
  mountDocs(app, deps.version)
  app.route("/", dashboardRoutes(deps))
  app.notFound((c) =>
    problem(c, { title: "Not found", status: 404, detail: `no route ${c.req.method} ${c.req.path}; see /docs for the API` }),
  )
  app.onError((error, c) => {
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), path: c.req.path, error: String(error?.stack ?? error) }))
    return problem(c, {
      title: "Internal error",
      status: 500,
      detail: `the server failed on this request (request id ${c.get("requestId")}); nothing was stored by it unless its answer said so`,
    })
  })
  return app
}
