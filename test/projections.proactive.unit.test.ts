/**
 * Proactive versus reactive: a deal its owner created by outbound work on the account, against one
 * that found them (issue 29's hand-worked cases).
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import {
  type DealRow,
  dealOrigin,
  dealOriginAmong,
  foldAll,
  proactiveFigures,
  repAccountKey,
} from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>
const call = (callId: string, accountId: string, at: string) =>
  event("CallLogged", at, {
    callId,
    repId: "ana",
    accountId,
    direction: "outbound",
    disposition: "connected",
    durationSeconds: 90,
  })
const opened = (dealId: string, accountId: string, amount: number, source: "outbound" | "inbound", at: string) =>
  event("DealOpened", at, { dealId, repId: "ana", accountId, amount, source })

// ana's deals, lookback 90 days:
// - acme: called Mar 2nd and Mar 9th, outbound deal opened Mar 20th at 30k, won May 5th → created;
// - globex: an inbound meeting Mar 10th, inbound deal Mar 12th at 10k, lost May 6th → found;
// - initech: called Jan 2nd, outbound deal opened Apr 20th at 20k (108 days later, over 90), won
//   May 7th → found (the work was too long before);
// - umbrella: never worked, an outbound deal Apr 22nd at 40k, lost May 8th → found.
// Opened Mar–May: created 30k, found 10k + 20k + 40k = 70k → proactiveShare 30 / 100 = 0.3.
// Win rates: created 1 won of 1 = 1; found 1 won (initech) of 3 closed = 1/3.
const history: Array<LedgerEvent> = [
  call("c0", "initech", "2026-01-02T10:00:00Z"),
  call("c1", "acme", "2026-03-02T10:00:00Z"),
  call("c2", "acme", "2026-03-09T10:00:00Z"),
  event("MeetingBooked", "2026-03-08T10:00:00Z", {
    meetingId: "m1",
    repId: "ana",
    accountId: "globex",
    scheduledFor: "2026-03-10T15:00:00Z",
    source: "inbound",
  }),
  event("MeetingHeld", "2026-03-10T15:00:00Z", { meetingId: "m1" }),
  opened("d-acme", "acme", 30_000, "outbound", "2026-03-20T10:00:00Z"),
  opened("d-globex", "globex", 10_000, "inbound", "2026-03-12T10:00:00Z"),
  opened("d-initech", "initech", 20_000, "outbound", "2026-04-20T10:00:00Z"),
  opened("d-umbrella", "umbrella", 40_000, "outbound", "2026-04-22T10:00:00Z"),
  event("DealWon", "2026-05-05T10:00:00Z", { dealId: "d-acme" }),
  event("DealLost", "2026-05-06T10:00:00Z", { dealId: "d-globex" }),
  event("DealWon", "2026-05-07T10:00:00Z", { dealId: "d-initech" }),
  event("DealLost", "2026-05-08T10:00:00Z", { dealId: "d-umbrella" }),
]

const settings = { timeZone: "UTC", proactiveLookbackDays: 90 }
const state = foldAll(history)
const originOf = (deal: DealRow) => dealOriginAmong(deal, state.repAccounts, settings)

describe("dealOrigin", () => {
  it("counts a deal opened after its owner's outbound touches as created, one from an inbound meeting as found", () => {
    const origins = Object.fromEntries([...state.deals.values()].map((deal) => [deal.dealId, originOf(deal)]))
    expect(origins).toEqual({ "d-acme": "created", "d-globex": "found", "d-initech": "found", "d-umbrella": "found" })
  })

  it("looks back proactiveLookbackDays: initech's call 108 days before is proactive with a lookback of 108", () => {
    const initech = state.deals.get("d-initech") as DealRow
    const anaOnInitech = state.repAccounts.get(repAccountKey("ana", "initech"))
    expect(dealOrigin(initech, anaOnInitech, { ...settings, proactiveLookbackDays: 108 })).toBe("created")
    expect(dealOrigin(initech, anaOnInitech, { ...settings, proactiveLookbackDays: 107 })).toBe("found")
  })
})

describe("proactiveFigures", () => {
  it("gives the share of pipeline opened that was created, and each kind's win rate", () => {
    const figures = proactiveFigures(state.deals.values(), originOf, {
      start: "2026-03-01T00:00:00.000Z",
      end: "2026-06-01T00:00:00.000Z",
    })
    expect(figures).toEqual({
      created: { dealsOpened: 1, openedValue: 30_000, dealsWon: 1, dealsLost: 0, wonValue: 30_000, winRate: 1 },
      found: { dealsOpened: 3, openedValue: 70_000, dealsWon: 1, dealsLost: 2, wonValue: 20_000, winRate: 1 / 3 },
      proactiveShare: 0.3,
    })
  })

  it("is null with nothing opened or closed in the window", () => {
    const figures = proactiveFigures(state.deals.values(), originOf, {
      start: "2026-01-01T00:00:00.000Z",
      end: "2026-02-01T00:00:00.000Z",
    })
    expect([figures.proactiveShare, figures.created.winRate, figures.found.winRate]).toEqual([null, null, null])
  })
})
