/**
 * @module Query parameters every route reads the same way. A number in a query is plain decimal
 * digits: `z.coerce.number()` read `limit=0x10` as 16 and `1e3` as 1000, and took ` 5`, `+5` and
 * `5.0` too, so that one request meant two things to two readers of it.
 *
 * @example
 * z.object({ limit: queryInteger({ min: 1, max: 5_000, default: 100 }) })
 */
import { z } from "@hono/zod-openapi"

const decimalDigits = /^(0|[1-9][0-9]*)$/

/**
 * A whole number in a query string: decimal digits only (no sign, no spaces, no leading zero, no
 * exponent, no hexadecimal), within `min`..`max`; `default` when the parameter is absent.
 */
export const queryInteger = (bounds: { readonly min: number; readonly max: number; readonly default: number }) =>
  z
    .string()
    .regex(
      decimalDigits,
      `must be a whole number written in decimal digits (no sign, spaces, leading zero or exponent), from ${bounds.min} to ${bounds.max}`,
    )
    .transform(Number)
    .pipe(z.number().min(bounds.min, `must be at least ${bounds.min}`).max(bounds.max, `must be at most ${bounds.max}`))
    .optional()
    .transform((value) => value ?? bounds.default)
    .openapi({ type: "integer", minimum: bounds.min, maximum: bounds.max, default: bounds.default })

/**
 * Parameters a read may one day take but does not yet: refused (never silently ignored, which
 * would answer today's figures to a question about another day), with what to do instead.
 */
const notYetSupported: Readonly<Record<string, string>> = {
  asOf: "asOf is not supported yet on this route: the answer is always as of now (every event in the ledger); leave it out, or use POST /v1/what-if/coverage, which replays the log as of an instant",
  asOfBy: "asOfBy is not supported yet (nor is asOf): leave it out",
}

/** Why a query parameter a route does not declare is refused. */
export const unknownQueryMessage = (name: string): string =>
  notYetSupported[name] ?? "unknown query parameter: this route does not take it; see /docs for the ones it does"

/**
 * A route's query schema that refuses parameters it does not declare (a 400 naming each one), so
 * that a misspelt `minActivites` is an error, not a default silently applied.
 *
 * @example
 * request: { query: knownQuery({ from: CalendarDate.optional() }) }
 */
export const knownQuery = <Shape extends z.ZodRawShape>(shape: Shape) => z.strictObject(shape)
