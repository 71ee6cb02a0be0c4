/**
 * @module Token buckets, one per client: each holds up to `burst` tokens, refilled at `perSecond`;
 * a request takes one or is refused with the wait until the next. Pure: the time is an argument.
 *
 * @example
 * const buckets = tokenBuckets({ perSecond: 10, burst: 20 })
 * const take = buckets.take("key:3f2a…", Date.now())
 * if (!take.allowed) answer429(take.retryAfterSeconds)
 */

export type BucketPolicy = {
  /** Tokens added per second (the sustained rate). */
  readonly perSecond: number
  /** Most tokens a bucket holds (the burst a quiet client may send at once). */
  readonly burst: number
}

export type Take = {
  readonly allowed: boolean
  /** Whole tokens left after this request. */
  readonly remaining: number
  /** When refused: seconds until a token is there (at least 1). 0 when allowed. */
  readonly retryAfterSeconds: number
  /** Seconds until the bucket is full again. */
  readonly resetSeconds: number
}

export type TokenBuckets = {
  /** Takes one token from `client`'s bucket at `nowMs`, if it holds one. */
  take(client: string, nowMs: number): Take
  /** What `take` would answer at `nowMs`, without taking a token or keeping a bucket for a new client. */
  peek(client: string, nowMs: number): Take
  /** How many clients have a bucket (never more than `maxClients`). */
  readonly size: number
}

type Bucket = { tokens: number; updatedAtMs: number }

/**
 * Buckets for many clients under one policy. At most `maxClients` buckets are kept: past that, full
 * buckets are dropped, then the least recently used (which then starts full again: under a flood of
 * new clients the limit loosens rather than memory growing without bound).
 */
export const tokenBuckets = (
  policy: BucketPolicy,
  { maxClients = 10_000 }: { readonly maxClients?: number } = {},
): TokenBuckets => {
  if (!(policy.perSecond > 0) || !(policy.burst >= 1)) {
    throw new RangeError(`a token bucket needs perSecond > 0 and burst >= 1 (got ${policy.perSecond}, ${policy.burst})`)
  }
  const buckets = new Map<string, Bucket>()

  const refilled = (bucket: Bucket | undefined, nowMs: number): number =>
    bucket === undefined
      ? policy.burst
      : Math.min(policy.burst, bucket.tokens + (Math.max(0, nowMs - bucket.updatedAtMs) / 1000) * policy.perSecond)

  const makeRoom = (nowMs: number) => {
    for (const [client, bucket] of buckets) if (refilled(bucket, nowMs) >= policy.burst) buckets.delete(client)
    // Map order is insertion order, and `take` re-inserts what it touches: the first are the least recent.
    for (const client of buckets.keys()) {
      if (buckets.size < maxClients) break
      buckets.delete(client)
    }
  }

  /** The answer for a bucket holding `tokens` before the request, and the tokens it then holds. */
  const answer = (tokens: number): Take & { readonly left: number } => {
    const allowed = tokens >= 1
    const left = allowed ? tokens - 1 : tokens
    return {
      allowed,
      left,
      remaining: Math.floor(left),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - left) / policy.perSecond)),
      resetSeconds: Math.ceil((policy.burst - left) / policy.perSecond),
    }
  }

  return {
    take: (client, nowMs) => {
      const { left, ...take } = answer(refilled(buckets.get(client), nowMs))
      buckets.delete(client)
      if (buckets.size >= maxClients) makeRoom(nowMs)
      buckets.set(client, { tokens: left, updatedAtMs: nowMs })
      return take
    },
    peek: (client, nowMs) => {
      const { left: _left, ...take } = answer(refilled(buckets.get(client), nowMs))
      return take
    },
    get size() {
      return buckets.size
    },
  }
}
