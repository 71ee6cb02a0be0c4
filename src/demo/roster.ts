/**
 * @module Who is on the demo team: names, roles, teams and managers, each rep's archetype, who
 * joins mid-year and who leaves. Drawn from the seed alone (its own random stream), so the test and
 * the generator see the same roster.
 *
 * @example
 * demoRoster({ seed: 42 }).filter((rep) => rep.archetype === "focused").map((rep) => rep.name)
 */
import type { Archetype, SellingArchetype } from "./archetypes.js"
import { roleOf } from "./archetypes.js"
import { addWorkingDays, dateOf, isWorkingDay, weekdayOf } from "./calendar.js"
import { emailLocalPart, firstNames, lastNames, teamNames } from "./names.js"
import { type DemoTeamOptions, type ResolvedDemoOptions, resolveDemoOptions } from "./options.js"
import { deriveSeed, seededRandom } from "./random.js"

export type DemoRep = {
  readonly repId: string
  readonly name: string
  readonly email: string
  readonly role: "AE" | "BDR" | "manager"
  readonly archetype: Archetype
  readonly team: string
  /** The team's manager; absent for managers themselves. */
  readonly managerRepId?: string
  /** The first day on the team (`YYYY-MM-DD`): the demo's first day for everyone there from the start. */
  readonly joinsOn: string
  /** The last day on the team, for the one who leaves. */
  readonly leavesOn?: string
  /** The rep's Aircall user id, when their dialer is linked. */
  readonly aircallUserId?: string
}

export const demoEmailDomain = "outcome-demo.example"

/**
 * The archetypes of `reps` selling reps: a fifth BDRs; of the AEs, 30% sprayers, 30% focused and
 * the rest split between grinders and idle reps. Sprayers and focused reps come in equal numbers,
 * and so do grinders and idle reps, because the team view places reps against the team medians: a
 * balanced team puts each archetype in its own quadrant (projections/README.md "Comparing reps").
 */
export const archetypeCounts = (reps: number): Readonly<Record<SellingArchetype, number>> => {
  const bdr = reps < 3 ? 0 : Math.round(reps * 0.2)
  const aes = reps - bdr
  const paired = Math.round(aes * 0.3)
  const rest = aes - 2 * paired
  const grinder = Math.floor(rest / 2)
  return { bdr, sprayer: paired, focused: paired, grinder, idle: rest - grinder }
}

/** The demo team's roster: managers first, then the selling reps by id. */
export const demoRoster = (options: DemoTeamOptions): ReadonlyArray<DemoRep> => rosterOf(resolveDemoOptions(options))

export const rosterOf = (options: ResolvedDemoOptions): ReadonlyArray<DemoRep> => {
  const random = seededRandom(deriveSeed(options.seed, "roster"))
  const counts = archetypeCounts(options.reps)
  const teamCount = Math.max(1, Math.ceil(options.reps / 9))
  const teams = Array.from({ length: teamCount }, (_, i) => {
    const base = teamNames[i % teamNames.length] as string
    const round = Math.floor(i / teamNames.length)
    return round === 0 ? base : `${base} ${round + 1}`
  })

  const usedNames = new Set<string>()
  const nameOf = (): string => {
    for (;;) {
      const name = `${random.pick(firstNames)} ${random.pick(lastNames)}`
      if (usedNames.has(name)) continue
      usedNames.add(name)
      return name
    }
  }

  // Each archetype is dealt round-robin over the teams, so every team has a bit of everything.
  const selling: Array<{ archetype: SellingArchetype; team: number }> = []
  let dealer = 0
  for (const archetype of ["bdr", "sprayer", "focused", "grinder", "idle"] as const) {
    for (let i = 0; i < counts[archetype]; i++) selling.push({ archetype, team: dealer++ % teamCount })
  }
  // Ids are numbered in a shuffled order: ae-01 is not always a sprayer.
  const shuffled = random.shuffled(selling)
  const horizon = options.lastDay - options.firstDay + 1
  const firstWorkingDayFrom = (day: number): number => (isWorkingDay(day) ? day : addWorkingDays(day, 1))
  const mondayFrom = (day: number): number => firstWorkingDayFrom(day + ((8 - weekdayOf(day)) % 7))

  const managers: Array<DemoRep> = teams.map((team, i) => {
    const name = nameOf()
    return {
      repId: `mgr-${pad(i + 1, teamCount)}`,
      name,
      email: `${emailLocalPart(name)}@${demoEmailDomain}`,
      role: "manager",
      archetype: "manager",
      team,
      joinsOn: dateOf(options.firstDay),
    }
  })

  let aeNumber = 0
  let bdrNumber = 0
  const aeCount = options.reps - counts.bdr
  const sellers = shuffled.map(({ archetype, team }): DemoRep => {
    const name = nameOf()
    const role = roleOf(archetype) as "AE" | "BDR"
    const repId = role === "BDR" ? `bdr-${pad(++bdrNumber, counts.bdr)}` : `ae-${pad(++aeNumber, aeCount)}`
    const linked = random.chance(0.85)
    const aircallUserId = String(random.int(1_000_000, 9_999_999))
    return {
      repId,
      name,
      email: `${emailLocalPart(name)}@${demoEmailDomain}`,
      role,
      archetype,
      team: teams[team] as string,
      managerRepId: managers[team]?.repId as string,
      joinsOn: dateOf(options.firstDay),
      ...(linked ? { aircallUserId } : {}),
    }
  })

  // Hires during the year: focused AEs and BDRs, alternately, joining between 30% and 60% of the way.
  if (options.reps >= 4 && horizon >= 30) {
    const joiners = Math.max(1, Math.round(options.reps / 12))
    const candidates = [sellers.filter((r) => r.archetype === "focused"), sellers.filter((r) => r.archetype === "bdr")]
    for (let i = 0; i < joiners; i++) {
      const pool = candidates[i % 2] as Array<DemoRep>
      const rep = pool[Math.floor(i / 2)]
      if (rep === undefined) continue
      const day = mondayFrom(options.firstDay + Math.floor(horizon * random.between(0.3, 0.6)))
      sellers[sellers.indexOf(rep)] = { ...rep, joinsOn: dateOf(day) }
    }
    // Departures: idle AEs (low performers are the ones managed out), between 55% and 75% of the way.
    const leavers = Math.max(1, Math.round(options.reps / 25))
    const idle = sellers.filter((r) => r.archetype === "idle")
    for (let i = 0; i < leavers && i < idle.length; i++) {
      const rep = idle[i] as DemoRep
      const day = firstWorkingDayFrom(options.firstDay + Math.floor(horizon * random.between(0.55, 0.75)))
      sellers[sellers.indexOf(rep)] = { ...rep, leavesOn: dateOf(day) }
    }
  }

  const byId = (a: DemoRep, b: DemoRep) => (a.repId < b.repId ? -1 : a.repId > b.repId ? 1 : 0)
  return [...managers, ...sellers.sort(byId)]
}

const pad = (n: number, of: number): string => String(n).padStart(Math.max(2, String(of).length), "0")
