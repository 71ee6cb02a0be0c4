/**
 * @module The routes a load balancer and a monitoring system call: `GET /healthz` (the process
 * answers), `GET /readyz` (it should get traffic: not shutting down, the store answers, the
 * scorecards are not too far behind the log), and `GET /metrics` (Prometheus text format).
 *
 * @example
 * app.route("/", operationsRoutes({ sql, runner, operations }))
 */
import { OpenAPIHono } from "@hono/zod-openapi"
import { type OperationsConfig, operationsDefaults } from "../config.js"
import { createLogger, type Logger } from "../observability/log.js"
import { createMetrics, type LedgerMetrics } from "../observability/metrics.js"
import type { ProjectionRunner } from "../runtime/projectionRunner.js"
import type { SqlQueryable } from "../store/sql.js"
import { requireScope } from "./auth.js"
import { createDraining, type Draining } from "./draining.js"

/** What the server's operations need: its log, its metrics, its draining state, and their settings. */
export type AppOperations = {
  readonly logger: Logger
  readonly metrics: LedgerMetrics
  readonly draining: Draining
  readonly settings: OperationsConfig
}

/** Operations for an app built without them (a benchmark's): a silent log, the default limits. */
export const quietOperations = (runner: ProjectionRunner): AppOperations => ({
  logger: createLogger({ level: "silent" }),
  metrics: createMetrics({ projectionLag: () => runner.lag() }),
  draining: createDraining(),
  settings: { ...operationsDefaults, logLevel: "silent" },
})

export type OperationsRoutesDeps = {
  readonly sql: SqlQueryable
  readonly runner: ProjectionRunner
  readonly operations: AppOperations
}

/** The probe and metrics routes; `/metrics` needs a `read` key unless LEDGER_METRICS_PUBLIC is true. */
export const operationsRoutes = ({ sql, runner, operations }: OperationsRoutesDeps) => {
  const app = new OpenAPIHono()
  const { draining, metrics, settings } = operations

  app.get("/healthz", (c) => c.json({ status: "ok" }))

  app.get("/readyz", async (c) => {
    const limits = settings.readiness
    if (draining.isDraining())
      return c.json({ status: "draining", detail: "shutting down: send no more traffic here" }, 503)
    let lag: Awaited<ReturnType<typeof runner.lag>>
    try {
      lag = await runner.lag()
    } catch (error) {
      return c.json({ status: "store_unavailable", detail: `the store did not answer: ${String(error)}` }, 503)
    }
    const behind = lag.events > limits.maxLagEvents || lag.seconds > limits.maxLagSeconds
    return c.json(
      {
        status: behind ? "lagging" : "ready",
        lag: { model: lag.model, events: lag.events, seconds: Math.round(lag.seconds * 1000) / 1000 },
        limits: { maxLagEvents: limits.maxLagEvents, maxLagSeconds: limits.maxLagSeconds },
        ...(behind
          ? {
              detail: `the ${lag.model} are ${lag.events} events (${lag.seconds.toFixed(1)} s) behind the log, over LEDGER_READY_MAX_LAG_EVENTS or LEDGER_READY_MAX_LAG_SECONDS`,
            }
          : {}),
      },
      behind ? 503 : 200,
    )
  })

  if (!settings.metricsPublic) app.use("/metrics", requireScope(sql, "read"))
  app.get("/metrics", async (c) => c.body(await metrics.text(), 200, { "content-type": metrics.contentType }))

  return app
}
