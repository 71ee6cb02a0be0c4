/**
 * The content-hash idempotency key (src/ingest/idempotencyKey.ts): its text is a contract with every
 * event already stored under it, so the sorted copy that writes it now must give exactly what the first
 * definition gave, the replacer below, for any JSON a request can carry.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { canonicalJson, contentKey } from "../src/ingest/idempotencyKey.js"

/** The first definition of the keys' text: each object rebuilt with its entries sorted. */
const firstDefinition = (value: unknown): string | undefined =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  )

/** Member names a JS object orders on its own (array indices, and numbers just past them), beside any string. */
const memberName = fc.oneof(
  fc.string(),
  fc.constantFrom(
    "0",
    "1",
    "2",
    "10",
    "01",
    "-1",
    "1.5",
    "1e3",
    "4294967294",
    "4294967295",
    "9007199254740993",
    "__proto__",
    "B",
    "a",
    "é",
    "😀",
  ),
  fc.nat().map(String),
)

const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ unit: "binary" }),
    fc.array(tie("value")),
    fc.dictionary(memberName, tie("value")),
  ),
})).value

describe("canonicalJson", () => {
  it("is the first definition's text for any JSON value, member names that are numbers included", () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(value)).toBe(firstDefinition(value))
      }),
      { numRuns: 2_000 },
    )
  })

  it("leaves out undefined members and writes undefined in an array as null, as JSON does", () => {
    const value = { b: undefined, a: [undefined, 1], c: { z: 1, y: undefined } }
    expect(canonicalJson(value)).toBe('{"a":[null,1],"c":{"z":1}}')
    expect(canonicalJson(value)).toBe(firstDefinition(value))
  })

  it("writes what is not plain data (a Date) as the first definition did", () => {
    const value = { at: new Date("2026-11-02T14:05:00Z"), n: { b: 2, a: 1 } }
    expect(canonicalJson(value)).toBe(firstDefinition(value))
  })
})

describe("contentKey", () => {
  it("is the key stored events already carry (a fixed event's key, as the first definition made it)", () => {
    const event = {
      type: "CallLogged",
      occurredAt: "2026-11-02T14:05:00Z",
      data: {
        repId: "ana",
        callId: "c-1",
        durationSeconds: 95,
        direction: "outbound",
        disposition: "connected",
        tags: ["b", "a"],
        "10": 1,
        "2": { z: null, a: [1, { y: 2, x: 3 }] },
      },
    }
    expect(contentKey(event)).toBe("sha256:21427df23d5354dd66d05419ebe26de0735a47359de2ea5ca80a019f8d7185a4")
  })

  it("is the same for the same content with its members in another order", () => {
    expect(contentKey({ type: "T", occurredAt: "2026-01-01T00:00:00Z", data: { a: 1, b: [2, { d: 4, c: 3 }] } })).toBe(
      contentKey({ occurredAt: "2026-01-01T00:00:00Z", data: { b: [2, { c: 3, d: 4 }], a: 1 }, type: "T" } as never),
    )
  })
})
