/**
 * @module CloudEvents 1.0 → ledger events, and binary-mode headers → attributes: what maps, and how
 * each refusal names the attribute where the sender wrote it.
 */
import { describe, expect, it } from "vitest"
import { cloudEventOfHeaders, decodeHeaderValue, isBinaryCloudEvent } from "../src/ingest/cloudEventHeaders.js"
import { binaryNames, cloudEventKey, ledgerTypeOf, structuredNames, toLedgerEvent } from "../src/ingest/cloudEvents.js"

const callData = { callId: "c1", repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 95 }

const callCloudEvent = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  specversion: "1.0",
  id: "evt-1",
  source: "/dialer/acme",
  type: "CallLogged",
  time: "2026-11-02T15:05:00+01:00",
  data: callData,
  ...overrides,
})

const issuesOf = (input: unknown, names = structuredNames()) => {
  const mapped = toLedgerEvent(input, names)
  if (mapped.ok) throw new Error("expected a refusal")
  return mapped.issues
}

describe("a CloudEvent as a ledger event", () => {
  it("takes type, time and data as the event, id + source as its idempotency key, and keeps the context as metadata", () => {
    const mapped = toLedgerEvent(
      callCloudEvent({ subject: "call c1", comexampletenant: "acme", comexamplepriority: 3 }),
      structuredNames(),
    )

    expect(mapped).toEqual({
      ok: true,
      event: {
        type: "CallLogged",
        // time, as the UTC instant it names
        occurredAt: "2026-11-02T14:05:00.000Z",
        idempotencyKey: cloudEventKey("/dialer/acme", "evt-1"),
        data: callData,
        metadata: {
          cloudEvent: {
            specversion: "1.0",
            id: "evt-1",
            source: "/dialer/acme",
            type: "CallLogged",
            subject: "call c1",
            extensions: { comexampletenant: "acme", comexamplepriority: 3 },
          },
        },
      },
    })
  })

  it("gives the same key to the same id and source, and different keys when either differs", () => {
    const key = cloudEventKey("/dialer/acme", "evt-1")
    expect(cloudEventKey("/dialer/acme", "evt-1")).toBe(key)
    expect(cloudEventKey("/dialer/other", "evt-1")).not.toBe(key)
    expect(cloudEventKey("/dialer/acme", "evt-2")).not.toBe(key)
    // no concatenation ambiguity: ("a b", "c") is not ("a", "b c")
    expect(cloudEventKey("a b", "c")).not.toBe(cloudEventKey("a", "b c"))
  })

  it("accepts the ledger type bare or under the dev.outcome-ledger. prefix, and no other prefix", () => {
    expect(ledgerTypeOf("CallLogged")).toBe("CallLogged")
    expect(ledgerTypeOf("dev.outcome-ledger.DealWon")).toBe("DealWon")
    expect(ledgerTypeOf("com.example.CallLogged")).toBeUndefined()
    expect(ledgerTypeOf("dev.outcome-ledger.")).toBeUndefined()

    const mapped = toLedgerEvent(callCloudEvent({ type: "dev.outcome-ledger.CallLogged" }), structuredNames())
    expect(mapped).toMatchObject({
      ok: true,
      event: { type: "CallLogged", metadata: { cloudEvent: { type: "dev.outcome-ledger.CallLogged" } } },
    })
  })

  it("treats an attribute set to null as unset, and any JSON media type as JSON", () => {
    expect(
      toLedgerEvent(
        callCloudEvent({ subject: null, datacontenttype: "application/json; charset=utf-8" }),
        structuredNames(),
      ).ok,
    ).toBe(true)
    expect(
      toLedgerEvent(callCloudEvent({ datacontenttype: "application/vnd.acme.call+json" }), structuredNames()).ok,
    ).toBe(true)
  })

  it("requires time, explaining that the ledger needs the instant", () => {
    const { time: _time, ...withoutTime } = callCloudEvent()
    expect(issuesOf(withoutTime)).toEqual([
      { path: "time", message: expect.stringMatching(/required.*instant.*RFC 3339/) },
    ])
  })

  it("names every missing required attribute and says what each is for", () => {
    const issues = issuesOf({ data: callData })
    expect(issues.map((i) => i.path)).toEqual(["specversion", "id", "source", "type", "time"])
    expect(issues.find((i) => i.path === "id")?.message).toMatch(/idempotency key/)
    expect(issues.find((i) => i.path === "specversion")?.message).toMatch(/"1\.0"/)
  })

  it("refuses another specversion, empty ids, a non-JSON datacontenttype and binary data", () => {
    expect(issuesOf(callCloudEvent({ specversion: "0.3" }))).toEqual([
      { path: "specversion", message: expect.stringContaining('send "1.0"') },
    ])
    expect(issuesOf(callCloudEvent({ id: "" }))).toEqual([{ path: "id", message: "must not be empty" }])
    expect(issuesOf(callCloudEvent({ datacontenttype: "application/xml" }))).toEqual([
      { path: "datacontenttype", message: expect.stringContaining("JSON data only") },
    ])
    const { data: _data, ...withoutData } = callCloudEvent()
    expect(issuesOf({ ...withoutData, data_base64: "eyJ9" })).toEqual([
      { path: "data_base64", message: expect.stringContaining("not accepted") },
    ])
  })

  it("refuses an unknown type, telling both accepted forms", () => {
    const [issue] = issuesOf(callCloudEvent({ type: "com.example.call.logged" }))
    expect(issue).toEqual({ path: "type", message: expect.stringContaining("dev.outcome-ledger.CallLogged") })
  })

  it("points a sender of the ledger's own envelope to the CloudEvents attributes", () => {
    const issues = issuesOf(callCloudEvent({ occurredAt: "2026-11-02T14:05:00Z", idempotencyKey: "k1" }))
    expect(issues).toEqual([
      { path: "occurredAt", message: expect.stringContaining("`time`") },
      { path: "idempotencyKey", message: expect.stringContaining("`id` and `source`") },
    ])
  })

  it("refuses attribute names and extension values the CloudEvents type system does not allow", () => {
    const issues = issuesOf(
      callCloudEvent({
        "Bad-Name": "x",
        comexampleobject: { a: 1 },
        comexamplefraction: 1.5,
        comexamplecontrol: "a\u0000b",
      }),
    )
    expect(issues.map((i) => i.path)).toEqual([
      "Bad-Name",
      "comexampleobject",
      "comexamplefraction",
      "comexamplecontrol",
    ])
  })

  it("takes names of Object.prototype's members as ordinary names", () => {
    expect(issuesOf(callCloudEvent({ hasOwnProperty: 1, toString: "x" }))).toEqual([
      { path: "hasOwnProperty", message: expect.stringContaining("lowercase letters") },
      { path: "toString", message: expect.stringContaining("lowercase letters") },
    ])
    expect(toLedgerEvent(callCloudEvent({ constructor: "x" }), structuredNames())).toMatchObject({
      ok: true,
      event: { metadata: { cloudEvent: { extensions: { constructor: "x" } } } },
    })
  })

  it("refuses control characters in core attributes, which PostgreSQL could not store anyway", () => {
    expect(issuesOf(callCloudEvent({ source: "/dialer\u0000" }))).toEqual([
      { path: "source", message: expect.stringContaining("control characters") },
    ])
  })

  it("names the data's fields under data, and the instant under time, with the batch index", () => {
    const names = structuredNames(2)
    const issues = issuesOf(
      callCloudEvent({ time: "2026-11-02 14:05", data: { ...callData, durationSeconds: "long" } }),
      names,
    )
    expect(issues.map((i) => i.path)).toEqual(["[2].time"])
    expect(
      issuesOf(callCloudEvent({ data: { ...callData, durationSeconds: "long" } }), names).map((i) => i.path),
    ).toEqual(["[2].data.durationSeconds"])
    expect(issuesOf("not an object", names)).toEqual([{ path: "[2]", message: expect.stringContaining("JSON object") }])
  })

  it("names attributes by their header in binary mode, and the data by its fields", () => {
    expect(
      issuesOf(
        { specversion: "1.0", id: "e", source: "/s", type: "Nope", datacontenttype: "application/json", data: {} },
        binaryNames,
      ).map((i) => i.path),
    ).toEqual(["ce-time", "ce-type"])
    expect(issuesOf({ ...callCloudEvent(), datacontenttype: "text/plain" }, binaryNames).map((i) => i.path)).toEqual([
      "Content-Type",
    ])
    expect(issuesOf({ ...callCloudEvent(), data: { ...callData, repId: "" } }, binaryNames).map((i) => i.path)).toEqual(
      ["data.repId"],
    )
  })
})

