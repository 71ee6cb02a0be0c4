/**
 * @module What a body may hold before anything reads it: UTF-8 bytes (the offset of the first bad
 * one named, issue 21 item 7), JSON nested at most 64 levels (item 6), a media type compared without
 * regard to case and a UTF-8 charset (item 12); and, once parsed, no unpaired UTF-16 surrogate escape,
 * which is valid JSON but no Unicode text, and which PostgreSQL's json refuses.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { maxNesting } from "../events/storableText.js"
import { loneSurrogatePath } from "../src/http/body.js"
import { invalidUtf8Offset, jsonNestingOver, utf8Check } from "../src/http/bodyText.js"
import { isJson, isUtf8Charset, mediaTypeOf } from "../src/http/mediaType.js"

describe("finding an unpaired surrogate in a parsed JSON body", () => {
  it("names the member, the array index or the whole body that holds one", () => {
    expect(loneSurrogatePath(JSON.parse('{"events":[{"data":{"name":"ok"}},{"data":{"name":"\\ud800x"}}]}'))).toBe(
      "events[1].data.name",
    )
    expect(loneSurrogatePath(JSON.parse('{"data":{"\\udfff":1}}'))).toBe("data.\udfff")
    expect(loneSurrogatePath(JSON.parse('"\\udc00"'))).toBe("(body)")
  })

  it("passes valid pairs (emoji), plain text and every other JSON value", () => {
    expect(loneSurrogatePath(JSON.parse('{"name":"\\ud83d\\ude00 😀","n":1,"b":true,"z":null,"a":[]}'))).toBeUndefined()
  })

  it("walks a deeply nested body without overflowing the stack", () => {
    const deep = JSON.parse(`${"[".repeat(50_000)}"\\ud800"${"]".repeat(50_000)}`)
    expect(loneSurrogatePath(deep)).toMatch(/^(\[0\]){50000}$/)
  })
})

/** The nesting of a parsed JSON value: 0 for a scalar, 1 for `[]`, 2 for `[[]]` or `{"a":[]}`. */
const nestingOf = (value: unknown): number =>
  value !== null && typeof value === "object"
    ? 1 + Math.max(0, ...Object.values(value as Record<string, unknown>).map(nestingOf))
    : 0

describe("the bytes of a body: UTF-8 or refused, and where", () => {
  const strictUtf8 = new TextDecoder("utf-8", { fatal: true })
  const accepts = (bytes: Uint8Array) => {
    try {
      strictUtf8.decode(bytes)
      return true
    } catch {
      return false
    }
  }

  it("finds a bad byte exactly when the strict decoder refuses the bytes", () => {
    // Random bytes are mostly invalid; UTF-8 of random text mostly valid: both, and their splices.
    const text = (maxLength: number) =>
      fc
        .array(fc.oneof(fc.integer({ min: 0, max: 0x7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), { maxLength })
        .map((codePoints) => String.fromCodePoint(...codePoints))
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      text(20).map((valid) => new TextEncoder().encode(valid)),
      fc
        .tuple(text(10), fc.uint8Array({ maxLength: 4 }))
        .map(([valid, tail]) => Uint8Array.from([...new TextEncoder().encode(valid), ...tail])),
    )
    fc.assert(
      fc.property(bytes, (body) => {
        const offset = invalidUtf8Offset(body)
        expect(offset === undefined).toBe(accepts(body))
        // Everything before the offset is UTF-8; the sequence at the offset is not.
        if (offset !== undefined) expect(accepts(body.subarray(0, offset))).toBe(true)
      }),
      { numRuns: 3_000 },
    )
  })

  it("finds the same bad byte in a body that arrives in chunks, however it is cut", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc
        .array(fc.oneof(fc.integer({ min: 0, max: 0x7ff }), fc.integer({ min: 0xe000, max: 0x10ffff })), {
          maxLength: 20,
        })
        .map((codePoints) => new TextEncoder().encode(String.fromCodePoint(...codePoints))),
    )
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 6 }), (body, cuts) => {
        const at = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b)
        const chunks = [0, ...at].map((start, i) => body.subarray(start, [...at, body.length][i]))
        const check = utf8Check()
        for (const chunk of chunks) check.push(chunk)
        expect(check.end()).toBe(invalidUtf8Offset(body))
      }),
      { numRuns: 2_000 },
    )
  })

  it("names the offset of overlong forms, CESU-8 surrogates, code points past U+10FFFF and truncated sequences", () => {
    const at = (...bytes: number[]) => invalidUtf8Offset(Uint8Array.from([0x61, 0x62, ...bytes]))
    expect(at(0xc0, 0xaf)).toBe(2)
    expect(at(0xe0, 0x80, 0xaf)).toBe(2)
    expect(at(0xed, 0xa0, 0x80)).toBe(2)
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(2)
    expect(at(0xe2, 0x82)).toBe(2)
    expect(at(0xe2, 0x82, 0xac)).toBeUndefined() // €
    expect(at(0xf0, 0x9f, 0x98, 0x80)).toBeUndefined() // 😀
    expect(at(0xef, 0xbb, 0xbf)).toBeUndefined() // a byte-order mark is UTF-8
  })
})

describe("the nesting of a JSON body, counted before it is parsed", () => {
  it("is over a limit exactly when the parsed value nests deeper", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "large", maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (text, limit) => {
        expect(jsonNestingOver(text, limit)).toBe(nestingOf(JSON.parse(text)) > limit)
      }),
      { numRuns: 2_000 },
    )
  })

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(jsonNestingOver('{"a":"[[[[\\"[[[["}', 1)).toBe(false)
    expect(jsonNestingOver('[[["\\\\"]]]', 2)).toBe(true)
    expect(jsonNestingOver(`${"[".repeat(30_000)}${"]".repeat(30_000)}`, maxNesting)).toBe(true)
  })
})

describe("a request's media type", () => {
  it("is compared without regard to case, parameters included", () => {
    expect(mediaTypeOf("APPLICATION/JSON; Charset=latin1")).toEqual({
      essence: "application/json",
      type: "application",
      subtype: "json",
      charset: "latin1",
    })
    expect(isJson(mediaTypeOf('Application/CloudEvents+JSON; charset="UTF-8"'))).toBe(true)
    expect(isJson(mediaTypeOf("text/json"))).toBe(false)
    expect(mediaTypeOf("json")).toBeUndefined()
    expect(mediaTypeOf(";;;")).toBeUndefined()
  })

  it("knows UTF-8 by any of its labels, and nothing else as UTF-8", () => {
    for (const label of ["utf-8", "UTF-8", "utf8", "unicode-1-1-utf-8"]) expect(isUtf8Charset(label)).toBe(true)
    for (const label of ["latin1", "iso-8859-1", "utf-16", "us-ascii", "nonsense"])
      expect(isUtf8Charset(label)).toBe(false)
  })
})
