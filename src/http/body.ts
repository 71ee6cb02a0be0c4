/**
 * @module Reading a JSON request body: the content type, the size limit and the syntax, each
 * refused with its own status and a message that says what to send instead.
 */
import type { Context } from "hono"
import { loneSurrogatePath } from "../../events/storableText.js"
import { problem } from "./problem.js"

export type JsonBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly response: Response }

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(contentType)

/** Reads and parses a JSON body of at most `limitBytes`. */
export const readJsonBody = async (c: Context, limitBytes: number): Promise<JsonBody> => {
  const contentType = c.req.header("content-type")
  if (!isJson(contentType)) {
    return fail(c, {
      title: "Unsupported media type",
      status: 415,
      detail: `send the body as application/json (got ${contentType === undefined ? "no content type" : `"${contentType}"`})`,
    })
  }
  const text = await readBody(c, limitBytes)
  if (text === undefined) return tooLarge(c, limitBytes)
  if (text.trim() === "")
    return fail(c, { title: "Malformed JSON", status: 400, detail: "the request body is empty; send a JSON document" })
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return fail(c, {
      title: "Malformed JSON",
      status: 400,
      detail: `the request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    })
  }
  const unpaired = loneSurrogatePath(value)
  if (unpaired !== undefined) {
    return fail(c, {
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

/** The raw body as text, byte-exact (webhook signatures are computed over it), of at most `limitBytes`. */
export const readTextBody = async (
  c: Context,
  limitBytes: number,
): Promise<{ readonly ok: true; readonly text: string } | { readonly ok: false; readonly response: Response }> => {
  const text = await readBody(c, limitBytes)
  return text === undefined ? (tooLarge(c, limitBytes) as { ok: false; response: Response }) : { ok: true, text }
}

const fail = (c: Context, body: Parameters<typeof problem>[1]): JsonBody => ({ ok: false, response: problem(c, body) })

const tooLarge = (c: Context, limitBytes: number) =>
  fail(c, {
    title: "Payload too large",
    status: 413,
    detail: `the request body is over the limit of ${limitBytes} bytes; split it into smaller batches`,
  })

/**
 * The body as text, or `undefined` when it is over the limit. With a Content-Length within the limit
 * it is read whole (Node's parser reads no byte past the length it declared), through the server's
 * direct read: a web stream costs a Request object and a stream per request, a seventh of the time
 * of a single-event POST /v1/events (bench/ingest.ts, profiled). Without one (chunked), it is
 * streamed and cut off at the limit.
 */
const readBody = async (c: Context, limitBytes: number): Promise<string | undefined> => {
  const declaredHeader = c.req.header("content-length")
  const declared = declaredHeader === undefined ? Number.NaN : Number(declaredHeader)
  if (Number.isFinite(declared) && declared > limitBytes) return undefined
  return Number.isInteger(declared) && declared >= 0 ? c.req.text() : readLimited(c.req.raw, limitBytes)
}

/** The body as text, or `undefined` once it grows past the limit (whatever Content-Length claimed). */
const readLimited = async (request: Request, limitBytes: number): Promise<string | undefined> => {
  if (request.body === null) return ""
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
  return new TextDecoder().decode(Buffer.concat(chunks))
}
