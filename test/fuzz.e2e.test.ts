/**
 * @module Hostile input against every public route of a listening server (issue 8, item 7; issue 21).
 * The routes come from the server's own `/openapi.json` at test time, plus the few it serves outside
 * the document, so a route added later is fuzzed without touching this file. Each request is
 * checked for: no 5xx, no hang, a 4xx that is an RFC 9457 problem with a detail, and nothing stored
 * by a request that was refused (the log's head before and after it). Beyond that:
 * - a body that is not UTF-8 (overlong forms, surrogates encoded as CESU-8, stray bytes, truncated
 *   sequences) is never accepted by a route that reads it, and the probes of every route, every
 *   webhook included, are a 400 saying so; a JSON body nested deeper than 64 levels likewise;
 * - windows of days anywhere in 0001-01-01 … 9999-12-31 (the scorecards, the comparison, the what-if)
 *   are answered 200 or 400, a 200 measured at the window's own end, around a history with events
 *   at both ends of the calendar;
 * - a spelling of a valid key's Authorization header (any case, any number of spaces) is never a
 *   401, a malformed one (a tab) never let through; in a run of their own, every spelling of a key
 *   draws on its one bucket, and wrong tokens are throttled per client address.
 * Every connector is configured and every delivery meant as authentic is signed as its vendor signs
 * it (Dialpad's as a JWT), so that what it carries reaches the parser.
 *
 * Seeded and bounded: FUZZ_SEED and FUZZ_RUNS (requests per backend) reproduce or widen a run;
 * every failure is reported with its seed, its index and the request as sent.
 */
import http from "node:http"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { failedAuthentications } from "../src/http/auth.js"
import { isCalendarDayKey } from "./support/hostileCalendar.js"
import {
  authorizationSpelling,
  bodySamples,
  type HostileRequest,
  hostileRequest,
  type Operation,
  operationsOf,
  probeRequests,
  webhookProbes,
  windowedWhatIf,
} from "./support/hostileInput.js"
import { serverBackends, startTestServer, type TestServer } from "./support/server.js"
import { fuzzWebhookSecrets, signedDelivery } from "./support/vendorPayloads.js"

const seed = Number(process.env.FUZZ_SEED ?? 20261125)
const runs = Number(process.env.FUZZ_RUNS ?? 200)
const requestTimeoutMs = 10_000
/** Small, so that an oversized body is cheap to send. */
const bodyLimitBytes = 64 * 1024

/** Routes the server answers outside its OpenAPI document, and paths it has no route for. */
const undocumented: ReadonlyArray<Operation> = [
  ...[
    "/healthz",
    "/readyz",
    "/metrics",
    "/v1/event-types",
    "/openapi.json",
    "/docs",
    "/docs/assets/{file}",
    "/",
    "/ui/context",
    "/ui/ingestion",
    "/ui/{file}",
    "/v1/nothing/{id}",
  ].map((path) => ({ method: "GET", path, queryNames: [], bodies: [] })),
  {
    method: "POST",
    path: "/ui/session",
    queryNames: [],
    bodies: [
      {
        contentType: "application/json",
        schema: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
      },
    ],
  },
  { method: "DELETE", path: "/ui/session", queryNames: [], bodies: [] },
]

/** The vendors whose webhook routes the connectors add (`POST /v1/webhooks/<source>`), fuzzed whether documented or not. */
const webhookSources = ["aircall", "twilio", "ringcentral", "dialpad", "calendly"]

type Sent = { readonly status: number; readonly contentType: string; readonly text: string } | { readonly hung: true }

/** Signs a delivery as its vendor would (the fuzz server knows these secrets), over the URL and body it is sent with. */
const signed = async (base: string, request: HostileRequest): Promise<HostileRequest> => {
  if (request.authentic !== true) return request
  const vendor = request.pathAndQuery.split("?")[0]?.split("/").at(-1) as string
  const delivery = await signedDelivery(vendor, `${base}${request.pathAndQuery}`, request.body ?? new Uint8Array())
  return { ...request, headers: { ...request.headers, ...delivery.headers }, body: delivery.body }
}

