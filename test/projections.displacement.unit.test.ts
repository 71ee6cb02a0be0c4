/**
 * Displacement: target accounts that buy from an incumbent, how many were won from it, and the days
 * and touches the campaign took (issue 29).
 */
import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType, LedgerEvent } from "../events/index.js"
import { displacementOf, foldAll } from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>
const touch = (touchId: string, repId: string, accountId: string, occurredAt: string) =>
  event("TouchLogged", occurredAt, { touchId, repId, accountId, channel: "social" })

// umbrella buys from Initrode: ana touches it Mar 2nd and Mar 10th, bea Mar 20th; a deal opened
// Mar 25th is won Apr 1st; ana touches it again Apr 5th. The campaign: first touch Mar 2nd, 30 days
// to Apr 1st, 3 touches up to the win (the Apr 5th one is after it).
// hooli buys from Globex: touched once, never won. acme has no incumbent: not a campaign.
const history: Array<LedgerEvent> = [
  event("AccountTargeted", "2026-02-01T09:00:00Z", {
    accountId: "umbrella",
    reason: "displacement",
    incumbent: "Initrode",
    ownerRepId: "ana",
  }),
  event("AccountTargeted", "2026-02-01T09:00:00Z", { accountId: "hooli", reason: "displacement", incumbent: "Globex" }),
  event("AccountTargeted", "2026-02-01T09:00:00Z", { accountId: "acme", reason: "dream_client" }),
  touch("t1", "ana", "umbrella", "2026-03-02T10:00:00Z"),
  touch("t2", "ana", "umbrella", "2026-03-10T10:00:00Z"),
  touch("t3", "bea", "umbrella", "2026-03-20T10:00:00Z"),
  event("DealOpened", "2026-03-25T10:00:00Z", {
    dealId: "d1",
    repId: "ana",
    accountId: "umbrella",
    amount: 50_000,
    source: "outbound",
  }),
  event("DealWon", "2026-04-01T10:00:00Z", { dealId: "d1" }),
  touch("t4", "ana", "umbrella", "2026-04-05T10:00:00Z"),
  touch("t5", "ana", "hooli", "2026-03-03T10:00:00Z"),
  touch("t6", "ana", "acme", "2026-03-03T10:00:00Z"),
]

describe("displacementOf", () => {
  it("counts the accounts won from their incumbent, the days from the first touch and the touches it took", () => {
    const state = foldAll(history)
    expect(displacementOf(state.accounts.values(), state.deals.values(), state.repAccounts.values(), "UTC")).toEqual([
      {
        accountId: "hooli",
        incumbent: "Globex",
        won: false,
        firstTouchDay: "2026-03-03",
        daysToWin: null,
        touchesToWin: 1,
      },
      {
        accountId: "umbrella",
        incumbent: "Initrode",
        won: true,
        firstTouchDay: "2026-03-02",
        daysToWin: 30,
        touchesToWin: 3,
      },
    ])
  })
})
