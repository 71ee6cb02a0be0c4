/**
 * Comparisons a sales leader can trust (projections/cohortComparison.ts): like with like (cohorts),
 * only reps on the team for the whole window with enough activity, ranked by evidence rather than
 * luck. Wilson bounds are worked out in each comment from
 * (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96.
 */
import { describe, expect, it } from "vitest"
import {
  type CohortComparison,
  type CohortRep,
  cohortOptionsIssue,
  compareCohort,
  compareReps,
  type DayCounters,
  describeIneligibility,
  emptyCounters,
  type RepWindow,
  type RosterRep,
} from "../projections/index.js"

const november = { start: "2026-11-01T00:00:00Z", end: "2026-12-01T00:00:00Z" }

const member = (
  repId: string,
  role: RosterRep["role"],
  joinedAt: string,
  managerRepId: string | null,
  leftAt: string | null = null,
): RosterRep => ({ repId, role, joinedAt, leftAt, managerRepId, team: null })

// Two managers, seven AEs, two BDRs.
const roster: ReadonlyArray<RosterRep> = [
  member("mia", "manager", "2025-01-06T09:00:00Z", null),
  member("max", "manager", "2025-01-06T09:00:00Z", null),
  member("ana", "AE", "2026-01-12T09:00:00Z", "mia"),
  member("bo", "AE", "2026-02-02T09:00:00Z", "mia"),
  member("cy", "AE", "2026-03-02T09:00:00Z", "max"),
  member("dan", "AE", "2026-11-16T09:00:00Z", "mia"), // joined mid-window
  member("eve", "AE", "2026-06-01T09:00:00Z", "max"),
  member("fay", "AE", "2026-06-01T09:00:00Z", "max"),
  member("gus", "AE", "2026-04-01T09:00:00Z", "mia", "2026-11-20T17:00:00Z"), // left mid-window
  member("ben", "BDR", "2026-01-12T09:00:00Z", "mia"),
  member("bea", "BDR", "2026-01-12T09:00:00Z", "max"),
]

const window = (repId: string, counters: Partial<DayCounters>): RepWindow => ({
  repId,
  totals: { ...emptyCounters(), ...counters },
})

// November's counters. The managers logged nothing themselves.
const windows: ReadonlyArray<RepWindow> = [
  window("ana", {
    activities: 400,
    meetingsBooked: 12,
    dealsWon: 12,
    dealsLost: 28,
    wonValue: 240_000,
    lostValue: 560_000,
  }),
  window("bo", {
    activities: 1000,
    meetingsBooked: 20,
    dealsWon: 3,
    dealsLost: 7,
    wonValue: 90_000,
    lostValue: 210_000,
  }),
  window("cy", {
    activities: 600,
    meetingsBooked: 24,
    dealsWon: 5,
    dealsLost: 5,
    wonValue: 200_000,
    lostValue: 100_000,
  }),
  window("dan", { activities: 150, meetingsBooked: 9 }),
  window("eve", { activities: 120, meetingsBooked: 1, dealsWon: 1, wonValue: 50_000 }),
  window("fay", { activities: 1, meetingsBooked: 1, dealsWon: 1, wonValue: 30_000 }), // the README's lucky newcomer
  window("gus", { activities: 300, meetingsBooked: 6, dealsWon: 1, dealsLost: 1, wonValue: 10_000, lostValue: 10_000 }),
  window("ben", { activities: 900, meetingsBooked: 30, bookedMeetingsHeld: 24, dealsOriginated: 6 }),
  window("bea", { activities: 500, meetingsBooked: 10, bookedMeetingsHeld: 9, dealsOriginated: 2 }),
  window("ghost", { activities: 10 }), // credited, never joined
  { ...window("aircall:9", { activities: 50 }), identity: { source: "aircall", externalId: "9" } },
]

const repOf = (view: CohortComparison, repId: string): CohortRep => {
  const rep = view.reps.find((r) => r.repId === repId)
  if (rep === undefined) throw new Error(`${repId} is not in the ${view.cohort} cohort`)
  return rep
}

