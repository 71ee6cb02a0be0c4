/**
 * @module A request's `Content-Type`, read as RFC 9110 says: type, subtype and parameter names are
 * case-insensitive (`APPLICATION/JSON; Charset=UTF-8` is JSON in UTF-8), parameter values may be
 * quoted. Parsed by Node's WHATWG `MIMEType`, not by a pattern.
 *
 * @example
 * mediaTypeOf("APPLICATION/JSON; charset=latin1") // { essence: "application/json", charset: "latin1", … }
 * isUtf8Charset("UTF8")                           // true
 */
import { MIMEType } from "node:util"

export type MediaType = {
  /** `type/subtype`, lower case. */
  readonly essence: string
  readonly type: string
  readonly subtype: string
  /** The `charset` parameter as sent, when there is one. */
  readonly charset: string | undefined
}

/** The media type a `Content-Type` header names; `undefined` when there is none or it does not parse. */
export const mediaTypeOf = (header: string | undefined): MediaType | undefined => {
  if (header === undefined) return undefined
  try {
    const parsed = new MIMEType(header.trim())
    return {
      essence: parsed.essence,
      type: parsed.type,
      subtype: parsed.subtype,
      charset: parsed.params.get("charset") ?? undefined,
    }
  } catch {
    return undefined
  }
}

/** JSON: `application/json`, or any `application/…+json` (`application/cloudevents+json`). */
export const isJson = (mediaType: MediaType | undefined): boolean =>
  mediaType !== undefined &&
  mediaType.type === "application" &&
  (mediaType.subtype === "json" || mediaType.subtype.endsWith("+json"))

/**
 * Whether a charset label names UTF-8, under any of the labels the WHATWG Encoding standard gives it
 * (`utf-8`, `UTF8`, `unicode-1-1-utf-8`…); every body the ledger reads is UTF-8 text.
 */
export const isUtf8Charset = (label: string): boolean => {
  try {
    return new TextDecoder(label).encoding === "utf-8"
  } catch {
    return false
  }
}
