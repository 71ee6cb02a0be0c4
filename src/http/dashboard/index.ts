/**
 * @module The dashboard: a page at `/` for people who would rather look than read JSON, its files
 * under `/ui/`, signing in and out (`/ui/session`), and the two summaries it needs beyond the read
 * API (`/ui/context`, `/ui/ingestion`). The page reads the ordinary `/v1` routes with its session
 * cookie, which `requireScope` accepts in place of a bearer key: on GET as it is, on other methods
 * only with the session's CSRF token echoed in `x-ledger-csrf` (src/http/auth.ts).
 *
 * Writes: the page appends no event (its POST to the what-if replay changes nothing); a session
 * carries the `read` scope, and `admin` when its key has it, for the Keys view (`/v1/keys`: create
 * and revoke API keys). Every request other than GET made with the cookie must echo the session's
 * token in `x-ledger-csrf`, which only a script of the page's own origin can read. The session
 * endpoints themselves refuse requests from another origin and accept only `application/json`
 * (which a cross-site form cannot send), so a third-party page can neither sign a visitor in under
 * its own key nor sign them out.
 *
 * @example
 * app.route("/", dashboardRoutes({ sql }))
 */
import { type Context, Hono } from "hono"
import { getCookie } from "hono/cookie"
import { z } from "zod"
import type { SqlQueryable } from "../../store/sql.js"
import {
  type AuthVariables,
  acceptSessionCookie,
  countFailedAuthentication,
  csrfHeader,
  requireScope,
  throttledAuthentication,
} from "../auth.js"
import { readJsonBody } from "../body.js"
import { problem } from "../problem.js"
import { type Asset, loadAssets, pageSecurityHeaders } from "./assets.js"
import { dashboardContext, ingestionStatus } from "./ledgerStatus.js"
import {
  clearSessionCookie,
  createSessionStore,
  type ResolvedSession,
  sessionCookieName,
  setSessionCookie,
} from "./session.js"

export type DashboardDeps = { readonly sql: SqlQueryable }

const sessionAnswer = ({ key, csrfToken }: ResolvedSession) => ({
  signedIn: true as const,
  key: { keyId: key.keyId, name: key.name, scopes: key.scopes },
  csrfToken,
  csrfHeader,
})

const SignIn = z.object({ key: z.string().trim().min(1, "paste an API key (olk_…) with the read scope") })

/** A request from a page of another origin (a browser always sends Origin on POST and DELETE). */
const fromAnotherOrigin = (c: Context): boolean => {
  const origin = c.req.header("origin")
  if (origin === undefined) return false
  try {
    return new URL(origin).host !== (c.req.header("host") ?? new URL(c.req.url).host)
  } catch {
    return true
  }
}

const refuseOtherOrigins = (c: Context) =>
  problem(c, {
    title: "Forbidden",
    status: 403,
    detail: "sessions are opened and closed only by the dashboard's own page (the Origin header names another site)",
  })

export const dashboardRoutes = ({ sql }: DashboardDeps) => {
  const app = new Hono<{ Variables: AuthVariables }>()
  const sessions = createSessionStore(sql)
  acceptSessionCookie(sql, { cookieName: sessionCookieName, resolve: sessions.resolve })
  const read = requireScope(sql, "read")
  let assets: Promise<ReadonlyMap<string, Asset>> | undefined

  const serveAsset = async (c: Context) => {
    assets ??= loadAssets()
    const asset = (await assets).get(c.req.path)
    if (asset === undefined)
      return problem(c, { title: "Not found", status: 404, detail: `the dashboard has no file ${c.req.path}` })
    return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
      "content-type": asset.contentType,
      "cache-control": asset.cacheControl,
      ...pageSecurityHeaders,
    })
  }

  app.get("/", serveAsset)

  /** Signs in: the key is checked once, then forgotten; the cookie carries a random session id. */
  app.post("/ui/session", async (c) => {
    if (fromAnotherOrigin(c)) return refuseOtherOrigins(c)
    const body = await readJsonBody(c, 4 * 1024)
    if (!body.ok) return body.response
    const parsed = SignIn.safeParse(body.value)
    if (!parsed.success) {
      return problem(c, {
        title: "Invalid request",
        status: 400,
        detail: `body.key: ${parsed.error.issues[0]?.message ?? "required"}`,
      })
    }
    // A key tried here is an authentication like any other: throttled, and counted when it fails.
    const throttled = throttledAuthentication(c, sql)
    if (throttled !== undefined) return problem(c, throttled.problem, throttled.headers)
    const opened = await sessions.open(parsed.data.key)
    if (!opened.ok && opened.reason === "unknown_key") countFailedAuthentication(c, sql)
    if (!opened.ok) {
      return opened.reason === "unknown_key"
        ? problem(c, {
            title: "Unauthorized",
            status: 401,
            detail:
              "that API key is unknown or revoked; check it, or create one with `ledger keys create --name dashboard --scopes read`",
          })
        : problem(c, {
            title: "Forbidden",
            status: 403,
            detail: `that key has scopes [${opened.key?.scopes.join(", ") ?? ""}]; the dashboard needs a key with the "read" scope`,
          })
    }
    setSessionCookie(c, opened.sessionId)
    return c.json(sessionAnswer(opened), 200)
  })

  /**
   * Who is signed in, and the token to echo on POSTs. Not being signed in is an answer here, not an
   * error (`signedIn: false`): the page asks this on every visit, and browsers log every 401 as an error.
   */
  app.get("/ui/session", async (c) => {
    const sessionId = getCookie(c, sessionCookieName)
    const session = sessionId === undefined ? undefined : await sessions.resolve(sessionId)
    c.header("cache-control", "no-store")
    return c.json(session === undefined ? { signedIn: false as const } : sessionAnswer(session), 200)
  })

  /** Signs out: ends the session and clears the cookie. */
  app.delete("/ui/session", (c) => {
    if (fromAnotherOrigin(c)) return refuseOtherOrigins(c)
    const sessionId = getCookie(c, sessionCookieName)
    if (sessionId !== undefined) sessions.end(sessionId)
    clearSessionCookie(c)
    return c.body(null, 204)
  })

  app.get("/ui/context", read, async (c) => c.json(await dashboardContext(sql, Date.now()), 200))
  app.get("/ui/ingestion", read, async (c) => c.json(await ingestionStatus(sql), 200))

  app.get("/ui/*", serveAsset)
  return app
}
