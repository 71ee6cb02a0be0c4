/**
 * @module One JSON log line and the metrics of each answered request: method, path, status,
 * duration and request id (at `debug` for probes and scrapes that succeed) (the `X-Request-Id` hono's `requestId()` takes from the client or makes,
 * and echoes). Handlers log through `c.get("log")`, a child logger that carries the request id.
 *
 * @example
 * app.use(requestId())
 * app.use(observeRequests({ logger, metrics }))
 */
import type { MiddlewareHandler } from "hono"
import type { Logger } from "../observability/log.js"
import type { LedgerMetrics } from "../observability/metrics.js"
import { ingestSourceOf } from "./ingestSource.js"

export type LogVariables = { log: Logger; requestId: string }

/** Logs and measures every request; the ingest routes are also counted by source. */
export const observeRequests =
  ({
    logger,
    metrics,
  }: {
    readonly logger: Logger
    readonly metrics: LedgerMetrics
  }): MiddlewareHandler<{ Variables: LogVariables }> =>
  async (c, next) => {
    const started = performance.now()
    const log = logger.child({ requestId: c.get("requestId") })
    c.set("log", log)
    metrics.inFlight.inc()
    try {
      await next()
    } finally {
      metrics.inFlight.dec()
    }
    const status = c.res.status
    const seconds = (performance.now() - started) / 1000
    metrics.observeRequest({ method: c.req.method, status })
    const ingest = ingestSourceOf(c.req.method, c.req.path)
    if (ingest !== undefined) metrics.observeIngest({ source: ingest.source, status, seconds })
    const line = { method: c.req.method, path: c.req.path, status, durationMs: Math.round(seconds * 10_000) / 10 }
    if (status >= 500) log.error(line, "request failed")
    else if (status < 400 && polled.has(c.req.path)) log.debug(line, "request")
    else log.info(line, "request")
  }

// A load balancer's probes and a scraper's polls answered well would drown the log at `info`: `debug`.
const polled = new Set(["/healthz", "/readyz", "/metrics"])
