/**
 * @module CloudEvents 1.0 on `POST /v1/events` against a listening server: structured, batched and
 * binary mode each store ledger events; a redelivered CloudEvent (same id and source) appends
 * nothing; every refusal is a problem naming the attribute as sent and stores nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Answer,
  events,
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const callData = (callId: string) => ({
  callId,
  repId: "ana",
  direction: "outbound",
  disposition: "connected",
  durationSeconds: 95,
})

const cloudEvent = (id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  specversion: "1.0",
  id,
  source: "/dialer/acme",
  type: "CallLogged",
  time: "2026-11-02T15:05:00+01:00",
  datacontenttype: "application/json",
  data: callData(`call-${id}`),
  ...overrides,
})

describe.each(serverBackends)("CloudEvents on POST /v1/events on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
  })
  afterAll(() => server?.close())

  const structured = (body: unknown, contentType = "application/cloudevents+json; charset=utf-8"): Promise<Answer> =>
    server.request("/v1/events", { body: JSON.stringify(body), headers: { "content-type": contentType } })
  const batched = (body: unknown) => structured(body, "application/cloudevents-batch+json")
  const binary = (headers: Record<string, string>, data: unknown, contentType = "application/json"): Promise<Answer> =>
    server.request("/v1/events", {
      body: JSON.stringify(data),
      headers: {
        "content-type": contentType,
        "ce-specversion": "1.0",
        "ce-type": "CallLogged",
        "ce-source": "/dialer/acme",
        "ce-time": "2026-11-02T14:05:00Z",
        ...headers,
      },
    })

  describe("structured mode", () => {
    it("stores one CloudEvent as the ledger event it names, its context in the metadata", async () => {
      const answer = await structured(cloudEvent("s-1", { subject: "call s-1", comexampletenant: "acme" }))

      expect(answer.status).toBe(201)
      expect(answer.body).toMatchObject({
        status: "appended",
        appended: 1,
        events: [
          {
            type: "CallLogged",
            streamId: "call-call-s-1",
            occurredAt: "2026-11-02T14:05:00.000Z",
            data: callData("call-s-1"),
            metadata: {
              source: "cloudevents",
              cloudEvent: {
                specversion: "1.0",
                id: "s-1",
                source: "/dialer/acme",
                type: "CallLogged",
                subject: "call s-1",
                datacontenttype: "application/json",
                extensions: { comexampletenant: "acme" },
              },
            },
          },
        ],
      })
      expect(await server.log()).toContainEqual(answer.body.events[0])
    })

    it("appends nothing when the same CloudEvent is delivered again, and answers the stored event", async () => {
      const first = await structured(cloudEvent("s-retry"))
      expect(first.status).toBe(201)

      const again = await expectNothingStored(server, () => structured(cloudEvent("s-retry")))

      expect(again.status).toBe(200)
      expect(again.body).toMatchObject({ status: "duplicate", appended: 0, events: [first.body.events[0]] })
    })

    it("takes the type under the dev.outcome-ledger. prefix as well", async () => {
      const answer = await structured(cloudEvent("s-prefixed", { type: "dev.outcome-ledger.CallLogged" }))
      expect(answer.status).toBe(201)
      expect(answer.body.events[0]).toMatchObject({
        type: "CallLogged",
        metadata: { cloudEvent: { type: "dev.outcome-ledger.CallLogged" } },
      })
    })

    it("stores the same id from another source as another event", async () => {
      await structured(cloudEvent("s-shared"))
      const before = (await server.log()).length
      const answer = await structured(
        cloudEvent("s-shared", { source: "/dialer/other", data: callData("call-s-shared-other") }),
      )
      expect(answer.status).toBe(201)
      expect(await server.log()).toHaveLength(before + 1)
    })

    it("refuses the same id and source carrying different data with a 409, storing nothing", async () => {
      await structured(cloudEvent("s-reused"))
      const answer = await expectNothingStored(server, () =>
        structured(cloudEvent("s-reused", { data: { ...callData("call-s-reused"), durationSeconds: 12 } })),
      )
      expectProblem(answer, 409, [/idempotency key/])
    })

    it("refuses a CloudEvent without time: the ledger needs the instant", async () => {
      const { time: _time, ...withoutTime } = cloudEvent("s-no-time")
      const answer = await expectNothingStored(server, () => structured(withoutTime))
      expectProblem(answer, 400, [/time: is required/, /nothing was stored/])
      expect(answer.body.errors).toEqual([{ path: "time", message: expect.stringContaining("RFC 3339") }])
    })

    it("refuses another specversion, a non-JSON datacontenttype and an unknown type, each by its attribute", async () => {
      expectProblem(
        await expectNothingStored(server, () => structured(cloudEvent("s-v03", { specversion: "0.3" }))),
        400,
        [/specversion/],
      )
      expectProblem(
        await expectNothingStored(server, () =>
          structured(cloudEvent("s-xml", { datacontenttype: "application/xml", data: "<call/>" })),
        ),
        400,
        [/datacontenttype/],
      )
      expectProblem(
        await expectNothingStored(server, () => structured(cloudEvent("s-type", { type: "com.example.CallLogged" }))),
        400,
        [/type: unknown event type "com\.example\.CallLogged"/],
      )
    })

    it("refuses a data field the event type does not allow, named under data", async () => {
      const answer = await expectNothingStored(server, () =>
        structured(cloudEvent("s-bad-data", { data: { ...callData("call-s-bad-data"), disposition: "maybe" } })),
      )
      expectProblem(answer, 400, [/data\.disposition/])
    })

    it("refuses an unpaired surrogate escape, which the store cannot hold, naming where it is", async () => {
      const body = JSON.stringify(cloudEvent("s-surrogate")).replace('"s-surrogate"', '"s-\\ud800"')
      const answer = await expectNothingStored(server, () =>
        server.request("/v1/events", { body, headers: { "content-type": "application/cloudevents+json" } }),
      )
      expectProblem(answer, 400, [/the text at id/, /surrogate/])
    })

    it("refuses a CloudEvents format other than JSON with a 415", async () => {
      const answer = await expectNothingStored(server, () =>
        structured(cloudEvent("s-avro"), "application/cloudevents+avro"),
      )
      expectProblem(answer, 415, [/application\/cloudevents\+json/])
    })

    it("still applies the deal rules: DealWon on a deal never opened is a 409", async () => {
      const answer = await expectNothingStored(server, () =>
        structured(cloudEvent("s-won", { type: "DealWon", data: { dealId: "never-opened" } })),
      )
      expectProblem(answer, 409)
    })

    it("needs an API key with the ingest scope", async () => {
      const read = await server.keyWith(["read"])
      const anonymous = await server.request("/v1/events", {
        key: null,
        body: JSON.stringify(cloudEvent("s-anon")),
        headers: { "content-type": "application/cloudevents+json" },
      })
      const reader = await server.request("/v1/events", {
        key: read,
        body: JSON.stringify(cloudEvent("s-reader")),
        headers: { "content-type": "application/cloudevents+json" },
      })
      expect([anonymous.status, reader.status]).toEqual([401, 403])
    })
  })

  describe("batched mode", () => {
    it("stores a batch of CloudEvents in the order sent", async () => {
      const answer = await batched([
        cloudEvent("b-1", { type: "RepJoined", data: { repId: "bea", name: "Bea", role: "AE" } }),
        cloudEvent("b-2", { data: { ...callData("call-b-2"), repId: "bea" } }),
      ])
      expect(answer.status).toBe(201)
      expect(answer.body).toMatchObject({
        appended: 2,
        events: [
          { type: "RepJoined", streamId: "rep-bea" },
          { type: "CallLogged", streamId: "call-call-b-2" },
        ],
      })
    })

    it("refuses the whole batch when one event is invalid, naming its index and attribute", async () => {
      const { time: _time, ...withoutTime } = cloudEvent("b-bad-2")
      const answer = await expectNothingStored(server, () =>
        batched([cloudEvent("b-good-0"), cloudEvent("b-good-1"), withoutTime]),
      )
      expectProblem(answer, 400, [/\[2\]\.time: is required/])
    })

    it("refuses a body that is not an array, and an empty batch", async () => {
      expectProblem(await expectNothingStored(server, () => batched(cloudEvent("b-object"))), 400, [/JSON array/])
      expectProblem(await expectNothingStored(server, () => batched([])), 400, [/empty/])
    })

    it("appends nothing for a redelivered batch", async () => {
      const batch = [cloudEvent("b-retry-1"), cloudEvent("b-retry-2")]
      expect((await batched(batch)).status).toBe(201)
      const again = await expectNothingStored(server, () => batched(batch))
      expect(again.body).toMatchObject({ status: "duplicate", appended: 0 })
    })
  })

  describe("binary mode", () => {
    it("stores the body as data, with the attributes from the ce- headers, percent-decoded", async () => {
      const answer = await binary(
        { "ce-id": "bin-1", "ce-source": "/dialer/acme%20eu", "ce-subject": "Euro%20%E2%82%AC" },
        callData("call-bin-1"),
      )

      expect(answer.status).toBe(201)
      expect(answer.body.events[0]).toMatchObject({
        type: "CallLogged",
        occurredAt: "2026-11-02T14:05:00.000Z",
        data: callData("call-bin-1"),
        metadata: {
          source: "cloudevents",
          cloudEvent: {
            id: "bin-1",
            source: "/dialer/acme eu",
            subject: "Euro €",
            datacontenttype: "application/json",
          },
        },
      })
    })

    it("appends nothing for the same id and source, whether sent in binary or structured mode", async () => {
      const first = await binary({ "ce-id": "bin-retry" }, callData("call-bin-retry"))
      expect(first.status).toBe(201)

      const again = await expectNothingStored(server, () =>
        binary({ "ce-id": "bin-retry" }, callData("call-bin-retry")),
      )
      const asStructured = await expectNothingStored(server, () =>
        structured(cloudEvent("bin-retry", { time: "2026-11-02T14:05:00Z", data: callData("call-bin-retry") })),
      )
      expect([again.status, asStructured.status]).toEqual([200, 200])
    })

    it("refuses a missing ce-time, naming the header", async () => {
      const answer = await expectNothingStored(server, () =>
        server.request("/v1/events", {
          body: JSON.stringify(callData("call-bin-no-time")),
          headers: {
            "content-type": "application/json",
            "ce-specversion": "1.0",
            "ce-type": "CallLogged",
            "ce-source": "/dialer",
            "ce-id": "bin-no-time",
          },
        }),
      )
      expectProblem(answer, 400, [/ce-time: is required/])
    })

    it("refuses a badly encoded header, an unknown ce-type and ce-datacontenttype, each by its header", async () => {
      expectProblem(
        await expectNothingStored(server, () => binary({ "ce-id": "%C0%A0" }, callData("call-bin-x"))),
        400,
        [/ce-id/],
      )
      expectProblem(
        await expectNothingStored(server, () =>
          binary({ "ce-id": "bin-type", "ce-type": "CallMade" }, callData("call-bin-x")),
        ),
        400,
        [/ce-type/],
      )
      expectProblem(
        await expectNothingStored(server, () =>
          binary({ "ce-id": "bin-dct", "ce-datacontenttype": "application/json" }, callData("call-bin-x")),
        ),
        400,
        [/ce-datacontenttype/],
      )
    })

    it("refuses a body that is not JSON with a 415", async () => {
      const answer = await expectNothingStored(server, () =>
        server.request("/v1/events", {
          body: "<call/>",
          headers: {
            "content-type": "application/xml",
            "ce-specversion": "1.0",
            "ce-type": "CallLogged",
            "ce-source": "/d",
            "ce-id": "bin-xml",
            "ce-time": "2026-11-02T14:05:00Z",
          },
        }),
      )
      expectProblem(answer, 415, [/binary mode/, /application\/json/])
    })
  })

  describe("the ledger's own JSON", () => {
    it("is unchanged: stored with source api", async () => {
      const answer = await server.append(events.callLogged("plain-json"))
      expect(answer.status).toBe(201)
      expect(answer.body.events[0].metadata).toMatchObject({ source: "api" })
      expect(answer.body.events[0].metadata.cloudEvent).toBeUndefined()
    })
  })

  // Found by test/fuzz.e2e.test.ts: CloudEvents deliveries were counted under `api` while their
  // events were stored with the provenance `cloudevents`.
  it("counts CloudEvents requests in GET /v1/sources as the source cloudevents, not api", async () => {
    const countOf = async (source: string) =>
      (await server.request("/v1/sources")).body.sources.find((s: { source: string }) => s.source === source) ?? {
        eventsReceived: 0,
        deliveries: { accepted: 0, rejected: 0 },
      }
    const [apiBefore, cloudBefore] = [await countOf("api"), await countOf("cloudevents")]

    expect((await structured(cloudEvent("counted-1"))).status).toBe(201)
    expect((await binary({ "ce-id": "counted-2" }, callData("call-counted-2"))).status).toBe(201)
    expect((await structured(cloudEvent("counted-3", { time: "yesterday" }))).status).toBe(400)

    const [apiAfter, cloudAfter] = [await countOf("api"), await countOf("cloudevents")]
    expect(cloudAfter).toMatchObject({
      route: "POST /v1/events",
      eventsReceived: cloudBefore.eventsReceived + 2,
      deliveries: { accepted: cloudBefore.deliveries.accepted + 2, rejected: cloudBefore.deliveries.rejected + 1 },
    })
    expect(apiAfter.deliveries).toEqual(apiBefore.deliveries)
  })

  it("documents the CloudEvents content types in the OpenAPI document", async () => {
    const openapi = await server.request("/openapi.json", { key: null })
    expect(Object.keys(openapi.body.paths["/v1/events"].post.requestBody.content)).toEqual([
      "application/json",
      "application/cloudevents+json",
      "application/cloudevents-batch+json",
    ])
  })
})
