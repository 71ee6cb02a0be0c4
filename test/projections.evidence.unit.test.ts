/**
 * The Wilson score interval of a rate k/n (projections/evidence.ts), against figures worked by hand
 * from (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { wilsonInterval, wilsonLowerBound } from "../projections/index.js"

describe("the Wilson interval of a rate", () => {
  it("12 of 40 closed deals (30%): [0.181, 0.454]", () => {
    // p = 0.3, z²/n = 0.09604: centre 0.3 + 0.04802 = 0.34802; margin 1.96·√(0.00525 + 0.0006002) = 0.14992;
    // scale 1.09604: low 0.19810/1.09604 = 0.1807, high 0.49794/1.09604 = 0.4543.
    const interval = wilsonInterval(12, 40)
    expect(interval?.low).toBeCloseTo(0.1807, 4)
    expect(interval?.high).toBeCloseTo(0.4543, 4)
  })

  it("1 of 1 (100%) scores 0.207: above 12 of 40, which is why a minimum of evidence comes first", () => {
    // p = 1: centre 1 + 1.9208 = 2.9208, margin 1.96·√(0 + 0.9604) = 1.9208, scale 4.8416: low 1/4.8416.
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 4)
    expect(wilsonInterval(1, 1)?.high).toBe(1)
  })

  it("10 of 40 outranks 1 of 2: 0.142 against 0.095", () => {
    expect(wilsonLowerBound(10, 40)).toBeCloseTo(0.1419, 4)
    expect(wilsonLowerBound(1, 2)).toBeCloseTo(0.0945, 4)
  })

  it("has no interval without trials, and none for counts that are not a rate", () => {
    expect(wilsonInterval(0, 0)).toBeNull()
    expect(wilsonInterval(3, 2)).toBeNull()
    expect(wilsonLowerBound(0, 0)).toBeNull()
  })

  it("0 of n starts at exactly 0 and n of n ends at exactly 1", () => {
    expect(wilsonInterval(0, 5)?.low).toBe(0)
    expect(wilsonInterval(5, 5)?.high).toBe(1)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) => {
        expect(wilsonInterval(0, n)?.low).toBe(0)
        expect(wilsonInterval(n, n)?.high).toBe(1)
      }),
    )
  })

  it("always holds the observed rate, inside [0, 1], and narrows as evidence grows", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const k = Math.round(share * n)
        const interval = wilsonInterval(k, n)
        const wider = wilsonInterval(k, n)
        const narrower = wilsonInterval(4 * k, 4 * n)
        expect(interval).not.toBeNull()
        if (interval === null || wider === null || narrower === null) return
        expect(0 <= interval.low && interval.low <= k / n + 1e-12).toBe(true)
        expect(k / n - 1e-12 <= interval.high && interval.high <= 1).toBe(true)
        expect(narrower.high - narrower.low).toBeLessThanOrEqual(wider.high - wider.low + 1e-12)
      }),
    )
  })
})
