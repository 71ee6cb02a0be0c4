import type { AddressInfo } from "node:net"
import { type ServerType, serve } from "@hono/node-server"
import { Effect, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OperationsConfig, operationsDefaults } from "../src/config.js"
import { buildApp } from "../src/http/app.js"
import { createDraining } from "../src/http/draining.js"
import { createLogger } from "../src/observability/log.js"
import { createMetrics } from "../src/observability/metrics.js"
import { type ProjectionRunner, startProjectionRunner } from "../src/runtime/projectionRunner.js"
import { createApiKey } from "../src/store/apiKeys.js"
import { EventStore } from "../src/store/EventStore.js"
import { deliveryTally } from "../src/store/sources.js"
import { type Answer, events, serverBackends, startTestServer, type TestServer } from "./support/server.js"

/** One sample of the Prometheus text format: `name{label="value",…} value`. */
type Sample = { readonly name: string; readonly labels: Record<string, string>; readonly value: number }

/** Parses the text exposition format strictly: every line a comment or a well-formed sample. */
const parseMetrics = (text: string): ReadonlyArray<Sample> =>
  text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
      if (match === null) throw new Error(`not a Prometheus sample: ${line}`)
      const labels = Object.fromEntries(
        [...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      )
      const value = Number(match[3])
      // prom-client writes NaN as "Nan" (the event-loop lag before its first sample): Prometheus reads any case.
      if (Number.isNaN(value) && match[3]?.toLowerCase() !== "nan") throw new Error(`not a number in: ${line}`)
      return { name: match[1] as string, labels, value }
    })

/** The value of the one sample named `name` whose labels include `labels` (0 when there is none yet). */
const sampleValue = (samples: ReadonlyArray<Sample>, name: string, labels: Record<string, string> = {}): number => {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value ?? 0
}

describe.each(serverBackends)("GET /metrics on $name", (backend) => {
  let server: TestServer
  let readKey: string
  const scrape = async () => {
    const answer = await server.request("/metrics", { key: readKey })
    expect(answer.status).toBe(200)
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/)
    return parseMetrics(answer.body as string)
  }
  beforeAll(async () => {
    server = await startTestServer(backend)
    readKey = await server.keyWith(["read"])
  }, 180_000)
  afterAll(() => server?.close())

  it("needs a key with the read scope (LEDGER_METRICS_PUBLIC is off by default)", async () => {
    expect((await server.request("/metrics", { key: null })).status).toBe(401)
    expect((await server.request("/metrics", { key: await server.keyWith(["ingest"]) })).status).toBe(403)
  })

  it("describes every family, and counts ingest requests, appended events, rejections and commit groups", async () => {
    const before = await scrape()
    const text = (await server.request("/metrics", { key: readKey })).body as string
    for (const family of [
      "ledger_ingest_requests_total",
      "ledger_ingest_request_duration_seconds",
      "ledger_ingest_rejections_total",
      "ledger_events_appended_total",
      "ledger_commit_group_events",
      "ledger_commit_group_callers",
      "ledger_projection_lag_events",
      "ledger_projection_lag_seconds",
      "process_cpu_seconds_total",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(text).toContain(`# HELP ${family} `)
      expect(text).toContain(`# TYPE ${family} `)
    }

    const batch = { events: [events.repJoined("mia"), events.callLogged("call-m1"), events.callLogged("call-m2")] }
    expect((await server.append(batch)).status).toBe(201)
    expect((await server.append(batch)).status).toBe(200) // a retry: nothing appended
    expect((await server.append({ ...events.callLogged("call-m3"), occurredAt: "yesterday" })).status).toBe(400)
    expect((await server.append(events.callLogged("call-m4"), { key: "olk_000000000000_nope" })).status).toBe(401)
    const after = await scrape()

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels)
    expect({
      created: moved("ledger_ingest_requests_total", { source: "api", status: "201" }),
      retried: moved("ledger_ingest_requests_total", { source: "api", status: "200" }),
      timed: moved("ledger_ingest_request_duration_seconds_count", { source: "api" }),
      appended: moved("ledger_events_appended_total", { source: "api" }),
      invalid: moved("ledger_ingest_rejections_total", { source: "api", reason: "invalid" }),
      unauthorized: moved("ledger_ingest_rejections_total", { source: "api", reason: "unauthorized" }),
    }).toEqual({ created: 1, retried: 1, timed: 4, appended: 3, invalid: 1, unauthorized: 1 })
    // The batch went in one commit group of 3 events (the retry stored nothing, but was a group too).
    expect(moved("ledger_commit_group_events_sum")).toBeGreaterThanOrEqual(3)
    expect(moved("ledger_commit_group_events_count")).toBeGreaterThanOrEqual(1)
  })
})

