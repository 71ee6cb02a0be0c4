/**
 * @module Bearer API keys with scopes: `ingest` to write, `read` to read, `admin` for everything.
 * The dashboard's session cookie is accepted in place of the bearer header (see `acceptSessionCookie`).
 *
 * @example
 * app.use("/v1/events", requireScope(db, "ingest"))
 */
import { timingSafeEqual } from "node:crypto"
import type { Context, MiddlewareHandler } from "hono"
import { getCookie } from "hono/cookie"
import { type ApiKey, type Scope, verifyApiKey } from "../store/apiKeys.js"
import type { SqlQueryable } from "../store/sql.js"
import { problem } from "./problem.js"

export type AuthVariables = { apiKey: ApiKey }

/**
 * How a browser session is found: the cookie it travels in, and the key it stands for with the token
 * the page must echo on other methods than GET (`undefined` when the session is unknown, expired,
 * or its key was revoked since).
 */
export type SessionResolver = {
  readonly cookieName: string
  resolve(sessionId: string): Promise<{ readonly key: ApiKey; readonly csrfToken: string } | undefined>
}

/** The header in which the dashboard's page echoes its session's CSRF token. */
export const csrfHeader = "x-ledger-csrf"

// Keyed by the store a server reads, so that several servers in one process (tests) keep apart.
const sessionResolvers = new WeakMap<SqlQueryable, SessionResolver>()

/**
 * Lets `requireScope(db, …)` accept a session cookie in place of the `Authorization` header. On GET
 * and HEAD the cookie suffices (SameSite=Strict keeps other sites from sending it, and reads change
 * nothing). On any other method the cookie alone is not enough: the browser attaches it to a
 * cross-site form post too, so the request must also carry the session's CSRF token in
 * `x-ledger-csrf`, which only a script of the page's own origin can read.
 */
export const acceptSessionCookie = (db: SqlQueryable, resolver: SessionResolver): void => {
  sessionResolvers.set(db, resolver)
}

type SessionCredentials =
  | { readonly kind: "none" }
  | { readonly kind: "ended" }
  | { readonly kind: "csrf_token_missing" }
  | { readonly kind: "key"; readonly key: ApiKey }

const sessionCredentials = async (c: Context, db: SqlQueryable): Promise<SessionCredentials> => {
  const resolver = sessionResolvers.get(db)
  const sessionId = resolver === undefined ? undefined : getCookie(c, resolver.cookieName)
  if (resolver === undefined || sessionId === undefined) return { kind: "none" }
  const session = await resolver.resolve(sessionId)
  if (session === undefined) return { kind: "ended" }
  if (c.req.method === "GET" || c.req.method === "HEAD") return { kind: "key", key: session.key }
  const echoed = Buffer.from(c.req.header(csrfHeader) ?? "")
  const expected = Buffer.from(session.csrfToken)
  return echoed.length === expected.length && timingSafeEqual(echoed, expected)
    ? { kind: "key", key: session.key }
    : { kind: "csrf_token_missing" }
}

/** Requires a valid key carrying `scope` (an admin key carries every scope). */
export const requireScope =
  (db: SqlQueryable, scope: Scope): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async (c, next) => {
    const header = c.req.header("authorization")
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
    const challenge = { "www-authenticate": 'Bearer realm="outcome-ledger"' }
    let key: ApiKey | undefined
    if (token === undefined) {
      const session: SessionCredentials = header === undefined ? await sessionCredentials(c, db) : { kind: "none" }
      switch (session.kind) {
        case "none":
          return problem(
            c,
            {
              title: "Unauthorized",
              status: 401,
              detail:
                "send an API key as `Authorization: Bearer <key>`: the first start saved an admin key in admin-key.txt in the server's data directory (./data unless LEDGER_DATA_DIR says otherwise); a read-only key comes from `ledger keys create --name <who> --scopes read`, which works while the server runs",
            },
            challenge,
          )
        case "ended":
          return problem(
            c,
            {
              title: "Unauthorized",
              status: 401,
              detail: "the dashboard session has expired, was signed out, or its API key was revoked; sign in again",
            },
            challenge,
          )
        case "csrf_token_missing":
          return problem(c, {
            title: "Forbidden",
            status: 403,
            detail: `a ${c.req.method} authorised by the dashboard's session cookie must echo the session's token in the ${csrfHeader} header; API clients send a bearer key instead`,
          })
        case "key":
          key = session.key
      }
    } else {
      key = await verifyApiKey(db, token)
      if (key === undefined) {
        return problem(
          c,
          { title: "Unauthorized", status: 401, detail: "the API key is unknown or revoked" },
          challenge,
        )
      }
    }
    if (!key.scopes.includes(scope) && !key.scopes.includes("admin")) {
      return problem(c, {
        title: "Forbidden",
        status: 403,
        detail: `this key has scopes [${key.scopes.join(", ")}]; this route needs "${scope}"`,
      })
    }
    c.set("apiKey", key)
    await next()
  }
