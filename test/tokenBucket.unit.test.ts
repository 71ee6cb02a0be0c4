import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { tokenBuckets } from "../src/http/tokenBucket.js"

describe("token buckets", () => {
  it("lets a quiet client send its burst at once, then refuses until a token is back", () => {
    const buckets = tokenBuckets({ perSecond: 2, burst: 3 })

    const burst = [0, 0, 0].map((t) => buckets.take("key-a", t))
    const refused = buckets.take("key-a", 0)

    expect(burst.map((t) => [t.allowed, t.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ])
    // Empty at 2 tokens/s: the next token is there in 0.5 s, said as the whole second Retry-After counts in.
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1, resetSeconds: 2 })
  })

  it("refills at the sustained rate, never past the burst", () => {
    const buckets = tokenBuckets({ perSecond: 2, burst: 3 })
    for (let i = 0; i < 3; i++) buckets.take("key-a", 0)

    expect(buckets.take("key-a", 499).allowed).toBe(false) // 0.998 tokens
    expect(buckets.take("key-a", 1_000).allowed).toBe(true) // 0.998 + 1.002 = 2 tokens, one taken
    expect(buckets.take("key-a", 1_000).allowed).toBe(true)
    expect(buckets.take("key-a", 1_000).allowed).toBe(false)
    // An hour of silence refills the burst, not 7,200 tokens.
    const afterAnHour = [0, 1, 2, 3].map(() => buckets.take("key-a", 3_601_000).allowed)
    expect(afterAnHour).toEqual([true, true, true, false])
  })

  it("says how long to wait: the time to the next whole token, in whole seconds", () => {
    const slow = tokenBuckets({ perSecond: 0.25, burst: 1 })
    slow.take("key-a", 0)

    expect(slow.take("key-a", 0)).toMatchObject({ allowed: false, retryAfterSeconds: 4, resetSeconds: 4 })
    expect(slow.take("key-a", 3_000)).toMatchObject({ allowed: false, retryAfterSeconds: 1 })
    expect(slow.take("key-a", 4_000).allowed).toBe(true)
  })

  it("keeps each client's bucket apart", () => {
    const buckets = tokenBuckets({ perSecond: 1, burst: 1 })

    expect(buckets.take("key-a", 0).allowed).toBe(true)
    expect(buckets.take("key-a", 0).allowed).toBe(false)
    expect(buckets.take("key-b", 0).allowed).toBe(true)
  })

  it("keeps at most maxClients buckets, forgetting full ones first, then the least recent", () => {
    const buckets = tokenBuckets({ perSecond: 1, burst: 2 }, { maxClients: 3 })
    buckets.take("busy", 0)
    buckets.take("busy", 0) // empty
    buckets.take("quiet-1", 0)
    buckets.take("quiet-2", 0)
    // At 10 s every bucket is full again but "busy" took one more just now: the full ones go.
    buckets.take("busy", 10_000)
    buckets.take("newcomer", 10_000)

    expect(buckets.size).toBeLessThanOrEqual(3)
    // "busy" was kept with its one token: a second take at once is its last.
    expect(buckets.take("busy", 10_000)).toMatchObject({ allowed: true, remaining: 0 })
  })

  it("under a flood of clients forgets the least recent, which then starts with a full bucket", () => {
    const buckets = tokenBuckets({ perSecond: 1, burst: 2 }, { maxClients: 2 })
    buckets.take("first", 0)
    buckets.take("second", 0)
    buckets.take("second", 0)
    buckets.take("third", 0) // no bucket is full: "first", the least recently used, goes

    expect(buckets.size).toBe(2)
    expect(buckets.take("first", 0)).toMatchObject({ allowed: true, remaining: 1 })
  })

  it("refuses a policy that could never allow a request", () => {
    expect(() => tokenBuckets({ perSecond: 0, burst: 5 })).toThrow(/perSecond > 0/)
    expect(() => tokenBuckets({ perSecond: 5, burst: 0 })).toThrow(/burst >= 1/)
  })

  it("never allows more than the burst plus the rate times the time elapsed", () => {
    fc.assert(
      fc.property(
        fc.record({ perSecond: fc.integer({ min: 1, max: 50 }), burst: fc.integer({ min: 1, max: 20 }) }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        (policy, gaps) => {
          const buckets = tokenBuckets(policy)
          let now = 0
          let allowed = 0
          for (const gap of gaps) {
            now += gap
            if (buckets.take("key", now).allowed) allowed++
          }
          return allowed <= policy.burst + (policy.perSecond * now) / 1000 + 1e-9
        },
      ),
    )
  })
})

describe("peeking at a bucket", () => {
  it("says what a take would answer without taking a token or keeping a bucket for a new client", () => {
    const buckets = tokenBuckets({ perSecond: 1, burst: 2 })

    expect(buckets.peek("stranger", 0)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0, resetSeconds: 1 })
    expect(buckets.size).toBe(0)
    buckets.take("busy", 0)
    buckets.take("busy", 0)
    expect(buckets.peek("busy", 0)).toMatchObject({ allowed: false, retryAfterSeconds: 1 })
    expect(buckets.peek("busy", 0)).toMatchObject({ allowed: false, retryAfterSeconds: 1 })
    expect(buckets.take("busy", 1_000).allowed).toBe(true)
  })
})
