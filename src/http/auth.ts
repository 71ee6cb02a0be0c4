/**
 * @module Bearer API keys with scopes: `ingest` to write, `read` to read, `admin` for everything.
 * The dashboard's session cookie is accepted in place of the bearer header (see `acceptSessionCookie`).
 *
 * A request is authenticated once (`authenticate`, shared by the rate limit and the route). Failed
 * authentications are throttled per client network (clientAddress.ts): each unknown key, revoked
 * key or malformed header takes a token from the client's bucket of `failedAuthentications`, and a
 * client with none left is answered 429 before any key is looked up, so that a scan of random
 * tokens costs a lookup per second, not one per request. The buckets are bounded (tokenBucket.ts):
 * a scan from many addresses cannot grow memory.
 *
 * @example
 * app.use("/v1/events", requireScope(db, "ingest"))
 */
import { timingSafeEqual } from "node:crypto"
import type { Context, MiddlewareHandler } from "hono"
import { getCookie } from "hono/cookie"
import { type ApiKey, type Scope, verifyApiKey } from "../store/apiKeys.js"
import type { SqlQueryable } from "../store/sql.js"
import { credentialsOf } from "./authorization.js"
import { clientNetworkOf } from "./clientAddress.js"
import { type ProblemBody, problem } from "./problem.js"
import { type BucketPolicy, type TokenBuckets, tokenBuckets } from "./tokenBucket.js"

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

/**
 * How many failed authentications a client network may make: 30 at once, then one a second. A
 * client that mistypes its key, or a dialer retrying with a revoked one, stays far below it.
 */
export const failedAuthentications: BucketPolicy = { perSecond: 1, burst: 30 }

// Keyed by the store a server reads, like the session resolvers: one throttle per server.
const failureBuckets = new WeakMap<SqlQueryable, TokenBuckets>()

const failuresOf = (db: SqlQueryable): TokenBuckets => {
  let buckets = failureBuckets.get(db)
  if (buckets === undefined) failureBuckets.set(db, (buckets = tokenBuckets(failedAuthentications)))
  return buckets
}

/**
 * The 429 for a client that has used up its failed authentications, or `undefined`. Asked before
 * any key is looked up (the dashboard's sign-in asks it too).
 */
export const throttledAuthentication = (
  c: Context,
  db: SqlQueryable,
  nowMs = Date.now(),
): { readonly problem: ProblemBody; readonly headers: Record<string, string> } | undefined => {
  const peek = failuresOf(db).peek(clientNetworkOf(c), nowMs)
  if (peek.allowed) return undefined
  return {
    problem: {
      title: "Too many requests",
      status: 429,
      detail: `too many failed authentications from this address (${failedAuthentications.burst} at once, then ${failedAuthentications.perSecond} a second): no key was checked; retry after ${peek.retryAfterSeconds} s with a valid key`,
    },
    headers: { "retry-after": String(peek.retryAfterSeconds) },
  }
}

/** Counts a failed authentication against the request's client network. */
export const countFailedAuthentication = (c: Context, db: SqlQueryable, nowMs = Date.now()): void => {
  failuresOf(db).take(clientNetworkOf(c), nowMs)
}

/** Who a request is: a verified key, or the answer that refuses it. */
export type Authentication =
  | { readonly kind: "key"; readonly key: ApiKey }
  | { readonly kind: "refused"; readonly problem: ProblemBody; readonly headers?: Record<string, string> }

const challenge = { "www-authenticate": 'Bearer realm="outcome-ledger"' }

const unauthorized = (detail: string): Authentication => ({
  kind: "refused",
  problem: { title: "Unauthorized", status: 401, detail },
  headers: challenge,
})

// One authentication per request, whoever asks (the rate limit, then the route): one key lookup, one failure counted.
const authentications = new WeakMap<Request, Promise<Authentication>>()

/** The request's key (from its bearer token or its dashboard session), or why it has none. */
export const authenticate = (c: Context, db: SqlQueryable): Promise<Authentication> => {
  let authentication = authentications.get(c.req.raw)
  if (authentication === undefined) authentications.set(c.req.raw, (authentication = authenticateOnce(c, db)))
  return authentication
}

const authenticateOnce = async (c: Context, db: SqlQueryable): Promise<Authentication> => {
  const header = c.req.header("authorization")
  if (header === undefined) return authenticateSession(c, db)
  const throttled = throttledAuthentication(c, db)
  if (throttled !== undefined) return { kind: "refused", ...throttled }
  const credentials = credentialsOf(header)
  if (credentials.kind !== "bearer") {
    countFailedAuthentication(c, db)
    return unauthorized(
      credentials.kind === "other"
        ? `the ${credentials.scheme} scheme is not taken here: send an API key as \`Authorization: Bearer <key>\` (the first start saved an admin key in admin-key.txt in the data directory; \`ledger keys create\` makes more)`
        : "the Authorization header is not `Bearer <key>` (the scheme, one or more spaces, then the key): send an API key as `Authorization: Bearer <key>`",
    )
  }
  const key = await verifyApiKey(db, credentials.token)
  if (key === undefined) {
    countFailedAuthentication(c, db)
    return unauthorized("the API key is unknown or revoked")
  }
  return { kind: "key", key }
}

const authenticateSession = async (c: Context, db: SqlQueryable): Promise<Authentication> => {
  const session = await sessionCredentials(c, db)
  switch (session.kind) {
    case "none":
      return unauthorized(
        "send an API key as `Authorization: Bearer <key>`: the first start saved an admin key in admin-key.txt in the server's data directory (./data unless LEDGER_DATA_DIR says otherwise); a read-only key comes from `ledger keys create --name <who> --scopes read`, which works while the server runs",
      )
    case "ended":
      return unauthorized(
        "the dashboard session has expired, was signed out, or its API key was revoked; sign in again",
      )
    case "csrf_token_missing":
      return {
        kind: "refused",
        problem: {
          title: "Forbidden",
          status: 403,
          detail: `a ${c.req.method} authorised by the dashboard's session cookie must echo the session's token in the ${csrfHeader} header; API clients send a bearer key instead`,
        },
      }
    case "key":
      return { kind: "key", key: session.key }
  }
}

/** Requires a valid key carrying `scope` (an admin key carries every scope). */
export const requireScope =
  (db: SqlQueryable, scope: Scope): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async (c, next) => {
    const authentication = await authenticate(c, db)
    if (authentication.kind === "refused") return problem(c, authentication.problem, authentication.headers)
    const { key } = authentication
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