describe("the JSON log", () => {
  it("is one JSON object a line, each request's line with its method, path, status, duration and request id", {
    timeout: 180_000,
  }, async () => {
    const lines: string[] = []
    const destination = { write: (chunk: string) => void lines.push(...chunk.split("\n").filter((l) => l !== "")) }
    const server = await startTestServer(serverBackends[0] as (typeof serverBackends)[number], {
      operations: { logLevel: "info", metricsPublic: true },
      logDestination: destination,
    })
    let answers: Answer[]
    try {
      const fromStart = lines.length
      answers = [
        await server.append(events.repJoined("noa")),
        await server.request("/v1/events?limit=1", { headers: { "x-request-id": "client-chose-this-id" } }),
        await server.request("/v1/nowhere"),
        await server.append(events.callLogged("call-n"), { key: null }),
      ]
      // A load balancer's probe answered well, and the dashboard's files, are logged at debug only: not a line at info.
      expect((await server.request("/healthz")).status).toBe(200)
      expect((await server.request("/", { key: null })).status).toBe(200)
      expect((await server.request("/ui/app.js", { key: null })).status).toBe(200)
      expect((await server.request("/docs", { key: null })).status).toBe(200)
      const requestLines = lines.slice(fromStart).map((line) => JSON.parse(line) as Record<string, unknown>)

      expect(answers.map((a) => a.headers.get("x-request-id"))).toEqual([
        expect.any(String),
        "client-chose-this-id",
        expect.any(String),
        expect.any(String),
      ])
      expect(requestLines).toEqual(
        answers.map((answer, i) => ({
          level: "info",
          time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          pid: process.pid,
          msg: "request",
          requestId: answer.headers.get("x-request-id"),
          method: ["POST", "GET", "GET", "POST"][i],
          path: ["/v1/events", "/v1/events", "/v1/nowhere", "/v1/events"][i],
          status: [201, 200, 404, 401][i],
          durationMs: expect.any(Number),
        })),
      )
      // LEDGER_METRICS_PUBLIC=true: a scraper needs no key.
      expect((await server.request("/metrics", { key: null })).status).toBe(200)
    } finally {
      await server.close()
    }
    // Start and stop are logged too, as JSON.
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(
      expect.arrayContaining([
        "listening",
        "shutting down: refusing new requests, finishing those in flight",
        "stopped",
      ]),
    )
  })
})

/**
 * A server whose projection runner folds nothing (started once to create the read model, then
 * stopped), so that lag stays until the test starts a runner that folds.
 */