describe("the AE cohort", () => {
  const view = compareCohort({ cohort: "AE", roster, windows, window: november })

  it("holds the AEs only: no manager, no BDR, no unlinked identity", () => {
    expect(view.reps.map((r) => r.repId)).toEqual(["cy", "ana", "bo", "eve", "dan", "fay", "gus"])
    expect(view.unattributed.identities.map((i) => i.repId)).toEqual(["aircall:9"])
  })

  it("lists the reps who were not on the team for the whole window, or barely worked, with the reason", () => {
    expect(repOf(view, "dan")).toMatchObject({
      eligible: false,
      reason: { kind: "joinedAfterStart", joinedAt: "2026-11-16T09:00:00Z" },
      quadrant: null,
      rank: null,
    })
    expect(repOf(view, "gus").reason).toEqual({ kind: "leftBeforeEnd", leftAt: "2026-11-20T17:00:00Z" })
    expect(repOf(view, "fay")).toMatchObject({
      eligible: false,
      reason: { kind: "tooFewActivities", activities: 1, minimum: 100 },
      quadrant: null,
      rank: null,
    })
    expect(describeIneligibility(repOf(view, "fay").reason!)).toBe(
      "1 activities in the window; comparing needs at least 100 (minActivities)",
    )
    expect(repOf(view, "ana")).toMatchObject({ eligible: true, reason: null })
  })

  it("takes the medians over the eligible AEs only", () => {
    // activities 120, 400, 600, 1,000 ⇒ (400 + 600) / 2 = 500;
    // meetingYield eve 100 × 1/120 = 0.83, bo 2, ana 3, cy 4 ⇒ (2 + 3) / 2 = 2.5
    expect(view.medians).toEqual({ activities: 500, yield: 2.5 })
    // Over everyone, as the team view did (the managers with zeros):
    // 0, 0, 1, 10, 120, 150, 300, 400, 500, 600, 900, 1,000 ⇒ (150 + 300) / 2: the late joiner, the
    // newcomer, the managers and the BDRs drag it down to less than half.
    expect(compareReps([...windows, window("mia", {}), window("max", {})]).medians.activities).toBe(225)
  })

  it("places the eligible AEs only", () => {
    expect(view.reps.map((r) => [r.repId, r.quadrant])).toEqual([
      ["cy", "grinding"], // 600 > 500, 4 ≥ 2.5
      ["ana", "focused"], // 400 ≤ 500, 3 ≥ 2.5
      ["bo", "spraying"], // 1,000 > 500, 2 < 2.5
      ["eve", "idle"], // 120 ≤ 500, 0.83 < 2.5
      ["dan", null],
      ["fay", null],
      ["gus", null],
    ])
  })

  it("ranks by the lower bound of meetingYield's interval, which carries [low, high]", () => {
    // cy 24/600 → 2.70, ana 12/400 → 1.72, bo 20/1,000 → 1.30, eve 1/120 → 0.147 (per 100 activities)
    expect(view.ranking.map((r) => [r.repId, r.rank])).toEqual([
      ["cy", 1],
      ["ana", 2],
      ["bo", 3],
      ["eve", 4],
    ])
    const ana = view.ranking[1]!
    expect(ana.value).toBe(3)
    expect(ana.score).toBeCloseTo(1.7243, 4)
    expect(ana.interval?.low).toBeCloseTo(1.7243, 4)
    expect(ana.interval?.high).toBeCloseTo(5.1699, 4)
    expect(repOf(view, "ana").intervals.winRate?.low).toBeCloseTo(0.1807, 4)
  })

  it("contrasts the top 20% of the eligible AEs by wonValue with the rest", () => {
    // ceil(20% of 4) = 1: ana (240,000)
    expect(view.contrast.top.repIds).toEqual(["ana"])
    expect(view.contrast.rest.repIds).toEqual(["cy", "bo", "eve"])
  })
})

