/**
 * @module Attribution (projections/README.md "Cohorts, evidence and rollups"): the deals each rep
 * originated (`originatorRepId`, usually a BDR) in a window, split by how they came in (`source`:
 * outbound, inbound, referral), with their counts, values and outcomes; and the same for the team.
 * It shows what a BDR's pipeline is made of: pipeline credited to BDRs is often mostly inbound.
 *
 * Decisions where the spec is silent:
 * - A deal is originated in the window when it was opened in it ([start, end)) with an originator.
 * - Its outcome is as of `at` (the window's last instant unless given): won or lost if it closed by
 *   then, open otherwise. Values are the deals' amounts as the rows hold them: the latest amount
 *   (a win's final amount), which is what the pipeline and wonValue use.
 * - The sources are the vocabulary's (`DealOpened.source`): every source has its line, zeros
 *   included, so that a split always adds up to its total.
 * - The team's outbound share of new pipeline is not here: it is the rollup's outboundShare (the
 *   value at opening of every deal opened, originated or not).
 *
 * @example
 * originatedBySource(deals, { start: "2026-10-01T00:00:00Z", end: "2027-01-01T00:00:00Z" }).byOriginator
 * // [{ repId: "ben", total: { deals: 3, value: 90000, won: 1, … }, bySource: { inbound: { deals: 2, … }, … } }]
 */
import { eventSchemas } from "../events/index.js"
import type { WindowInstants } from "./cohorts.js"
import type { DealRow } from "./state.js"

export type Source = DealRow["source"]

/** Deals, their values (amounts) and outcomes. */
export type OriginatedDeals = {
  readonly deals: number
  readonly value: number
  readonly won: number
  readonly wonValue: number
  readonly lost: number
  readonly lostValue: number
  readonly open: number
  readonly openValue: number
}

/** Originated deals by source, and in total. */
export type SourceSplit = {
  readonly total: OriginatedDeals
  readonly bySource: Readonly<Record<Source, OriginatedDeals>>
}

export type Attribution = {
  /** Each originator's split, most originated value first (then by repId). */
  readonly byOriginator: ReadonlyArray<{ readonly repId: string } & SourceSplit>
  /** Every originated deal of the window (of the originators asked for). */
  readonly team: SourceSplit
}

/** Every source of the vocabulary, in its order. */
export const dealSources: ReadonlyArray<Source> = eventSchemas.DealOpened.shape.source.options

const noDeals = (): { -readonly [K in keyof OriginatedDeals]: number } => ({
  deals: 0,
  value: 0,
  won: 0,
  wonValue: 0,
  lost: 0,
  lostValue: 0,
  open: 0,
  openValue: 0,
})

type Tally = { total: ReturnType<typeof noDeals>; bySource: Record<Source, ReturnType<typeof noDeals>> }

const newTally = (): Tally => ({
  total: noDeals(),
  bySource: Object.fromEntries(dealSources.map((source) => [source, noDeals()])) as Tally["bySource"],
})

const count = (tally: Tally, deal: DealRow, atMs: number): void => {
  const closed = deal.closedAt !== null && Date.parse(deal.closedAt) <= atMs ? deal.status : "open"
  for (const line of [tally.total, tally.bySource[deal.source]]) {
    line.deals += 1
    line.value += deal.amount ?? 0
    if (closed === "won") {
      line.won += 1
      line.wonValue += deal.amount ?? 0
    } else if (closed === "lost") {
      line.lost += 1
      line.lostValue += deal.amount ?? 0
    } else {
      line.open += 1
      line.openValue += deal.amount ?? 0
    }
  }
}

/**
 * The deals originated in the window, by originator and for the team, split by source. With
 * `originators`, only theirs (a cohort's BDRs, a team's members).
 */
export const originatedBySource = (
  deals: Iterable<DealRow>,
  options: WindowInstants & { readonly at?: string; readonly originators?: ReadonlySet<string> },
): Attribution => {
  const startMs = Date.parse(options.start)
  const endMs = Date.parse(options.end)
  const atMs = options.at === undefined ? endMs - 1 : Date.parse(options.at)
  const team = newTally()
  const byOriginator = new Map<string, Tally>()
  for (const deal of deals) {
    const originator = deal.originatorRepId
    if (originator === null || (options.originators !== undefined && !options.originators.has(originator))) continue
    const openedMs = Date.parse(deal.openedAt)
    if (openedMs < startMs || openedMs >= endMs) continue
    let tally = byOriginator.get(originator)
    if (tally === undefined) {
      tally = newTally()
      byOriginator.set(originator, tally)
    }
    count(tally, deal, atMs)
    count(team, deal, atMs)
  }
  return {
    byOriginator: [...byOriginator]
      .map(([repId, tally]) => ({ repId, ...tally }))
      .sort((a, b) => b.total.value - a.total.value || (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0)),
    team,
  }
}
