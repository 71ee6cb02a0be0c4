/**
 * Vendor instants read one way (src/ingest/webhooks/instants.ts): UNIX seconds, UNIX milliseconds and
 * dates in text become the ledger's ISO form when they name an instant within the years 0001–9999;
 * absent or unreadable values are `undefined`; a number or date past that range names its field.
 */
import { describe, expect, it } from "vitest"
import { InstantOutOfRange, instantOfEpoch, instantOfText } from "../src/ingest/webhooks/instants.js"

describe("UNIX times", () => {
  it("reads seconds and milliseconds, as numbers or digits, to the same instant", () => {
    // 2026-11-02T14:00:00Z is 1_793_628_000 s after the epoch (20_759 days × 86_400 s + 14 h).
    expect(20_759 * 86_400 + 14 * 3_600).toBe(1_793_628_000)
    expect(instantOfEpoch(1_793_628_000, "seconds", "timestamp")).toBe("2026-11-02T14:00:00.000Z")
    expect(instantOfEpoch("1793628000000", "milliseconds", "date_started")).toBe("2026-11-02T14:00:00.000Z")
  })

  it("leaves absent, zero, negative and non-numeric values undefined: vendors send 0 or null for 'not yet'", () => {
    for (const value of [undefined, null, 0, -5, "soon", "", true, {}])
      expect(instantOfEpoch(value, "seconds", "started_at")).toBeUndefined()
  })

  it("refuses what no Date or timestamptz holds, naming the field: past year 9999, or not finite", () => {
    // 9999-12-31T23:59:59Z is 253_402_300_799 s; one second later is year 10000.
    expect(instantOfEpoch(253_402_300_799, "seconds", "t")).toBe("9999-12-31T23:59:59.000Z")
    expect(() => instantOfEpoch(253_402_300_800, "seconds", "t")).toThrow(InstantOutOfRange)
    expect(() => instantOfEpoch(1e13, "seconds", "timestamp")).toThrow("`timestamp` (10000000000000)")
    expect(() => instantOfEpoch(1e20, "milliseconds", "date_started")).toThrow("`date_started`")
    expect(() => instantOfEpoch(Number.POSITIVE_INFINITY, "milliseconds", "date_ended")).toThrow(
      "`date_ended` (Infinity)",
    )
  })
})

describe("dates in text", () => {
  it("reads ISO 8601 and RFC 2822 (Twilio's Timestamp) to UTC", () => {
    expect(instantOfText("2026-11-02T15:00:00+01:00", "body.eventTime")).toBe("2026-11-02T14:00:00.000Z")
    expect(instantOfText("Mon, 02 Nov 2026 14:00:00 +0000", "Timestamp")).toBe("2026-11-02T14:00:00.000Z")
  })

  it("leaves absent and unparsable text undefined", () => {
    for (const value of [undefined, 42, "", "yesterday"]) expect(instantOfText(value, "created_at")).toBeUndefined()
  })

  it("refuses a parsable date outside the years 0001–9999, naming the field", () => {
    expect(() => instantOfText("0000-06-01T00:00:00Z", "created_at")).toThrow("`created_at` (0000-06-01T00:00:00Z)")
    expect(() => instantOfText("+010000-01-01T00:00:00Z", "body.eventTime")).toThrow("`body.eventTime`")
    expect(instantOfText("0001-01-01T00:00:00Z", "created_at")).toBe("0001-01-01T00:00:00.000Z")
  })
})
