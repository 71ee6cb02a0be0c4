/**
 * @module Team and manager rollups (projections/README.md "Cohorts, evidence and rollups"): a
 * group's counters summed, then the same formulas as a rep's — a ratio of sums, never a mean of
 * ratios — with the intervals of its count rates; and the group's coverage at an instant.
 *
 * Decisions where the spec is silent:
 * - A manager's group is the manager and everyone who reports to them, directly or through other
 *   managers (`managerRepId`, transitively): a director's rollup is all of the organisation under
 *   them, as a sales leader's number is. A loop in `managerRepId` is cut: each rep counts once.
 * - The manager's own counters are in their group: a player-coach's deals are the team's deals.
 * - The managers are the reps whose role is `manager`, and whoever is named as a `managerRepId`.
 * - A team's group is the reps whose `team` is that team; a rep with no team is in no team's group.
 * - A rollup sums every member, eligible or not: eligibility is about comparing people fairly, while a
 *   total is everything the group did in the window (a hire's first deals are the team's deals).
 *   Unlinked vendor identities belong to no group until linked.
 * - A group's coverage is over its sellers, the members with a quota in force at the instant:
 *   Σ openPipeline / (Σ quota − Σ wonValue so far, each in the seller's own quota period). Pipeline
 *   owned by members without a quota covers no quota and is left out. requiredCoverage is over every
 *   member's deals closed in the lookback.
 *
 * @example
 * // ana won 3 of 4 closed deals, bea 1 of 5: the team's winRate is 4 / 9 = 0.444, not (0.75 + 0.2) / 2
 * rollupOf([anaWindow, beaWindow]).metrics.winRate
 */
import type { TeamSettings } from "../events/index.js"
import type { RosterRep } from "./cohorts.js"
import type { RepWindow } from "./comparison.js"
import { coverage, coverageAt, groupRequiredCoverage, qualifiedCoverage } from "./coverage.js"
import { metricsOf, type RepMetrics, ratio, sumCounters } from "./metrics.js"
import { type MetricIntervals, metricIntervals } from "./rateEvidence.js"
import type { DayCounters, DealRow, RepRow } from "./state.js"

/** A group's figures for a window: its members, the metrics of their summed counters and the intervals. */
export type GroupRollup = {
  readonly members: ReadonlyArray<string>
  readonly totals: Readonly<DayCounters>
  readonly metrics: RepMetrics
  readonly intervals: MetricIntervals
  /** activities / members: sums of groups of different sizes do not compare. */
  readonly activitiesPerRep: number | null
}

/** The rollup of the members' windows: their counters summed, the won deals pooled (salesCycleDays). */
export const rollupOf = (members: ReadonlyArray<RepWindow>): GroupRollup => {
  const totals = sumCounters(members.map((member) => member.totals))
  const metrics = metricsOf(
    totals,
    members.flatMap((member) => member.wonDeals ?? []),
  )
  return {
    members: members.map((member) => member.repId),
    totals,
    metrics,
    intervals: metricIntervals(totals),
    activitiesPerRep: ratio(totals.activities, members.length),
  }
}

/** Each manager's group: the manager first, then everyone under them (transitively), by repId. */
export const managerGroups = (roster: ReadonlyArray<RosterRep>): ReadonlyMap<string, ReadonlyArray<string>> => {
  const reports = new Map<string, Array<string>>()
  for (const rep of roster) {
    const manager = rep.managerRepId ?? null
    if (manager === null || manager === rep.repId) continue
    const direct = reports.get(manager)
    if (direct === undefined) reports.set(manager, [rep.repId])
    else direct.push(rep.repId)
  }
  const managers = new Set([
    ...roster.filter((rep) => rep.role === "manager").map((rep) => rep.repId),
    ...reports.keys(),
  ])
  const groups = new Map<string, ReadonlyArray<string>>()
  for (const manager of [...managers].sort()) {
    const under = new Set<string>()
    const pending = [...(reports.get(manager) ?? [])]
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next === manager || under.has(next)) continue
      under.add(next)
      pending.push(...(reports.get(next) ?? []))
    }
    groups.set(manager, [manager, ...[...under].sort()])
  }
  return groups
}

/** Each team's group: the reps whose `team` it is, by repId; teams by name. */
export const teamGroups = (roster: ReadonlyArray<RosterRep>): ReadonlyMap<string, ReadonlyArray<string>> => {
  const groups = new Map<string, Array<string>>()
  for (const rep of [...roster].sort((a, b) => (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0))) {
    const team = rep.team ?? null
    if (team === null) continue
    const members = groups.get(team)
    if (members === undefined) groups.set(team, [rep.repId])
    else members.push(rep.repId)
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * The rollup of each group (a member without a window counts with zeros), in the groups' order.
 *
 * @example groupRollups(teamGroups(roster), windows) // [{ group: "east", members: […], metrics, … }, …]
 */
export const groupRollups = (
  groups: ReadonlyMap<string, ReadonlyArray<string>>,
  windows: ReadonlyArray<RepWindow>,
): ReadonlyArray<{ readonly group: string } & GroupRollup> => {
  const windowOf = new Map(windows.map((window) => [window.repId, window]))
  return [...groups].map(([group, members]) => ({
    group,
    ...rollupOf(members.map((repId) => windowOf.get(repId) ?? { repId, totals: sumCounters([]) })),
  }))
}

/** A group's coverage at an instant (see the module's decisions for who counts). */
export type GroupCoverage = {
  readonly at: string
  /** The members with a quota in force at `at`. */
  readonly sellers: ReadonlyArray<string>
  /** Σ of the sellers' quotas in force; null when no member has one. */
  readonly quota: number | null
  /** Σ of the sellers' wonValue so far in their quota periods. */
  readonly wonValue: number
  readonly openPipeline: number
  readonly qualifiedPipeline: number
  readonly coverage: number | null
  readonly qualifiedCoverage: number | null
  readonly requiredCoverage: number | null
}

/** The group's coverage, qualified coverage and required coverage at `at`. */
export const groupCoverageAt = (options: {
  readonly deals: ReadonlyArray<DealRow>
  readonly members: ReadonlyArray<RepRow>
  readonly settings: TeamSettings
  readonly at: string
  readonly lookbackDays?: number
}): GroupCoverage => {
  const { deals, members, settings, at } = options
  const sellers = members
    .map((rep) => coverageAt({ deals, rep, repId: rep.repId, settings, at }))
    .filter((report) => report.quota !== null)
  let quota = 0
  let wonValue = 0
  let openPipeline = 0
  let qualifiedPipeline = 0
  for (const seller of sellers) {
    quota += seller.quota?.amount ?? 0
    wonValue += seller.wonValue
    openPipeline += seller.openPipeline
    qualifiedPipeline += seller.qualifiedPipeline
  }
  const quotaInForce = sellers.length === 0 ? null : quota
  return {
    at,
    sellers: sellers.map((seller) => seller.repId),
    quota: quotaInForce,
    wonValue,
    openPipeline,
    qualifiedPipeline,
    coverage: coverage(openPipeline, quotaInForce, wonValue),
    qualifiedCoverage: qualifiedCoverage(qualifiedPipeline, quotaInForce, wonValue),
    requiredCoverage: groupRequiredCoverage(deals, new Set(members.map((rep) => rep.repId)), at, options.lookbackDays),
  }
}
