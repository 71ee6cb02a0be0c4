/**
 * @module Hostile HTTP requests for the fuzz test (test/fuzz.e2e.test.ts): fast-check arbitraries of
 * JSON (near-valid, from the server's own JSON Schemas, then spoiled), CSV and form bodies, raw
 * bytes, odd headers, query strings and path segments, aimed at the routes the server documents.
 */
import fc from "fast-check"
import {
  anyJson,
  anyText,
  boundaryInstant,
  fromSchema,
  type JsonSchema,
  nastyString,
  plausibleId,
} from "./jsonSchemaValues.js"
import { vendorBody } from "./vendorPayloads.js"

/** One route as the fuzz aims at it: its method and path template, and what its OpenAPI operation says. */
export type Operation = {
  readonly method: string
  /** `/v1/streams/{streamId}` */
  readonly path: string
  readonly queryNames: ReadonlyArray<string>
  /** Request body media types, each with its JSON Schema when the document gives one. */
  readonly bodies: ReadonlyArray<{ readonly contentType: string; readonly schema?: JsonSchema }>
}

/** A request as sent: the raw path and query, headers, and the body with how its length is told. */
export type HostileRequest = {
  readonly method: string
  readonly pathAndQuery: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: Uint8Array
  /** `length`: Content-Length; `chunked`: Transfer-Encoding chunked, in pieces. */
  readonly framing: "length" | "chunked"
  /** What the fuzz meant to send, for the failure report. */
  readonly label: string
  /** A webhook delivery the fuzz signs as its vendor would, at send time (the signature covers the final URL and body). */
  readonly authentic?: boolean
}

/** The operations of an OpenAPI 3.1 document, with `$ref`s left for `fromSchema` to resolve. */
export const operationsOf = (document: { paths: Record<string, Record<string, any>> }): Operation[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase(),
        path: path,
        queryNames: ((operation.parameters ?? []) as Array<{ in: string; name: string }>)
          .filter((p) => p.in === "query")
          .map((p) => p.name),
        bodies: Object.entries((operation.requestBody?.content ?? {}) as Record<string, { schema?: JsonSchema }>).map(
          ([contentType, media]) => ({
            contentType,
            ...(media.schema === undefined ? {} : { schema: media.schema }),
          }),
        ),
      })),
  )

