/**
 * @module Reading a request body, the one way every route reads one: its media type and charset,
 * its size, its bytes as UTF-8 text, and (for JSON) its nesting and syntax, each refused with its
 * own status and a message that says what to send instead. The text is decoded strictly: a body
 * that is not UTF-8 is a 400, never mended with U+FFFD, so that a webhook's signature is checked
 * over exactly the bytes received (two different invalid bodies once decoded to one text, and one
 * signature validated both).
 *
 * @example
 * const body = await readJsonBody(c, bodyLimitBytes)
 * if (!body.ok) return body.response
 */
import type { Context } from "hono"
import { loneSurrogatePath, maxNesting } from "../../events/storableText.js"
import { invalidUtf8Offset, jsonNestingOver } from "./bodyText.js"
import { isJson, isUtf8Charset, mediaTypeOf } from "./mediaType.js"
import { type ProblemBody, problem } from "./problem.js"

/** A body refused: the answer to send, and the problem it holds (for the ingestion status). */
export type RefusedBody = { readonly ok: false; readonly response: Response; readonly problem: ProblemBody }

export type JsonBody = { readonly ok: true; readonly value: unknown } | RefusedBody
export type TextBody = { readonly ok: true; readonly text: string } | RefusedBody

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/**
 * Reads and parses a JSON body (`application/json` or any `application/…+json`, UTF-8) of at most
 * `limitBytes`, nested at most `maxNesting` levels. A leading byte-order mark is ignored, as
 * RFC 8259 §8.1 lets a parser do.
 */
export const readJsonBody = async (c: Context, limitBytes: number): Promise<JsonBody> => {
  const contentType = c.req.header("content-type")
  if (!isJson(mediaTypeOf(contentType))) {
    return refuse(c, {
      title: "Unsupported media type",
      status: 415,
      detail: `send the body as application/json (got ${contentType === undefined ? "no content type" : `"${contentType}"`})`,
    })
  }
  const read = await readTextBody(c, limitBytes)
  if (!read.ok) return read
  const text = read.text.charCodeAt(0) === 0xfeff ? read.text.slice(1) : read.text
  if (text.trim() === "")
    return refuse(c, {
      title: "Malformed JSON",
      status: 400,
      detail: "the request body is empty; send a JSON document",
    })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return refuse(c, {
      title: "Malformed JSON",
      status: 400,
      detail: `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    })
  }
  const unpaired = loneSurrogatePath(value)
  if (unpaired !== undefined) {
    return refuse(c, {
      title: "Malformed JSON",
      status: 400,
      detail: `the text at ${unpaired} holds an unpaired UTF-16 surrogate escape (such as \\ud800), which is no Unicode character and cannot be stored; send valid Unicode text`,
    })
  }
  return { ok: true, value }
}

// JSON's grammar lets `"\ud800"` through, but PostgreSQL's json refuses it: unchecked, the append
// failed as a 503 (found by test/fuzz.e2e.test.ts). The one check, shared with the event vocabulary.
export { loneSurrogatePath } from "../../events/storableText.js"

/**
 * The body as UTF-8 text, byte-exact (a byte-order mark is kept, and nothing is replaced: webhook
 * signatures are computed over it), of at most `limitBytes`. A `charset` other than UTF-8 is a
 * 415 naming it, bytes that are not UTF-8 a 400 naming the offset of the first bad one, and a body
 * declared as JSON that nests deeper than `maxNesting` levels a 400, before anything parses it.
 */
export const readTextBody = async (c: Context, limitBytes: number): Promise<TextBody> => {
  const mediaType = mediaTypeOf(c.req.header("content-type"))
  const charset = mediaType?.charset
  if (charset !== undefined && !isUtf8Charset(charset)) {
    return refuse(c, {
      title: "Unsupported media type",
      status: 415,
      detail: `the body is declared as charset "${charset}"; the ledger reads UTF-8 only: send it encoded as UTF-8 (charset=utf-8, or no charset)`,
    })
  }
  const bytes = await readBytes(c, limitBytes)
  if (bytes === undefined) {
    return refuse(c, {
      title: "Payload too large",
      status: 413,
      detail: `the request body is over the limit of ${limitBytes} bytes; split it into smaller batches`,
    })
  }
  let text: string
  try {
    text = strictUtf8.decode(bytes)
  } catch {
    const offset = invalidUtf8Offset(bytes) ?? 0
    return refuse(c, {
      title: "Malformed text",
      status: 400,
      detail: `the request body is not valid UTF-8: the byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, "0")} at offset ${offset} begins no UTF-8 character (an overlong form, an encoded surrogate, a truncated sequence or another encoding); send the text encoded as UTF-8`,
    })
  }
  if (isJson(mediaType) && jsonNestingOver(text, maxNesting)) {
    return refuse(c, {
      title: "Malformed JSON",
      status: 400,
      detail: `the JSON body nests arrays and objects deeper than ${maxNesting} levels, the most the ledger reads; send a flatter document`,
    })
  }
  return { ok: true, text }
}

const refuse = (c: Context, body: ProblemBody): RefusedBody => ({
  ok: false,
  response: problem(c, body),
  problem: body,
})

/**
 * The body's bytes, or `undefined` when it is over the limit. With a Content-Length within the
 * limit it is read whole (Node's parser reads no byte past the length it declared), through the
 * server's direct read: a web stream costs a Request object and a stream per request, a seventh of
 * the time of a single-event POST /v1/events (bench/ingest.ts, profiled). Without one (chunked),
 * it is streamed and cut off at the limit.
 */
const readBytes = async (c: Context, limitBytes: number): Promise<Uint8Array | undefined> => {
  const declaredHeader = c.req.header("content-length")
  const declared = declaredHeader === undefined ? Number.NaN : Number(declaredHeader)
  if (Number.isFinite(declared) && declared > limitBytes) return undefined
  return Number.isInteger(declared) && declared >= 0
    ? new Uint8Array(await c.req.arrayBuffer())
    : readLimited(c.req.raw, limitBytes)
}

/** The body's bytes, or `undefined` once they grow past the limit (whatever Content-Length claimed). */
const readLimited = async (request: Request, limitBytes: number): Promise<Uint8Array | undefined> => {
  if (request.body === null) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limitBytes) {
      await reader.cancel()
      return undefined
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}
