/**
 * @module One log line and the metrics of each answered request: method, path, status, duration
 * and request id (the `X-Request-Id` hono's `requestId()` takes from the client or makes, and
 * echoes). Files (the dashboard's page and scripts, the API reference's) and probes and scrapes
 * that succeed are logged at `debug`: at `info` one visit to the dashboard wrote some seventy
 * lines, and the terminal's banner scrolled away. Handlers log through `c.get("log")`, a child
 * logger that carries the request id.
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
    else if (status < 400 && routine(c.req.method, c.req.path)) log.debug(line, "request")
    else log.info(line, "request")
  }

// A load balancer's probes and a scraper's polls.
const polled = new Set(["/healthz", "/readyz", "/metrics"])

/** A file of the dashboard or of the API reference: `/`, `/ui/app.js`, `/docs`, `/docs/assets/…`, `/openapi.json`. */
const isFile = (path: string): boolean =>
  path === "/" ||
  path === "/docs" ||
  path === "/openapi.json" ||
  path.startsWith("/docs/") ||
  /^\/ui\/.+\.[a-z0-9]+$/i.test(path)

/** A request whose success is routine: logged at `debug`, so that `info` shows what people and clients did. */
const routine = (method: string, path: string): boolean =>
  polled.has(path) || ((method === "GET" || method === "HEAD") && isFile(path))
