/**
 * Quota attainment (projections/quotaAttainment.ts): of the sellers with a quota in each finished
 * quota period, how many reached it, worked out by hand.
 */
import { describe, expect, it } from "vitest"
import { defaultTeamSettings } from "../events/index.js"
import { type DealRow, quotaAttainment, type RepRow } from "../projections/index.js"

const deal = (dealId: string, ownerRepId: string, amount: number, fields: Partial<DealRow>): DealRow => ({
  dealId,
  ownerRepId,
  accountId: "acme",
  amount,
  currency: null,
  source: "outbound",
  originatorRepId: null,
  expectedCloseDate: null,
  status: "open",
  openedAt: "2026-06-01T09:00:00Z",
  closedAt: null,
  onTargetAccount: false,
  qualifiedAt: null,
  stage: null,
  ...fields,
})
const won = (closedAt: string) => ({ status: "won" as const, closedAt })
const lost = (closedAt: string) => ({ status: "lost" as const, closedAt })

const seller = (repId: string, quotas: Record<string, number>): RepRow => ({
  repId,
  name: repId,
  email: null,
  role: "AE",
  team: "east",
  managerRepId: "mia",
  joinedAt: "2026-01-05T09:00:00Z",
  leftAt: null,
  firstSeenAt: "2026-01-05T09:00:00Z",
  quotas,
  identities: [],
})

describe("quota attainment", () => {
  // Quotas that finished between Jul 1 and Dec 1: 2026-Q3 (ends Oct 1) and 2026-10 (ends Nov 1); Q4 runs on.
  const reps = [
    seller("ana", { "2026-Q3": 100_000, "2026-Q4": 200_000 }),
    seller("bea", { "2026-Q3": 100_000, "2026-10": 20_000 }),
    seller("carl", { "2026-Q3": 50_000 }),
    seller("dee", { "2026-Q3": 0 }), // a quota of 0 is no quota to reach
  ]
  const deals = [
    deal("d1", "ana", 120_000, won("2026-08-20T09:00:00Z")),
    deal("d2", "bea", 60_000, won("2026-09-30T23:59:59Z")), // Q3's last second
    deal("d3", "bea", 25_000, won("2026-10-01T00:00:00Z")), // October's first: not Q3
    deal("d4", "carl", 50_000, won("2026-07-01T00:00:00Z")), // Q3's first instant
    deal("d5", "carl", 70_000, lost("2026-08-01T09:00:00Z")),
  ]
  const attainment = quotaAttainment({
    reps,
    deals,
    settings: defaultTeamSettings,
    from: "2026-07-01T00:00:00Z",
    to: "2026-12-01T00:00:00Z",
  })

  it("judges each finished period's sellers: who reached their quota, of how many", () => {
    expect(attainment.periods.map((p) => [p.period, p.sellers, p.reached, p.share])).toEqual([
      ["2026-Q3", 3, 2, 2 / 3], // ana 120,000 ≥ 100,000; carl 50,000 ≥ 50,000; bea 60,000 < 100,000
      ["2026-10", 1, 1, 1], // bea 25,000 ≥ 20,000
    ])
    expect(attainment.periods[0]?.bySeller).toEqual([
      { repId: "ana", quota: 100_000, wonValue: 120_000, attainment: 1.2, reached: true },
      { repId: "bea", quota: 100_000, wonValue: 60_000, attainment: 0.6, reached: false },
      { repId: "carl", quota: 50_000, wonValue: 50_000, attainment: 1, reached: true },
    ])
    expect(attainment.periods[0]).toMatchObject({ start: "2026-07-01T00:00:00.000Z", end: "2026-10-01T00:00:00.000Z" })
  })

  it("totals rep-periods, with the share's interval", () => {
    // 3 of 4: p = 0.75, z²/n = 0.9604: (0.75 + 0.4802 − 1.96·√(0.046875 + 0.060025)) / 1.9604 = 0.3006
    expect(attainment).toMatchObject({ sellers: 4, reached: 3, share: 0.75 })
    expect(attainment.interval?.low).toBeCloseTo(0.3006, 4)
  })

  it("judges no period that has not finished by the window's end", () => {
    const early = quotaAttainment({
      reps,
      deals,
      settings: defaultTeamSettings,
      from: "2026-07-01T00:00:00Z",
      to: "2026-09-30T00:00:00Z",
    })
    expect(early).toMatchObject({ periods: [], sellers: 0, reached: 0, share: null, interval: null })
  })
})
