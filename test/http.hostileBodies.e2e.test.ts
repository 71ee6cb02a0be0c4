/**
 * @module Bodies that are not what they claim, on every route that reads one, against a listening
 * server (issue 21, items 6, 7 and 12): bytes that are not UTF-8 were mended with U+FFFD and stored
 * (`POST /v1/events` 201, Aircall 200); JSON nested 5,000 levels deep in an authenticated Aircall
 * payload was a 503 that told the vendor to retry forever; `charset=latin1` was decoded as UTF-8; a
 * CloudEvent sent as `application/json` was not told its media type. Each is now a 4xx problem
 * naming what is wrong, and nothing is stored. Every connector is configured, and every delivery
 * signed as its vendor signs it, so that the body gets past the proof and reaches the parser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"
import { fuzzWebhookSecrets, signedDelivery, vendorPayloadAround } from "./support/vendorPayloads.js"

const utf8 = (text: string) => new TextEncoder().encode(text)
const joined = (...parts: ReadonlyArray<Uint8Array>) => Uint8Array.from(Buffer.concat(parts))

/** Byte sequences that are not UTF-8 (the Unicode Standard, table 3-7), each named. */
const invalidSequences: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["a lone 0xFF", [0xff]],
  ["a continuation byte without a lead", [0x80]],
  ["an overlong '/' (C0 AF)", [0xc0, 0xaf]],
  ["an overlong NUL (E0 80 80)", [0xe0, 0x80, 0x80]],
  ["a surrogate encoded as CESU-8 (ED A0 80)", [0xed, 0xa0, 0x80]],
  ["a code point past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
  ["a truncated euro sign (E2 82)", [0xe2, 0x82]],
  ["Latin-1 'é' (E9)", [0xe9]],
]

