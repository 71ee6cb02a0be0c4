/**
 * @module Pipeline and coverage (projections/README.md "Pipeline and coverage"): what a rep has open,
 * what of it is qualified by a second meeting, against what is left of the quota, and the coverage
 * this rep's own value win rate says they need (versus what a flat mandate assumes).
 *
 * Instants are ISO 8601 strings, as in rows. Deals are judged by their row as it stands (its current
 * amount) and by its openedAt/closedAt: a deal is open at `at` when opened at or before `at` and not
 * closed by then.
 *
 * @example
 * // quota 100k, 40k won so far in the quarter, 180k open: 180k / (100k − 40k) = 3
 * coverage(180_000, 100_000, 40_000) // 3
 * impliedLossRate(8)                 // 0.875: an 8x mandate plans to lose 87.5% of the pipeline
 */
import type { TeamSettings } from "../events/index.js"
import { valueWinRateOf } from "./metrics.js"
import { monthOf, periodEnd, periodStart, quarterOf } from "./periods.js"
import type { DealRow, RepRow } from "./state.js"
import { dayKeyOf } from "./teamDays.js"

const dayMs = 86_400_000

/** A quota in force: its period, amount and the period's [start, end) instants in the team's zone. */
export type QuotaInForce = {
  readonly period: string
  readonly amount: number
  readonly start: string
  readonly end: string
}

/** A rep's coverage at an instant: every figure of the projections/README.md table. */
export type CoverageReport = {
  readonly repId: string
  readonly at: string
  readonly quota: QuotaInForce | null
  /** wonValue from the quota period's start to `at`; 0 without a quota. */
  readonly wonValue: number
  readonly openPipeline: number
  /** Deals open at `at` without an amount: in no pipeline figure. */
  readonly openDealsWithoutAmount: number
  readonly qualifiedPipeline: number
  readonly coverage: number | null
  readonly qualifiedCoverage: number | null
  readonly requiredCoverage: number | null
}

const isOpenAt = (deal: DealRow, atMs: number): boolean =>
  Date.parse(deal.openedAt) <= atMs && (deal.closedAt === null || Date.parse(deal.closedAt) > atMs)

/** openPipeline: the sum of the amounts of the rep's deals open at `at`. */
export const openPipeline = (deals: Iterable<DealRow>, repId: string, at: string): number => {
  const atMs = Date.parse(at)
  let pipeline = 0
  for (const deal of deals) if (deal.ownerRepId === repId && isOpenAt(deal, atMs)) pipeline += deal.amount ?? 0
  return pipeline
}

/**
 * openDealsWithoutAmount: how many of the rep's deals open at `at` have no amount yet. They are in no
 * pipeline figure (their value is unknown, not 0), so the scorecard says how many there are.
 */
export const openDealsWithoutAmount = (deals: Iterable<DealRow>, repId: string, at: string): number => {
  const atMs = Date.parse(at)
  let count = 0
  for (const deal of deals) if (deal.ownerRepId === repId && deal.amount === null && isOpenAt(deal, atMs)) count += 1
  return count
}

/** qualifiedPipeline: the same, counting only deals qualified (by a second meeting) by `at`. */
export const qualifiedPipeline = (deals: Iterable<DealRow>, repId: string, at: string): number => {
  const atMs = Date.parse(at)
  let pipeline = 0
  for (const deal of deals) {
    if (
      deal.ownerRepId === repId &&
      deal.qualifiedAt !== null &&
      Date.parse(deal.qualifiedAt) <= atMs &&
      isOpenAt(deal, atMs)
    ) {
      pipeline += deal.amount ?? 0
    }
  }
  return pipeline
}

/**
 * The rep's quota for the period containing `at` (in the team's zone and fiscal calendar), or null
 * when unset. When the rep has both a quarter and a month quota there, the QUARTER wins: coverage
 * weighs pipeline that spans weeks to months, and a monthly figure inside a quartered quota is a
 * pacing target, not the commitment.
 */
export const quotaAt = (rep: RepRow | undefined, at: string, settings: TeamSettings): QuotaInForce | null => {
  if (rep === undefined) return null
  const day = dayKeyOf(Date.parse(at), settings.timeZone)
  for (const period of [quarterOf(day, settings.fiscalYearStartMonth), monthOf(day)]) {
    const amount = rep.quotas[period]
    if (amount === undefined) continue
    const start = periodStart(period, settings.timeZone, settings.fiscalYearStartMonth)
    const end = periodEnd(period, settings.timeZone, settings.fiscalYearStartMonth)
    if (start === undefined || end === undefined) continue
    return { period, amount, start: new Date(start).toISOString(), end: new Date(end).toISOString() }
  }
  return null
}

/** The sum of the amounts of the rep's deals closed won in [from, to]. */
export const wonValueBetween = (deals: Iterable<DealRow>, repId: string, from: string, to: string): number => {
  const fromMs = Date.parse(from)
  const toMs = Date.parse(to)
  let won = 0
  for (const deal of deals) {
    if (deal.ownerRepId !== repId || deal.status !== "won" || deal.closedAt === null) continue
    const closedMs = Date.parse(deal.closedAt)
    if (closedMs >= fromMs && closedMs <= toMs) won += deal.amount ?? 0
  }
  return won
}

