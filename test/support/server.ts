/**
 * @module A real, listening ledger server for end-to-end tests, on each store backend: a fresh PGlite
 * directory always, a fresh PostgreSQL database whenever TEST_DATABASE_URL is set. Tests talk to it
 * with `fetch` only, as a client would.
 *
 * @example
 * describe.each(serverBackends)("the events API on $name", (backend) => {
 *   let server: TestServer
 *   beforeAll(async () => { server = await startTestServer(backend) })
 *   afterAll(() => server.close())
 *   it("appends", async () => expect((await server.append(events.repLeft("ana"))).status).toBe(201))
 * })
 */
import { rm } from "node:fs/promises"
import type { DestinationStream } from "pino"
import { expect } from "vitest"
import type { Config } from "../../src/config.js"
import { startServer } from "../../src/server.js"
import { createApiKey, type Scope } from "../../src/store/apiKeys.js"
import type { StoreLocation } from "../../src/store/EventStore.js"
import { freshDataDir } from "./dataDirs.js"
import { freshDatabase, postgresAvailable } from "./postgres.js"

/** Where a test server keeps its events, and how to throw that place away afterwards. */
export type ServerBackend = {
  readonly name: "pglite" | "postgres"
  prepare(): Promise<{ readonly store: StoreLocation; discard(): Promise<void> }>
}

const pglite: ServerBackend = {
  name: "pglite",
  prepare: async () => {
    const dataDir = await freshDataDir("ledger-e2e-")
    return { store: { dataDir, durability: "process" }, discard: () => rm(dataDir, { recursive: true, force: true }) }
  },
}

const postgres: ServerBackend = {
  name: "postgres",
  prepare: async () => {
    const database = await freshDatabase()
    return { store: { databaseUrl: database.url }, discard: database.drop }
  },
}

/** Every backend an end-to-end suite runs on. */
export const serverBackends: ReadonlyArray<ServerBackend> = [pglite, ...(postgresAvailable ? [postgres] : [])]

/** An event as the log answers it. */
export type StoredEvent = {
  readonly position: number
  readonly transactionId: string
  readonly streamId: string
  readonly streamVersion: number
  readonly type: string
  readonly schemaVersion: number
  readonly occurredAt: string
  readonly recordedAt: string
  readonly idempotencyKey: string
  readonly data: Record<string, unknown>
  readonly metadata: Record<string, unknown>
}

/** An event as a client sends it. */
export type OutgoingEvent = {
  readonly type: string
  readonly occurredAt?: string
  readonly idempotencyKey?: string
  readonly data?: Record<string, unknown>
}

/**
 * A response with its body parsed when it is JSON. The body is left untyped on purpose: what it holds
 * is what the test asserts.
 */
export type Answer = {
  readonly status: number
  readonly headers: Headers
  readonly body: any
}

/** Who a request claims to be: an API key, or no Authorization header at all. */
export type Credentials = { readonly key: string | null }

export type RequestOptions = Partial<Credentials> & {
  readonly method?: string
  /** Sent as JSON. */
  readonly json?: unknown
  /** Sent as is, with the headers given. */
  readonly body?: BodyInit
  readonly headers?: Record<string, string>
}

export type TestServer = {
  readonly url: string
  readonly backend: ServerBackend["name"]
  readonly adminKey: string
  /** A new API key carrying exactly `scopes`. */
  keyWith(scopes: ReadonlyArray<Scope>): Promise<string>
  /** Any request, with the admin key unless `key` says otherwise. */
  request(pathAndQuery: string, options?: RequestOptions): Promise<Answer>
  /** `POST /v1/events` of one event or `{ events }`, with the admin key unless `key` says otherwise. */
  append(
    body: OutgoingEvent | { readonly events: ReadonlyArray<OutgoingEvent> },
    options?: Partial<Credentials>,
  ): Promise<Answer>
  /** The whole log, in its order, paged through `GET /v1/events` with the admin key. */
  log(): Promise<ReadonlyArray<StoredEvent>>
  close(): Promise<void>
}

/**
 * Starts a server on a fresh store of `backend`, on a free port of 127.0.0.1; `operations` sets rate
 * limits, readiness bounds or a log level, `logDestination` receives its JSON log.
 */
