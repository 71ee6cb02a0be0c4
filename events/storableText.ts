/**
 * @module Text PostgreSQL can store: its text and jsonb refuse the NUL character (U+0000), and its
 * json refuses an unpaired UTF-16 surrogate (`"\ud800"`), though JSON's grammar and JavaScript
 * strings allow both. Checked before anything is appended, wherever text comes in (the event API's
 * body and events, the webhooks' payloads), so that the sender gets a 400 naming the field rather
 * than a 503 that invites retrying forever (found by test/fuzz.e2e.test.ts).
 *
 * @example
 * loneSurrogatePath(JSON.parse('{"data":{"name":"\\ud800"}}'))  // "data.name"
 * unstorableText({ CallSid: "a\u0000b" })                     // { path: "CallSid", message: "must not contain the NUL character (U+0000)" }
 */

/** A lone surrogate: with the `u` flag a valid pair is one code point, so only an unpaired half matches. */
const loneSurrogate = /\p{Surrogate}/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is this pattern's job
const nulOrLoneSurrogate = /[\u0000\p{Surrogate}]/u
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is this pattern's job
const everyNulOrLoneSurrogate = /[\u0000\p{Surrogate}]/gu

/** Where a text is that PostgreSQL cannot store, and why, in words for the sender. */
export type UnstorableText = { readonly path: string; readonly message: string }

/**
 * The first string or member name under `value` that matches `pattern`: its path (`events[1].data.name`,
 * `root` itself for a string at the top) and the text. Walks with its own stack, so that a deeply
 * nested body cannot overflow it.
 */
const firstTextMatching = (
  value: unknown,
  pattern: RegExp,
  root: string,
): { readonly path: string; readonly text: string; readonly isName: boolean } | undefined => {
  const pending: Array<readonly [unknown, string]> = [[value, root]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, path] = next
    if (typeof item === "string") {
      if (pattern.test(item)) return { path, text: item, isName: false }
    } else if (Array.isArray(item)) {
      for (const [index, element] of item.entries()) pending.push([element, `${path}[${index}]`])
    } else if (item !== null && typeof item === "object") {
      for (const [key, member] of Object.entries(item)) {
        const memberPath = path === "" ? key : `${path}.${key}`
        if (pattern.test(key)) return { path: memberPath, text: key, isName: true }
        pending.push([member, memberPath])
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
 * The first text under `value` that PostgreSQL cannot store (a NUL, or an unpaired surrogate), with
 * its path below `root` (`data.name`; `root` itself, or `(body)` when `root` is empty, for a string
 * at the top) and what to change; `undefined` when every text is storable.
 *
 * @example
 * unstorableText({ name: "Ana\u0000" }, "data") // { path: "data.name", message: "must not contain the NUL character (U+0000)" }
 */
export const unstorableText = (value: unknown, root = ""): UnstorableText | undefined => {
  const found = firstTextMatching(value, nulOrLoneSurrogate, root)
  if (found === undefined) return undefined
  const what = found.isName ? "must not have a member name containing" : "must not contain"
  return {
    path: found.path === "" ? "(body)" : found.path,
    message: found.text.includes("\u0000")
      ? `${what} the NUL character (U+0000)`
      : `${what} an unpaired UTF-16 surrogate (such as \\ud800), which is no Unicode character`,
  }
}