/** A CSV document: a plausible export's header, rows with quotes, commas and newlines inside them, BOMs, CRLF, ragged rows. */
export const anyCsv: fc.Arbitrary<string> = fc
  .record({
    bom: fc.boolean(),
    lineEnd: fc.constantFrom("\n", "\r\n", "\r"),
    header: fc.subarray(
      [
        "dealId",
        "Opportunity ID",
        "owner",
        "Owner Email",
        "account",
        "stage",
        "Stage",
        "amount",
        "Amount",
        "closeDate",
        "Close Date",
        "openedAt",
        "repId",
        "name",
        "email",
        "team",
        "manager",
        "type",
        "occurredAt",
        "disposition",
        "durationSeconds",
        "",
        '"quoted, header"',
      ],
      { minLength: 0, maxLength: 8 },
    ),
    rows: fc.array(
      fc.array(
        fc.oneof(
          anyText,
          fc.constantFrom(
            "Closed Won",
            "Closed Lost",
            "Prospecting",
            "12000",
            "12,000.50",
            "€1.000,00",
            '"unterminated',
            'a"b',
            "x\ny",
            "2026-11-02",
          ),
        ),
        { maxLength: 9 },
      ),
      { maxLength: 6 },
    ),
  })
  .map(({ bom, lineEnd, header, rows }) => {
    const cell = (value: string) =>
      /[",\r\n]/.test(value) && !value.startsWith('"') ? `"${value.replaceAll('"', '""')}"` : value
    return `${bom ? "\ufeff" : ""}${[header, ...rows].map((row) => row.map(cell).join(",")).join(lineEnd)}`
  })

/** A form body as Twilio sends one (its parameter names), spoiled with odd names, values and encodings. */
export const anyForm: fc.Arbitrary<string> = fc.oneof(
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(
            "CallSid",
            "CallStatus",
            "AccountSid",
            "From",
            "To",
            "Direction",
            "CallDuration",
            "Timestamp",
            "SequenceNumber",
          ),
          nastyString,
        ),
        anyText,
      ),
      { maxLength: 8 },
    )
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.constantFrom(
    "%",
    "a=%zz&b",
    "&&&===",
    "a=1&a=2&a=3",
    "=x",
    "CallSid",
    "CallSid=%00",
    `CallSid=${"A".repeat(3000)}`,
  ),
)

const contentTypes = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=utf-16",
  "application/problem+json",
  "application/cloudevents+json",
  "application/cloudevents-batch+json",
  "application/cloudevents+avro",
  "text/csv",
  "text/csv; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=----x",
  "text/plain",
  "application/xml",
  "application/octet-stream",
  "json",
  ";;;",
  "application/",
  "*/*",
  "",
)

/** Headers that have confused servers: encodings that were not applied, CloudEvents headers, bad auth, odd origins. */
const oddHeaders: fc.Arbitrary<Record<string, string>> = fc
  .subarray(
    [
      ["content-encoding", "gzip"],
      ["content-encoding", "br, deflate"],
      ["accept", "application/xml"],
      ["accept-encoding", "x-unknown"],
      ["ce-specversion", "1.0"],
      ["ce-specversion", "0.3"],
      ["ce-type", "CallLogged"],
      ["ce-id", "%C0%A0"],
      ["ce-source", '"unclosed'],
      ["ce-time", "yesterday"],
      ["ce-datacontenttype", "application/json"],
      ["ce-Bad_Name", "x"],
      ["origin", "http://[::"],
      ["origin", "https://evil.example"],
      ["cookie", "ledger_session=%zz; ledger_session=x"],
      ["x-ledger-csrf", "\u00ff"],
      ["x-request-id", "x".repeat(300)],
      ["x-twilio-signature", "AAAA"],
      ["calendly-webhook-signature", "t=1,v1=00"],
      ["validation-token", "abc"],
      ["verification-token", "\u00e9"],
      ["x-forwarded-for", "1.2.3.4, not-an-ip"],
      ["expect", "100-continue"],
      ["if-none-match", "*"],
      ["range", "bytes=0-1"],
    ] as Array<[string, string]>,
    { maxLength: 4 },
  )
  .map((pairs) => Object.fromEntries(pairs))

const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE")

/** Percent-encoding of any string, lone surrogates (which cannot be encoded) replaced first. */
const encode = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"))

/** A path segment: plausible ids, nasty strings percent-encoded, or raw characters a URL parser must cope with. */
const anySegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: plausibleId },
  { weight: 3, arbitrary: anyText.map(encode) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "%",
      "%zz",
      "%C0%A0",
      "%00",
      "..",
      "%2e%2e",
      "%2F",
      "a;b",
      "a%20b",
      "~",
      "x".repeat(2000),
      "constructor",
      "__proto__",
    ),
  },
)

/** A query value: a nasty string percent-encoded, or a raw piece that is not valid percent-encoding. */
const anyQueryValue = fc.oneof(
  anyText.map(encode),
  boundaryInstant.map(encode),
  fc.constantFrom(
    "%",
    "%zz",
    "1e9",
    "-5",
    "0",
    "5001",
    "2026-11-02T14:05:00Z",
    "2026-02-29",
    "2024-02-29",
    "2026-13-01",
    "strong",
    "eventual",
    "week",
    "1-1",
    "999999999999999999999-1",
    "abc-def",
  ),
)

/** Bodies of every shape, named for the report. */
const anyBody = (
  operation: Operation,
  samples: BodySamples,
): fc.Arbitrary<{ readonly kind: string; readonly text?: string; readonly bytes?: Uint8Array }> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary:
        operation.bodies.length === 0
          ? samples.event
          : fc
              .constantFrom(...operation.bodies)
              .chain((b) => fromSchema(b.schema, samples.components))
              .map((v) => ({ kind: "schema JSON", text: JSON.stringify(v) })),
    },
    { weight: 2, arbitrary: samples.event },
    { weight: 1, arbitrary: samples.cloudEvent },
    { weight: 1, arbitrary: anyJson.map((v) => ({ kind: "any JSON", text: JSON.stringify(v) ?? "null" })) },
    { weight: 1, arbitrary: anyCsv.map((text) => ({ kind: "CSV", text })) },
    { weight: 1, arbitrary: anyForm.map((text) => ({ kind: "form", text })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: "random bytes", bytes })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { kind: "empty", text: "" },
        { kind: "whitespace", text: " \n\t" },
        { kind: "truncated JSON", text: '{"type": "CallLogged", "data": {' },
        {
          kind: "deep JSON",
          text: `{"type":"RepLeft","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"ana","x":${"[".repeat(5000)}${"]".repeat(5000)}}}`,
        },
        { kind: "very deep JSON", text: "[".repeat(30_000) + "]".repeat(30_000) },
        {
          kind: "lone surrogate",
          text: '{"type":"RepLeft","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"\\ud800"}}',
        },
        {
          kind: "NUL escape",
          text: '{"type":"RepLeft","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"a\\u0000"}}',
        },
        {
          kind: "BOM JSON",
          text: '\ufeff{"type":"RepLeft","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"ana"}}',
        },
        { kind: "over the limit", text: `{"events":[${'"x",'.repeat(20_000)}"x"]}` },
        {
          kind: "duplicate keys",
          text: '{"type":"RepLeft","type":"DealWon","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"ana","dealId":"d"}}',
        },
      ),
    },
  )

