/**
 * Rate limits on the ingest routes, and the throttle of failed authentications, against a listening
 * server. A key's bucket is its verified key id: every spelling of its Authorization header draws
 * on it (the raw header was the key, and 59 of 60 respellings got 201 while the canonical one got
 * 429: issue 21, item 5); a wrong token gets no bucket, and counts against its client's budget of
 * failed authentications instead.
 */
import http from "node:http"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { failedAuthentications } from "../src/http/auth.js"
import {
  events,
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(serverBackends)("rate limits on the ingest routes on $name", (backend) => {
  // Bursts of 3, then one request every 10 s: slow enough that a loaded test machine does not
  // refill a bucket between the requests of a burst.
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, { operations: { rateLimit: { perSecond: 0.1, burst: 3 } } })
  }, 180_000)
  afterAll(() => server?.close())

  it("lets a key send its burst, then answers 429 with Retry-After, and stores nothing of the refused request", async () => {
    const key = await server.keyWith(["ingest", "read"])
    const burst = []
    for (let i = 0; i < 3; i++) burst.push(await server.append(events.callLogged(`call-burst-${i}`), { key }))

    expect(burst.map((a) => [a.status, a.headers.get("ratelimit-remaining")])).toEqual([
      [201, "2"],
      [201, "1"],
      [201, "0"],
    ])
    expect(burst[0]?.headers.get("ratelimit-limit")).toBe("3")
    const refused = await expectNothingStored(server, () =>
      server.append(events.callLogged("call-burst-refused"), { key }),
    )
    expectProblem(refused, 429, [
      /0.1 requests per second/,
      /bursts up to 3/,
      /nothing was stored/,
      /retry after \d+ s/,
    ])
    // Empty, and a token every 10 s: the next within 10 s (less, by the time the burst took).
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0)
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(10)
    expect(refused.headers.get("ratelimit-remaining")).toBe("0")
    expect(refused.headers.get("x-request-id")).toEqual(expect.any(String))

    // Waiting as told is enough: one token is back.
    await sleep(1_000 * Number(refused.headers.get("retry-after")))
    expect((await server.append(events.callLogged("call-burst-after-wait"), { key })).status).toBe(201)
  }, 90_000)

  it("keeps each key's bucket apart, counts every ingest route in one bucket, and never limits reads", async () => {
    const busy = await server.keyWith(["ingest"])
    const other = await server.keyWith(["ingest"])
    for (let i = 0; i < 3; i++)
      expect((await server.append(events.callLogged(`call-busy-${i}`), { key: busy })).status).toBe(201)

    expect((await server.append(events.callLogged("call-busy-x"), { key: busy })).status).toBe(429)
    // The CSV imports share the key's bucket: whatever the route answers, the limit comes first.
    expect(
      (
        await server.request("/v1/imports/activities", {
          key: busy,
          body: "a,b\n",
          headers: { "content-type": "text/csv" },
        })
      ).status,
    ).toBe(429)
    expect((await server.append(events.callLogged("call-other"), { key: other })).status).toBe(201)
    for (let i = 0; i < 6; i++) expect((await server.request("/v1/events?limit=1")).status).toBe(200)
  })

  it("counts every spelling of a key's Authorization header against its one bucket", async () => {
    const key = await server.keyWith(["ingest"])
    const spellings = [`Bearer ${key}`, `bearer  ${key}`, `BEARER     ${key}`, `bEaReR ${key}`]
    const answers = []
    for (const [i, authorization] of spellings.entries())
      answers.push(
        await server.request("/v1/events", {
          key: null,
          json: events.callLogged(`call-spelt-${i}`),
          headers: { authorization },
        }),
      )

    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429])
    expect(answers.map((a) => a.headers.get("ratelimit-remaining"))).toEqual(["2", "1", "0", "0"])
  })

  it("refuses a tab between the scheme and the key, which the header's grammar does not allow", async () => {
    const key = await server.keyWith(["ingest"])
    const answer = await server.request("/v1/events?limit=1", {
      key: null,
      headers: { authorization: `Bearer\t${key}` },
    })

    expectProblem(answer, 401, ["Bearer <key>", "one or more spaces"])
  })

  it("throttles failed authentications per client address, before any key is looked up", async () => {
    // From 127.0.0.2, so that this test's failures leave 127.0.0.1 (every other test) alone.
    const key = await server.keyWith(["ingest", "read"])
    const url = new URL(server.url)
    const from = (address: string, method: string, path: string, authorization: string) =>
      new Promise<{ status: number; retryAfter: string | undefined; body: string }>((resolve, reject) => {
        const request = http.request(
          { host: url.hostname, port: url.port, method, path, localAddress: address, headers: { authorization } },
          (response) => {
            const chunks: Buffer[] = []
            response.on("data", (chunk: Buffer) => chunks.push(chunk))
            response.on("end", () =>
              resolve({
                status: response.statusCode ?? 0,
                retryAfter: response.headers["retry-after"] as string | undefined,
                body: Buffer.concat(chunks).toString("utf8"),
              }),
            )
          },
        )
        request.on("error", reject)
        request.end()
      })
    const scan = []
    // A scan of random tokens, on ingest and read routes alike: each one wrong, each a fresh token.
    for (let i = 0; i < failedAuthentications.burst; i++)
      scan.push(
        await from(
          "127.0.0.2",
          i % 2 === 0 ? "POST" : "GET",
          i % 2 === 0 ? "/v1/events" : "/v1/events?limit=1",
          `Bearer olk_${i}_wrong`,
        ),
      )

    expect(new Set(scan.map((a) => a.status))).toEqual(new Set([401]))
    const throttled = await from("127.0.0.2", "GET", "/v1/events?limit=1", "Bearer olk_next_wrong")
    expect(throttled.status).toBe(429)
    expect(throttled.body).toMatch(/too many failed authentications from this address/)
    expect(Number(throttled.retryAfter)).toBeGreaterThan(0)
    // No key is checked for that address until its budget refills, a valid one included…
    expect((await from("127.0.0.2", "GET", "/v1/events?limit=1", `Bearer ${key}`)).status).toBe(429)
    // …while another address is not held back.
    expect((await from("127.0.0.1", "GET", "/v1/events?limit=1", `Bearer ${key}`)).status).toBe(200)
    await sleep(1_000 * Number(throttled.retryAfter))
    expect((await from("127.0.0.2", "GET", "/v1/events?limit=1", `Bearer ${key}`)).status).toBe(200)
  })

  it("limits webhooks, which carry no key, per vendor and client address", async () => {
    const answers = []
    for (let i = 0; i < 4; i++) {
      answers.push(
        await server.request("/v1/webhooks/aircall", { key: null, json: { event: "call.ended", data: { id: i } } }),
      )
    }

    expect(answers.slice(0, 3).map((a) => a.status)).not.toContain(429)
    expectProblem(answers[3] as (typeof answers)[number], 429, [/webhooks from aircall at this address/])
    // Another vendor from the same address has a bucket of its own.
    expect(
      (
        await server.request("/v1/webhooks/twilio", {
          key: null,
          body: "CallSid=CA1",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })
      ).status,
    ).not.toBe(429)
  })
})

describe("rate limits turned off", () => {
  it("LEDGER_RATE_LIMIT_PER_SECOND=0 sends no RateLimit headers and refuses nothing", {
    timeout: 180_000,
  }, async () => {
    const backend = serverBackends[0] as (typeof serverBackends)[number]
    const server = await startTestServer(backend, { operations: { rateLimit: { perSecond: 0, burst: 1 } } })
    try {
      const answers = []
      for (let i = 0; i < 5; i++) answers.push(await server.append(events.callLogged(`call-unlimited-${i}`)))
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201])
      expect(answers[0]?.headers.get("ratelimit-limit")).toBeNull()
    } finally {
      await server.close()
    }
  })
})