describe("evidence, not luck: ranking by winRate", () => {
  it("ranks the 40-deal rep at 30% above the 1-deal rep at 100%, who is not ranked at all", () => {
    const view = compareCohort({ cohort: "AE", roster, windows, window: november, rankBy: "winRate" })
    // cy 5 of 10 → 0.237, ana 12 of 40 → 0.181, bo 3 of 10 → 0.108; eve won 1 of 1: 1 closed deal < 5
    expect(view.ranking.map((r) => [r.repId, r.rank])).toEqual([
      ["cy", 1],
      ["ana", 2],
      ["bo", 3],
    ])
    expect(view.ranking.find((r) => r.repId === "ana")?.score).toBeCloseTo(0.1807, 4)
    const eve = repOf(view, "eve")
    expect(eve).toMatchObject({ eligible: true, quadrant: "idle", rank: null })
    expect(eve.rankReason).toEqual({
      kind: "tooFewForRate",
      metric: "winRate",
      setting: "minClosedDeals",
      count: 1,
      minimum: 5,
    })
    expect(describeIneligibility(eve.rankReason!)).toBe(
      "1 closed deals in the window; ranking by winRate needs at least 5 (minClosedDeals)",
    )
  })

  it("needs the minimum first: the bound alone puts 1 of 1 (0.207) above 12 of 40 (0.181)", () => {
    // 1 of 1: (1 + 1.92) / (1 + 3.84) − 1.96·√(0.96) / 4.84 = 0.2065
    const view = compareCohort({
      cohort: "AE",
      roster,
      windows,
      window: november,
      rankBy: "winRate",
      evidence: { minClosedDeals: 1 },
    })
    expect(view.ranking.map((r) => r.repId)).toEqual(["cy", "eve", "ana", "bo"])
    expect(view.ranking[1]?.score).toBeCloseTo(0.2065, 4)
  })

  it("ranks a value figure by its value, among reps with the deals it rests on", () => {
    // revenuePerActivity needs 5 closed deals: ana 240,000/400 = 600, cy 200,000/600 = 333.3, bo 90,000/1,000 = 90
    const view = compareCohort({ cohort: "AE", roster, windows, window: november, rankBy: "revenuePerActivity" })
    expect(view.ranking.map((r) => [r.repId, r.score, r.interval])).toEqual([
      ["ana", 600, null],
      ["cy", 200_000 / 600, null],
      ["bo", 90, null],
    ])
    expect(repOf(view, "eve").rankReason).toMatchObject({ kind: "tooFewForRate", count: 1 })
  })
})

describe("evidence, not luck: ranking by activities per meeting", () => {
  it("ranks by the pessimistic end of the interval, and a rep with no meeting last", () => {
    const whole = (repId: string) => member(repId, "AE", "2026-01-05T09:00:00Z", null)
    const view = compareCohort({
      cohort: "AE",
      roster: [whole("x"), whole("y"), whole("z")],
      windows: [
        window("x", { activities: 200, meetingsBooked: 10 }), // 20 per meeting; at worst 1 / 0.02738 (the low end of 10 of 200) = 36.5
        window("y", { activities: 300 }), // no meeting: no bound at all
        window("z", { activities: 150, meetingsBooked: 5 }), // 30 per meeting; at worst 1 / 0.01432 (5 of 150) = 69.8
      ],
      window: november,
      rankBy: "activitiesPerMeeting",
    })
    expect(view.ranking.map((r) => [r.repId, r.value, r.rank])).toEqual([
      ["x", 20, 1],
      ["z", 30, 2],
      ["y", null, 3],
    ])
    expect(view.ranking[0]?.score).toBeCloseTo(36.519, 3)
    expect(view.ranking[2]).toMatchObject({ score: null, interval: { high: null } })
  })
})

describe("the BDR cohort", () => {
  const view = compareCohort({ cohort: "BDR", roster, windows, window: november })

  it("places BDRs by the meetings they booked that took place, never by revenue", () => {
    // heldMeetingYield ben 100 × 24/900 = 2.667, bea 100 × 9/500 = 1.8 ⇒ median 2.233; activities median (500 + 900) / 2
    expect(view.yieldBy).toBe("heldMeetingYield")
    expect(view.medians.activities).toBe(700)
    expect(view.medians.yield).toBeCloseTo((200 / 75 + 1.8) / 2, 10)
    expect(view.reps.map((r) => [r.repId, r.quadrant, r.rank])).toEqual([
      ["ben", "grinding", 1], // 24/900 → 1.80 per 100 activities at the lower bound
      ["bea", "idle", 2], // 9/500 → 0.95
    ])
    expect(view.ranking[0]?.score).toBeCloseTo(1.7984, 4)
    expect(view.contrast.top.repIds).toEqual(["ben"]) // by bookedMeetingsHeld
  })

  it("refuses to judge BDRs on deals they do not close", () => {
    expect(cohortOptionsIssue("BDR", { rankBy: "winRate" })).toMatch(/^BDRs are not judged on deals/)
    expect(cohortOptionsIssue("BDR", { yieldBy: "revenuePerActivity" })).toMatch(/revenuePerActivity/)
    expect(cohortOptionsIssue("BDR", { rankBy: "meetingYield" })).toBeNull()
    expect(cohortOptionsIssue("AE", { rankBy: "winRate" })).toBeNull()
    expect(() => compareCohort({ cohort: "BDR", roster, windows, window: november, rankBy: "winRate" })).toThrow(
      RangeError,
    )
  })
})