/** Sample bodies built from the server's own event schemas (`GET /v1/event-types`) and OpenAPI components. */
export type BodySamples = {
  readonly components: Record<string, JsonSchema>
  readonly event: fc.Arbitrary<{ readonly kind: string; readonly text: string }>
  readonly cloudEvent: fc.Arbitrary<{ readonly kind: string; readonly text: string }>
}

/** Near-valid ledger events and CloudEvents, from each event type's JSON Schema. */
export const bodySamples = (
  eventSchemas: Record<string, JsonSchema>,
  components: Record<string, JsonSchema>,
): BodySamples => {
  const oneEvent = fc.oneof(...Object.values(eventSchemas).map((schema) => fromSchema(schema)))
  const event = fc.oneof(
    { weight: 3, arbitrary: oneEvent.map((v) => ({ kind: "ledger event", text: JSON.stringify(v) })) },
    {
      weight: 1,
      arbitrary: fc
        .array(oneEvent, { maxLength: 4 })
        .map((events) => ({ kind: "ledger batch", text: JSON.stringify({ events }) })),
    },
  )
  const asCloudEvent = oneEvent.chain((value) => {
    const { type, occurredAt, data } = (typeof value === "object" && value !== null ? value : {}) as Record<
      string,
      unknown
    >
    return fromSchema(
      {
        type: "object",
        properties: {
          specversion: { const: "1.0" },
          id: { type: "string" },
          source: { type: "string" },
          type: { const: type ?? "CallLogged" },
          time: { const: occurredAt ?? "2026-11-02T14:05:00Z" },
          datacontenttype: { enum: ["application/json", "text/xml", "application/vnd.x+json"] },
          data: { const: data ?? null },
        },
        required: ["specversion", "id", "source", "type", "time", "data"],
      },
      components,
    )
  })
  const cloudEvent = fc.oneof(
    asCloudEvent.map((v) => ({ kind: "CloudEvent", text: JSON.stringify(v) })),
    fc.array(asCloudEvent, { maxLength: 3 }).map((v) => ({ kind: "CloudEvents batch", text: JSON.stringify(v) })),
  )
  return { components, event, cloudEvent }
}