describe("binary-mode headers", () => {
  it("decodes the spec's own example, Euro € 😀", () => {
    expect(decodeHeaderValue("Euro%20%E2%82%AC%20%F0%9F%98%80")).toEqual({ ok: true, value: "Euro € 😀" })
  })

  it("accepts lower-case hex and unnecessary encoding, and unquotes double-quoted values first", () => {
    expect(decodeHeaderValue("%e2%82%ac%41")).toEqual({ ok: true, value: "€A" })
    expect(decodeHeaderValue('"a \\"quoted\\" value%21"')).toEqual({ ok: true, value: 'a "quoted" value!' })
  })

  it("refuses the overlong %C0%A0, a stray percent, raw non-ASCII and an unclosed quote", () => {
    expect(decodeHeaderValue("%C0%A0")).toMatchObject({ ok: false, message: expect.stringContaining("UTF-8") })
    expect(decodeHeaderValue("100%")).toMatchObject({ ok: false, message: expect.stringContaining("%25") })
    expect(decodeHeaderValue("caf\u00e9")).toMatchObject({
      ok: false,
      message: expect.stringContaining("percent-encode"),
    })
    expect(decodeHeaderValue('"open')).toMatchObject({ ok: false, message: expect.stringContaining("never closed") })
  })

  it("reads every ce- header as an attribute, whatever the case of its name", () => {
    const headers = new Headers({
      "CE-SpecVersion": "1.0",
      "Ce-Id": "evt%201",
      "ce-source": "/dialer",
      "ce-comexampletenant": "acme",
      "content-type": "application/json",
    })
    expect(isBinaryCloudEvent(headers)).toBe(true)
    expect(cloudEventOfHeaders(headers)).toEqual({
      ok: true,
      attributes: { specversion: "1.0", id: "evt 1", source: "/dialer", comexampletenant: "acme" },
    })
    expect(isBinaryCloudEvent(new Headers({ "content-type": "application/json", "ce-comexampletenant": "acme" }))).toBe(
      false,
    )
  })

  it("refuses ce-datacontenttype (Content-Type says it) and names a badly encoded header", () => {
    expect(cloudEventOfHeaders(new Headers({ "ce-datacontenttype": "application/json", "ce-id": "%ZZ" }))).toEqual({
      ok: false,
      issues: [
        { path: "ce-datacontenttype", message: expect.stringContaining("Content-Type") },
        { path: "ce-id", message: expect.stringContaining("two hex digits") },
      ],
    })
  })
})
