/**
 * @module Reading over HTTP against a listening server: the global log page by page, as of an
 * instant, one stream; who may do what with which API key; and the API's own description at
 * `/openapi.json` and `/docs`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  events,
  expectNothingStored,
  expectProblem,
  type StoredEvent,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

describe.each(serverBackends)("reading the ledger on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
  })
  afterAll(() => server?.close())

  describe("GET /v1/events", () => {
    it("pages through the log with `limit` and `next`, every event once, in order", async () => {
      // 7 events in 3 requests, so that pages of 3 straddle the appends.
      const sent = [["p1", "p2"], ["p3"], ["p4", "p5", "p6", "p7"]]
      for (const ids of sent)
        expect((await server.append({ events: ids.map((id) => events.callLogged(id)) })).status).toBe(201)

      const pages: StoredEvent[][] = []
      let cursor: string | undefined
      for (;;) {
        const page = await server.request(`/v1/events?limit=3${cursor === undefined ? "" : `&after=${cursor}`}`)
        expect(page.status).toBe(200)
        if (page.body.events.length === 0) {
          // an empty page hands the same cursor back, to poll from
          expect(page.body.next).toBe(cursor)
          break
        }
        pages.push(page.body.events)
        cursor = page.body.next
      }

      // full pages of 3, then the rest
      expect(pages.slice(0, -1).every((page) => page.length === 3)).toBe(true)
      expect(pages.at(-1)?.length).toBeLessThanOrEqual(3)
      const read = pages.flat()
      expect(read.map((e) => e.streamId).filter((id) => /^call-p\d$/.test(id))).toEqual(
        sent.flat().map((id) => `call-${id}`),
      )
      expect(new Set(read.map((e) => e.position)).size).toBe(read.length)
      expect(read).toEqual([...read].sort(inLogOrder))
      expect(read).toEqual(await server.log())
    })

    it("refuses a cursor it did not hand out with 400, naming `after`", async () => {
      const answer = await server.request("/v1/events?after=yesterday")

      expectProblem(answer, 400, ["after", "cursor"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["query.after"])
    })

    // The cursor's shape is right but no transaction id is that large (xid8 ends at 2^64 - 1): it was
    // never handed out, and reading from it would poll an empty page forever.
    it("refuses a well-formed cursor beyond any transaction id with 400, naming `after`", async () => {
      const answer = await server.request("/v1/events?after=99999999999999999999-1")

      expectProblem(answer, 400, ["after"])
    })

    it("refuses limit=0 with 400, naming `limit`", async () => {
      const answer = await server.request("/v1/events?limit=0")

      expectProblem(answer, 400, ["limit"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["query.limit"])
    })

    // Issue 21, item 12: `limit=0x10` was read as 16. A number in a query is decimal digits, or a 400.
    it.each(["0x10", "1e3", "%205", "%2B5", "-5", "05", "5.0", "1_000", "Infinity", ""])(
      "refuses limit=%s with 400: a query number is plain decimal digits",
      async (limit) => {
        const answer = await server.request(`/v1/events?limit=${limit}`)

        expectProblem(answer, 400, ["query.limit", "decimal digits"])
      },
    )

    it("reads limit=16, and refuses fromVersion=0x2 like any other number that is not decimal digits", async () => {
      expect((await server.request("/v1/events?limit=16")).status).toBe(200)
      expect((await server.request("/v1/streams/deal-x?fromVersion=0x2")).status).toBe(400)
    })

    it("keeps, with occurredBy, only the events that had happened by that instant (inclusive)", async () => {
      const january = events.callLogged("asof-jan", "2020-01-15T12:00:00Z")
      const february = events.callLogged("asof-feb", "2020-02-01T00:00:00Z")
      const march = events.callLogged("asof-mar", "2020-03-01T00:00:00Z")
      expect((await server.append({ events: [march, january, february] })).status).toBe(201)

      // The same instant as 2020-02-01T00:00:00Z, written with an offset.
      const answer = await server.request(
        `/v1/events?limit=5000&occurredBy=${encodeURIComponent("2020-02-01T01:00:00+01:00")}`,
      )

      expect(answer.status).toBe(200)
      const read: StoredEvent[] = answer.body.events
      expect(read.every((e) => Date.parse(e.occurredAt) <= Date.parse("2020-02-01T00:00:00Z"))).toBe(true)
      expect(read.map((e) => e.streamId).filter((id) => id.startsWith("call-asof-"))).toEqual([
        "call-asof-jan",
        "call-asof-feb",
      ])
    })

    it("refuses an occurredBy that is not an instant with a time zone, naming it", async () => {
      const answer = await server.request("/v1/events?occurredBy=2020-02-01")

      expectProblem(answer, 400, ["occurredBy"])
    })
  })

  describe("GET /v1/streams/{id}", () => {
    it("answers a deal's events in version order", async () => {
      expect((await server.append(events.dealOpened("x", 10_000))).status).toBe(201)
      expect(
        (
          await server.append({
            type: "DealAmountChanged",
            occurredAt: "2026-11-10T10:00:00Z",
            data: { dealId: "x", amount: 14_000 },
          })
        ).status,
      ).toBe(201)
      expect((await server.append(events.dealWon("x"))).status).toBe(201)

      const answer = await server.request("/v1/streams/deal-x")

      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({ streamId: "deal-x", version: 3 })
      expect(answer.body.events.map((e: StoredEvent) => [e.streamVersion, e.type])).toEqual([
        [1, "DealOpened"],
        [2, "DealAmountChanged"],
        [3, "DealWon"],
      ])
    })

    it("answers a read past a stream's end with no events and the stream's own version", async () => {
      const answer = await server.request("/v1/streams/deal-x?fromVersion=10")

      expect(answer.status).toBe(200)
      expect(answer.body).toEqual({ streamId: "deal-x", version: 3, events: [] })
    })

    it("answers 404 for a stream that holds no events, naming it", async () => {
      const answer = await server.request("/v1/streams/deal-never-heard-of")

      expectProblem(answer, 404, ["deal-never-heard-of"])
    })
  })

  describe("the API's description", () => {
    it("publishes an OpenAPI 3.1 document listing the events routes", async () => {
      const answer = await server.request("/openapi.json", { key: null })

      expect(answer.status).toBe(200)
      expect(answer.body.openapi).toMatch(/^3\.1\./)
      expect(answer.body.paths["/v1/events"]).toHaveProperty("post")
      expect(answer.body.paths["/v1/events"]).toHaveProperty("get")
      expect(answer.body.paths).toHaveProperty(["/v1/streams/{streamId}", "get"])
    })

    it("serves the reference at /docs as HTML whose every asset loads from this server (it works offline)", async () => {
      const page = await server.request("/docs", { key: null })

      expect(page.status).toBe(200)
      expect(page.headers.get("content-type")).toMatch(/^text\/html/)
      const assets = [...(page.body as string).matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string)
      expect(assets.length).toBeGreaterThanOrEqual(3)
      for (const asset of assets) {
        expect(asset, "an asset from another host would not load offline").toMatch(/^\/(?!\/)/)
        const loaded = await server.request(asset, { key: null })
        expect({ asset, status: loaded.status }).toEqual({ asset, status: 200 })
        expect((loaded.body as string).length).toBeGreaterThan(0)
      }
    })
  })

  describe("API keys: `ingest` writes, `read` reads, `admin` does both", () => {
    let readKey: string
    let ingestKey: string
    beforeAll(async () => {
      readKey = await server.keyWith(["read"])
      ingestKey = await server.keyWith(["ingest"])
    })

    it("refuses a request without Authorization with 401 and a Bearer challenge", async () => {
      const answer = await expectNothingStored(server, () =>
        server.append(events.callLogged("c-anonymous"), { key: null }),
      )

      expectProblem(answer, 401, ["Authorization: Bearer"])
      expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer /)
    })

    it("refuses an unknown key with 401", async () => {
      const forged = "olk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      for (const key of ["garbage", forged]) {
        const answer = await expectNothingStored(server, () => server.append(events.callLogged("c-garbage"), { key }))

        expectProblem(answer, 401, ["unknown or revoked"])
        expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer /)
      }
    })

    it("refuses a read-only key on POST /v1/events with 403 naming the scope it needs", async () => {
      const answer = await expectNothingStored(server, () =>
        server.append(events.callLogged("c-read-only"), { key: readKey }),
      )

      expectProblem(answer, 403, ['"ingest"', "[read]"])
    })

    it("refuses an ingest-only key on the read routes with 403 naming `read`", async () => {
      expect((await server.append(events.callLogged("c-ingested"), { key: ingestKey })).status).toBe(201)

      for (const route of ["/v1/events", "/v1/streams/call-c-ingested"]) {
        const answer = await server.request(route, { key: ingestKey })

        expectProblem(answer, 403, ['"read"', "[ingest]"])
      }
    })

    it("lets a read key read the log and a stream", async () => {
      expect((await server.request("/v1/events", { key: readKey })).status).toBe(200)
      expect((await server.request("/v1/streams/call-c-ingested", { key: readKey })).status).toBe(200)
    })

    it("lets an admin key append, read the log and read a stream", async () => {
      const key = await server.keyWith(["admin"])

      expect((await server.append(events.callLogged("c-admin"), { key })).status).toBe(201)
      const log = await server.request("/v1/events?limit=5000", { key })
      expect(log.status).toBe(200)
      expect(log.body.events.map((e: { streamId: string }) => e.streamId)).toContain("call-c-admin")
      expect((await server.request("/v1/streams/call-c-admin", { key })).status).toBe(200)
    })

    it("answers /healthz without a key", async () => {
      const answer = await server.request("/healthz", { key: null })

      expect(answer.status).toBe(200)
      expect(answer.body).toEqual({ status: "ok" })
    })
  })
})

/** The log's order (shared/DESIGN.md): by appending transaction, then by position within it. */
const inLogOrder = (a: StoredEvent, b: StoredEvent): number => {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId)
  return byTransaction !== 0n ? (byTransaction < 0n ? -1 : 1) : a.position - b.position
}
