/**
 * @module Bearer API keys with scopes: `ingest` to write, `read` to read, `admin` for everything.
 *
 * @example
 * app.use("/v1/events", requireScope(db, "ingest"))
 */
import type { MiddlewareHandler } from "hono"
import { verifyApiKey, type ApiKey, type Scope } from "../store/apiKeys.js"
import type { SqlQueryable } from "../store/sql.js"
import { problem } from "./problem.js"

export type AuthVariables = { apiKey: ApiKey }

/** Requires a valid key carrying `scope` (an admin key carries every scope). */
export const requireScope =
  (db: SqlQueryable, scope: Scope): MiddlewareHandler<{ Variables: AuthVariables }> =>
  async (c, next) => {
    const header = c.req.header("authorization")
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
    const challenge = { "www-authenticate": 'Bearer realm="outcome-ledger"' }
    if (token === undefined) {
      return problem(
        c,
        { title: "Unauthorized", status: 401, detail: "send an API key as `Authorization: Bearer <key>` (create one with `ledger keys create`)" },
        challenge,
      )
    }
    const key = await verifyApiKey(db, token)
    if (key === undefined) {
      return problem(c, { title: "Unauthorized", status: 401, detail: "the API key is unknown or revoked" }, challenge)
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
