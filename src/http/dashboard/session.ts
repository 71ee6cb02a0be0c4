/**
 * @module The dashboard's sessions: an API key with the `read` scope (or `admin`), given once on the
 * sign-in form, exchanged for a random session id in an HttpOnly, SameSite=Strict cookie.
 *
 * The cookie never holds the key. The server keeps session id → key id in memory and looks the key
 * up again on every request, so revoking a key ends its sessions at once. Sessions live in this
 * process: a restart signs everyone out (they give their key again), and several API instances
 * behind a load balancer need sticky sessions for the dashboard. Nothing is written to the store.
 *
 * @example
 * const sessions = createSessionStore(sql)
 * const opened = await sessions.open(token) // { ok: true, sessionId, csrfToken, key } | { ok: false, reason }
 * await sessions.resolve(opened.sessionId)  // { key, csrfToken } while the key is active and the session fresh
 */
import { createHash, randomBytes } from "node:crypto"
import type { Context } from "hono"
import { deleteCookie, setCookie } from "hono/cookie"
import { type ApiKey, listApiKeys, verifyApiKey } from "../../store/apiKeys.js"
import type { SqlQueryable } from "../../store/sql.js"

export const sessionCookieName = "ledger_session"

/** A session ends after this long without a request… */
export const idleLimitMs = 12 * 60 * 60 * 1000
/** …and in any case this long after sign-in. */
export const lifetimeMs = 7 * 24 * 60 * 60 * 1000

type Session = { readonly keyId: string; readonly csrfToken: string; readonly openedAt: number; lastSeenAt: number }

/**
 * What a session stands for: its key as seen by the routes, with `read` as its scope, and `admin`
 * too when the key has it (the Keys view: an admin manages the API keys from the page), never
 * `ingest` alone (the page appends no event); and the token the page echoes on requests other than
 * GET (see `acceptSessionCookie` in src/http/auth.ts).
 */
export type ResolvedSession = { readonly key: ApiKey; readonly csrfToken: string }

export type OpenedSession =
  | ({ readonly ok: true; readonly sessionId: string } & ResolvedSession)
  | { readonly ok: false; readonly reason: "unknown_key" | "missing_read_scope"; readonly key?: ApiKey }

export type SessionStore = ReturnType<typeof createSessionStore>

/** The sessions of one server; `now` is a parameter so that tests can move the clock. */
export const createSessionStore = (db: SqlQueryable, options: { readonly now?: () => number } = {}) => {
  const now = options.now ?? Date.now
  // Stored by a hash of the id: a heap dump shows no cookie that could be replayed.
  const sessions = new Map<string, Session>()
  const hashOf = (sessionId: string) => createHash("sha256").update(sessionId).digest("base64url")

  const expired = (session: Session, at: number) =>
    at - session.lastSeenAt > idleLimitMs || at - session.openedAt > lifetimeMs

  const sweep = (at: number) => {
    for (const [id, session] of sessions) if (expired(session, at)) sessions.delete(id)
  }

  return {
    /** Checks `token` and opens a session for it when it is active and may read. */
    open: async (token: string): Promise<OpenedSession> => {
      const key = await verifyApiKey(db, token)
      if (key === undefined) return { ok: false, reason: "unknown_key" }
      if (!mayRead(key)) return { ok: false, reason: "missing_read_scope", key }
      const at = now()
      sweep(at)
      const sessionId = randomBytes(32).toString("base64url")
      const csrfToken = randomBytes(32).toString("base64url")
      sessions.set(hashOf(sessionId), { keyId: key.keyId, csrfToken, openedAt: at, lastSeenAt: at })
      return { ok: true, sessionId, csrfToken, key: sessionKey(key) }
    },

    /** The session's key as it is now; `undefined` once the session expired, ended, or the key was revoked or lost `read`. */
    resolve: async (sessionId: string): Promise<ResolvedSession | undefined> => {
      const id = hashOf(sessionId)
      const session = sessions.get(id)
      if (session === undefined) return undefined
      const at = now()
      if (expired(session, at)) {
        sessions.delete(id)
        return undefined
      }
      // The key table is small (a handful of keys per team): reading it whole keeps the one SQL of keys in apiKeys.ts.
      const key = (await listApiKeys(db)).find((k) => k.keyId === session.keyId && k.revokedAt === null)
      if (key === undefined || !mayRead(key)) {
        sessions.delete(id)
        return undefined
      }
      session.lastSeenAt = at
      return { key: sessionKey(key), csrfToken: session.csrfToken }
    },

    /** Ends a session (signing out); ending an unknown one is not an error. */
    end: (sessionId: string): void => {
      sessions.delete(hashOf(sessionId))
    },
  }
}

const mayRead = (key: ApiKey) => key.scopes.includes("read") || key.scopes.includes("admin")

const sessionKey = (key: ApiKey): ApiKey => ({
  ...key,
  scopes: key.scopes.includes("admin") ? ["read", "admin"] : ["read"],
})

/**
 * Whether the request reached us over https: directly, or through a proxy that terminated TLS and
 * says so. Trusting the header only ever adds `Secure`, which cannot weaken the cookie.
 */
const overHttps = (c: Context) =>
  new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https"

/** Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure over https. */
export const setSessionCookie = (c: Context, sessionId: string): void => {
  setCookie(c, sessionCookieName, sessionId, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: overHttps(c),
    maxAge: Math.floor(lifetimeMs / 1000),
  })
}

export const clearSessionCookie = (c: Context): void => {
  deleteCookie(c, sessionCookieName, { httpOnly: true, sameSite: "Strict", path: "/", secure: overHttps(c) })
}