/** Sends a request as is over a fresh connection (no fetch: it would refuse or mend half of what we send). */
const send = (base: string, request: HostileRequest): Promise<Sent> =>
  new Promise((resolve, reject) => {
    const url = new URL(base)
    const headers: Record<string, string> = { ...request.headers }
    if (request.body !== undefined && request.framing === "length")
      headers["content-length"] = String(request.body.byteLength)
    // Said explicitly: Node frames a GET or DELETE body as chunked only when told to, and would otherwise send it unframed.
    if (request.body !== undefined && request.framing === "chunked") headers["transfer-encoding"] = "chunked"
    const outgoing = http.request({
      host: url.hostname,
      port: url.port,
      method: request.method,
      path: request.pathAndQuery,
      headers,
      agent: false,
      ...(request.from === undefined ? {} : { localAddress: request.from }),
    })
    const timer = setTimeout(() => {
      outgoing.destroy()
      resolve({ hung: true })
    }, requestTimeoutMs)
    outgoing.on("response", (response) => {
      const chunks: Buffer[] = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => {
        clearTimeout(timer)
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers["content-type"] ?? "",
          text: Buffer.concat(chunks).toString("utf8"),
        })
      })
      response.on("error", (error) => {
        clearTimeout(timer)
        reject(error)
      })
    })
    outgoing.on("error", (error) => {
      clearTimeout(timer)
      // The server may answer (413) and close before the whole body is written: an answer already received wins.
      if ((error as NodeJS.ErrnoException).code === "EPIPE" || (error as NodeJS.ErrnoException).code === "ECONNRESET")
        return
      reject(error)
    })
    if (request.body !== undefined && request.framing === "chunked") {
      const half = Math.floor(request.body.byteLength / 2)
      outgoing.write(request.body.subarray(0, half))
      outgoing.write(request.body.subarray(half))
    } else if (request.body !== undefined) {
      outgoing.write(request.body)
    }
    outgoing.end()
  })

const notUtf8 = (bytes: Uint8Array | undefined) => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes)
    return false
  } catch {
    return true
  }
}

/** How deep a JSON text nests arrays and objects, counted outside strings (the oracle's own count). */
const nestingOf = (text: string): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      if (char === "\\") i++
      else if (char === '"') inString = false
    } else if (char === '"') inString = true
    else if (char === "[" || char === "{") deepest = Math.max(deepest, ++depth)
    else if (char === "]" || char === "}") depth--
  }
  return deepest
}

const hourMs = 3_600_000

/** What is wrong with the answer to a windowed read, or `undefined`. */
const windowViolationOf = (request: HostileRequest, sent: { status: number; text: string }): string | undefined => {
  const window = request.window
  if (window === undefined) return undefined
  if (![200, 400, 404].includes(sent.status)) return `a read of ${window.from} to ${window.to} answered ${sent.status}`
  if (sent.status !== 200) return undefined
  if (!isCalendarDayKey(window.from) || !isCalendarDayKey(window.to))
    return `a read of ${window.from} to ${window.to}, one of which is no day of the calendar, answered 200`
  const answer = JSON.parse(sent.text)
  const echoed = answer.window ?? answer.request
  if (echoed?.from !== window.from || echoed?.to !== window.to)
    return `answered the window ${echoed?.from} to ${echoed?.to} for ${window.from} to ${window.to}`
  // Measured at the window's last instant, in a team zone at most 15 hours off UTC (local mean time included).
  const measuredAt = Date.parse(answer.window?.measuredAt ?? `${window.to}T23:59:59.999Z`)
  if (!(Math.abs(measuredAt - Date.parse(`${window.to}T23:59:59.999Z`)) <= 15 * hourMs))
    return `measured ${window.from} to ${window.to} as of ${answer.window?.measuredAt}`
  const series = answer.series as Array<{ from: string; to: string }> | undefined
  if (series !== undefined && (series[0]?.from !== window.from || series.at(-1)?.to !== window.to))
    return `cut ${window.from} to ${window.to} into buckets from ${series[0]?.from} to ${series.at(-1)?.to}`
  return undefined
}