/** Nested arrays, `levels` deep. */
const nested = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`

type JsonRoute = {
  readonly name: string
  readonly path: string
  readonly contentType: string
  readonly headers?: Record<string, string>
  readonly key?: null
  /** A body of this route around a JSON value spliced in where `$` is. */
  readonly around: string
  /** The deepest nesting that fits the route's body limit. */
  readonly deep: number
}

const jsonRoutes: ReadonlyArray<JsonRoute> = [
  {
    name: "POST /v1/events",
    path: "/v1/events",
    contentType: "application/json",
    around: '{"type":"RepJoined","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"ana","name":$,"role":"AE"}}',
    deep: 5_000,
  },
  {
    name: "a structured CloudEvent",
    path: "/v1/events",
    contentType: "application/cloudevents+json",
    around:
      '{"specversion":"1.0","id":"e1","source":"/t","type":"RepJoined","time":"2026-11-02T14:05:00Z","data":{"repId":"ana","name":$,"role":"AE"}}',
    deep: 5_000,
  },
  {
    name: "a CloudEvents batch",
    path: "/v1/events",
    contentType: "application/cloudevents-batch+json",
    around:
      '[{"specversion":"1.0","id":"e2","source":"/t","type":"RepJoined","time":"2026-11-02T14:05:00Z","data":{"repId":"ana","name":$,"role":"AE"}}]',
    deep: 5_000,
  },
  {
    name: "a binary CloudEvent",
    path: "/v1/events",
    contentType: "application/json",
    headers: {
      "ce-specversion": "1.0",
      "ce-id": "e3",
      "ce-source": "/t",
      "ce-type": "RepJoined",
      "ce-time": "2026-11-02T14:05:00Z",
    },
    around: '{"repId":"ana","name":$,"role":"AE"}',
    deep: 5_000,
  },
  {
    name: "POST /v1/reps/{repId}/identities",
    path: "/v1/reps/ana/identities",
    contentType: "application/json",
    around: '{"source":"aircall","externalId":$}',
    deep: 5_000,
  },
  {
    name: "POST /v1/what-if/coverage",
    path: "/v1/what-if/coverage",
    contentType: "application/json",
    around: '{"coverageTarget":3,"from":"2026-10-01","to":"2026-12-31","period":"quarter","team":$}',
    deep: 5_000,
  },
  {
    name: "the dashboard's sign-in (POST /ui/session, 4 KB)",
    path: "/ui/session",
    contentType: "application/json",
    key: null,
    around: '{"key":$}',
    deep: 1_900,
  },
]

type Delivery = { readonly vendor: string; readonly contentType: string; readonly around: string }

const deliveries: ReadonlyArray<Delivery> = Object.entries(vendorPayloadAround).map(([vendor, payload]) => ({
  vendor,
  ...payload,
}))

/** The body of a route or delivery with `inside` where its `$` is. */
const splice = (around: string, inside: Uint8Array) => {
  const [before, after] = around.split("$") as [string, string]
  return { bytes: joined(utf8(before), inside, utf8(after)), offset: utf8(before).byteLength }
}

describe.each(serverBackends)("hostile bodies on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, { webhooks: fuzzWebhookSecrets })
    const answer = await server.append({
      type: "RepJoined",
      occurredAt: "2026-11-01T09:00:00Z",
      data: { repId: "ana", name: "Ana", role: "AE" },
    })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  const post = (route: JsonRoute, body: Uint8Array, contentType = route.contentType) =>
    server.request(route.path, {
      method: "POST",
      body: new Uint8Array(body),
      headers: { "content-type": contentType, ...route.headers },
      ...(route.key === null ? { key: null } : {}),
    })

  const deliver = async (delivery: Delivery, payload: Uint8Array, contentType = delivery.contentType) => {
    const path = `/v1/webhooks/${delivery.vendor}`
    const signed = await signedDelivery(delivery.vendor, `${server.url}${path}`, payload)
    return server.request(path, {
      method: "POST",
      key: null,
      body: new Uint8Array(signed.body),
      headers: { "content-type": contentType, ...signed.headers },
    })
  }

  describe("bytes that are not UTF-8: a 400 naming the first bad byte's offset, never mended", () => {
    for (const route of jsonRoutes) {
      it.each(invalidSequences)(`on ${route.name}: %s`, async (_, sequence) => {
        const { bytes, offset } = splice(route.around, joined(utf8('"a'), Uint8Array.from(sequence), utf8('b"')))

        const answer = await expectNothingStored(server, () => post(route, bytes))

        expectProblem(answer, 400, ["not valid UTF-8", `at offset ${offset + 2}`])
      })
    }

    for (const delivery of deliveries.filter((d) => d.vendor !== "dialpad")) {
      it.each(invalidSequences)(`on a signed ${delivery.vendor} delivery: %s`, async (_, sequence) => {
        const { bytes } = splice(delivery.around, joined(utf8('"a'), Uint8Array.from(sequence), utf8('b"')))

        const answer = await expectNothingStored(server, () => deliver(delivery, bytes))

        expectProblem(answer, 400, ["not valid UTF-8"])
      })
    }

    it.each(invalidSequences)("on a signed Twilio callback: %s in a parameter", async (_, sequence) => {
      const before = utf8("CallSid=CA1&AccountSid=AC1&CallStatus=completed&From=")
      const form = joined(before, Uint8Array.from(sequence))

      const answer = await expectNothingStored(server, () =>
        deliver({ vendor: "twilio", contentType: "application/x-www-form-urlencoded", around: "" }, form),
      )

      expectProblem(answer, 400, ["not valid UTF-8", `at offset ${before.byteLength}`])
    })

    it.each(invalidSequences)("on a CSV import, streamed to disk: %s", async (_, sequence) => {
      const before = utf8(
        '"Opportunity ID","Opportunity Owner","Account Name","Stage","Created Date","Close Date","Amount"\r\n"006A","ana","Acme ',
      )
      const csv = joined(before, Uint8Array.from(sequence), utf8('","Closed Won","11/2/2026","11/20/2026","1,000"\r\n'))

      const answer = await expectNothingStored(server, () =>
        server.request("/v1/imports/deals?preset=salesforce", {
          method: "POST",
          body: new Uint8Array(csv),
          headers: { "content-type": "text/csv" },
        }),
      )

      expectProblem(answer, 400, ["not valid UTF-8", `at offset ${before.byteLength}`, "nothing was imported"])
    })

    it("refuses two Calendly bodies whose bad bytes differ but once decoded to the same text under one signature", async () => {
      // The old reading replaced both 0xFF and 0xFE by U+FFFD: one signature, over the mended text, validated both.
      const [first, second] = [0xff, 0xfe].map(
        (byte) => splice(deliveries[2]?.around as string, joined(utf8('"a'), Uint8Array.of(byte), utf8('"'))).bytes,
      ) as [Uint8Array, Uint8Array]
      const t = String(Math.floor(Date.now() / 1000))
      const { createHmac } = await import("node:crypto")
      const mended = Buffer.from(first).toString("utf8")
      expect(Buffer.from(second).toString("utf8")).toBe(mended)
      const signature = createHmac("sha256", fuzzWebhookSecrets.calendlySigningKey)
        .update(`${t}.${mended}`)
        .digest("hex")
      for (const body of [first, second]) {
        const answer = await expectNothingStored(server, () =>
          server.request("/v1/webhooks/calendly", {
            method: "POST",
            key: null,
            body: new Uint8Array(body),
            headers: { "content-type": "application/json", "calendly-webhook-signature": `t=${t},v1=${signature}` },
          }),
        )
        expectProblem(answer, 400, ["not valid UTF-8"])
      }
    })
  })

  describe("JSON nested deeper than 64 levels: a 400 naming the limit, never a 503", () => {
    for (const route of jsonRoutes) {
      it(`on ${route.name}: ${route.deep} levels`, async () => {
        const answer = await expectNothingStored(server, () =>
          post(route, splice(route.around, utf8(nested(route.deep))).bytes),
        )

        expectProblem(answer, 400, ["deeper than 64 levels"])
      })
    }

    it("refuses 65 levels and reads 64 (its own refusal then is the schema's, not the nesting's)", async () => {
      const route = jsonRoutes[0] as JsonRoute
      // The event's body, its data and the name's value are three of the levels.
      const over = await post(route, splice(route.around, utf8(nested(63))).bytes)
      const within = await post(route, splice(route.around, utf8(nested(61))).bytes)

      expectProblem(over, 400, ["deeper than 64 levels"])
      expectProblem(within, 400, ["data.name"])
    })

    for (const delivery of deliveries) {
      it(`on a signed ${delivery.vendor} delivery: 5,000 levels`, async () => {
        const answer = await expectNothingStored(server, () =>
          deliver(delivery, splice(delivery.around, utf8(nested(5_000))).bytes),
        )

        expectProblem(answer, 400, ["deeper than 64 levels"])
      })
    }

    it.each(["aircall", "ringcentral"])(
      "on a signed %s delivery sent as text/plain: the payload kept is refused before it is stored",
      async (vendor) => {
        const delivery = deliveries.find((d) => d.vendor === vendor) as Delivery

        const answer = await expectNothingStored(server, () =>
          deliver(delivery, splice(delivery.around, utf8(nested(5_000))).bytes, "text/plain"),
        )

        expectProblem(answer, 400, ["deeper than 64 levels"])
      },
    )
  })

  describe("media types: compared case-insensitively, UTF-8 only", () => {
    const repJoined = (repId: string) =>
      utf8(
        `{"type":"RepJoined","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"${repId}","name":"R","role":"AE"}}`,
      )

    it.each([
      "APPLICATION/JSON; charset=latin1",
      "application/json; charset=iso-8859-1",
      'application/json;charset="utf-16"',
    ])("refuses %s with a 415 naming the charset", async (contentType) => {
      const answer = await expectNothingStored(server, () =>
        post(jsonRoutes[0] as JsonRoute, repJoined("latin"), contentType),
      )

      expectProblem(answer, 415, [/charset "(latin1|iso-8859-1|utf-16)"/, "UTF-8"])
    })

    it("refuses a CSV import declared as windows-1252, naming the charset", async () => {
      const answer = await expectNothingStored(server, () =>
        server.request("/v1/imports/deals?preset=salesforce", {
          method: "POST",
          body: '"Opportunity ID"\r\n"006A"\r\n',
          headers: { "content-type": "text/csv; charset=windows-1252" },
        }),
      )

      expectProblem(answer, 415, ['charset "windows-1252"', "UTF-8"])
    })

    it("refuses a signed Aircall delivery declared as ISO-8859-1", async () => {
      const delivery = deliveries[0] as Delivery
      const answer = await expectNothingStored(server, () =>
        deliver(delivery, splice(delivery.around, utf8('"Ana"')).bytes, "application/json; charset=ISO-8859-1"),
      )

      expectProblem(answer, 415, ['charset "ISO-8859-1"'])
    })

    it.each(["Application/Json; Charset=UTF-8", 'application/json; charset="utf8"', "application/json"])(
      "takes %s",
      async (contentType) => {
        const answer = await post(jsonRoutes[0] as JsonRoute, repJoined(`r-${contentType.length}`), contentType)

        expect(answer.status).toBe(201)
      },
    )

    it("takes a JSON body that starts with a byte-order mark, as RFC 8259 lets a parser do", async () => {
      const answer = await post(jsonRoutes[0] as JsonRoute, joined(Uint8Array.of(0xef, 0xbb, 0xbf), repJoined("bom")))

      expect(answer.status).toBe(201)
    })

    it.each([
      ["a structured CloudEvent", jsonRoutes[1] as JsonRoute, "application/cloudevents+json"],
      ["a CloudEvents batch", jsonRoutes[2] as JsonRoute, "application/cloudevents-batch+json"],
    ])("points %s sent as application/json to its own media type", async (_, route, mediaType) => {
      const answer = await expectNothingStored(server, () =>
        post(route, splice(route.around, utf8('"Ana"')).bytes, "application/json"),
      )

      expectProblem(answer, 400, ["specversion", mediaType])
    })
  })
})