/** Credentials: the admin key mostly (to reach past authentication), sometimes none or nonsense. */
export type Keys = { readonly admin: string; readonly ingest: string; readonly read: string }

const authorization = (keys: Keys) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${keys.admin}`) },
    { weight: 1, arbitrary: fc.constantFrom(`Bearer ${keys.ingest}`, `Bearer ${keys.read}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        undefined,
        "",
        "Bearer",
        "Bearer ",
        "Basic YTpi",
        `bearer ${keys.admin}`,
        "Bearer olk_\u00e9\u00e9",
        `Bearer ${"olk_".padEnd(5000, "x")}`,
      ),
    },
  )

/** A hostile request to `operation`: its path filled with odd segments, an odd query, body and headers. */
export const hostileRequest = (
  operation: Operation,
  samples: BodySamples,
  keys: Keys,
): fc.Arbitrary<HostileRequest> => {
  const vendor = /^\/v1\/webhooks\/([a-z]+)$/.exec(operation.path)?.[1]
  return vendor === undefined ? anyRequest(operation, samples, keys) : webhookDelivery(operation, vendor, samples, keys)
}

/** A delivery to a vendor's webhook: mostly shaped as the vendor sends it and signed, sometimes anything at all. */
const webhookDelivery = (
  operation: Operation,
  vendor: string,
  samples: BodySamples,
  keys: Keys,
): fc.Arbitrary<HostileRequest> =>
  fc.oneof(
    { weight: 1, arbitrary: anyRequest(operation, samples, keys) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          body: vendorBody(vendor),
          authentic: fc.oneof(
            { weight: 4, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.constant(false) },
          ),
          odd: oddHeaders,
          framing: fc.constantFrom("length", "chunked") as fc.Arbitrary<"length" | "chunked">,
        })
        .map(({ body, authentic, odd, framing }) => ({
          method: "POST",
          pathAndQuery: operation.path,
          headers: { ...odd, "content-type": body.contentType },
          body: new TextEncoder().encode(body.text),
          framing,
          label: `POST ${operation.path} with ${authentic ? "a signed" : "an unsigned"} ${body.kind}`,
          authentic,
        })),
    },
  )

const anyRequest = (operation: Operation, samples: BodySamples, keys: Keys): fc.Arbitrary<HostileRequest> =>
  fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(operation.method) }, { weight: 1, arbitrary: methods }),
      segments: fc.array(anySegment, { minLength: 4, maxLength: 4 }),
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(...(operation.queryNames.length > 0 ? operation.queryNames : ["after"])),
            nastyString.map(encode),
          ),
          anyQueryValue,
        ),
        { maxLength: 4 },
      ),
      body: fc.option(anyBody(operation, samples), { freq: 4 }),
      contentType: fc.oneof(
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            ...(operation.bodies.length > 0 ? operation.bodies.map((b) => b.contentType) : ["application/json"]),
          ),
        },
        { weight: 2, arbitrary: contentTypes },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      odd: oddHeaders,
      authorization: authorization(keys),
      framing: fc.constantFrom("length", "length", "chunked") as fc.Arbitrary<"length" | "chunked">,
    })
    .map(({ method, segments, query, body, contentType, odd, authorization, framing }) => {
      let i = 0
      const path = operation.path.replace(/\{[^}]+\}/g, () => segments[i++ % segments.length] as string)
      const queryString = query.map(([name, value]) => `${name}=${value}`).join("&")
      const bytes = body === null ? undefined : (body.bytes ?? new TextEncoder().encode(body.text ?? ""))
      const headers: Record<string, string> = {
        ...odd,
        ...(contentType === undefined ? {} : { "content-type": contentType }),
        ...(authorization === undefined ? {} : { authorization }),
      }
      return {
        method,
        pathAndQuery: queryString === "" ? path : `${path}?${queryString}`,
        headers,
        ...(bytes === undefined ? {} : { body: bytes }),
        framing,
        label: `${method} ${operation.path} with ${body === null ? "no body" : body.kind} as ${contentType ?? "no content type"}`,
      }
    })

