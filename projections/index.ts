/**
 * @module The projections of Outcome Ledger: pure folds from events to read-model rows, and the one
 * definition of every metric of shared/METRICS.md. No I/O, no clock, no randomness.
 *
 * @example
 * const state = foldAll(events)
 * const totals = sumCounters([...state.repDays.values()].filter((row) => row.repId === "ana"))
 * metricsOf(totals).meetingYield
 */
export { type AccountOutcomes, accountOutcomes } from "./accounts.js"
export { addDays, daysBetween, firstCalendarDay, isCalendarDay, lastCalendarDay } from "./calendar.js"
export { applyChanges, type Change, type ChangeKind } from "./changes.js"
export {
  compareReps,
  type GroupContrast,
  placeReps,
  type Quadrant,
  quadrantOf,
  type RankingMetric,
  type RepPlacement,
  type RepRanking,
  type RepScorecard,
  type RepWindow,
  rankingDirection,
  rankReps,
  type TeamComparison,
  type TeamMedians,
  type TopPerformersContrast,
  teamMedians,
  topPerformersContrast,
  type Unattributed,
  type UnattributedCounts,
  type UnattributedIdentity,
  unattributedCounterNames,
  unattributedWork,
  type YieldMetric,
} from "./comparison.js"
export {
  type CoverageReport,
  coverage,
  coverageAt,
  impliedLossRate,
  openPipeline,
  type QuotaInForce,
  qualifiedCoverage,
  qualifiedPipeline,
  quotaAt,
  requiredCoverage,
  wonValueBetween,
} from "./coverage.js"
export { evolve, foldAll, foldEvent } from "./evolve.js"
export { groupBy } from "./groupBy.js"
export { repValuedFields, resolveIdentities, unlinkedIdentityOf } from "./identities.js"
export {
  type EffectivenessMetric,
  emptyCounters,
  median,
  metricsOf,
  type RepMetrics,
  ratio,
  salesCycleDaysOf,
  sumCounters,
  valueWinRateOf,
  winRateOf,
} from "./metrics.js"
export { noOccurrences, type Occurrences, occurrencesBetween, quarterHourOf } from "./occurrences.js"
export {
  type Bucket,
  bucketCountOf,
  bucketOf,
  bucketsOfWindow,
  daysOfPeriod,
  type Granularity,
  isoWeekOf,
  maxWindowBuckets,
  monthOf,
  monthsWithin,
  periodEnd,
  periodStart,
  quarterOf,
} from "./periods.js"
export {
  type AccountActivityRow,
  type AccountRow,
  type ContactRow,
  type CounterName,
  counterNames,
  type DayCounters,
  type DealRow,
  type DealStatus,
  emptyLedgerState,
  identityIndexOf,
  type LedgerState,
  type MeetingRow,
  type MeetingStatus,
  type RepDayRow,
  type RepRole,
  type RepRow,
  repDayKey,
} from "./state.js"
export { dayKeyOf, endOfDay, startOfDay } from "./teamDays.js"
export * from "./whatIf.js"
export { maxWindowDays, type WindowIssue, windowIssue } from "./windowBounds.js"
