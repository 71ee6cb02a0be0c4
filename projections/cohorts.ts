/**
 * @module Who is compared with whom (projections/README.md "Cohorts, evidence and rollups"): reps
 * are compared within their role's cohort, and only when they were on the team for the whole window
 * and have enough evidence; everyone else is listed with the reason.
 *
 * Decisions where the spec is silent:
 * - A rep's cohort is the role on their roster row (the latest `RepJoined`); a rep credited without
 *   ever joining has no role: cohort `other`, never eligible (`neverJoined`).
 * - On the team for the whole window [start, end): joined at or before its start, and not left
 *   before its end (a departure at the end's very instant, or later, leaves the window whole).
 * - The checks run in this order, and the first that fails is the reason: never joined, joined after
 *   the start, left before the end, too few activities; then, for a ranking, too few of what the
 *   metric rests on, and no value at all.
 * - A minimum below 1 counts as 1: a rate needs at least one trial.
 *
 * @example
 * membershipIssue({ repId: "ana", role: "AE", joinedAt: "2026-10-15T00:00:00Z", leftAt: null }, november)
 * // null: on the team for the whole of November
 */
import type { EffectivenessMetric, RepMetrics } from "./metrics.js"
import {
  type EvidenceMinimum,
  type EvidenceSettings,
  evidenceCount,
  evidenceNouns,
  metricEvidence,
} from "./rateEvidence.js"
import type { DayCounters, RepRole, RepRow } from "./state.js"

/** The groups reps are compared within: their role. */
export type Cohort = RepRole

/** Every cohort, in the order they are shown. */
export const cohorts: ReadonlyArray<Cohort> = ["AE", "BDR", "manager", "other"]

/** A rep's cohort: their role, or `other` for a rep who never joined. */
export const cohortOf = (role: RepRole | null): Cohort => role ?? "other"

/** The instants of a window: from `start` (included) to `end` (excluded), ISO 8601. */
export type WindowInstants = { readonly start: string; readonly end: string }

/** What the comparison needs of a rep's roster row. */
export type RosterRep = Pick<RepRow, "repId" | "role" | "joinedAt" | "leftAt"> &
  Partial<Pick<RepRow, "managerRepId" | "team">>

/** Why a rep is not compared, or not ranked by a metric. */
export type Ineligibility =
  | { readonly kind: "neverJoined" }
  | { readonly kind: "joinedAfterStart"; readonly joinedAt: string }
  | { readonly kind: "leftBeforeEnd"; readonly leftAt: string }
  | { readonly kind: "tooFewActivities"; readonly activities: number; readonly minimum: number }
  | {
      readonly kind: "tooFewForRate"
      readonly metric: EffectivenessMetric
      /** The setting that asks for more, and what it counts. */
      readonly setting: EvidenceMinimum
      readonly count: number
      readonly minimum: number
    }
  | { readonly kind: "noValue"; readonly metric: EffectivenessMetric }

/** The reason in words, for people. */
export const describeIneligibility = (reason: Ineligibility): string => {
  switch (reason.kind) {
    case "neverJoined":
      return "credited without ever joining the team (no RepJoined)"
    case "joinedAfterStart":
      return `joined at ${reason.joinedAt}, after the window's start`
    case "leftBeforeEnd":
      return `left at ${reason.leftAt}, before the window's end`
    case "tooFewActivities":
      return `${reason.activities} activities in the window; comparing needs at least ${reason.minimum} (minActivities)`
    case "tooFewForRate":
      return `${reason.count} ${evidenceNouns[reason.setting]} in the window; ranking by ${reason.metric} needs at least ${reason.minimum} (${reason.setting})`
    case "noValue":
      return `no ${reason.metric} in the window`
    default:
      return assertNever(reason)
  }
}

const minimumOf = (settings: EvidenceSettings, setting: EvidenceMinimum): number => Math.max(1, settings[setting])

/** Whether the rep was on the team for the whole window; the reason when not. */
export const membershipIssue = (rep: RosterRep, window: WindowInstants): Ineligibility | null => {
  if (rep.joinedAt === null) return { kind: "neverJoined" }
  if (Date.parse(rep.joinedAt) > Date.parse(window.start)) return { kind: "joinedAfterStart", joinedAt: rep.joinedAt }
  if (rep.leftAt !== null && Date.parse(rep.leftAt) < Date.parse(window.end))
    return { kind: "leftBeforeEnd", leftAt: rep.leftAt }
  return null
}

/**
 * Whether the rep is compared in the window (in medians, quadrants and the top-20% contrast): on the
 * team for the whole window, with at least `minActivities` activities; the reason when not.
 */
export const comparisonIssue = (
  rep: RosterRep,
  totals: Readonly<DayCounters>,
  window: WindowInstants,
  settings: EvidenceSettings,
): Ineligibility | null => {
  const membership = membershipIssue(rep, window)
  if (membership !== null) return membership
  const minimum = minimumOf(settings, "minActivities")
  return totals.activities < minimum ? { kind: "tooFewActivities", activities: totals.activities, minimum } : null
}

/**
 * Whether a compared rep can be ranked by `metric`: at least the metric's minimum of what it rests
 * on (closed deals for winRate), and a value for a value figure; the reason when not.
 */
export const rankingIssue = (
  metric: EffectivenessMetric,
  totals: Readonly<DayCounters>,
  metrics: Pick<RepMetrics, EffectivenessMetric>,
  settings: EvidenceSettings,
): Ineligibility | null => {
  const evidence = metricEvidence[metric]
  const minimum = minimumOf(settings, evidence.minimum)
  const count = evidenceCount(metric, totals)
  if (count < minimum) return { kind: "tooFewForRate", metric, setting: evidence.minimum, count, minimum }
  if (evidence.kind === "value" && metrics[metric] === null) return { kind: "noValue", metric }
  return null
}

function assertNever(value: never): never {
  throw new Error(`unhandled reason ${JSON.stringify(value)}`)
}
