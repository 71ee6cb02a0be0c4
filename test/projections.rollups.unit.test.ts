/**
 * Team and manager rollups (projections/rollups.ts), against figures worked out by hand.
 */
import { describe, expect, it } from "vitest"
import { defaultTeamSettings } from "../events/index.js"
import {
  type DayCounters,
  type DealRow,
  emptyCounters,
  groupCoverageAt,
  groupRollups,
  managerGroups,
  type RepRow,
  type RepWindow,
  type RosterRep,
  rollupOf,
  teamGroups,
} from "../projections/index.js"

const window = (repId: string, counters: Partial<DayCounters>): RepWindow => ({
  repId,
  totals: { ...emptyCounters(), ...counters },
})

const ana = window("ana", {
  activities: 100,
  meetingsBooked: 5,
  dealsWon: 3,
  dealsLost: 1,
  wonValue: 300_000,
  lostValue: 100_000,
})
const bea = window("bea", {
  activities: 400,
  meetingsBooked: 8,
  dealsWon: 1,
  dealsLost: 4,
  wonValue: 50_000,
  lostValue: 200_000,
})

describe("a rollup", () => {
  const team = rollupOf([ana, bea])

  it("sums the members' counters, then applies the formulas: ratios of sums, never means of ratios", () => {
    expect(team.members).toEqual(["ana", "bea"])
    expect(team.metrics).toMatchObject({ activities: 500, meetingsBooked: 13, dealsWon: 4, dealsLost: 5 })
    expect(team.metrics.winRate).toBe(4 / 9) // 0.444; the mean of 3/4 and 1/5 would say 0.475
    expect(team.metrics.meetingYield).toBe(2.6) // 100 × 13 / 500; the mean of 5 and 2 would say 3.5
    expect(team.metrics.valueWinRate).toBe(350_000 / 650_000)
    expect(team.activitiesPerRep).toBe(250)
  })

  it("carries the intervals of its count rates", () => {
    // 4 of 9: p = 0.444, z²/n = 0.4268: (0.444 + 0.2134 − 1.96·√(0.02743 + 0.01186)) / 1.4268 = 0.1888
    expect(team.intervals.winRate?.low).toBeCloseTo(0.1888, 4)
    expect(team.intervals.winRate?.high).toBeCloseTo(0.7333, 4)
    expect(team.intervals.valueWinRate).toBeUndefined() // a value figure has none
  })

  it("of an empty group has zeros and no ratios", () => {
    expect(rollupOf([]).metrics).toMatchObject({ activities: 0, winRate: null })
    expect(rollupOf([]).activitiesPerRep).toBeNull()
  })
})

describe("groups", () => {
  const rep = (repId: string, managerRepId: string | null, team: string | null, role: RosterRep["role"] = "AE") => ({
    repId,
    role,
    joinedAt: "2026-01-05T09:00:00Z",
    leftAt: null,
    managerRepId,
    team,
  })
  const roster: ReadonlyArray<RosterRep> = [
    rep("vp", null, null, "manager"),
    rep("mia", "vp", "east", "manager"),
    rep("max", "vp", "west", "manager"),
    rep("ana", "mia", "east"),
    rep("bea", "mia", "east", "BDR"),
    rep("cy", "max", "west"),
    rep("solo", null, null, "manager"), // a manager with nobody yet
    rep("x", "y", "loop"), // a loop in the roster: each counts once
    rep("y", "x", "loop"),
  ]

  it("a manager's group is the manager and everyone under them, transitively", () => {
    expect(managerGroups(roster)).toEqual(
      new Map([
        ["max", ["max", "cy"]],
        ["mia", ["mia", "ana", "bea"]],
        ["solo", ["solo"]],
        ["vp", ["vp", "ana", "bea", "cy", "max", "mia"]],
        ["x", ["x", "y"]],
        ["y", ["y", "x"]],
      ]),
    )
  })

  it("a team's group is the reps of that team; reps with no team are in none", () => {
    expect(teamGroups(roster)).toEqual(
      new Map([
        ["east", ["ana", "bea", "mia"]],
        ["loop", ["x", "y"]],
        ["west", ["cy", "max"]],
      ]),
    )
  })

  it("rolls each group up, members without a window counting zero", () => {
    const rollups = groupRollups(teamGroups(roster), [ana, bea])
    expect(rollups.map((r) => [r.group, r.metrics.activities, r.metrics.winRate])).toEqual([
      ["east", 500, 4 / 9],
      ["loop", 0, null],
      ["west", 0, null],
    ])
  })
})

