import { describe, expect, it } from "vitest"
import {
  compareReps,
  type DayCounters,
  emptyCounters,
  type RepWindow,
  rankReps,
  topPerformersContrast,
} from "../projections/index.js"

const rep = (repId: string, values: Partial<DayCounters>): RepWindow => ({
  repId,
  totals: { ...emptyCounters(), ...values },
})

// A team's month. meetingYield = meetings booked per 100 activities.
const team: Array<RepWindow> = [
  rep("ana", { activities: 100, meetingsBooked: 5, dealsWon: 3, dealsLost: 1, wonValue: 300_000, lostValue: 100_000 }), // yield 5
  rep("bea", { activities: 400, meetingsBooked: 8, dealsWon: 1, dealsLost: 4, wonValue: 50_000, lostValue: 200_000 }), // yield 2
  rep("carl", {
    activities: 300,
    meetingsBooked: 12,
    dealsWon: 2,
    dealsLost: 3,
    wonValue: 120_000,
    lostValue: 180_000,
  }), // yield 4
  rep("dee", { activities: 50, meetingsBooked: 1, dealsLost: 1, lostValue: 40_000 }), // yield 2
  rep("eve", {}), // no activity: yield null
]

describe("quadrants", () => {
  const view = compareReps(team)

  it("places reps by effort and yield against the team medians", () => {
    // activities 0, 50, 100, 300, 400 ⇒ median 100; yields 2, 2, 4, 5 (eve's null left out) ⇒ (2 + 4) / 2 = 3
    expect(view.medians).toEqual({ activities: 100, yield: 3 })
    const quadrantOf = (repId: string) => view.reps.find((r) => r.repId === repId)?.quadrant
    expect(quadrantOf("ana")).toBe("focused") // 100 is at the median: not high effort; yield 5 ≥ 3
    expect(quadrantOf("bea")).toBe("spraying") // 400 > 100; 2 < 3
    expect(quadrantOf("carl")).toBe("grinding") // 300 > 100; 4 ≥ 3
    expect(quadrantOf("dee")).toBe("idle") // 50 ≤ 100; 2 < 3
    expect(quadrantOf("eve")).toBeNull() // no yield to judge
  })

  it("can use revenuePerActivity as yield", () => {
    const byRevenue = compareReps(team, { yieldBy: "revenuePerActivity" })
    // revenue per activity: ana 3000, bea 125, carl 400, dee 0 ⇒ median (125 + 400) / 2 = 262.5
    expect(byRevenue.medians.yield).toBe(262.5)
    expect(byRevenue.reps.map((r) => r.quadrant)).toEqual(["focused", "spraying", "grinding", "idle", null])
  })
})

describe("rankings", () => {
  it("rank by meetings per activity by default, ties sharing a rank, nulls last", () => {
    expect(rankReps(compareReps(team).reps)).toEqual([
      { repId: "ana", value: 5, rank: 1 },
      { repId: "carl", value: 4, rank: 2 },
      { repId: "bea", value: 2, rank: 3 },
      { repId: "dee", value: 2, rank: 3 },
      { repId: "eve", value: null, rank: null },
    ])
  })

  it("rank metrics where less is better from the lowest", () => {
    // activitiesPerMeeting: ana 100/5 = 20, carl 300/12 = 25, bea 400/8 = 50, dee 50/1 = 50, eve 0 meetings: null
    const ranking = compareReps(team, { rankBy: "activitiesPerMeeting" }).ranking
    expect(ranking.map((r) => [r.repId, r.value, r.rank])).toEqual([
      ["ana", 20, 1],
      ["carl", 25, 2],
      ["bea", 50, 3],
      ["dee", 50, 3],
      ["eve", null, null],
    ])
  })
})

describe("top 20% by wonValue against the rest", () => {
  it("contrasts the groups' summed metrics", () => {
    const { top, rest } = topPerformersContrast(team)
    // 5 reps: ceil(20% × 5) = 1 ⇒ ana (300k won)
    expect(top.repIds).toEqual(["ana"])
    expect(top.metrics.winRate).toBe(0.75) // 3 / (3 + 1)
    expect(top.metrics.avgWonDeal).toBe(100_000) // 300k / 3
    expect(top.metrics.revenuePerActivity).toBe(3000) // 300k / 100
    expect(top.activitiesPerRep).toBe(100)
    // the rest, by wonValue: carl 120k, bea 50k, then dee and eve at 0 (by repId)
    expect(rest.repIds).toEqual(["carl", "bea", "dee", "eve"])
    // won 1 + 2 = 3, lost 4 + 3 + 1 = 8 ⇒ 3 / 11; won value 50k + 120k = 170k over 400 + 300 + 50 + 0 = 750 activities
    expect(rest.metrics.winRate).toBeCloseTo(3 / 11, 12)
    expect(rest.metrics.avgWonDeal).toBeCloseTo(170_000 / 3, 6)
    expect(rest.metrics.revenuePerActivity).toBeCloseTo(170_000 / 750, 9)
    expect(rest.activitiesPerRep).toBe(187.5) // 750 / 4: the top rep does less
  })

  it("sizes the top group as ceil(20%) of the reps", () => {
    const reps = (count: number) => Array.from({ length: count }, (_, i) => rep(`r${i}`, { wonValue: i }))
    expect(topPerformersContrast(reps(6)).top.repIds).toEqual(["r5", "r4"]) // ceil(1.2) = 2
    expect(topPerformersContrast(reps(10)).top.repIds).toHaveLength(2) // ceil(2) = 2
    expect(topPerformersContrast(reps(11)).top.repIds).toHaveLength(3) // ceil(2.2) = 3
    const nobody = topPerformersContrast([])
    expect(nobody.top.repIds).toEqual([])
    expect(nobody.top.metrics.winRate).toBeNull()
    expect(nobody.rest.activitiesPerRep).toBeNull()
  })
})

describe("unattributed work of unlinked vendor identities", () => {
  const identity = (repId: string, values: Partial<DayCounters>): RepWindow => {
    const [source, externalId] = repId.split(":") as [string, string]
    return { ...rep(repId, values), identity: { source, externalId } }
  }
  const withIdentities = [
    ...team,
    identity("aircall:77", { activities: 40, dials: 40, meetingsBooked: 2 }),
    identity("calendly:bo@example.com", { meetingsBooked: 3 }),
    identity("twilio:+33612345678", {}), // did nothing in the window
  ]

  it("are neither placed, ranked, in the medians nor in the contrast", () => {
    const view = compareReps(withIdentities)
    const without = compareReps(team)
    expect(view.reps.map((r) => r.repId)).toEqual(["ana", "bea", "carl", "dee", "eve"])
    expect(view.medians).toEqual(without.medians)
    expect(view.ranking).toEqual(without.ranking)
    expect(view.contrast).toEqual(without.contrast)
  })

  it("are listed with their work, most activities first, and summed", () => {
    const { unattributed } = compareReps(withIdentities)
    expect(
      unattributed.identities.map((i) => [i.repId, i.source, i.externalId, i.activities, i.meetingsBooked]),
    ).toEqual([
      ["aircall:77", "aircall", "77", 40, 2],
      ["calendly:bo@example.com", "calendly", "bo@example.com", 0, 3],
    ])
    expect(unattributed.totals).toMatchObject({
      activities: 40,
      dials: 40,
      meetingsBooked: 5,
      dealsWon: 0,
      wonValue: 0,
    })
  })

  it("are empty when every identity is linked", () => {
    expect(compareReps(team).unattributed).toEqual({
      identities: [],
      totals: expect.objectContaining({ activities: 0, meetingsBooked: 0 }),
    })
  })
})
