/**
 * @module Field schemas shared by every event type: ids, instants, amounts, enumerations.
 */
import { z } from "zod"

/** An id chosen by the sender (a CRM id, a dialer id): any non-empty string without surrounding spaces. */
export const Id = z
  .string()
  .min(1, "must be a non-empty id")
  .max(200, "must be at most 200 characters")
  .refine((s) => s.trim() === s, "must not start or end with spaces")

/**
 * An ISO 8601 instant with a time zone or offset, e.g. `2026-11-02T14:05:00Z`, within the years
 * 0001–9999 in UTC: PostgreSQL's timestamptz refuses year 0000, and an offset can push
 * 9999-12-31T23:59:59-14:00 into year 10000 (both were 503s before, found by test/fuzz.e2e.test.ts).
 */
export const Instant = z.iso
  .datetime({
    offset: true,
    message: "must be an ISO 8601 instant with a time zone, e.g. 2026-11-02T14:05:00Z",
  })
  .refine((text) => {
    const year = new Date(text).getUTCFullYear()
    return year >= 1 && year <= 9999
  }, "must fall within the years 0001 to 9999 (UTC)")

/**
 * A calendar date, `YYYY-MM-DD`, within the years 0001–9999 like `Instant` (the format admits
 * 0000, which the calendar of projections/periods.ts and PostgreSQL's date do not hold).
 */
export const CalendarDate = z.iso
  .date({ message: "must be a date as YYYY-MM-DD" })
  .refine((text) => !text.startsWith("0000"), "must fall within the years 0001 to 9999")

/**
 * The largest amount of money an event carries: 10^12 (a trillion) in the deal's or quota's
 * currency, past any single deal or quota. Bounded so that every sum of amounts stays finite and
 * close: two won deals of 1e308 summed to Infinity, and a rep's won value came out as 0. A sum of n
 * amounts stays below n × 10^12, far from overflow for any number of deals, with a relative
 * rounding error below n × 2^-53 (10^-10 for a million deals); totals below 2^53 / 100 (about
 * 9 × 10^13) hold every cent exactly.
 */
export const maxAmount = 1_000_000_000_000

/** A money amount in the deal's currency: finite, not negative, at most `maxAmount`. */
export const Amount = z
  .number()
  .finite()
  .nonnegative()
  .max(maxAmount, `must be at most ${maxAmount} (10^12, a trillion) in the deal's currency`)

/** ISO 4217 currency code. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD or EUR")

export const DealSource = z.enum(["outbound", "inbound", "referral"])