/** What is wrong with one answer, or `undefined` when it is as the brief demands. */
const violationOf = (request: HostileRequest, sent: Sent, storedMeanwhile: number): string | undefined => {
  if ("hung" in sent) return `no answer within ${requestTimeoutMs} ms`
  const path = request.pathAndQuery.split("?")[0] as string
  // Documented 503s: a connector whose secret is unset, and a load balancer's readiness probe.
  const documented503 =
    sent.status === 503 &&
    ((path.startsWith("/v1/webhooks/") && /not configured/.test(sent.text)) || path === "/readyz")
  if (sent.status >= 500 && !documented503) return `answered ${sent.status}: ${sent.text.slice(0, 300)}`
  if (sent.status >= 400 && storedMeanwhile > 0)
    return `refused with ${sent.status} yet stored ${storedMeanwhile} event(s): ${sent.text.slice(0, 300)}`
  if (sent.status >= 400 && sent.status < 500 && request.method !== "HEAD") {
    if (!sent.contentType.startsWith("application/problem+json"))
      return `a ${sent.status} as "${sent.contentType}", not application/problem+json: ${sent.text.slice(0, 200)}`
    let problem: { status?: unknown; detail?: unknown }
    try {
      problem = JSON.parse(sent.text)
    } catch {
      return `a ${sent.status} problem whose body is not JSON: ${sent.text.slice(0, 200)}`
    }
    if (typeof problem.detail !== "string" || problem.detail.trim() === "")
      return `a ${sent.status} problem without a detail: ${sent.text.slice(0, 200)}`
    if (problem.status !== sent.status)
      return `a ${sent.status} problem whose status member says ${String(problem.status)}`
  }
  if (request.mustBe !== undefined && !request.mustBe.includes(sent.status))
    return `answered ${sent.status}, not ${request.mustBe.join(" or ")}: ${sent.text.slice(0, 300)}`
  if (request.mustMention !== undefined && !request.mustMention.test(sent.text))
    return `answered without saying ${request.mustMention}: ${sent.text.slice(0, 300)}`
  if (request.readsBody === true && sent.status < 300) {
    if (notUtf8(request.body)) return `accepted (${sent.status}) a body that is not UTF-8`
    const contentType = request.headers["content-type"] ?? ""
    if (/json/i.test(contentType) && nestingOf(Buffer.from(request.body ?? []).toString("utf8")) > 64)
      return `accepted (${sent.status}) a JSON body nested deeper than 64 levels`
  }
  if (request.credentials === "valid spelling" && sent.status === 401)
    return `refused a spelling of a valid key (${JSON.stringify(request.headers.authorization?.slice(0, 12))}…) with 401`
  if (request.credentials === "malformed" && sent.status < 300)
    return `let a malformed Authorization header through (${sent.status})`
  return windowViolationOf(request, sent)
}

/** How a request is shown in a failure: enough to replay it by hand. */
const shown = (request: HostileRequest) => {
  const body = request.body === undefined ? "" : Buffer.from(request.body).toString("utf8")
  return `${request.label}\n    ${request.method} ${request.pathAndQuery.slice(0, 300)}\n    headers ${JSON.stringify(request.headers).slice(0, 400)}\n    body (${request.body?.byteLength ?? 0} bytes, ${request.framing}) ${JSON.stringify(body.slice(0, 1500))}`
}

