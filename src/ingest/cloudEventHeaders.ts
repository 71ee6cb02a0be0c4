/**
 * @module CloudEvents binary mode: the `ce-*` headers of an HTTP request read back into attributes,
 * as the HTTP protocol binding 1.0.2 §3.1.3 says: the header is the attribute name prefixed with
 * `ce-` (header names are case-insensitive), its value a double-quoted string or not, then
 * percent-decoded once as UTF-8 (an invalid or overlong sequence such as `%C0%A0` is refused).
 *
 * @example
 * const read = cloudEventOfHeaders(request.headers)
 * if (read.ok) toLedgerEvent({ ...read.attributes, datacontenttype, data: body }, binaryNames)
 */
import type { EventIssue } from "../../events/index.js"

/** The attributes binary mode is recognised by: a request carrying any of these headers is a CloudEvent. */
export const binaryModeHeaders = ["ce-specversion", "ce-id", "ce-source", "ce-type"] as const

/** True when the headers carry a binary-mode CloudEvent (any of `binaryModeHeaders`). */
export const isBinaryCloudEvent = (headers: Headers): boolean => binaryModeHeaders.some((name) => headers.has(name))

export type HeaderAttributes =
  | { readonly ok: true; readonly attributes: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly issues: ReadonlyArray<EventIssue> }

/** Every `ce-*` header as an attribute, decoded; issues name the header. */
export const cloudEventOfHeaders = (headers: Headers): HeaderAttributes => {
  const attributes: Record<string, string> = {}
  const issues: EventIssue[] = []
  headers.forEach((value, name) => {
    const header = name.toLowerCase()
    if (!header.startsWith("ce-")) return
    const attribute = header.slice(3)
    if (attribute === "datacontenttype") {
      issues.push({
        path: header,
        message: "must not be sent in binary mode: the Content-Type header is the data's content type",
      })
      return
    }
    if (!/^[a-z0-9]+$/.test(attribute)) {
      issues.push({
        path: header,
        message: "is not a CloudEvents attribute header: after ce-, names are letters a-z and digits only",
      })
      return
    }
    const decoded = decodeHeaderValue(value)
    if (decoded.ok) attributes[attribute] = decoded.value
    else issues.push({ path: header, message: decoded.message })
  })
  return issues.length === 0 ? { ok: true, attributes } : { ok: false, issues }
}

export type DecodedValue =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly message: string }

/**
 * One header value as an attribute value: a double-quoted string is unquoted first (backslash
 * escapes included, RFC 7230 §3.2.6), then one round of percent-decoding, whose bytes must be UTF-8.
 *
 * @example
 * decodeHeaderValue("Euro%20%E2%82%AC%20%F0%9F%98%80") // { ok: true, value: "Euro € 😀" }
 */
export const decodeHeaderValue = (raw: string): DecodedValue => {
  const trimmed = raw.trim()
  const unquoted = trimmed.startsWith('"') ? unquote(trimmed) : { ok: true as const, value: trimmed }
  if (!unquoted.ok) return unquoted
  const bytes: number[] = []
  const text = unquoted.value
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 0x25) {
      const hex = text.slice(i + 1, i + 3)
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        return {
          ok: false,
          message: `has a "%" not followed by two hex digits at character ${i + 1}: encode a literal percent as %25`,
        }
      }
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else if (code >= 0x20 && code <= 0x7e) {
      bytes.push(code)
    } else {
      return {
        ok: false,
        message: `has a character outside printable ASCII at character ${i + 1}: percent-encode it as UTF-8 (e.g. € as %E2%82%AC)`,
      }
    }
  }
  try {
    return {
      ok: true,
      value: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(bytes)),
    }
  } catch {
    return {
      ok: false,
      message: "percent-decodes to bytes that are not valid UTF-8 (overlong or truncated sequences are refused)",
    }
  }
}

/** The content of a double-quoted string, its backslash escapes resolved. */
const unquote = (quoted: string): DecodedValue => {
  let value = ""
  for (let i = 1; i < quoted.length; i++) {
    const char = quoted[i] as string
    if (char === "\\") {
      if (i + 1 >= quoted.length - 1) break
      value += quoted[++i]
    } else if (char === '"') {
      return i === quoted.length - 1
        ? { ok: true, value }
        : { ok: false, message: "has text after its closing double quote" }
    } else {
      value += char
    }
  }
  return { ok: false, message: "opens a double-quoted string that is never closed" }
}
