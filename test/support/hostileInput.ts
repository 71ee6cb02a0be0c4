/**
 * @module Hostile HTTP requests for the fuzz test (test/fuzz.e2e.test.ts): fast-check arbitraries of
 * JSON (near-valid, from the server's own JSON Schemas, then spoiled), CSV and form bodies, raw
 * bytes, odd headers, query strings and path segments, aimed at the routes the server documents.
 */
import fc from "fast-check"
import { anyBucket, anyWindow } from "./hostileCalendar.js"
import {
  anyJson,
  anyText,
  boundaryInstant,
  fromSchema,
  type JsonSchema,
  nastyString,
  plausibleId,
} from "./jsonSchemaValues.js"
import { vendorBody, vendorPayloadAround } from "./vendorPayloads.js"

/** One route as the fuzz aims at it: its method and path template, and what its OpenAPI operation says. */
export type Operation = {
  readonly method: string
  /** `/v1/streams/{streamId}` */
  readonly path: string
  readonly queryNames: ReadonlyArray<string>
  /** Request body media types, each with its JSON Schema when the document gives one. */
  readonly bodies: ReadonlyArray<{ readonly contentType: string; readonly schema?: JsonSchema }>
  /** Whether the operation needs an API key (its `security`). */
  readonly secured?: boolean
  /** A value each path parameter takes when a probe must reach the route (its enum's first, else `ana`). */
  readonly pathValues?: Readonly<Record<string, string>>
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
  /** The statuses a deterministic probe must be answered with (a body that is not UTF-8: 400)… */
  readonly mustBe?: ReadonlyArray<number>
  /** …and what its answer must say. */
  readonly mustMention?: RegExp
  /** What the Authorization header is: a spelling of a valid key (never a 401), or malformed (never let through). */
  readonly credentials?: "valid spelling" | "malformed"
  /** A windowed read's days, for what its answer must say about them. */
  readonly window?: { readonly from: string; readonly to: string }
  /** Whether the request is one its route reads a body of (its own method, a route that takes one). */
  readonly readsBody?: boolean
  /**
   * The local address to send from: requests whose credentials fail go from 127.0.0.2, so that the
   * throttle of failed authentications they run into holds back no other request of the fuzz.
   */
  readonly from?: string
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
        secured: Array.isArray(operation.security) && operation.security.length > 0,
        pathValues: Object.fromEntries(
          ((operation.parameters ?? []) as Array<{ in: string; name: string; schema?: { enum?: unknown[] } }>)
            .filter((p) => p.in === "path")
            .map((p) => [p.name, String(p.schema?.enum?.[0] ?? "ana")]),
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

/** "Bearer" with each letter in either case. */
const bearerInAnyCase = fc
  .array(fc.boolean(), { minLength: 6, maxLength: 6 })
  .map((upper) => [..."bearer"].map((letter, i) => (upper[i] ? letter.toUpperCase() : letter)).join(""))

/**
 * Spellings of a valid key's header: the scheme in any case, one or more spaces (RFC 9110 §11), each
 * the key itself; and malformed ones (a tab, no space, a comma), which are no key at all.
 */
export const authorizationSpelling = (key: string) =>
  fc.oneof(
    fc.tuple(bearerInAnyCase, fc.integer({ min: 1, max: 6 })).map(([scheme, spaces]) => ({
      header: `${scheme}${" ".repeat(spaces)}${key}`,
      credentials: "valid spelling" as const,
    })),
    fc
      .tuple(bearerInAnyCase, fc.constantFrom("\t", " \t ", ",", ":"))
      .map(([scheme, separator]) => ({ header: `${scheme}${separator}${key}`, credentials: "malformed" as const })),
  )

type Authorization = {
  readonly header?: string
  readonly credentials?: "valid spelling" | "malformed"
  /** Credentials that fail (counted among the failed authentications of the address they come from). */
  readonly fails?: boolean
}

const authorization = (keys: Keys): fc.Arbitrary<Authorization> =>
  fc.oneof(
    { weight: 7, arbitrary: fc.constant({ header: `Bearer ${keys.admin}` }) },
    {
      weight: 1,
      arbitrary: authorizationSpelling(keys.admin).map((spelt) => ({
        ...spelt,
        fails: spelt.credentials === "malformed",
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(`Bearer ${keys.ingest}`, `Bearer ${keys.read}`).map((header) => ({ header })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          undefined,
          "",
          "Bearer",
          "Bearer ",
          "Basic YTpi",
          "Bearer olk_\u00e9\u00e9",
          `Bearer ${"olk_".padEnd(5000, "x")}`,
        )
        .map((header): Authorization => (header === undefined ? {} : { header, fails: true })),
    },
  )

/** A hostile request to `operation`: its path filled with odd segments, an odd query, body and headers. */
export const hostileRequest = (
  operation: Operation,
  samples: BodySamples,
  keys: Keys,
): fc.Arbitrary<HostileRequest> => {
  const vendor = /^\/v1\/webhooks\/([a-z]+)$/.exec(operation.path)?.[1]
  if (vendor !== undefined) return webhookDelivery(operation, vendor, samples, keys)
  const windowed = operation.queryNames.includes("from") && operation.queryNames.includes("to")
  return windowed
    ? fc.oneof(
        { weight: 1, arbitrary: anyRequest(operation, samples, keys) },
        { weight: 2, arbitrary: windowedRead(operation, keys) },
      )
    : anyRequest(operation, samples, keys)
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
          readsBody: true,
        })),
    },
  )

/** A read of a window of days (a scorecard, the comparison): any window of the calendar, any bucket. */
const windowedRead = (operation: Operation, keys: Keys): fc.Arbitrary<HostileRequest> =>
  fc.record({ window: anyWindow, bucket: anyBucket }).map(({ window, bucket }) => {
    const query = new URLSearchParams({
      from: window.from,
      to: window.to,
      ...(operation.queryNames.includes("bucket") ? { bucket } : {}),
    })
    return {
      method: operation.method,
      pathAndQuery: `${reachable(operation)}?${query}`,
      headers: { authorization: `Bearer ${keys.read}` },
      framing: "length" as const,
      label: `${operation.method} ${operation.path} over the window ${window.from} to ${window.to} by ${bucket}`,
      window,
    }
  })

/** A what-if replay over any window of the calendar (its body's `from` and `to`). */
export const windowedWhatIf = (keys: Keys): fc.Arbitrary<HostileRequest> =>
  fc
    .record({ window: anyWindow, period: fc.constantFrom("month", "quarter"), target: fc.constantFrom(1, 3, 100) })
    .map(({ window, period, target }) => ({
      method: "POST",
      pathAndQuery: "/v1/what-if/coverage",
      headers: { authorization: `Bearer ${keys.read}`, "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ coverageTarget: target, ...window, period })),
      framing: "length" as const,
      label: `POST /v1/what-if/coverage over the window ${window.from} to ${window.to} by ${period}`,
      window,
    }))

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
    .map(({ method, segments, query, body, contentType, odd, authorization: credentials, framing }) => {
      let i = 0
      const path = operation.path.replace(/\{[^}]+\}/g, () => segments[i++ % segments.length] as string)
      const queryString = query.map(([name, value]) => `${name}=${value}`).join("&")
      const bytes = body === null ? undefined : (body.bytes ?? new TextEncoder().encode(body.text ?? ""))
      const headers: Record<string, string> = {
        ...odd,
        ...(contentType === undefined ? {} : { "content-type": contentType }),
        ...(credentials.header === undefined ? {} : { authorization: credentials.header }),
      }
      // Said of the route's own method only: another method may be another route, or none.
      const spelt = credentials.credentials !== undefined && method === operation.method && operation.secured === true
      return {
        method,
        pathAndQuery: queryString === "" ? path : `${path}?${queryString}`,
        headers,
        ...(bytes === undefined ? {} : { body: bytes }),
        framing,
        ...(spelt ? { credentials: credentials.credentials } : {}),
        ...(credentials.fails === true ? { from: "127.0.0.2" } : {}),
        readsBody: method === operation.method && operation.bodies.length > 0,
        label: `${method} ${operation.path} with ${body === null ? "no body" : body.kind} as ${contentType ?? "no content type"}${credentials.credentials === undefined ? "" : ` (${credentials.credentials} of the key)`}`,
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
 * Byte sequences that are not UTF-8 (the Unicode Standard's table 3-7), each inside a JSON string:
 * every route that reads a body must refuse them with a 400, never mend them into U+FFFD.
 */
const notUtf8: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["a lone 0xFF", [0xff]],
  ["a continuation byte alone", [0x80]],
  ["an overlong '/'", [0xc0, 0xaf]],
  ["an overlong NUL", [0xe0, 0x80, 0x80]],
  ["a surrogate encoded as CESU-8", [0xed, 0xa0, 0x80]],
  ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ["a truncated sequence", [0xe2, 0x82]],
]

/** Three of `list`, a different three for each `index`: every item is sent somewhere, and the run stays short. */
const someOf = <T>(list: ReadonlyArray<T>, index: number): ReadonlyArray<T> =>
  [0, 1, 2].map((k) => list[(index * 3 + k) % list.length] as T)

const bytesOf = (...parts: ReadonlyArray<string | ReadonlyArray<number>>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === "string" ? [...new TextEncoder().encode(part)] : part)))

/** Arrays nested `levels` deep, as JSON text. */
const nestedJson = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`

const isJsonMediaType = (contentType: string) => /^application\/([a-z0-9.+-]+\+)?json\b/i.test(contentType)

/** A route's path, each parameter filled with a value that reaches the route (operationsOf's `pathValues`). */
const reachable = (operation: Operation) =>
  operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => operation.pathValues?.[name] ?? "ana")

/**
 * The deterministic part of the fuzz: each route's path parameters, body and query parameters
 * probed with the inputs that have broken servers before, with the admin key so they get past
 * authentication. A body that is not UTF-8 must be a 400 saying so, and a JSON body nested
 * deeper than 64 levels a 400 naming the limit.
 */
export const probeRequests = (operations: ReadonlyArray<Operation>, adminKey: string): HostileRequest[] => {
  const authorization = `Bearer ${adminKey}`
  const fill = (path: string, segment: string) => path.replace(/\{[^}]+\}/g, segment)
  return operations.flatMap((operation, index): HostileRequest[] => {
    // Bodies go to the route itself (its path parameters filled with values it takes: /v1/imports/deals
    // reads each hostile body as a CSV file); query parameters to the path with "ana" in each parameter.
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
    const probe = (kind: string, body: Uint8Array, expected: Partial<HostileRequest> = {}): HostileRequest => ({
      method: operation.method,
      pathAndQuery: reachable(operation),
      headers: { authorization, "content-type": contentType as string },
      body,
      framing: "length" as const,
      readsBody: true,
      label: `${operation.method} ${operation.path} with ${kind} as ${contentType}`,
      ...expected,
    })
    const bodies =
      contentType === undefined
        ? []
        : [
            ...bodyProbes.map(({ kind, text }) =>
              probe(
                kind,
                new TextEncoder().encode(text),
                kind === "deep JSON" && isJsonMediaType(contentType)
                  ? // The dashboard's sign-in reads 4 KB: it refuses the 60 KB of nesting for its size first.
                    { mustBe: [400, 413], mustMention: /deeper than 64 levels|over the limit/ }
                  : {},
              ),
            ),
            ...someOf(notUtf8, index).map(([kind, sequence]) =>
              probe(kind, bytesOf('{"name":"a', sequence, 'b"}'), { mustBe: [400], mustMention: /not valid UTF-8/ }),
            ),
          ]
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

/**
 * Deliveries to every connector, made authentic at send time (`authentic`: the fuzz signs them, so
 * that what they carry gets past the proof): bytes that are not UTF-8, and JSON nested 5,000 levels
 * deep in a field the connector keeps, each a 400; a byte-order mark and a NUL escape, answered
 * without a 5xx.
 */
export const webhookProbes = (): HostileRequest[] => {
  const delivery = (vendor: string, kind: string, contentType: string, body: Uint8Array, expected = {}) => ({
    method: "POST",
    pathAndQuery: `/v1/webhooks/${vendor}`,
    headers: { "content-type": contentType },
    body,
    framing: "length" as const,
    label: `POST /v1/webhooks/${vendor} with a signed payload holding ${kind}`,
    authentic: true,
    readsBody: true,
    ...expected,
  })
  const json = Object.entries(vendorPayloadAround).flatMap(([vendor, { contentType, around }], index) => {
    const [before, after] = around.split("$") as [string, string]
    return [
      ...someOf(notUtf8, index).map(([kind, sequence]) =>
        delivery(vendor, kind, contentType, bytesOf(before, '"a', sequence, 'b"', after), {
          mustBe: [400],
          mustMention: /not valid UTF-8/,
        }),
      ),
      delivery(vendor, "JSON nested 5,000 levels", contentType, bytesOf(before, nestedJson(5_000), after), {
        mustBe: [400],
        mustMention: /deeper than 64 levels/,
      }),
      delivery(vendor, "a byte-order mark", contentType, bytesOf("\ufeff", before, '"Ana"', after)),
      delivery(vendor, "a NUL escape", contentType, bytesOf(before, '"a\\u0000b"', after)),
    ]
  })
  const twilio = someOf(notUtf8, 4).map(([kind, sequence]) =>
    delivery(
      "twilio",
      kind,
      "application/x-www-form-urlencoded",
      bytesOf("CallSid=CA9&AccountSid=AC1&CallStatus=completed&From=", sequence),
      { mustBe: [400], mustMention: /not valid UTF-8/ },
    ),
  )
  return [...json, ...twilio]
}
