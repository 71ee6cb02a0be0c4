/**
 * @module The instants vendors send, read one way for every connector: UNIX seconds (Aircall),
 * UNIX milliseconds (Dialpad) or ISO 8601 text (RingCentral, Calendly, Twilio's RFC 2822), to the
 * ledger's canonical `toISOString()` form, within the years 0001–9999 that PostgreSQL's timestamptz
 * and the event vocabulary (`events/fields.ts` `Instant`) hold.
 *
 * An absent or unreadable value is `undefined` (each connector falls back or refuses in its own
 * words); a value that reads as a number or a date but names no storable instant throws
 * `InstantOutOfRange`, which the connector answers as a 400 naming the field. Unchecked, Aircall's
 * `timestamp: 1e13` and Dialpad's `date_started: 1e20` threw a RangeError in `toISOString` (a 500,
 * found by test/fuzz.e2e.test.ts).
 *
 * @example
 * instantOfEpoch(1_762_092_300, "seconds", "timestamp") // "2025-11-02T14:05:00.000Z"
 * instantOfEpoch(1e13, "seconds", "timestamp")          // throws InstantOutOfRange
 */

const earliestMs = Date.parse("0001-01-01T00:00:00.000Z")
const latestMs = Date.parse("9999-12-31T23:59:59.999Z")

/** A field holds a number or a date that is no instant the ledger can store. */
export class InstantOutOfRange extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
  ) {
    super(
      `\`${field}\` (${String(value)}) is not an instant within the years 0001 to 9999 (UTC); send the vendor's own value unchanged`,
    )
  }
}

const storable = (ms: number, field: string, value: unknown): string => {
  if (!Number.isFinite(ms) || ms < earliestMs || ms > latestMs) throw new InstantOutOfRange(field, value)
  return new Date(ms).toISOString()
}

/**
 * A UNIX time, as a number or a string of digits, in seconds or milliseconds: `undefined` when
 * absent, not a number, or not positive (vendors send 0 or null for "not yet").
 */
export const instantOfEpoch = (value: unknown, unit: "seconds" | "milliseconds", field: string): string | undefined => {
  const count = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value
  if (typeof count !== "number" || Number.isNaN(count) || count <= 0) return undefined
  return storable(unit === "seconds" ? count * 1_000 : count, field, value)
}

/** A date in text (`Date.parse`: ISO 8601, RFC 2822): `undefined` when absent or unparsable. */
export const instantOfText = (value: unknown, field: string): string | undefined => {
  if (typeof value !== "string") return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : storable(ms, field, value)
}
