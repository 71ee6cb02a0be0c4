/**
 * @module Rate limits on the ingest routes: a token bucket per API key (per vendor and client
 * address on webhooks, which carry no key), checked before the body is read, so that a refused
 * request costs little and stores nothing. Answers `429` with `Retry-After`, and tells every
 * ingest answer where its client stands in `RateLimit-*` headers (IETF draft
 * `draft-ietf-httpapi-ratelimit-headers`, the separate-fields form).
 *
 * Written here rather than taken from `hono-rate-limiter`: its memory store counts fixed windows
 * (up to twice the limit across a window's edge) where a token bucket refills smoothly, it is not a
 * dependency, and a bucket is thirty lines (tokenBucket.ts).
 *
 * @example
 * app.use(rateLimitIngest({ perSecond: 50, burst: 100 }))
 */
import { createHash } from "node:crypto"
import { getConnInfo } from "@hono/node-server/conninfo"
import type { Context, MiddlewareHandler } from "hono"
import { type IngestRoute, ingestSourceOf } from "./ingestSource.js"
import { problem } from "./problem.js"
import { type BucketPolicy, tokenBuckets } from "./tokenBucket.js"

/**
 * Limits the ingest routes (others pass untouched); a `perSecond` of 0 turns the limit off.
 * The client is the bearer token (hashed: the bucket map holds no secret), else the client's address.
 */
export const rateLimitIngest = (policy: BucketPolicy, now: () => number = Date.now): MiddlewareHandler => {
  if (policy.perSecond === 0) return async (_c, next) => next()
  const buckets = tokenBuckets(policy)
  const policyHeader = `${policy.burst};w=${round(policy.burst / policy.perSecond)}`
  return async (c, next) => {
    const route = ingestSourceOf(c.req.method, c.req.path)
    if (route === undefined) return next()
    const take = buckets.take(clientOf(c, route), now())
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

const clientOf = (c: Context, route: IngestRoute): string => {
  if (route.webhook) return `webhook:${route.source}:${addressOf(c)}`
  const authorization = c.req.header("authorization")
  return authorization === undefined
    ? `address:${addressOf(c)}`
    : `key:${createHash("sha256").update(authorization).digest("base64url").slice(0, 22)}`
}

/** The peer's address (a proxy's, behind one); "unknown" off a Node socket (`app.request` in tests). */
const addressOf = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? "unknown"
  } catch {
    return "unknown"
  }
}

const round = (seconds: number) => Math.max(1, Math.round(seconds))
