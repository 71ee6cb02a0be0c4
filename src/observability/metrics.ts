/**
 * @module The server's Prometheus metrics: the one definition of each, its name, labels and
 * buckets. Each server has its own registry (several servers run in one test process); the
 * process's own metrics (CPU, memory, event loop, GC) are collected once per process.
 *
 * @example
 * const metrics = createMetrics({ projectionLag: () => runner.lag() })
 * metrics.observeIngest({ source: "api", status: 201, seconds: 0.004 })
 * const text = await metrics.text() // GET /metrics
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"
import type { ProjectionLag } from "../runtime/projectionRunner.js"
import type { GroupReport } from "../store/groupCommit.js"

export type MetricsSources = {
  /** How far the scorecards are behind the log, read at each scrape. */
  readonly projectionLag: () => Promise<ProjectionLag>
}

export type LedgerMetrics = {
  /** One answered request on an ingest route: `source` is `api`, `csv` or a webhook's vendor. */
  observeIngest(request: { readonly source: string; readonly status: number; readonly seconds: number }): void
  /** One answered request of any route (status and method only: paths would be unbounded labels). */
  observeRequest(request: { readonly method: string; readonly status: number }): void
  /** One group commit: its size, and the events it stored counted by their `metadata.source`. */
  observeGroup(report: GroupReport): void
  /** Requests being answered right now. */
  readonly inFlight: { inc(): void; dec(): void }
  /** The Prometheus text exposition of every metric. */
  text(): Promise<string>
  readonly contentType: string
}

/**
 * Why a request was refused, as a label: one word per status, so that a dashboard can sum
 * "invalid" apart from "rate_limited" without knowing HTTP.
 */
export const rejectionReason = (status: number): string | undefined => {
  if (status < 400) return undefined
  return rejectionReasons[status] ?? (status < 500 ? "client_error" : "server_error")
}

const rejectionReasons: Readonly<Record<number, string>> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "too_large",
  415: "unsupported_media_type",
  422: "unprocessable",
  429: "rate_limited",
  500: "internal_error",
  503: "unavailable",
}

let processRegistry: Registry | undefined

/** The process's CPU, memory, event-loop and GC metrics: collected once, whatever the number of servers. */
const processMetrics = (): Registry => {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

/** A registry of the ledger's metrics for one server. */
export const createMetrics = (sources: MetricsSources): LedgerMetrics => {
  const registry = new Registry()
  const ingestRequests = new Counter({
    name: "ledger_ingest_requests_total",
    help: "Requests answered on the ingest routes, by source (api, csv, or the webhook's vendor) and status",
    labelNames: ["source", "status"] as const,
    registers: [registry],
  })
  const ingestDuration = new Histogram({
    name: "ledger_ingest_request_duration_seconds",
    help: "Time to answer an ingest request, by source",
    labelNames: ["source"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const rejections = new Counter({
    name: "ledger_ingest_rejections_total",
    help: "Ingest requests refused, by source and reason (invalid, unauthorized, forbidden, conflict, too_large, unsupported_media_type, rate_limited, unavailable, ...)",
    labelNames: ["source", "reason"] as const,
    registers: [registry],
  })
  const requests = new Counter({
    name: "ledger_http_requests_total",
    help: "Requests answered on any route, by method and status",
    labelNames: ["method", "status"] as const,
    registers: [registry],
  })
  const inFlight = new Gauge({
    name: "ledger_http_requests_in_flight",
    help: "Requests being answered now",
    registers: [registry],
  })
  const appended = new Counter({
    name: "ledger_events_appended_total",
    help: "Events stored in the log (duplicates not counted), by the source in their metadata",
    labelNames: ["source"] as const,
    registers: [registry],
  })
  const groupEvents = new Histogram({
    name: "ledger_commit_group_events",
    help: "Events per group commit (one transaction shared by concurrent appends)",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000],
    registers: [registry],
  })
  const groupCallers = new Histogram({
    name: "ledger_commit_group_callers",
    help: "Appends (requests) sharing one group commit",
    buckets: [1, 2, 3, 5, 10, 20, 50, 100, 200],
    registers: [registry],
  })
  const groupsReplayed = new Counter({
    name: "ledger_commit_groups_replayed_total",
    help: "Group commits whose transaction failed and whose appends were replayed one transaction each",
    registers: [registry],
  })
  // Both gauges are read from one query at scrape time; the second waits on the first's answer.
  let lagRead: Promise<ProjectionLag | undefined> | undefined
  const readLag = () => {
    lagRead ??= sources
      .projectionLag()
      .catch(() => undefined)
      .finally(() => {
        lagRead = undefined
      })
    return lagRead
  }
  new Gauge({
    name: "ledger_projection_lag_events",
    help: "Events committed to the log that the scorecards have not applied yet",
    labelNames: ["model"] as const,
    registers: [registry],
    async collect() {
      const lag = await readLag()
      if (lag !== undefined) this.set({ model: lag.model }, lag.events)
    },
  })
  new Gauge({
    name: "ledger_projection_lag_seconds",
    help: "Age of the oldest event the scorecards have not applied yet (0 when caught up)",
    labelNames: ["model"] as const,
    registers: [registry],
    async collect() {
      const lag = await readLag()
      if (lag !== undefined) this.set({ model: lag.model }, lag.seconds)
    },
  })

  return {
    observeIngest: ({ source, status, seconds }) => {
      ingestRequests.inc({ source, status: String(status) })
      ingestDuration.observe({ source }, seconds)
      const reason = rejectionReason(status)
      if (reason !== undefined) rejections.inc({ source, reason })
    },
    observeRequest: ({ method, status }) => requests.inc({ method, status: String(status) }),
    observeGroup: (report) => {
      groupEvents.observe(report.events)
      groupCallers.observe(report.callers)
      if (report.replayedAlone) groupsReplayed.inc()
      const bySource = new Map<string, number>()
      for (const event of report.stored) {
        const source = typeof event.metadata["source"] === "string" ? event.metadata["source"] : "unknown"
        bySource.set(source, (bySource.get(source) ?? 0) + 1)
      }
      for (const [source, count] of bySource) appended.inc({ source }, count)
    },
    inFlight: { inc: () => inFlight.inc(), dec: () => inFlight.dec() },
    text: () => Registry.merge([processMetrics(), registry]).metrics(),
    contentType: registry.contentType,
  }
}