/** Path segments every templated route gets, each once: prototype names, traversal, broken encodings, length. */
const segmentProbes = [
  "__proto__",
  "constructor",
  "toString",
  "..",
  "%2e%2e%2F..%2Fpackage.json",
  "%",
  "%C0%A0",
  "%00",
  "x".repeat(2000),
]

/** Bodies every route that takes one gets, each once, as the route's own media type. */
const bodyProbes: ReadonlyArray<{ readonly kind: string; readonly text: string }> = [
  { kind: "empty", text: "" },
  { kind: "JSON null", text: "null" },
  { kind: "JSON array", text: "[]" },
  { kind: "JSON string", text: '"x"' },
  { kind: "prototype pollution", text: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}' },
  { kind: "truncated JSON", text: '{"a": [1, 2' },
  { kind: "deep JSON", text: `{"a":${"[".repeat(30_000)}${"]".repeat(30_000)}}` },
  {
    kind: "lone surrogate",
    text: '{"type":"RepJoined","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"s1","name":"\\ud800","role":"AE"}}',
  },
  { kind: "lone surrogate key", text: '{"\\udfff":1}' },
  {
    kind: "NUL",
    text: '{"type":"RepJoined","occurredAt":"2026-11-02T14:05:00Z","data":{"repId":"n1","name":"a\\u0000","role":"AE"}}',
  },
  { kind: "invalid UTF-8", text: "\u00ff\u00fe" },
  { kind: "CSV with a quote never closed", text: 'a,b\n"1,2\n3,4' },
  { kind: "over the limit", text: `[${'"x",'.repeat(20_000)}"x"]` },
]

/** Query values every query parameter gets (three of them, chosen per parameter so the run stays short). */
const queryProbes = [
  "",
  "%",
  "%zz",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59-14:00",
  "2026-02-30",
  "1e309",
  "-1",
  "99999999999999999999",
  "a&b=c",
  "%00",
]

/**
 * The deterministic part of the fuzz: each route's path parameters, body and query parameters
 * probed with the inputs that have broken servers before, with the admin key so they get past
 * authentication.
 */
export const probeRequests = (operations: ReadonlyArray<Operation>, adminKey: string): HostileRequest[] => {
  const authorization = `Bearer ${adminKey}`
  const fill = (path: string, segment: string) => path.replace(/\{[^}]+\}/g, segment)
  return operations.flatMap((operation, index): HostileRequest[] => {
    const plain = fill(operation.path, "ana")
    const segments = operation.path.includes("{")
      ? segmentProbes.map((segment) => ({
          method: operation.method,
          pathAndQuery: fill(operation.path, segment),
          headers: { authorization },
          framing: "length" as const,
          label: `${operation.method} ${operation.path} with the segment ${segment.slice(0, 30)}`,
        }))
      : []
    const contentType = operation.bodies[0]?.contentType
    const bodies =
      contentType === undefined
        ? []
        : bodyProbes.map(({ kind, text }) => ({
            method: operation.method,
            pathAndQuery: plain,
            headers: { authorization, "content-type": contentType },
            body: kind === "invalid UTF-8" ? Uint8Array.from([0xff, 0xfe, 0xc0, 0xa0]) : new TextEncoder().encode(text),
            framing: "length" as const,
            label: `${operation.method} ${operation.path} with ${kind} as ${contentType}`,
          }))
    const queries = operation.queryNames.flatMap((name, n) =>
      [0, 1, 2].map((k) => {
        const value = queryProbes[(index + n * 3 + k) % queryProbes.length] as string
        return {
          method: operation.method,
          pathAndQuery: `${plain}?${name}=${value}`,
          headers: { authorization },
          framing: "length" as const,
          label: `${operation.method} ${operation.path} with ${name}=${value}`,
        }
      }),
    )
    return [...segments, ...bodies, ...queries]
  })
}
