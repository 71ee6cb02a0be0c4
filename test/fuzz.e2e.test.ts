/**
 * @module Hostile input against every public route of a listening server (issue 8, item 7). The
 * routes come from the server's own `/openapi.json` at test time, plus the few it serves outside
 * the document, so a route added later is fuzzed without touching this file. Each request is
 * checked for: no 5xx, no hang, a 4xx that is an RFC 9457 problem with a detail, and nothing stored
 * by a request that was refused (the log's head before and after it).
 *
 * Seeded and bounded: FUZZ_SEED and FUZZ_RUNS (requests per backend) reproduce or widen a run;
 * every failure is reported with its seed, its index and the request as sent.
 */
import http from "node:http"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { calendlySignature } from "../src/ingest/webhooks/calendly.js"
import { twilioSignature } from "../src/ingest/webhooks/twilio.js"
import {
  bodySamples,
  type HostileRequest,
  hostileRequest,
  type Operation,
  operationsOf,
  probeRequests,
} from "./support/hostileInput.js"
import { serverBackends, startTestServer, type TestServer } from "./support/server.js"
import { fuzzWebhookSecrets } from "./support/vendorPayloads.js"

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
const signed = (base: string, request: HostileRequest): HostileRequest => {
  if (request.authentic !== true) return request
  const body = Buffer.from(request.body ?? new Uint8Array()).toString("utf8")
  const vendor = request.pathAndQuery.split("?")[0]?.split("/").at(-1)
  const t = String(Math.floor(Date.now() / 1000))
  const proof: Record<string, string> =
    vendor === "twilio"
      ? {
          "x-twilio-signature": twilioSignature(fuzzWebhookSecrets.twilioAuthToken, `${base}${request.pathAndQuery}`, [
            ...new URLSearchParams(body),
          ]),
        }
      : vendor === "ringcentral"
        ? { "verification-token": fuzzWebhookSecrets.ringcentralVerificationToken }
        : vendor === "calendly"
          ? {
              "calendly-webhook-signature": `t=${t},v1=${calendlySignature(fuzzWebhookSecrets.calendlySigningKey, t, body)}`,
            }
          : {}
  return { ...request, headers: { ...request.headers, ...proof } }
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
  return undefined
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
    const requests = [...probeRequests(operations, keys.admin), ...randomRequests]

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
      const request = signed(server.url, {
        ...generated,
        headers: { "x-request-id": `fuzz-${index}`, ...generated.headers },
      })
      const sent = await send(server.url, request)
      await settle(sent)
      // Events of another request (by their correlation id) showed late; those without one are counted against this one.
      const stored = (await newEvents()).filter((event) =>
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
