/**
 * @module The projections of Outcome Ledger: pure folds from events to read-model rows, and the one
 * definition of every metric of projections/README.md. No I/O, no clock, no randomness.
 *
 * @example
 * const state = foldAll(events)
 * const totals = sumCounters([...state.repDays.values()].filter((row) => row.repId === "ana"))
 * metricsOf(totals).meetingYield
 */
export { type AccountOutcomes, accountOutcomes } from "./accounts.js"
export {
  type Attribution,
  dealSources,
  type OriginatedDeals,
  originatedBySource,
  type Source,
  type SourceSplit,
} from "./attribution.js"
export * from "./backTestVerdict.js"
export {
  addDays,
  dayKeyOfDayNumber,
  dayNumberOf,
  daysBetween,
  firstCalendarDay,
  isCalendarDay,
  lastCalendarDay,
} from "./calendar.js"
export { applyChanges, type Change, type ChangeKind } from "./changes.js"
export {
  type CohortComparison,
  type CohortComparisonOptions,
  type CohortDefaults,
  type CohortRep,
  closingMetrics,
  cohortDefaults,
  cohortOptionsIssue,
  compareCohort,
  type RankedRep,
} from "./cohortComparison.js"
export {
  type Cohort,
  cohortOf,
  cohorts,
  comparisonIssue,
  describeIneligibility,
  type Ineligibility,
  membershipIssue,
  type RosterRep,
  rankingIssue,
  type WindowInstants,
} from "./cohorts.js"
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
  type ClosedInLookback,
  type CoverageReport,
  closedInLookback,
  coverage,
  coverageAt,
  groupRequiredCoverage,
  impliedLossRate,
  openPipeline,
  type QuotaInForce,
  qualifiedCoverage,
  qualifiedPipeline,
  quotaAt,
  requiredCoverage,
  wonValueBetween,
} from "./coverage.js"
export * from "./displacement.js"
export { type RateInterval, wilsonInterval, wilsonLowerBound, z95 } from "./evidence.js"
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
export * from "./proactive.js"
export {
  type AttainmentCount,
  type PeriodAttainment,
  type QuotaAttainment,
  quotaAttainment,
  type SellerAttainment,
} from "./quotaAttainment.js"
export {
  countMetrics,
  defaultEvidenceSettings,
  type EvidenceMinimum,
  type EvidenceSettings,
  evidenceCount,
  evidenceNouns,
  evidenceSettingsOf,
  type MetricEvidence,
  type MetricInterval,
  type MetricIntervals,
  metricEvidence,
  metricInterval,
  metricIntervals,
  rankingDirection,
  rankScore,
} from "./rateEvidence.js"
export {
  type GroupCoverage,
  type GroupRollup,
  groupCoverageAt,
  groupRollups,
  managerGroups,
  rollupOf,
  teamGroups,
} from "./rollups.js"
export * from "./scenarios.js"
export {
  type AccountActivityRow,
  type AccountOwnership,
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
  type RepAccountRow,
  type RepDayRow,
  type RepRole,
  type RepRow,
  repAccountKey,
  repDayKey,
  type UnflaggedActivity,
  unflaggedActivities,
} from "./state.js"
export * from "./targetCadence.js"
export { type CapWarning, capWarnings, currentOwner, listOf, ownerAt } from "./targetLists.js"
export { dayKeyOf, endOfDay, startOfDay } from "./teamDays.js"
export * from "./whatIf.js"
export { maxWindowDays, type WindowIssue, windowIssue } from "./windowBounds.js"
export { changeOf, type DayWindow, type FigureChange, figureChanges, previousWindow } from "./windowChange.js"
