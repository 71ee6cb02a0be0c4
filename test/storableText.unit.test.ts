/**
 * Text PostgreSQL can store (events/storableText.ts): the one check, shared by the event API's body,
 * the event vocabulary and the webhooks, that finds a NUL (U+0000) or an unpaired UTF-16 surrogate
 * and names where it is.
 */
import { describe, expect, it } from "vitest"
import { parseEvent } from "../events/index.js"
import { loneSurrogatePath, maxNesting, storableCopy, unstorableText } from "../events/storableText.js"

describe("unstorableText", () => {
  it("names the first NUL or lone surrogate, in a value or a member name, below the root", () => {
    expect(unstorableText({ CallSid: "a\u0000b" })).toEqual({
      path: "CallSid",
      message: "must not contain the NUL character (U+0000)",
    })
    expect(unstorableText({ contact: { tags: ["ok", "x\udc00"] } }, "data")).toEqual({
      path: "data.contact.tags[1]",
      message: "must not contain an unpaired UTF-16 surrogate (such as \\ud800), which is no Unicode character",
    })
    expect(unstorableText({ "k\u0000": 1 })).toMatchObject({
      path: "k\u0000",
      message: expect.stringContaining("member name"),
    })
    expect(unstorableText("a\u0000", "the delivery key")).toMatchObject({ path: "the delivery key" })
    expect(unstorableText("\ud800")).toMatchObject({ path: "(body)" })
  })

  it("passes valid Unicode, emoji (a surrogate pair) included, and values that are not text", () => {
    expect(unstorableText({ name: "Ana 😀 \ud83d\ude00", n: 0, b: false, z: null, a: [] })).toBeUndefined()
  })
})

describe("loneSurrogatePath, the body's check", () => {
  it("finds lone surrogates only: a NUL is the event vocabulary's to name", () => {
    expect(loneSurrogatePath({ a: "x\u0000" })).toBeUndefined()
    expect(loneSurrogatePath({ a: ["\ud800"] })).toBe("a[0]")
  })
})

describe("storableCopy", () => {
  it("replaces each NUL and lone surrogate by U+FFFD, keeping pairs", () => {
    expect(storableCopy("a\u0000b\ud800c😀")).toBe("a\uFFFDb\uFFFDc😀")
  })
})

describe("parseEvent", () => {
  it("refuses a NUL in data or the idempotency key, naming the field", () => {
    const event = {
      type: "RepJoined",
      occurredAt: "2026-11-01T09:00:00Z",
      data: { repId: "ana", name: "Ana\u0000", role: "AE" },
    }
    expect(parseEvent(event)).toEqual({
      ok: false,
      issues: [{ path: "data.name", message: "must not contain the NUL character (U+0000)" }],
    })
    const keyed = { ...event, data: { ...event.data, name: "Ana" }, idempotencyKey: "k\u0000" }
    expect(parseEvent(keyed)).toMatchObject({ ok: false, issues: [{ path: "idempotencyKey" }] })
  })
})

describe("unstorableText and nesting", () => {
  /** `levels` arrays inside one another, around `inner`. */
  const nested = (levels: number, inner: unknown = 1): unknown =>
    Array.from({ length: levels }).reduce<unknown>((value) => [value], inner)

  it("keeps a value nested 64 levels and refuses 65, naming where the 65th begins", () => {
    expect(maxNesting).toBe(64)
    expect(unstorableText({ raw: nested(63) })).toBeUndefined() // the object and 63 arrays: 64 levels
    expect(unstorableText({ raw: nested(64) }, "metadata")).toEqual({
      path: `metadata.raw${"[0]".repeat(63)}`,
      message: "nests arrays and objects deeper than 64 levels; send a flatter value",
    })
  })

  it("walks a value nested 100,000 levels deep without overflowing the stack, and stops at the limit", () => {
    expect(unstorableText(nested(100_000))?.message).toMatch(/deeper than 64 levels/)
  })
})
