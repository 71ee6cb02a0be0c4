/**
 * @module What a coverage back-test can honestly say (src/whatif/README.md "Scenarios"): whether the
 * reps who met a policy at a period's start hit quota more often than those who did not, with the
 * uncertainty of the counts (95% Wilson intervals) and the confounding of effectiveness (the same
 * split within each effort/yield quadrant at the start). A policy met only by effective reps says
 * nothing about the policy.
 *
 * @example
 * backTestVerdict({ name: "8× mandate", finishedPeriods: 3, overall, byQuadrant })
 * // "No rep-period met “8× mandate” at its start (of 59 judged in 3 finished periods): nothing to compare."
 */
import type { Quadrant } from "./comparison.js"
import { addBackTests, type BackTest, backTest, type QuotaHits } from "./whatIf.js"

/** The quadrant of a rep at a period's start, or "unplaced" (no activity in the trailing window). */
export type QuadrantAtStart = Quadrant | "unplaced"

export const quadrantsAtStart: ReadonlyArray<QuadrantAtStart> = ["focused", "grinding", "spraying", "idle", "unplaced"]

/** A back-test split by the reps' quadrant at the period's start. */
export type BackTestByQuadrant = { readonly [quadrant in QuadrantAtStart]: BackTest }

export const noBackTestByQuadrant: BackTestByQuadrant = Object.fromEntries(
  quadrantsAtStart.map((quadrant) => [quadrant, backTest([])]),
) as BackTestByQuadrant

export const addBackTestsByQuadrant = (a: BackTestByQuadrant, b: BackTestByQuadrant): BackTestByQuadrant =>
  Object.fromEntries(
    quadrantsAtStart.map((quadrant) => [quadrant, addBackTests(a[quadrant], b[quadrant])]),
  ) as BackTestByQuadrant

const percent = (rate: number) => `${(100 * rate).toFixed(1)}%`
const hits = (group: QuotaHits) =>
  group.interval === null || group.hitRate === null
    ? "none"
    : `${group.hitQuota} of ${group.reps} (${percent(group.hitRate)}, 95% interval ${percent(group.interval.low)}–${percent(group.interval.high)})`

/**
 * One sentence: why there is nothing to compare (no finished period; no rep-period judged; none met
 * the policy; all did), or the comparison with its intervals, saying when they overlap (too thin to
 * conclude) and when no quadrant holds both groups (effectiveness, not the policy, may explain it).
 */
export const backTestVerdict = (input: {
  readonly name: string
  readonly finishedPeriods: number
  readonly overall: BackTest
  readonly byQuadrant: BackTestByQuadrant
}): string => {
  const { finishedPeriods, overall, byQuadrant } = input
  const name = `“${input.name}”`
  const judged = overall.met.reps + overall.notMet.reps
  if (finishedPeriods === 0) return `No period of the window has finished yet: whether reps hit quota is not known.`
  const within = `${judged} judged in ${finishedPeriods} finished period${finishedPeriods === 1 ? "" : "s"}`
  if (judged === 0)
    return `No rep-period of the ${finishedPeriods} finished period${finishedPeriods === 1 ? "" : "s"} could be judged against ${name} (no quota left or no target at its start).`
  if (overall.met.reps === 0) return `No rep-period met ${name} at its start (of ${within}): nothing to compare.`
  if (overall.notMet.reps === 0) return `Every rep-period met ${name} at its start (${within}): nothing to compare.`
  const met = overall.met.interval
  const notMet = overall.notMet.interval
  const compared = `Met ${name}: ${hits(overall.met)} hit quota; not met: ${hits(overall.notMet)}.`
  const overlap = met !== null && notMet !== null && met.low <= notMet.high && notMet.low <= met.high
  const mixed = quadrantsAtStart.filter((q) => byQuadrant[q].met.reps > 0 && byQuadrant[q].notMet.reps > 0)
  const confounded =
    mixed.length === 0
      ? " No quadrant at the start holds both reps who met it and reps who did not: the difference may be the reps' effectiveness, not the policy."
      : ` Compare within ${mixed.join(", ")} (byQuadrant), where both groups are found.`
  return overlap
    ? `${compared} The intervals overlap: the evidence is too thin to conclude.${confounded}`
    : `${compared} The intervals do not overlap.${confounded}`
}
