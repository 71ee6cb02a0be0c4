/**
 * Attribution (projections/attribution.ts): the deals each rep originated in a window, split by
 * source, with their counts, values and outcomes; and the same for the team.
 */
import { describe, expect, it } from "vitest"
import { type DealRow, originatedBySource } from "../projections/index.js"

const deal = (dealId: string, fields: Partial<DealRow>): DealRow => ({
  dealId,
  ownerRepId: "ana",
  accountId: "acme",
  amount: 0,
  currency: null,
  source: "inbound",
  originatorRepId: null,
  expectedCloseDate: null,
  status: "open",
  openedAt: "2026-11-10T09:00:00Z",
  closedAt: null,
  onTargetAccount: false,
  qualifiedAt: null,
  stage: null,
  ...fields,
})

// November: ben sourced three deals (two inbound, one outbound), bea one referral.
const deals = [
  deal("d1", {
    originatorRepId: "ben",
    source: "inbound",
    amount: 40_000,
    status: "won",
    closedAt: "2026-11-20T09:00:00Z",
  }),
  deal("d2", { originatorRepId: "ben", source: "inbound", amount: 20_000 }),
  deal("d3", {
    originatorRepId: "ben",
    source: "outbound",
    amount: 30_000,
    status: "lost",
    closedAt: "2026-11-25T09:00:00Z",
  }),
  deal("d4", {
    originatorRepId: "bea",
    source: "referral",
    amount: 10_000,
    status: "won",
    closedAt: "2026-12-05T09:00:00Z", // won after the window: open at its end
  }),
  deal("d5", { source: "outbound", amount: 99_000 }), // nobody sourced it
  deal("d6", { originatorRepId: "ben", amount: 77_000, openedAt: "2026-10-31T23:59:59Z" }), // opened in October
]
const november = { start: "2026-11-01T00:00:00Z", end: "2026-12-01T00:00:00Z" }

describe("originated deals by source", () => {
  const attribution = originatedBySource(deals, november)

  it("splits each originator's deals by source, with values and outcomes at the window's end", () => {
    const ben = attribution.byOriginator[0]
    expect(ben?.repId).toBe("ben")
    expect(ben?.total).toEqual({
      deals: 3,
      value: 90_000,
      won: 1,
      wonValue: 40_000,
      lost: 1,
      lostValue: 30_000,
      open: 1,
      openValue: 20_000,
    })
    expect(ben?.bySource.inbound).toMatchObject({ deals: 2, value: 60_000, won: 1, open: 1 })
    expect(ben?.bySource.outbound).toMatchObject({ deals: 1, value: 30_000, lost: 1 })
    expect(ben?.bySource.referral).toMatchObject({ deals: 0, value: 0 })
    expect(attribution.byOriginator[1]).toMatchObject({
      repId: "bea",
      total: { deals: 1, open: 1, openValue: 10_000, won: 0 },
    })
  })

  it("adds the originators up for the team", () => {
    // inbound 60,000 + outbound 30,000 + referral 10,000: two thirds of the sourced value came in inbound
    expect(attribution.team.total).toMatchObject({ deals: 4, value: 100_000, won: 1, lost: 1, open: 2 })
    expect(attribution.team.bySource.inbound.value / attribution.team.total.value).toBeCloseTo(0.6, 10)
    expect(attribution.team.bySource.referral).toMatchObject({ deals: 1, openValue: 10_000 })
  })

  it("judges outcomes as of a given instant, and keeps to the originators asked for", () => {
    const later = originatedBySource(deals, { ...november, at: "2026-12-31T00:00:00Z", originators: new Set(["bea"]) })
    expect(later.byOriginator.map((o) => o.repId)).toEqual(["bea"])
    expect(later.team.total).toMatchObject({ deals: 1, won: 1, wonValue: 10_000, open: 0 })
  })
})