export const startTestServer = async (
  backend: ServerBackend,
  options: {
    readonly bodyLimitBytes?: number
    readonly operations?: Config["operations"]
    readonly logDestination?: DestinationStream
    /** The connectors' secrets (absent: every webhook answers 503). */
    readonly webhooks?: Config["webhooks"]
  } = {},
): Promise<TestServer> => {
  const place = await backend.prepare()
  const running = await startServer(
    {
      port: 0,
      host: "127.0.0.1",
      store: place.store,
      bodyLimitBytes: options.bodyLimitBytes ?? 5 * 1024 * 1024,
      ...(options.operations === undefined ? {} : { operations: options.operations }),
      ...(options.webhooks === undefined ? {} : { webhooks: options.webhooks }),
    },
    options.logDestination === undefined ? {} : { logDestination: options.logDestination },
  ).catch(async (error: unknown) => {
    await place.discard()
    throw error
  })
  const adminKey = running.firstAdminKey
  if (adminKey === undefined) throw new Error("a fresh store must hand out its first admin key")

  const request = async (pathAndQuery: string, options: RequestOptions = {}): Promise<Answer> => {
    const key = options.key === undefined ? adminKey : options.key
    const headers: Record<string, string> = {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(options.json === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    }
    const body = options.json === undefined ? options.body : JSON.stringify(options.json)
    const response = await fetch(`${running.url}${pathAndQuery}`, {
      method: options.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      ...(body === undefined ? {} : { body }),
      // Node's fetch sends a stream only half-duplex, and says so: a body without Content-Length.
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit)
    const text = await response.text()
    const isJson = /^application\/(problem\+)?json/.test(response.headers.get("content-type") ?? "")
    return { status: response.status, headers: response.headers, body: isJson ? JSON.parse(text) : text }
  }

  const log = async (): Promise<ReadonlyArray<StoredEvent>> => {
    const all: StoredEvent[] = []
    for (let after: string | undefined; ; ) {
      const page = await request(`/v1/events?limit=5000${after === undefined ? "" : `&after=${after}`}`)
      if (page.status !== 200) throw new Error(`reading the log answered ${page.status}: ${JSON.stringify(page.body)}`)
      if (page.body.events.length === 0) return all
      all.push(...page.body.events)
      after = page.body.next
    }
  }

  return {
    url: running.url,
    backend: backend.name,
    adminKey,
    keyWith: async (scopes) => (await createApiKey(running.sql, { name: `test ${scopes.join("+")}`, scopes })).token,
    request,
    append: (body, credentials = {}) => request("/v1/events", { ...credentials, json: body }),
    log,
    close: async () => {
      try {
        await running.close()
      } finally {
        await place.discard()
      }
    },
  }
}

/**
 * Asserts an RFC 9457 problem answer: its status, its media type, and a `detail` that says each of
 * `detailMentions` (the field, index or limit at fault).
 */
export const expectProblem = (answer: Answer, status: number, detailMentions: ReadonlyArray<string | RegExp> = []) => {
  expect({ status: answer.status, contentType: answer.headers.get("content-type") }).toEqual({
    status,
    contentType: "application/problem+json",
  })
  expect(answer.body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) })
  for (const mention of detailMentions) expect(answer.body.detail).toMatch(mention)
}

/**
 * Runs `request` and asserts the log is exactly as it was before: a refused request stores nothing.
 */
export const expectNothingStored = async (server: TestServer, request: () => Promise<Answer>): Promise<Answer> => {
  const before = await server.log()
  const answer = await request()
  expect(await server.log()).toEqual(before)
  return answer
}

/** Events of each kind the suites need, valid unless a test spoils them; `at` is the instant it occurred. */
export const events = {
  callLogged: (callId: string, at = "2026-11-02T14:05:00Z", data: Record<string, unknown> = {}): OutgoingEvent => ({
    type: "CallLogged",
    occurredAt: at,
    data: { callId, repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 95, ...data },
  }),
  repJoined: (repId: string, at = "2026-11-01T09:00:00Z"): OutgoingEvent => ({
    type: "RepJoined",
    occurredAt: at,
    data: { repId, name: `Rep ${repId}`, role: "AE" },
  }),
  dealOpened: (dealId: string, amount = 12_000, at = "2026-11-03T10:00:00Z"): OutgoingEvent => ({
    type: "DealOpened",
    occurredAt: at,
    data: { dealId, repId: "ana", accountId: "acme", amount, source: "outbound" },
  }),
  dealWon: (dealId: string, at = "2026-11-20T16:00:00Z"): OutgoingEvent => ({
    type: "DealWon",
    occurredAt: at,
    data: { dealId },
  }),
  dealLost: (dealId: string, at = "2026-11-21T16:00:00Z"): OutgoingEvent => ({
    type: "DealLost",
    occurredAt: at,
    data: { dealId, reason: "budget" },
  }),
}