describe.each(serverBackends)("hostile input on $name", (backend) => {
  let server: TestServer
  /** The server's error log lines, to show the cause of a 500 beside the request that met it. */
  const errorLines: string[] = []
  beforeAll(async () => {
    server = await startTestServer(backend, {
      bodyLimitBytes,
      webhooks: fuzzWebhookSecrets,
      operations: { logLevel: "error" },
      logDestination: { write: (line: string) => void errorLines.push(line) },
    })
  })
  afterAll(() => server?.close())

  it(`never answers 5xx, never hangs, refuses with problems and stores nothing it refused (seed ${seed}, ${runs} requests)`, {
    timeout: 240_000,
  }, async () => {
    const document = (await server.request("/openapi.json", { key: null })).body
    const eventSchemas = (await server.request("/v1/event-types", { key: null })).body
    const documented = operationsOf(document)
    const webhooks = webhookSources
      .map((source) => `/v1/webhooks/${source}`)
      .filter((path) => !documented.some((o) => o.path === path))
      .map(
        (path): Operation => ({ method: "POST", path, queryNames: [], bodies: [{ contentType: "application/json" }] }),
      )
    const operations = [...documented, ...undocumented, ...webhooks]
    const samples = bodySamples(eventSchemas, document.components?.schemas ?? {})
    const keys = {
      admin: server.adminKey,
      ingest: await server.keyWith(["ingest"]),
      read: await server.keyWith(["read"]),
    }
    // Every route gets its share, interleaved so that the routes' effects on the store mix.
    const perOperation = Math.max(1, Math.ceil(runs / operations.length))
    const byOperation = operations.map((operation, i) =>
      fc.sample(hostileRequest(operation, samples, keys), { seed: seed + i, numRuns: perOperation }),
    )
    const randomRequests = Array.from({ length: perOperation }, (_, round) =>
      byOperation.map((list) => list[round] as HostileRequest),
    ).flat()
    const requests = [
      ...probeRequests(operations, keys.admin),
      ...webhookProbes(),
      ...fc.sample(windowedWhatIf(keys), { seed, numRuns: 10 }),
      ...randomRequests,
    ]
    // A history at both ends of the calendar, in a zone 14 hours east of UTC with a fiscal year from
    // February: the last call falls on the first day of the year 10000 there, and 9999's last
    // quarter is fiscal 10000's fourth.
    const edges = await server.append({
      events: [
        {
          type: "TeamSettingsChanged",
          occurredAt: "0001-01-01T00:00:00Z",
          data: { timeZone: "Etc/GMT-14", fiscalYearStartMonth: 2 },
        },
        { type: "RepJoined", occurredAt: "0001-01-01T00:00:00Z", data: { repId: "ana", name: "Ana", role: "AE" } },
        ...[
          ["edge-first", "0001-01-01T00:00:00Z"],
          ["edge-last", "9999-12-31T23:59:59Z"],
        ].map(([callId, occurredAt]) => ({
          type: "CallLogged",
          occurredAt,
          data: { callId, repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 60 },
        })),
        {
          type: "QuotaSet",
          occurredAt: "9999-11-01T00:00:00Z",
          data: { repId: "ana", period: "9999-12", amount: 5_000 },
        },
        {
          type: "DealOpened",
          occurredAt: "9999-12-01T00:00:00Z",
          data: { dealId: "edge-deal", repId: "ana", accountId: "acme", amount: 1_000, source: "outbound" },
        },
        { type: "DealWon", occurredAt: "9999-12-31T20:00:00Z", data: { dealId: "edge-deal" } },
      ],
    })
    expect(edges.status).toBe(201)

    let cursor = "0-0"
    /** Events appended since the last look (only what the log already shows), and the cursor moved past them. */
    const newEvents = async (): Promise<ReadonlyArray<{ metadata: { correlationId?: string } }>> => {
      const page = await server.request(`/v1/events?after=${cursor}&limit=5000`)
      if (page.status !== 200) throw new Error(`reading the log answered ${page.status}: ${JSON.stringify(page.body)}`)
      cursor = page.body.next
      return page.body.events
    }
    /**
     * The log shows a transaction only once every older one has ended (GET /v1/events), so an accepted
     * request's events may show a moment later: wait for as many as it says it appended, lest they be
     * blamed on the next request.
     */
    const settle = async (sent: Sent) => {
      const appended =
        "text" in sent && sent.status < 300 ? Number((/"appended":(\d+)/.exec(sent.text) ?? [])[1] ?? 0) : 0
      for (let seen = 0, tries = 0; seen < appended && tries < 100; tries++) {
        seen += (await newEvents()).length
        if (seen < appended) await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    await newEvents()

    const failures: string[] = []
    const statuses = new Map<number, number>()
    for (const [index, generated] of requests.entries()) {
      // A request id of our own (unless the fuzz sends an odd one), to tell this request's events from a late one's.
      const request = await signed(server.url, {
        ...generated,
        headers: { "x-request-id": `fuzz-${index}`, ...generated.headers },
      })
      const sent = await send(server.url, request)
      // A read stores nothing: the log is looked at after the other methods only (half the run's time on PGlite).
      const reads = request.method === "GET" || request.method === "HEAD"
      if (!reads) await settle(sent)
      // Events of another request (by their correlation id) showed late; those without one are counted against this one.
      const stored = reads
        ? 0
        : (await newEvents()).filter((event) =>
            [undefined, request.headers["x-request-id"]].includes(event.metadata.correlationId),
          ).length
      if (!("hung" in sent)) statuses.set(sent.status, (statuses.get(sent.status) ?? 0) + 1)
      const violation = violationOf(request, sent, stored)
      if (violation === undefined) continue
      const requestId = "text" in sent ? /request id ([^\s);]+)/.exec(sent.text)?.[1] : undefined
      const cause =
        requestId === undefined
          ? []
          : errorLines
              .filter((line) => line.includes(requestId) && line.includes('"err"'))
              .map((line) => line.slice(0, 600))
      failures.push(
        [`#${index} ${violation}`, `  ${shown(request)}`, ...cause.map((line) => `    server log: ${line}`)].join("\n"),
      )
    }

    // The server still answers after it all.
    expect((await server.request("/healthz", { key: null })).status).toBe(200)
    // Refusals must dominate (hostile input), but some requests must have been accepted, or the fuzz never got past validation.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true)
    expect(
      failures,
      `seed ${seed}: ${failures.length} of ${requests.length} requests to ${operations.length} routes misbehaved; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    ).toEqual([])
  })
})

describe.each(serverBackends)("Authorization spellings on $name", (backend) => {
  // Bursts of 4 on the ingest routes, and almost no refill: a fifth request is over the limit.
  const burst = 4
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, { operations: { rateLimit: { perSecond: 0.001, burst } } })
  })
  afterAll(() => server?.close())

  const post = (authorization: string, index: number, from = "127.0.0.1") =>
    send(server.url, {
      method: "POST",
      pathAndQuery: "/v1/events",
      headers: { authorization, "content-type": "application/json" },
      body: new TextEncoder().encode(
        JSON.stringify({
          type: "CallLogged",
          occurredAt: "2026-11-02T14:05:00Z",
          data: {
            callId: `spelt-${index}`,
            repId: "ana",
            direction: "outbound",
            disposition: "busy",
            durationSeconds: 0,
          },
        }),
      ),
      framing: "length",
      label: "a spelling",
      from,
    })
  const statusOf = (sent: Sent) => ("hung" in sent ? 0 : sent.status)

  it(`draws every spelling of one key on its one bucket (seed ${seed})`, { timeout: 60_000 }, async () => {
    // Spellings of a hole, filled with a new key in each run.
    const hole = "KEY"
    const spelling = (credentials: "valid spelling" | "malformed") =>
      authorizationSpelling(hole).filter((s) => s.credentials === credentials)
    let index = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(spelling("valid spelling"), { minLength: burst + 1, maxLength: burst + 1 }),
        spelling("malformed"),
        async (valid, malformed) => {
          const key = await server.keyWith(["ingest"])
          // A malformed spelling is no key: refused, and drawing on no bucket (sent from its own address).
          expect(statusOf(await post(malformed.header.replace(hole, key), index++, "127.0.0.3"))).toBe(401)
          const statuses = []
          for (const { header } of valid) statuses.push(statusOf(await post(header.replace(hole, key), index++)))
          expect(statuses).toEqual([...Array<number>(burst).fill(201), 429])
        },
      ),
      { seed, numRuns: 6 },
    )
  })

  it("throttles a scan of wrong tokens, in any spelling, from one address, before any key is looked up", async () => {
    // From 127.0.0.4, its own client: the scan holds back no other test.
    const tokens = fc.sample(
      fc
        .tuple(fc.stringMatching(/^olk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/), fc.nat())
        .chain(([token, n]) => authorizationSpelling(token).map((spelling) => ({ ...spelling, n }))),
      { seed, numRuns: 4 * failedAuthentications.burst },
    )
    // The bucket refills while the scan runs (slowly on a loaded machine): the first 429 comes after the
    // burst plus what refilled meanwhile, never before the burst and never later than that.
    const startedMs = Date.now()
    const statuses = []
    for (const [i, { header }] of tokens.entries()) {
      statuses.push(statusOf(await post(header, 10_000 + i, "127.0.0.4")))
      if (statuses.at(-1) === 429) break
    }
    const refilled = Math.ceil(((Date.now() - startedMs) / 1000) * failedAuthentications.perSecond)

    expect(statuses.at(-1)).toBe(429)
    expect(statuses.slice(0, -1).every((status) => status === 401)).toBe(true)
    expect(statuses.length - 1).toBeGreaterThanOrEqual(failedAuthentications.burst)
    expect(statuses.length - 1).toBeLessThanOrEqual(failedAuthentications.burst + refilled)
    // Another address is not held back: a valid key from it is taken.
    expect(statusOf(await post(`Bearer ${await server.keyWith(["ingest"])}`, 20_000))).toBe(201)
  })
})
