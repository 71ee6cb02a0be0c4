/**
 * @module Values of JSON Schemas for the fuzz test: valid most of the time (ids a real client would
 * use, so that some requests get through to the store's rules), each value sometimes spoiled with
 * strings and JSON that have broken servers before.
 */
import fc from "fast-check"

export type JsonSchema = { readonly [keyword: string]: unknown }

/** Ids a valid event would use, so that some generated events are accepted and reach the store's rules. */
export const plausibleId = fc.constantFrom("ana", "bea", "acme", "deal-1", "call-1", "m-1", "c-1", "2026-Q4", "2026-11")

/** Strings that have broken parsers before: prototype names, traversal, encodings, NUL, lone surrogates, huge numbers. */
export const nastyString = fc.constantFrom(
  "",
  " ",
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "..",
  "../../package.json",
  "%",
  "%zz",
  "%C0%A0",
  "%00",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "😀",
  "\u202e",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  "99999999999999999999999",
  "0x10",
  "2026-02-30T25:61:00Z",
  "2026-11-02T14:05:00Z",
  "2026-11-02",
  "9999-12-31T23:59:59Z",
  "0000-01-01T00:00:00Z",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  '"; DROP TABLE events; --',
  "x".repeat(5000),
)

/** Instants at the edges of what JavaScript, zod and PostgreSQL each accept. */
export const boundaryInstant = fc.constantFrom(
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00+01:00",
  "0001-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "9999-12-31T23:59:59-14:00",
  "2026-11-02T14:05:00+14:00",
  "2026-11-02T14:05:00.123456789Z",
  "2026-11-02t14:05:00z",
  "2026-11-02T14:05:00",
  "2026-11-02T24:00:00Z",
)

export const anyText = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: "grapheme" }) },
  { weight: 2, arbitrary: plausibleId },
)

/** Any JSON value, with member names that have meant something to JavaScript. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2),
    anyText,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(nastyString, fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 4 }),
  ),
})).value

/**
 * Values of a JSON Schema (as zod and the OpenAPI generator write them), valid most of the time,
 * each value sometimes replaced by something hostile.
 */
export const fromSchema = (
  schema: JsonSchema | undefined,
  components: Record<string, JsonSchema> = {},
  depth = 0,
): fc.Arbitrary<unknown> => {
  const spoil = (valid: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: anyJson })
  if (schema === undefined || depth > 6) return anyJson
  const ref = schema.$ref
  if (typeof ref === "string") return fromSchema(components[ref.split("/").at(-1) as string], components, depth + 1)
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((s) => fromSchema(s, components, depth + 1)))
  if ("const" in schema) return spoil(fc.constant(schema.const))
  if (Array.isArray(schema.enum)) return spoil(fc.constantFrom(...(schema.enum as unknown[])))
  switch (schema.type) {
    case "string":
      if (schema.format === "date-time") {
        return spoil(
          fc.oneof(
            {
              weight: 5,
              arbitrary: fc
                .date({ min: new Date("2025-01-01"), max: new Date("2027-01-01"), noInvalidDate: true })
                .map((d) => d.toISOString()),
            },
            { weight: 1, arbitrary: boundaryInstant },
          ),
        )
      }
      if (schema.format === "date") return spoil(fc.constantFrom("2026-11-02", "2026-12-31", "2027-02-29"))
      return spoil(fc.oneof({ weight: 3, arbitrary: plausibleId }, { weight: 1, arbitrary: anyText }))
    case "integer": {
      const min = typeof schema.minimum === "number" ? schema.minimum : -5
      return spoil(
        fc.oneof(
          {
            weight: 8,
            arbitrary: fc.integer({ min, max: typeof schema.maximum === "number" ? schema.maximum : min + 10_000 }),
          },
          // Past what a Date can hold (8.64e15 ms), past year 9999 in seconds or milliseconds, unsafe, negative.
          { weight: 1, arbitrary: fc.constantFrom(1e13, 3e11, 1e20, 2 ** 53 + 2, -1, 0) },
        ),
      )
    }
    case "number":
      return spoil(fc.double({ min: 0, max: 1e6, noNaN: true }))
    case "boolean":
      return spoil(fc.boolean())
    case "array":
      return spoil(fc.array(fromSchema(schema.items as JsonSchema, components, depth + 1), { maxLength: 3 }))
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
      const required = (schema.required ?? []) as string[]
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, fromSchema(s, components, depth + 1)])),
        { requiredKeys: required.filter((name) => name in properties) },
      )
      // Sometimes a member too many, sometimes one dropped.
      return spoil(
        fc
          .tuple(
            record,
            fc.option(fc.tuple(nastyString, anyJson)),
            fc.option(fc.constantFrom(...(required.length > 0 ? required : ["-"]))),
          )
          .map(([value, extra, dropped]) => {
            const object: Record<string, unknown> = { ...(value as object) }
            if (extra !== null)
              Object.defineProperty(object, extra[0], {
                value: extra[1],
                enumerable: true,
                configurable: true,
                writable: true,
              })
            if (dropped !== null) delete object[dropped]
            return object
          }),
      )
    }
    default:
      return anyJson
  }
}
