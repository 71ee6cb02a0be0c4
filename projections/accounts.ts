/**
 * @module An account's outcomes as the read model holds them now: the target list's figures
 * (`GET /v1/accounts/targets`). The same words as a rep's metrics (projections/README.md), summed over
 * the account's meetings and deals instead of a rep's days, and "now" instead of a window: every
 * meeting booked or held and every deal opened, whoever's; `openPipeline` the amounts of its deals
 * open now.
 *
 * @example
 * // acme (test/projections.accounts.unit.test.ts): 3 meetings booked, 2 of them held; a deal won at
 * // 60k, one lost, one open at 35k
 * accountOutcomes(acmeDeals, acmeMeetings)
 * // { meetingsBooked: 3, meetingsHeld: 2, dealsOpened: 3, dealsOpen: 1, dealsWon: 1, dealsLost: 1, wonValue: 60_000, openPipeline: 35_000 }
 */
import type { DealRow, MeetingRow } from "./state.js"

export type AccountOutcomes = {
  /** Meetings with a booking seen (a `MeetingHeld` alone, out of order, is held but not booked). */
  readonly meetingsBooked: number
  readonly meetingsHeld: number
  readonly dealsOpened: number
  readonly dealsOpen: number
  readonly dealsWon: number
  readonly dealsLost: number
  /** Sum of the amounts of its won deals. */
  readonly wonValue: number
  /** Sum of the amounts of its deals open now. */
  readonly openPipeline: number
}

/** The outcomes of one account, from its deals and meetings (rows of that account only). */
export const accountOutcomes = (deals: Iterable<DealRow>, meetings: Iterable<MeetingRow>): AccountOutcomes => {
  let meetingsBooked = 0
  let meetingsHeld = 0
  for (const meeting of meetings) {
    if (meeting.bookedAt !== null) meetingsBooked += 1
    if (meeting.status === "held") meetingsHeld += 1
  }
  let dealsOpened = 0
  let dealsOpen = 0
  let dealsWon = 0
  let dealsLost = 0
  let wonValue = 0
  let openPipeline = 0
  for (const deal of deals) {
    dealsOpened += 1
    if (deal.status === "open") {
      dealsOpen += 1
      openPipeline += deal.amount ?? 0
    } else if (deal.status === "won") {
      dealsWon += 1
      wonValue += deal.amount ?? 0
    } else dealsLost += 1
  }
  return { meetingsBooked, meetingsHeld, dealsOpened, dealsOpen, dealsWon, dealsLost, wonValue, openPipeline }
}
