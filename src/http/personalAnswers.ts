/**
 * @module Every answer's personal data, resolved at the edge: the one place the HTTP API turns the
 * log's tokens (`pd:…`, src/store/personalValues.ts) into the values kept for them, or into
 * `erased:…` once erased. The read model and the folds hold tokens; an answer without one is passed
 * through untouched (a scan for `pd:`, no query).
 */
import type { MiddlewareHandler } from "hono"
import { type Escape, resolvePersonal, resolveText } from "../store/resolvePersonal.js"
import type { SqlQueryable } from "../store/sql.js"

const html: Escape = (value) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

// A value inside a CSV cell may not open or close it: the separators it would need quoting for are
// spaced out (an email address, a phone number or a name seldom holds one).
const csv: Escape = (value) => value.replace(/[",\r\n]/g, " ")

/** Resolves the tokens in JSON, HTML, CSV and plain-text answers. */
export const resolvePersonalAnswers =
  (sql: SqlQueryable): MiddlewareHandler =>
  async (c, next) => {
    await next()
    const type = c.res.headers.get("content-type") ?? ""
    const json = /[/+]json\b/.test(type)
    if (c.res.body === null || !(json || /^text\/(html|csv|plain)/.test(type))) return
    const text = await c.res.clone().text()
    if (!text.includes("pd:")) return
    const resolved = json
      ? JSON.stringify(await resolvePersonal(sql, JSON.parse(text) as unknown))
      : await resolveText(sql, text, type.startsWith("text/html") ? html : type.startsWith("text/csv") ? csv : (v) => v)
    const headers = new Headers(c.res.headers)
    headers.delete("content-length")
    c.res = new Response(resolved, { status: c.res.status, headers })
  }
