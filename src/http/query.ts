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
