/**
 * @module Values PostgreSQL can store: its text and jsonb refuse the NUL character (U+0000), its
 * json refuses an unpaired UTF-16 surrogate (`"\ud800"`), though JSON's grammar and JavaScript
 * strings allow both, and its jsonb parser runs out of stack on values nested thousands of levels
 * deep. Checked before anything is appended, wherever a value comes in (the event API's body and
 * events, the webhooks' payloads), so that the sender gets a 400 naming the field rather than a 503
 * that invites retrying forever (found by test/fuzz.e2e.test.ts; the nesting by issue 21: an
 * authenticated Aircall payload 5,000 levels deep was a 503).
 *
 * @example
 * loneSurrogatePath(JSON.parse('{"data":{"name":"\\ud800"}}'))  // "data.name"
 * unstorableText({ CallSid: "a\u0000b" })                     // { path: "CallSid", message: "must not contain the NUL character (U+0000)" }
 */

/**
 * How deep arrays and objects may nest in anything the ledger reads or keeps: 64 levels, as .NET's
 * System.Text.Json allows by default. Ledger events nest 4 or 5 levels (a batch, an event, its
 * data, a list in it), and the vendors' payloads about as many.
 */
export const maxNesting = 64

/** A lone surrogate: with the `u` flag a valid pair is one code point, so only an unpaired half matches. */
const loneSurrogate = /\p{Surrogate}/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is this pattern's job
const nulOrLoneSurrogate = /[\u0000\p{Surrogate}]/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is this pattern's job
const everyNulOrLoneSurrogate = /[\u0000\p{Surrogate}]/gu

/** Where a text is that PostgreSQL cannot store, and why, in words for the sender. */
export type UnstorableText = { readonly path: string; readonly message: string }

type Found =
  | { readonly kind: "text"; readonly path: string; readonly text: string; readonly isName: boolean }
  | { readonly kind: "nesting"; readonly path: string }

/**
 * The first string or member name under `value` that matches `pattern` (its path, `events[1].data.name`,
 * `root` itself for a string at the top, and the text), or, with `nestingLimit`, the first array or
 * object nested deeper than that. Walks with its own stack, so that a deeply nested body cannot
 * overflow it.
 */
const firstTextMatching = (
  value: unknown,
  pattern: RegExp,
  root: string,
  nestingLimit = Number.POSITIVE_INFINITY,
): Found | undefined => {
  const pending: Array<readonly [unknown, string, number]> = [[value, root, 0]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, path, depth] = next
    if (typeof item === "string") {
      if (pattern.test(item)) return { kind: "text", path, text: item, isName: false }
    } else if (item !== null && typeof item === "object" && depth >= nestingLimit) {
      return { kind: "nesting", path }
    } else if (Array.isArray(item)) {
      for (const [index, element] of item.entries()) pending.push([element, `${path}[${index}]`, depth + 1])
    } else if (item !== null && typeof item === "object") {
      for (const [key, member] of Object.entries(item)) {
        const memberPath = path === "" ? key : `${path}.${key}`
        if (pattern.test(key)) return { kind: "text", path: memberPath, text: key, isName: true }
        pending.push([member, memberPath, depth + 1])
      }
    }
  }
  return undefined
}

/**
 * Where a parsed JSON value holds a string or member name with an unpaired UTF-16 surrogate
 * (`events[0].data.name`, `(body)` for the whole), or `undefined`.
 *
 * @example
 * loneSurrogatePath(JSON.parse('{"data":{"name":"\\ud800"}}')) // "data.name"
 */
export const loneSurrogatePath = (value: unknown): string | undefined => {
  const found = firstTextMatching(value, loneSurrogate, "")
  return found === undefined ? undefined : found.path === "" ? "(body)" : found.path
}

/**
 * A text made storable for a message kept about it (a rejection's reason quoting what was sent):
 * each NUL and unpaired surrogate replaced by U+FFFD, the replacement character.
 */
export const storableCopy = (text: string): string => text.replace(everyNulOrLoneSurrogate, "\uFFFD")

/**
 * The first text under `value` that PostgreSQL cannot store (a NUL, or an unpaired surrogate), or
 * the first array or object nested deeper than `maxNesting` levels, with its path below `root`
 * (`data.name`; `root` itself, or `(body)` when `root` is empty, for a value at the top) and what
 * to change; `undefined` when all of it is storable.
 *
 * @example
 * unstorableText({ name: "Ana\u0000" }, "data") // { path: "data.name", message: "must not contain the NUL character (U+0000)" }
 */
export const unstorableText = (value: unknown, root = ""): UnstorableText | undefined => {
  const found = firstTextMatching(value, nulOrLoneSurrogate, root, maxNesting)
  if (found === undefined) return undefined
  if (found.kind === "nesting")
    return {
      path: found.path === "" ? "(body)" : found.path,
      message: `nests arrays and objects deeper than ${maxNesting} levels; send a flatter value`,
    }
  const what = found.isName ? "must not have a member name containing" : "must not contain"
  return {
    path: found.path === "" ? "(body)" : found.path,
    message: found.text.includes("\u0000")
      ? `${what} the NUL character (U+0000)`
      : `${what} an unpaired UTF-16 surrogate (such as \\ud800), which is no Unicode character`,
  }
}
