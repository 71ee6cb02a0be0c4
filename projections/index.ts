/**
 * @module The projections of Outcome Ledger: pure folds from events to read-model rows, and the one
 * definition of every metric of shared/METRICS.md. No I/O, no clock, no randomness.
 *
 * @example
 * const state = foldAll(events)
 * const totals = sumCounters([...state.repDays.values()].filter((row) => row.repId === "ana"))
 * metricsOf(totals).meetingYield
 */
export { accountOutcomes, type AccountOutcomes } from "./accounts.js"
export { applyChanges, type Change, type ChangeKind } from "./changes.js"
export { evolve, foldAll, foldEvent } from "./evolve.js"
export { noOccurrences, occurrencesBetween, quarterHourOf, type Occurrences } from "./occurrences.js"
export { groupBy } from "./groupBy.js"
export { repValuedFields, resolveIdentities, unlinkedIdentityOf } from "./identities.js"
export {
  counterNames,
  emptyLedgerState,
  identityIndexOf,
  repDayKey,
  type AccountActivityRow,
  type AccountRow,
  type ContactRow,
  type CounterName,
  type DayCounters,
  type DealRow,
  type DealStatus,
  type LedgerState,
  type MeetingRow,
  type MeetingStatus,
  type RepDayRow,
  type RepRole,
  type RepRow,
} from "./state.js"
export {
  emptyCounters,
  median,
  metricsOf,
  ratio,
  salesCycleDaysOf,
  sumCounters,
  valueWinRateOf,
  winRateOf,
  type EffectivenessMetric,
  type RepMetrics,
} from "./metrics.js"
export {
  coverage,
  coverageAt,
  impliedLossRate,
  openPipeline,
  qualifiedCoverage,
  qualifiedPipeline,
  quotaAt,
  requiredCoverage,
  wonValueBetween,
  type CoverageReport,
  type QuotaInForce,
} from "./coverage.js"
export {
  addDays,
  bucketOf,
  bucketsOfWindow,
  dayKeyOf,
  daysBetween,
  daysOfPeriod,
  isoWeekOf,
  monthsWithin,
  monthOf,
  periodEnd,
  periodStart,
  quarterOf,
  startOfDay,
  type Bucket,
  type Granularity,
} from "./periods.js"
export { maxWindowBuckets, maxWindowDays, windowIssue, type WindowIssue } from "./windowBounds.js"
export {
  compareReps,
  placeReps,
  quadrantOf,
  rankingDirection,
  rankReps,
  teamMedians,
  topPerformersContrast,
  type GroupContrast,
  type Quadrant,
  type RankingMetric,
  type RepPlacement,
  type RepRanking,
  type RepScorecard,
  type RepWindow,
  type TeamComparison,
  type TeamMedians,
  type TopPerformersContrast,
  type Unattributed,
  type UnattributedCounts,
  type UnattributedIdentity,
  unattributedCounterNames,
  unattributedWork,
  type YieldMetric,
} from "./comparison.js"
export * from "./whatIf.js"
