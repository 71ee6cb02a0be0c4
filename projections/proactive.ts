/**
 * @module Proactive versus reactive pipeline (projections/README.md, `proactiveShare`): was a deal
 * *created* by its owner working the account, or did it *find* them?
 *
 * A deal is `created` when its source is `outbound` and its owner had outbound activity (a dial, an
 * email, a touch) on its account within the team's `proactiveLookbackDays` before it opened: on a day
 * from `openedDay − proactiveLookbackDays` to `openedDay`, both inclusive (activities are kept by day,
 * so one on the opening day counts as before it). Every other deal is `found`: its source is
 * `inbound` or `referral` (the first contact came to the seller), or nobody worked the account first.
 * Days are the team's, as everywhere.
 *
 * Amounts are the deals' amounts as they stand now (`DealRow.amount`).
 *
 * @example
 * // ana called acme on March 2nd; her outbound deal there opened March 20th: created (18 days ≤ 90)
 * dealOrigin(deal, anaOnAcme, { timeZone: "UTC", proactiveLookbackDays: 90 }) // "created"
 */
import { dayNumberOf } from "./calendar.js"
import { type DealRow, type RepAccountRow, repAccountKey } from "./state.js"
import { dayKeyOf } from "./teamDays.js"

export type DealOrigin = "created" | "found"

type OriginSettings = { readonly timeZone: string; readonly proactiveLookbackDays: number }

/** Whether the deal was created by its owner's outbound work on the account, or found them. */
export const dealOrigin = (
  deal: Pick<DealRow, "source" | "openedAt">,
  ownerOnAccount: Pick<RepAccountRow, "days"> | undefined,
  settings: OriginSettings,
): DealOrigin => {
  if (deal.source !== "outbound" || ownerOnAccount === undefined) return "found"
  const openedDay = dayNumberOf(dayKeyOf(Date.parse(deal.openedAt), settings.timeZone))
  const days = ownerOnAccount.days
  for (let i = 0; i + 1 < days.length; i += 2) {
    const day = days[i] as number
    if ((days[i + 1] as number) > 0 && day <= openedDay && day >= openedDay - settings.proactiveLookbackDays)
      return "created"
  }
  return "found"
}

/**
 * The origin of a deal given every rep's activity by account (keyed by `repAccountKey`): a deal without
 * an account had no outbound work on it to find, so it was found.
 */
export const dealOriginAmong = (
  deal: Pick<DealRow, "source" | "openedAt" | "ownerRepId" | "accountId">,
  repAccounts: ReadonlyMap<string, Pick<RepAccountRow, "days">>,
  settings: OriginSettings,
): DealOrigin =>
  dealOrigin(
    deal,
    deal.accountId === null ? undefined : repAccounts.get(repAccountKey(deal.ownerRepId, deal.accountId)),
    settings,
  )

/** The figures of one kind of deal in a window. */
export type OriginFigures = {
  /** Deals opened in the window, and the sum of their amounts. */
  readonly dealsOpened: number
  readonly openedValue: number
  /** Deals closed in the window, won and lost, and the won amounts. */
  readonly dealsWon: number
  readonly dealsLost: number
  readonly wonValue: number
  /** dealsWon / (dealsWon + dealsLost); null with no deal closed. */
  readonly winRate: number | null
}

export type ProactiveFigures = {
  readonly created: OriginFigures
  readonly found: OriginFigures
  /** created.openedValue / (created + found).openedValue: the share of the pipeline opened that the seller created; null with none opened. */
  readonly proactiveShare: number | null
}

/**
 * The created and found deals of a window `[start, end)` (ISO instants) and the proactive share of
 * the pipeline opened in it. `originOf` tells each deal's kind (see {@link dealOrigin}).
 *
 * @example
 * // a created deal of 30k opened and won, a found one of 10k opened and lost
 * proactiveFigures(deals, originOf, window).proactiveShare // 0.75
 */
export const proactiveFigures = (
  deals: Iterable<DealRow>,
  originOf: (deal: DealRow) => DealOrigin,
  window: { readonly start: string; readonly end: string },
): ProactiveFigures => {
  const sums = { created: emptySums(), found: emptySums() }
  const inWindow = (at: string | null) => at !== null && at >= window.start && at < window.end
  for (const deal of deals) {
    const sum = sums[originOf(deal)]
    if (inWindow(deal.openedAt)) {
      sum.dealsOpened += 1
      sum.openedValue += deal.amount ?? 0
    }
    if (deal.status !== "open" && inWindow(deal.closedAt)) {
      if (deal.status === "won") {
        sum.dealsWon += 1
        sum.wonValue += deal.amount ?? 0
      } else sum.dealsLost += 1
    }
  }
  const opened = sums.created.openedValue + sums.found.openedValue
  return {
    created: withWinRate(sums.created),
    found: withWinRate(sums.found),
    proactiveShare: opened === 0 ? null : sums.created.openedValue / opened,
  }
}

const emptySums = () => ({ dealsOpened: 0, openedValue: 0, dealsWon: 0, dealsLost: 0, wonValue: 0 })
const withWinRate = (sums: ReturnType<typeof emptySums>): OriginFigures => {
  const closed = sums.dealsWon + sums.dealsLost
  return { ...sums, winRate: closed === 0 ? null : sums.dealsWon / closed }
}