describe("the manager cohort", () => {
  const view = compareCohort({ cohort: "manager", roster, windows, window: november })

  it("compares each manager as the rollup of their group", () => {
    // mia: ana, ben, bo, dan, gus — 400 + 900 + 1,000 + 150 + 300 = 2,750 activities; won 12 + 3 + 1 = 16 of 16 + 36 closed
    // max: bea, cy, eve, fay — 500 + 600 + 120 + 1 = 1,221 activities; won 5 + 1 + 1 = 7 of 12 closed
    const mia = repOf(view, "mia")
    expect(mia.members).toEqual(["mia", "ana", "ben", "bo", "dan", "gus"])
    expect(mia.metrics).toMatchObject({ activities: 2750, dealsWon: 16, dealsLost: 36, winRate: 16 / 52 })
    expect(repOf(view, "max").metrics).toMatchObject({ activities: 1221, winRate: 7 / 12 })
  })

  it("ranks managers by their group's winRate, at the lower bound", () => {
    // max 7 of 12 → 0.320, mia 16 of 52 → 0.199
    expect(view.rankBy).toBe("winRate")
    expect(view.ranking.map((r) => [r.repId, r.rank])).toEqual([
      ["max", 1],
      ["mia", 2],
    ])
    expect(view.ranking[0]?.score).toBeCloseTo(0.3195, 4)
  })
})

describe("the other cohort", () => {
  it("holds reps credited without ever joining, listed and never compared", () => {
    const view = compareCohort({ cohort: "other", roster, windows, window: november })
    expect(view.reps.map((r) => [r.repId, r.eligible, r.reason])).toEqual([["ghost", false, { kind: "neverJoined" }]])
    expect(view.medians).toEqual({ activities: null, yield: null })
    expect(view.ranking).toEqual([])
  })
})

describe("eligibility at the window's edges", () => {
  const one = (rep: RosterRep, activities = 100) =>
    compareCohort({ cohort: "AE", roster: [rep], windows: [window(rep.repId, { activities })], window: november })
      .reps[0]

  it("counts a rep who joined at the start's instant, and one who left at the end's instant", () => {
    expect(one(member("a", "AE", november.start, null))?.eligible).toBe(true)
    expect(one(member("b", "AE", "2026-10-01T00:00:00Z", null, november.end))?.eligible).toBe(true)
    expect(one(member("c", "AE", "2026-11-01T00:00:01Z", null))?.reason?.kind).toBe("joinedAfterStart")
    expect(one(member("d", "AE", "2026-10-01T00:00:00Z", null, "2026-11-30T23:59:59Z"))?.reason?.kind).toBe(
      "leftBeforeEnd",
    )
  })

  it("needs minActivities exactly, and at least one activity whatever the setting", () => {
    expect(one(member("a", "AE", november.start, null), 100)?.eligible).toBe(true)
    expect(one(member("a", "AE", november.start, null), 99)?.reason).toEqual({
      kind: "tooFewActivities",
      activities: 99,
      minimum: 100,
    })
    const none = compareCohort({
      cohort: "AE",
      roster: [member("a", "AE", november.start, null)],
      windows: [],
      window: november,
      evidence: { minActivities: 0 },
    })
    expect(none.reps[0]?.reason).toEqual({ kind: "tooFewActivities", activities: 0, minimum: 1 })
  })
})
