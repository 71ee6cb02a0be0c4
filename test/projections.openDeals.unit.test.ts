/**
 * Open deals as CRMs export them: without an amount (counted as deals, in no value), without an account
 * (on no account, never grouped), with the CRM's own stage kept on the deal.
 */
import { describe, expect, it } from "vitest"
import {
  type DealEvent,
  decideDeal,
  defaultTeamSettings,
  type EventData,
  type EventOf,
  type EventType,
  evolveDeal,
  initialDealState,
  type LedgerEvent,
} from "../events/index.js"
import { accountOutcomes, coverageAt, foldAll, sumCounters } from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

// ana's November: quota 100k; d1 open at 30k on acme; d2 and d3 open with no amount and no account (the
// export left both empty); d4 open with no amount on acme; d5 lost with no amount; d6 won at 20k on no account.
const november: Array<LedgerEvent> = [
  event("RepJoined", "2026-01-05T09:00:00Z", { repId: "ana", name: "Ana", role: "AE" }),
  event("QuotaSet", "2026-09-25T09:00:00Z", { repId: "ana", period: "2026-Q4", amount: 100_000 }),
  event("DealOpened", "2026-11-02T09:00:00Z", {
    dealId: "d1",
    repId: "ana",
    accountId: "acme",
    amount: 30_000,
    source: "outbound",
    stage: "Negotiation",
  }),
  event("DealOpened", "2026-11-03T09:00:00Z", { dealId: "d2", repId: "ana", source: "outbound", stage: "Prospecting" }),
  event("DealOpened", "2026-11-03T10:00:00Z", { dealId: "d3", repId: "ana", source: "outbound" }),
  event("DealOpened", "2026-11-04T09:00:00Z", { dealId: "d4", repId: "ana", accountId: "acme", source: "outbound" }),
  event("DealOpened", "2026-11-05T09:00:00Z", { dealId: "d5", repId: "ana", accountId: "acme", source: "outbound" }),
  event("DealLost", "2026-11-06T09:00:00Z", { dealId: "d5" }),
  event("DealOpened", "2026-11-07T09:00:00Z", { dealId: "d6", repId: "ana", amount: 20_000, source: "outbound" }),
  event("DealWon", "2026-11-08T09:00:00Z", { dealId: "d6" }),
]
const at = "2026-11-15T12:00:00Z"

describe("open deals without an amount or an account", () => {
  const state = foldAll(november)
  const deals = [...state.deals.values()]

  it("counts every deal opened, and only known amounts as value", () => {
    const totals = sumCounters(state.repDays.values())
    // Six deals opened; openedValue is d1 30k + d6 20k = 50k; d5 lost with no value, d6 won at 20k.
    expect(totals).toMatchObject({ dealsOpened: 6, openedValue: 50_000, dealsLost: 1, lostValue: 0 })
    expect(totals).toMatchObject({ dealsWon: 1, wonValue: 20_000 })
  })

  it("keeps pipeline to known amounts, and says how many open deals have none", () => {
    const report = coverageAt({ deals, rep: state.reps.get("ana"), repId: "ana", settings: defaultTeamSettings, at })
    // Open at mid-November: d1 (30k), d2, d3, d4 (no amount). Won so far: d6 20k. 30k / (100k − 20k) = 0.375.
    expect(report).toMatchObject({ openPipeline: 30_000, openDealsWithoutAmount: 3, wonValue: 20_000 })
    expect(report.coverage).toBeCloseTo(0.375, 10)
  })

  it("puts a deal without an account on no account: no shared bucket, no account row", () => {
    expect(state.deals.get("d2")).toMatchObject({ accountId: null, amount: null, stage: "Prospecting" })
    expect(state.deals.get("d3")).toMatchObject({ accountId: null, amount: null, stage: null })
    expect([...state.accounts.keys()]).toEqual(["acme"])
    // acme: d1 and d4 open (d5 lost, so no longer open), its pipeline d1's 30k.
    expect(state.accounts.get("acme")?.openDealIds).toEqual(["d1", "d4"])
    const acme = accountOutcomes(
      deals.filter((d) => d.accountId === "acme"),
      [],
    )
    expect(acme).toMatchObject({ dealsOpened: 3, dealsOpen: 2, dealsLost: 1, openPipeline: 30_000 })
  })

  it("an amount given later brings the deal into the pipeline", () => {
    const later = foldAll([
      ...november,
      event("DealAmountChanged", "2026-11-10T09:00:00Z", { dealId: "d2", amount: 12_000 }),
    ])
    const report = coverageAt({
      deals: [...later.deals.values()],
      rep: later.reps.get("ana"),
      repId: "ana",
      settings: defaultTeamSettings,
      at,
    })
    expect(report).toMatchObject({ openPipeline: 42_000, openDealsWithoutAmount: 2 })
  })
})

describe("the deal stream's decider", () => {
  const openedWithout: DealEvent = {
    type: "DealOpened",
    data: { dealId: "d9", repId: "ana", source: "outbound" },
  }
  const state = evolveDeal(initialDealState, openedWithout)

  it("opens a deal without an amount or an account", () => {
    expect(decideDeal(initialDealState, openedWithout)).toBeUndefined()
  })

  it("refuses a win without an amount on a deal that has none, and takes one with it", () => {
    expect(decideDeal(state, { type: "DealWon", data: { dealId: "d9" } })).toMatch(
      /deal d9 has no amount: send the won amount with DealWon/,
    )
    expect(decideDeal(state, { type: "DealWon", data: { dealId: "d9", amount: 5_000 } })).toBeUndefined()
    const priced = evolveDeal(state, { type: "DealAmountChanged", data: { dealId: "d9", amount: 5_000 } })
    expect(decideDeal(priced, { type: "DealWon", data: { dealId: "d9" } })).toBeUndefined()
  })

  it("takes a loss without an amount", () => {
    expect(decideDeal(state, { type: "DealLost", data: { dealId: "d9" } })).toBeUndefined()
  })
})
