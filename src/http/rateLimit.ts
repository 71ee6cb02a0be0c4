/**
 * @module Rate limits on the ingest routes: a token bucket per API key (per vendor and client
 * network on webhooks, which carry no key), checked before the body is read, so that a refused
 * request costs little and stores nothing. Answers `429` with `Retry-After`, and tells every
 * ingest answer where its client stands in `RateLimit-*` headers (IETF draft
 * `draft-ietf-httpapi-ratelimit-headers`, the separate-fields form).
 *
 * A key's bucket is keyed by its verified key id (auth.ts authenticates the request once, for the
 * limit and the route alike): every spelling of its `Authorization` header, and its dashboard
 * session, draw on one bucket, and a token that is no key gets no bucket at all (it is refused,
 * and counted among the failed authentications of its client network).
 *
 * Written here rather than taken from `hono-rate-limiter`: its memory store counts fixed windows
 * (up to twice the limit across a window's edge) where a token bucket refills smoothly, it is not a
 * dependency, and a bucket is thirty lines (tokenBucket.ts).
 *
 * @example
 * app.use(rateLimitIngest({ perSecond: 50, burst: 100 }, sql))
 */
import type { Context, MiddlewareHandler } from "hono"
import type { SqlQueryable } from "../store/sql.js"
import { authenticate } from "./auth.js"
import { clientNetworkOf } from "./clientAddress.js"
import { type IngestRoute, ingestSourceOf } from "./ingestSource.js"
import { problem } from "./problem.js"
import { type BucketPolicy, tokenBuckets } from "./tokenBucket.js"

/**
 * Limits the ingest routes (others pass untouched); a `perSecond` of 0 turns the limit off. The
 * client is the verified key, else (webhooks) the vendor and the client's network; a request
 * without a valid key passes on to its route, which refuses it.
 */
export const rateLimitIngest = (
  policy: BucketPolicy,
  db: SqlQueryable,
  now: () => number = Date.now,
): MiddlewareHandler => {
  if (policy.perSecond === 0) return async (_c, next) => next()
  const buckets = tokenBuckets(policy)
  const policyHeader = `${policy.burst};w=${round(policy.burst / policy.perSecond)}`
  return async (c, next) => {
    const route = ingestSourceOf(c.req.method, c.req.path)
    if (route === undefined) return next()
    const client = await clientOf(c, route, db)
    if (client === undefined) return next()
    const take = buckets.take(client, now())
    const headers = {
      "RateLimit-Policy": policyHeader,
      "RateLimit-Limit": String(policy.burst),
      "RateLimit-Remaining": String(take.remaining),
      "RateLimit-Reset": String(take.resetSeconds),
    }
    if (!take.allowed) {
      return problem(
        c,
        {
          title: "Too many requests",
          status: 429,
          detail:
            `${route.webhook ? `webhooks from ${route.source} at this address` : "this API key"} sent more than ` +
            `${policy.perSecond} requests per second to the ingest routes (bursts up to ${policy.burst}); ` +
            `nothing was stored: retry after ${take.retryAfterSeconds} s, or send events in batches`,
        },
        { ...headers, "Retry-After": String(take.retryAfterSeconds) },
      )
    }
    for (const [name, value] of Object.entries(headers)) c.header(name, value)
    return next()
  }
}

const clientOf = async (c: Context, route: IngestRoute, db: SqlQueryable): Promise<string | undefined> => {
  if (route.webhook) return `webhook:${route.source}:${clientNetworkOf(c)}`
  const authentication = await authenticate(c, db)
  return authentication.kind === "key" ? `key:${authentication.key.keyId}` : undefined
}

const round = (seconds: number) => Math.max(1, Math.round(seconds))
