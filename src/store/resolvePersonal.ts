/**
 * @module The one resolver of tokens (personalValues.ts): every reader that hands data out of the
 * ledger (the HTTP answers, `ledger events export`, archives, the CLI) reads personal values through
 * it, and the folds never do. A token whose value is kept reads as the value (a vendor payload as
 * the object it was); an erased or expired one reads as `erased:<12 hex digits>`, the same each time.
 *
 * @example
 * const events = await resolvePersonal(db, page) // `pd:…` tokens in them read as their values
 */
import { erasedReading, tokenPattern } from "./personalValues.js"
import type { SqlQueryable } from "./sql.js"

type Kept = { readonly value: string; readonly raw: boolean }

/** The kept values of `tokens`, one statement (absent: erased, or expired). */
const keptValues = async (db: SqlQueryable, tokens: ReadonlySet<string>): Promise<ReadonlyMap<string, Kept>> => {
  if (tokens.size === 0) return new Map()
  const rows = await db.query<{ token: string; value: string; raw: boolean }>(
    "select token, value, raw from ledger_personal_values where token = any($1::text[])",
    [[...tokens]],
  )
  return new Map(rows.map((row) => [row.token, { value: row.value, raw: row.raw }]))
}

/** The tokens in a text. */
export const tokensIn = (text: string): ReadonlySet<string> => new Set(text.match(tokenPattern) ?? [])

/** How a value is written into the text around a token: JSON string content, HTML, CSV… */
export type Escape = (value: string) => string

/**
 * `text` with every token replaced by its value, written with `write`; the same text (and no query)
 * when it holds no token.
 */
export const resolveText = async (db: SqlQueryable, text: string, write: Escape = (v) => v): Promise<string> => {
  if (!text.includes("pd:")) return text
  const tokens = tokensIn(text)
  if (tokens.size === 0) return text
  const kept = await keptValues(db, tokens)
  return text.replace(tokenPattern, (token) => write(kept.get(token)?.value ?? erasedReading(token)))
}

/**
 * A JSON value with every token resolved: a string that is a payload's token becomes the payload,
 * a token inside a string its value. The same value (and no query) when it holds no token.
 */
export const resolvePersonal = async <A>(db: SqlQueryable, value: A): Promise<A> => {
  const json = JSON.stringify(value)
  if (json === undefined || !json.includes("pd:")) return value
  const tokens = tokensIn(json)
  if (tokens.size === 0) return value
  const kept = await keptValues(db, tokens)
  return resolveWith(kept, value) as A
}

const resolveWith = (kept: ReadonlyMap<string, Kept>, value: unknown): unknown => {
  if (typeof value === "string") {
    if (!value.includes("pd:")) return value
    const whole = kept.get(value)
    if (whole?.raw === true) return JSON.parse(whole.value) as unknown
    return value.replace(tokenPattern, (token) => kept.get(token)?.value ?? erasedReading(token))
  }
  if (Array.isArray(value)) return value.map((item) => resolveWith(kept, item))
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {}
    for (const [name, member] of Object.entries(value)) {
      Object.defineProperty(copy, name, {
        value: resolveWith(kept, member),
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return copy
  }
  return value
}
