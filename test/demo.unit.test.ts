import { createHash } from "node:crypto"
import { beforeAll, describe, expect, it } from "vitest"
import {
  type DealEvent,
  type DealState,
  decideDeal,
  type EventType,
  evolveDeal,
  initialDealState,
  isDealEvent,
  parseEvent,
} from "../events/index.js"
import {
  applyChanges,
  compareReps,
  type DayCounters,
  emptyLedgerState,
  evolve,
  type LedgerState,
  metricsOf,
  periodEnd,
  periodStart,
  type Quadrant,
  type RepMetrics,
  sumCounters,
  wonValueBetween,
} from "../projections/index.js"
import {
  archetypeCounts,
  type DemoTeamOptions,
  demoRoster,
  demoScaleFor,
  generateDemoTeam,
  type SellingArchetype,
} from "../src/demo/index.js"

const seed = 7
const options: DemoTeamOptions = { seed } // 25 reps, 12 months to 2026-11-20, scale 1

/** Everything the checks below need, read in one pass over the generator (300k events, no array of them). */
type DemoRun = {
  readonly hash: string
  readonly count: number
  readonly byType: ReadonlyMap<EventType, number>
  readonly firstType: EventType | undefined
  readonly firstAt: string
  readonly lastAt: string
  readonly invalid: ReadonlyArray<string>
  readonly badKeys: number
  readonly dealRejections: ReadonlyArray<string>
  readonly meetingOutcomesBeforeBooking: number
  /** Events that came out after a later one: late arrivals. */
  readonly late: ReadonlyArray<EventType>
  readonly state: LedgerState
}

const hashOf = (events: Iterable<unknown>): string => {
  const hash = createHash("sha256")
  for (const event of events) hash.update(JSON.stringify(event))
  return hash.digest("hex")
}

const readDemo = (runOptions: DemoTeamOptions): DemoRun => {
  const hash = createHash("sha256")
  const byType = new Map<EventType, number>()
  const invalid: Array<string> = []
  const deals = new Map<string, DealState>()
  const dealRejections: Array<string> = []
  const booked = new Set<string>()
  const late: Array<EventType> = []
  const state = emptyLedgerState()
  const keys = new Set<string>()
  let badKeys = 0
  let meetingOutcomesBeforeBooking = 0
  let count = 0
  let firstType: EventType | undefined
  let firstAt = ""
  let lastAt = ""
  for (const event of generateDemoTeam(runOptions)) {
    count++
    hash.update(JSON.stringify(event))
    byType.set(event.type, (byType.get(event.type) ?? 0) + 1)
    firstType ??= event.type
    if (firstAt === "") firstAt = event.occurredAt
    if (event.occurredAt < lastAt) late.push(event.type)
    else lastAt = event.occurredAt

    const parsed = parseEvent(event)
    if (!parsed.ok) invalid.push(`${event.type} ${JSON.stringify(parsed.issues)}`)
    else if (parsed.event.occurredAt !== event.occurredAt)
      invalid.push(`${event.type} occurredAt ${event.occurredAt} is not normalised`)
    if (event.idempotencyKey !== `demo-${runOptions.seed}-${count}` || keys.has(event.idempotencyKey)) badKeys++
    keys.add(event.idempotencyKey)

    if (isDealEvent(event)) {
      const dealEvent = event as DealEvent
      const before = deals.get(dealEvent.data.dealId) ?? initialDealState
      const rejection = decideDeal(before, dealEvent)
      if (rejection !== undefined) dealRejections.push(rejection)
      deals.set(dealEvent.data.dealId, evolveDeal(before, dealEvent))
    }
    if (event.type === "MeetingBooked") booked.add(event.data.meetingId)
    if (
      (event.type === "MeetingHeld" || event.type === "MeetingCanceled" || event.type === "MeetingNoShow") &&
      !booked.has(event.data.meetingId)
    ) {
      meetingOutcomesBeforeBooking++
    }
    applyChanges(state, evolve(state, event))
  }
  return {
    hash: hash.digest("hex"),
    count,
    byType,
    firstType,
    firstAt,
    lastAt,
    invalid,
    badKeys,
    dealRejections,
    meetingOutcomesBeforeBooking,
    late,
    state,
  }
}