/**
 * coverage: pipeline / (quota − wonValue so far in the quota period); null when the quota is unset
 * or met (nothing left to cover).
 */
export const coverage = (pipeline: number, quota: number | null, wonSoFar: number): number | null => {
  if (quota === null) return null
  const remaining = quota - wonSoFar
  return remaining <= 0 ? null : pipeline / remaining
}

/** qualifiedCoverage: coverage of the qualified pipeline, over the same denominator. */
export const qualifiedCoverage = (qualified: number, quota: number | null, wonSoFar: number): number | null =>
  coverage(qualified, quota, wonSoFar)

/**
 * requiredCoverage: 1 / valueWinRate over the rep's deals closed in the `lookbackDays` before `at`
 * ((at − lookbackDays × 24 h, at]) — the coverage this rep needs. Null with no closed deal, and when
 * nothing of value was won (the rate is 0: no pipeline is enough).
 *
 * @example // won 40k, lost 60k in the last year: valueWinRate 0.4 ⇒ 2.5
 */
export const requiredCoverage = (
  deals: Iterable<DealRow>,
  repId: string,
  at: string,
  lookbackDays = 365,
): number | null => groupRequiredCoverage(deals, new Set([repId]), at, lookbackDays)

/**
 * requiredCoverage of a group of sellers (a team, a manager's reps): 1 / valueWinRate over the deals
 * any of them owned and closed in the lookback, from the summed won and lost values.
 */
export const groupRequiredCoverage = (
  deals: Iterable<DealRow>,
  ownerRepIds: ReadonlySet<string>,
  at: string,
  lookbackDays = 365,
): number | null => {
  const rate = closedInLookback(deals, ownerRepIds, at, lookbackDays).valueWinRate
  return rate === null || rate === 0 ? null : 1 / rate
}

/** The deals a group of sellers closed in a trailing window: how many, their values, the value win rate. */
export type ClosedInLookback = {
  readonly closedDeals: number
  readonly wonValue: number
  readonly lostValue: number
  /** wonValue / (wonValue + lostValue); null with nothing of value closed. */
  readonly valueWinRate: number | null
}

/** The deals any of `ownerRepIds` owned and closed in (at − lookbackDays × 24 h, at]. */
export const closedInLookback = (
  deals: Iterable<DealRow>,
  ownerRepIds: ReadonlySet<string>,
  at: string,
  lookbackDays = 365,
): ClosedInLookback => {
  const atMs = Date.parse(at)
  const fromMs = atMs - lookbackDays * dayMs
  let closedDeals = 0
  let wonValue = 0
  let lostValue = 0
  for (const deal of deals) {
    if (!ownerRepIds.has(deal.ownerRepId) || deal.closedAt === null) continue
    const closedMs = Date.parse(deal.closedAt)
    if (closedMs <= fromMs || closedMs > atMs) continue
    if (deal.status === "won") wonValue += deal.amount ?? 0
    else if (deal.status === "lost") lostValue += deal.amount ?? 0
    else continue
    closedDeals++
  }
  return { closedDeals, wonValue, lostValue, valueWinRate: valueWinRateOf(wonValue, lostValue) }
}

/**
 * impliedLossRate: 1 − 1/coverageTarget, the share of pipeline a flat mandate assumes will be lost.
 * Null for a target below 1x, which plans no loss and is no coverage target.
 *
 * @example impliedLossRate(8) // 0.875
 */
export const impliedLossRate = (coverageTarget: number): number | null =>
  Number.isFinite(coverageTarget) && coverageTarget >= 1 ? 1 - 1 / coverageTarget : null

/** Every coverage figure of a rep at an instant, from the rep's row, the deal rows and the settings. */
export const coverageAt = (options: {
  readonly deals: Iterable<DealRow>
  readonly rep: RepRow | undefined
  readonly repId: string
  readonly settings: TeamSettings
  readonly at: string
  readonly lookbackDays?: number
}): CoverageReport => {
  const { rep, repId, settings, at } = options
  const deals = Array.isArray(options.deals) ? (options.deals as ReadonlyArray<DealRow>) : [...options.deals]
  const quota = quotaAt(rep, at, settings)
  const wonValue = quota === null ? 0 : wonValueBetween(deals, repId, quota.start, at)
  const open = openPipeline(deals, repId, at)
  const qualified = qualifiedPipeline(deals, repId, at)
  return {
    repId,
    at,
    quota,
    wonValue,
    openPipeline: open,
    openDealsWithoutAmount: openDealsWithoutAmount(deals, repId, at),
    qualifiedPipeline: qualified,
    coverage: coverage(open, quota?.amount ?? null, wonValue),
    qualifiedCoverage: qualifiedCoverage(qualified, quota?.amount ?? null, wonValue),
    requiredCoverage: requiredCoverage(deals, repId, at, options.lookbackDays),
  }
}