const startWithIdleProjections = async (readiness: OperationsConfig["readiness"]) => {
  const place = await (serverBackends[0] as (typeof serverBackends)[number]).prepare()
  const runtime = ManagedRuntime.make(EventStore.layer(place.store))
  const store = await runtime.runPromise(
    Effect.gen(function* () {
      return yield* EventStore
    }),
  )
  const { token } = await createApiKey(store.sql, { name: "test", scopes: ["admin"] })
  const idle: ProjectionRunner = await startProjectionRunner(store.sql)
  await idle.stop()
  const draining = createDraining()
  const operations = {
    logger: createLogger({ level: "silent" }),
    metrics: createMetrics({ projectionLag: () => idle.lag() }),
    draining,
    settings: { ...operationsDefaults, readiness },
  }
  const deliveries = deliveryTally(store.sql)
  const app = buildApp({
    runtime,
    sql: store.sql,
    runner: idle,
    deliveries,
    bodyLimitBytes: 1_000_000,
    version: "test",
    operations,
  })
  const listener: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s))
  })
  const url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    })
    const text = await response.text()
    return { status: response.status, headers: response.headers, body: text.startsWith("{") ? JSON.parse(text) : text }
  }
  return {
    call,
    draining,
    closeStore: async () => {
      await deliveries.close()
      await runtime.dispose()
    },
    fold: async () => {
      const runner = await startProjectionRunner(store.sql)
      expect(await runner.waitUntilCaughtUp({ timeoutMs: 30_000 })).toBe(true)
      await runner.stop()
    },
    close: async () => {
      await new Promise((resolve) => listener.close(resolve))
      await deliveries.close()
      await runtime.dispose()
      await place.discard()
    },
  }
}

describe("GET /readyz and /healthz", () => {
  it("is ready while the scorecards are within LEDGER_READY_MAX_LAG_EVENTS and the store answers, and 503 otherwise", async () => {
    const server = await startWithIdleProjections({ maxLagEvents: 2, maxLagSeconds: 3_600 })
    try {
      expect(await server.call("/readyz")).toMatchObject({
        status: 200,
        body: {
          status: "ready",
          lag: { model: "scorecards", events: 0, seconds: 0 },
          limits: { maxLagEvents: 2, maxLagSeconds: 3_600 },
        },
      })
      const batch = { events: [events.repJoined("ivy"), events.callLogged("call-i1"), events.callLogged("call-i2")] }
      expect((await server.call("/v1/events", { method: "POST", body: JSON.stringify(batch) })).status).toBe(201)

      const lagging = await server.call("/readyz")
      expect(lagging).toMatchObject({
        status: 503,
        body: { status: "lagging", lag: { events: 3 }, detail: expect.stringMatching(/3 events/) },
      })
      const metrics = parseMetrics((await server.call("/metrics")).body as string)
      expect(sampleValue(metrics, "ledger_projection_lag_events", { model: "scorecards" })).toBe(3)
      expect(sampleValue(metrics, "ledger_projection_lag_seconds", { model: "scorecards" })).toBeGreaterThan(0)
      // Liveness is not readiness: the process still answers.
      expect(await server.call("/healthz")).toMatchObject({ status: 200, body: { status: "ok" } })

      await server.fold()
      expect(await server.call("/readyz")).toMatchObject({
        status: 200,
        body: { status: "ready", lag: { events: 0, seconds: 0 } },
      })

      // A store that no longer answers is not ready either.
      await server.closeStore()
      expect(await server.call("/readyz")).toMatchObject({
        status: 503,
        body: { status: "store_unavailable", detail: expect.stringMatching(/^the store did not answer: /) },
      })
    } finally {
      await server.close()
    }
  }, 120_000)

  it("is 503 once the oldest unapplied event is older than LEDGER_READY_MAX_LAG_SECONDS, and while draining", async () => {
    const server = await startWithIdleProjections({ maxLagEvents: 1_000, maxLagSeconds: 0.2 })
    try {
      expect(
        (await server.call("/v1/events", { method: "POST", body: JSON.stringify(events.repJoined("zoe")) })).status,
      ).toBe(201)
      await new Promise((resolve) => setTimeout(resolve, 300))

      const lagging = await server.call("/readyz")
      expect(lagging).toMatchObject({ status: 503, body: { status: "lagging", lag: { events: 1 } } })
      expect(lagging.body.lag.seconds).toBeGreaterThan(0.2)

      server.draining.start()
      expect(await server.call("/readyz")).toMatchObject({ status: 503, body: { status: "draining" } })
      expect((await server.call("/healthz")).status).toBe(200)
      const refused = await server.call("/v1/events?limit=1")
      expect(refused).toMatchObject({ status: 503, body: { title: "Shutting down" } })
      expect(refused.headers.get("connection")).toBe("close")
    } finally {
      await server.close()
    }
  }, 120_000)
})