const deal = (dealId: string, ownerRepId: string, amount: number, fields: Partial<DealRow>): DealRow => ({
  dealId,
  ownerRepId,
  accountId: "acme",
  amount,
  currency: null,
  source: "outbound",
  originatorRepId: null,
  expectedCloseDate: null,
  status: "open",
  openedAt: "2026-06-01T09:00:00Z",
  closedAt: null,
  onTargetAccount: false,
  qualifiedAt: null,
  stage: null,
  ...fields,
})
const won = (closedAt: string) => ({ status: "won" as const, closedAt })
const lost = (closedAt: string) => ({ status: "lost" as const, closedAt })

const seller = (repId: string, quotas: Record<string, number>): RepRow => ({
  repId,
  name: repId,
  email: null,
  role: "AE",
  team: "east",
  managerRepId: "mia",
  joinedAt: "2026-01-05T09:00:00Z",
  leftAt: null,
  firstSeenAt: "2026-01-05T09:00:00Z",
  quotas,
  identities: [],
})

describe("a group's coverage", () => {
  it("is the sellers' pipeline over what is left of their quotas, and the group's required coverage", () => {
    const deals = [
      deal("d1", "ana", 80_000, won("2026-10-15T09:00:00Z")),
      deal("d2", "ana", 150_000, { openedAt: "2026-10-01T09:00:00Z" }),
      deal("d3", "bea", 30_000, won("2026-11-02T09:00:00Z")),
      deal("d4", "bea", 60_000, { openedAt: "2026-11-05T09:00:00Z", qualifiedAt: "2026-11-10T09:00:00Z" }),
      deal("d5", "bea", 90_000, lost("2026-09-01T09:00:00Z")),
      deal("d6", "carl", 50_000, {}), // carl has no quota: his pipeline covers none
      deal("d7", "ana", 40_000, lost("2026-08-01T09:00:00Z")),
    ]
    const members = [seller("ana", { "2026-Q4": 200_000 }), seller("bea", { "2026-Q4": 100_000 }), seller("carl", {})]
    const team = groupCoverageAt({ deals, members, settings: defaultTeamSettings, at: "2026-11-30T23:59:59.999Z" })
    // quota 200,000 + 100,000; won so far in Q4 80,000 + 30,000; open 150,000 + 60,000
    expect(team).toMatchObject({
      sellers: ["ana", "bea"],
      quota: 300_000,
      wonValue: 110_000,
      openPipeline: 210_000,
      qualifiedPipeline: 60_000,
    })
    expect(team.coverage).toBeCloseTo(210_000 / 190_000, 10) // 1.105
    expect(team.qualifiedCoverage).toBeCloseTo(60_000 / 190_000, 10)
    // closed in the past year: won 80,000 + 30,000, lost 90,000 + 40,000 ⇒ 1 / (110,000 / 240,000) = 2.18
    expect(team.requiredCoverage).toBeCloseTo(240_000 / 110_000, 10)
  })

  it("has no coverage without a seller", () => {
    const team = groupCoverageAt({
      deals: [],
      members: [seller("carl", {})],
      settings: defaultTeamSettings,
      at: "2026-11-30T23:59:59.999Z",
    })
    expect(team).toMatchObject({ sellers: [], quota: null, coverage: null, requiredCoverage: null })
  })
})