/** The default demo, read once for the whole file. */
let defaultRun: DemoRun | undefined
const defaultDemo = (): DemoRun => (defaultRun ??= readDemo(options))

describe("the demo team's roster", () => {
  it("has a fifth BDRs, sprayers and focused AEs in equal numbers, grinders and idle reps in equal numbers", () => {
    expect(archetypeCounts(25)).toEqual({ bdr: 5, sprayer: 6, focused: 6, grinder: 4, idle: 4 })
    expect(archetypeCounts(200)).toEqual({ bdr: 40, sprayer: 48, focused: 48, grinder: 32, idle: 32 })
  })

  it("gives every rep a unique name, a team and that team's manager, two hires during the year and one departure", () => {
    const roster = demoRoster(options)
    const managers = roster.filter((rep) => rep.role === "manager")
    const sellers = roster.filter((rep) => rep.role !== "manager")
    expect(sellers).toHaveLength(25)
    expect(managers).toHaveLength(3)
    expect(new Set(roster.map((rep) => rep.name)).size).toBe(roster.length)
    expect(new Set(roster.map((rep) => rep.repId)).size).toBe(roster.length)
    for (const rep of sellers) {
      const manager = managers.find((m) => m.repId === rep.managerRepId)
      expect(manager?.team).toBe(rep.team)
      expect(rep.name).toMatch(/^[A-Z][a-z]+ [A-Z][A-Za-z']+$/)
    }
    expect(sellers.filter((rep) => rep.joinsOn !== "2025-11-21")).toHaveLength(2)
    expect(sellers.filter((rep) => rep.leavesOn !== undefined).map((rep) => rep.archetype)).toEqual(["idle"])
    expect(demoRoster(options)).toEqual(roster)
  })
})

describe("the demo team's events", () => {
  let run: DemoRun
  beforeAll(() => {
    run = defaultDemo()
  }, 180_000)

  it("number about 300,000 for 25 reps over a year, in time order but for a few late dialer syncs", () => {
    expect(run.count).toBeGreaterThan(250_000)
    expect(run.count).toBeLessThan(350_000)
    expect(run.late.length).toBeLessThan(run.count / 1000)
    expect(new Set(run.late)).toEqual(new Set(["CallLogged"]))
    expect(run.firstAt.slice(0, 10)).toBe("2025-11-21")
    expect(run.lastAt.slice(0, 10) <= "2026-11-21").toBe(true)
  })

  it("are the same for the same seed and different for another", () => {
    expect(hashOf(generateDemoTeam(options))).toBe(run.hash)
    const small = { seed, reps: 6, months: 2 }
    expect(hashOf(generateDemoTeam(small))).toBe(hashOf(generateDemoTeam(small)))
    expect(hashOf(generateDemoTeam({ ...small, seed: seed + 1 }))).not.toBe(hashOf(generateDemoTeam(small)))
  }, 60_000)

  it("each pass parseEvent and carry the key demo-<seed>-<n>", () => {
    expect(run.invalid.slice(0, 5)).toEqual([])
    expect(run.badKeys).toBe(0)
  })

  it("give every deal a history the deal decider accepts, and every meeting outcome a booking before it", () => {
    expect(run.dealRejections.slice(0, 5)).toEqual([])
    expect(run.meetingOutcomesBeforeBooking).toBe(0)
    const count = (type: EventType) => run.byType.get(type) ?? 0
    expect(count("DealOpened")).toBeGreaterThan(800)
    expect(count("DealWon")).toBeGreaterThan(100)
    expect(count("DealLost")).toBeGreaterThan(count("DealWon"))
    expect(count("DealCloseDateChanged")).toBeGreaterThan(100)
    expect(count("DealAmountChanged")).toBeGreaterThan(50)
    expect(count("MeetingCanceled")).toBeGreaterThan(100)
    expect(count("MeetingNoShow")).toBeGreaterThan(100)
  })

  it("tell the team's own history: settings first, hires, a departure, quarterly quotas, a target list of about 60", () => {
    const count = (type: EventType) => run.byType.get(type) ?? 0
    expect(run.firstType).toBe("TeamSettingsChanged")
    expect(run.state.settings).toMatchObject({ timeZone: "America/New_York", conversationSeconds: 60 })
    expect(count("RepJoined")).toBe(28)
    expect(count("RepLeft")).toBe(1)
    expect(count("RepIdentityLinked")).toBeGreaterThan(10)
    expect(count("AccountTargeted")).toBeGreaterThanOrEqual(60)
    expect(count("AccountTargeted")).toBeLessThan(70)
    expect(count("AccountUntargeted")).toBeGreaterThanOrEqual(1)
    // Every AE has a quota for every quarter it works in: five quarters touch the year.
    const aes = demoRoster(options).filter((rep) => rep.role === "AE")
    for (const ae of aes)
      expect(Object.keys(run.state.reps.get(ae.repId)?.quotas ?? {}).length).toBeGreaterThanOrEqual(
        ae.joinsOn === "2025-11-21" ? 4 : 2,
      )
  })
})

describe("the demo team's archetypes, as the ledger's own scorecards see them", () => {
  const roster = demoRoster(options)
  let totals: Map<string, DayCounters>
  let state: LedgerState

  beforeAll(() => {
    state = defaultDemo().state
    const rows = new Map<string, Array<DayCounters>>()
    for (const row of state.repDays.values()) {
      const list = rows.get(row.repId)
      if (list === undefined) rows.set(row.repId, [row])
      else list.push(row)
    }
    totals = new Map(roster.map((rep) => [rep.repId, sumCounters(rows.get(rep.repId) ?? [])]))
  }, 180_000)

  const repsOf = (archetype: SellingArchetype) => roster.filter((rep) => rep.archetype === archetype)
  const repMetrics = (repId: string): RepMetrics => metricsOf(totals.get(repId) as DayCounters)
  /** A group's metrics from its summed counters (METRICS.md: ratios of sums, never means of ratios). */
  const groupMetrics = (archetype: SellingArchetype): RepMetrics =>
    metricsOf(sumCounters(repsOf(archetype).map((rep) => totals.get(rep.repId) as DayCounters)))
  const meanActivities = (archetype: SellingArchetype): number =>
    groupMetrics(archetype).activities / repsOf(archetype).length

  it("shows sprayers doing several times the activity of focused reps for a fraction of the meetings and wins", () => {
    const sprayer = groupMetrics("sprayer")
    const focused = groupMetrics("focused")
    expect(meanActivities("sprayer")).toBeGreaterThan(2.5 * meanActivities("focused"))
    expect(sprayer.meetingYield as number).toBeLessThan((focused.meetingYield as number) / 3)
    expect(sprayer.winRate as number).toBeGreaterThan(0.08)
    expect(sprayer.winRate as number).toBeLessThan(0.18)
    expect(focused.winRate as number).toBeGreaterThan(0.28)
    expect(focused.winRate as number).toBeLessThan(0.5)
    // Not only on average: the best sprayer books fewer meetings per activity than the worst focused rep.
    const best = Math.max(...repsOf("sprayer").map((rep) => repMetrics(rep.repId).meetingYield as number))
    const worst = Math.min(...repsOf("focused").map((rep) => repMetrics(rep.repId).meetingYield as number))
    expect(best).toBeLessThan(worst)
  })

  it("shows focused reps aiming at the target list, qualifying with a second meeting and winning deals 2–3× bigger", () => {
    const sprayer = groupMetrics("sprayer")
    const focused = groupMetrics("focused")
    expect(focused.targetFocus as number).toBeGreaterThan(0.5)
    expect(sprayer.targetFocus as number).toBeLessThan(0.1)
    expect(focused.secondMeetingRate as number).toBeGreaterThan(1.8 * (sprayer.secondMeetingRate as number))
    const dealSizeRatio = (focused.avgWonDeal as number) / (sprayer.avgWonDeal as number)
    expect(dealSizeRatio).toBeGreaterThan(2)
    expect(dealSizeRatio).toBeLessThan(3.5)
    // Sprayers lean on inbound; focused reps find their own pipeline.
    expect(sprayer.outboundShare as number).toBeLessThan(0.7)
    expect(focused.outboundShare as number).toBeGreaterThan(0.75)
  })

  it("concentrates badgering in sprayers", () => {
    const sprayerShare = groupMetrics("sprayer").badgeringShare as number
    for (const other of ["focused", "grinder", "idle", "bdr"] as const) {
      expect(sprayerShare).toBeGreaterThan(3 * (groupMetrics(other).badgeringShare as number))
    }
    const team = sumCounters([...totals.values()])
    expect(groupMetrics("sprayer").badgering).toBeGreaterThan(team.badgering / 2)
  })

  it("credits BDRs with the meetings they book and the deals that follow, not with meetings held or deals owned", () => {
    for (const bdr of repsOf("bdr")) {
      const metrics = repMetrics(bdr.repId)
      expect(metrics.meetingsBooked).toBeGreaterThan(0)
      expect(metrics.dealsOriginated).toBeGreaterThan(0)
      expect(metrics.meetingsHeld).toBe(0)
      expect(metrics.dealsOpened).toBe(0)
    }
  })

  it("places each archetype in its own quadrant when AEs are compared with AEs", () => {
    const aes = roster.filter((rep) => rep.role === "AE")
    const comparison = compareReps(
      aes.map((rep) => ({ repId: rep.repId, totals: totals.get(rep.repId) as DayCounters })),
    )
    const quadrantOf = new Map(comparison.reps.map((rep) => [rep.repId, rep.quadrant]))
    const share = (archetype: SellingArchetype, quadrant: Quadrant) =>
      repsOf(archetype).filter((rep) => quadrantOf.get(rep.repId) === quadrant).length / repsOf(archetype).length
    expect(share("sprayer", "spraying")).toBeGreaterThanOrEqual(0.8)
    expect(share("focused", "focused")).toBeGreaterThanOrEqual(0.8)
    expect(share("grinder", "grinding")).toBeGreaterThanOrEqual(0.75)
    expect(share("idle", "idle")).toBeGreaterThanOrEqual(0.75)
    // The top 20% by won value do less, and win more often.
    const { top, rest } = comparison.contrast
    expect(top.activitiesPerRep as number).toBeLessThan(rest.activitiesPerRep as number)
    expect(top.metrics.winRate as number).toBeGreaterThan(rest.metrics.winRate as number)
  })

  it("has most AEs miss quota, a few hit it, and the team win about one deal in five", () => {
    const zone = state.settings.timeZone
    const dataStart = Date.parse("2025-11-21T00:00:00Z")
    const dataEnd = Date.parse("2026-11-21T00:00:00Z")
    let quarters = 0
    let hit = 0
    for (const ae of roster.filter((rep) => rep.role === "AE")) {
      for (const [period, quota] of Object.entries(state.reps.get(ae.repId)?.quotas ?? {})) {
        const start = periodStart(period, zone) as number
        const end = periodEnd(period, zone) as number
        if (start < dataStart || end > dataEnd) continue // the partial first quarter, the one in progress
        quarters++
        const won = wonValueBetween(
          state.deals.values(),
          ae.repId,
          new Date(start).toISOString(),
          new Date(end - 1).toISOString(),
        )
        if (won >= quota) hit++
      }
    }
    expect(quarters).toBeGreaterThanOrEqual(55)
    expect(hit / quarters).toBeGreaterThan(0.1)
    expect(hit / quarters).toBeLessThan(0.45)
    const team = metricsOf(
      sumCounters(roster.filter((rep) => rep.role === "AE").map((rep) => totals.get(rep.repId) as DayCounters)),
    )
    expect(team.winRate as number).toBeGreaterThan(0.15)
    expect(team.winRate as number).toBeLessThan(0.3)
  })
})

describe("demoScaleFor", () => {
  it("sizes a big team's demo: 200 reps for a month at the scale of a million events a year", () => {
    const scale = demoScaleFor({ events: 1_000_000, reps: 200 })
    let count = 0
    for (const _ of generateDemoTeam({ seed, reps: 200, months: 1, scale })) count++
    // A twelfth of a million, give or take the month's working days.
    expect(count).toBeGreaterThan(1_000_000 / 12 / 1.25)
    expect(count).toBeLessThan((1_000_000 / 12) * 1.25)
  }, 60_000)
})
