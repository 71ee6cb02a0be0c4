/**
 * @module The HTTP application: every feature's routes mounted on one hono app, one problem
 * answer for everything that goes wrong.
 */
import { OpenAPIHono } from "@hono/zod-openapi"
import { requestId } from "hono/request-id"
import { eventJsonSchemas } from "../../events/index.js"
import type { WebhooksConfig } from "../config.js"
import type { Logger } from "../observability/log.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { DeliveryTally } from "../store/sources.js"
import type { SqlDatabase } from "../store/sql.js"
import { adminRoutes } from "./admin.js"
import { dashboardRoutes } from "./dashboard/index.js"
import { mountDocs } from "./docs.js"
import { eventRoutes } from "./events.js"
import { identityRoutes } from "./identities.js"
import { importRoutes } from "./imports.js"
import { type AppOperations, operationsRoutes, quietOperations } from "./operations.js"
import { peopleRoutes } from "./people.js"
import { resolvePersonalAnswers } from "./personalAnswers.js"
import { answerProblem, isDomainError, problem } from "./problem.js"
import { rateLimitIngest } from "./rateLimit.js"
import { observeRequests } from "./requestLog.js"
import type { LedgerRuntime } from "./runtime.js"
import { scorecardRoutes } from "./scorecards.js"
import { sourceRoutes } from "./sources.js"
import { targetRoutes } from "./targets.js"
import { teamRoutes } from "./team.js"
import { webhookRoutes } from "./webhooks.js"
import { whatIfRoutes } from "./whatIf.js"

export type AppDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlDatabase
  readonly runner: ProjectionRunner
  readonly bodyLimitBytes: number
  readonly version: string
  /** Log, metrics, draining and rate limits (README "Operations"); silent defaults when absent. */
  readonly operations?: AppOperations
  /** The connectors' secrets (README "Connectors"); absent, every webhook answers 503. */
  readonly webhooks?: WebhooksConfig
  /** Where deliveries are counted (GET /v1/sources); the server flushes it when it stops. */
  readonly deliveries: DeliveryTally
}

export const buildApp = (deps: AppDeps) => {
  const app = new OpenAPIHono()
  const operations = deps.operations ?? quietOperations(deps.runner)
  app.use(requestId())
  app.use(observeRequests(operations))
  app.use(operations.draining.middleware)
  app.use(rateLimitIngest(operations.settings.rateLimit, deps.sql))
  app.use(resolvePersonalAnswers(deps.sql))
  app.route("/", operationsRoutes({ ...deps, operations }))
  app.get("/v1/event-types", (c) => c.json(eventJsonSchemas()))
  app.route("/", eventRoutes({ ...deps, onAppended: deps.runner.wake }))
  app.route("/", importRoutes({ ...deps, onAppended: deps.runner.wake }))
  app.route("/", scorecardRoutes(deps))
  app.route("/", targetRoutes(deps))
  app.route("/", teamRoutes(deps))
  app.route("/", identityRoutes(deps))
  app.route("/", whatIfRoutes(deps))
  app.route("/", adminRoutes(deps))
  app.route("/", peopleRoutes({ ...deps, onAppended: deps.runner.wake }))
  app.route("/", webhookRoutes({ ...deps, onAppended: deps.runner.wake }))
  app.route("/", sourceRoutes(deps))
  mountDocs(app, deps.version)
  app.route("/", dashboardRoutes(deps))
  app.notFound((c) =>
    problem(c, {
      title: "Not found",
      status: 404,
      detail: `no route ${c.req.method} ${c.req.path}; see /docs for the API`,
    }),
  )
  app.onError((error, c) => {
    // A refusal the ledger names (a tagged error) is answered as such, wherever a route let it go.
    if (isDomainError(error)) return answerProblem(c, error)
    const log: Logger = c.get("log" as never) ?? operations.logger
    log.error({ err: error, path: c.req.path }, "request failed with an unexpected error")
    return problem(c, {
      title: "Internal error",
      status: 500,
      detail: `the server failed on this request (request id ${c.get("requestId")}); nothing was stored by it unless its answer said so`,
    })
  })
  return app
}
