/**
 * @module The state of the demo simulation: the reps as the simulation sees them (pace, skill,
 * days off, the contacts who told them no), the accounts and the target list, the agenda, and the
 * one way to emit an event.
 */
import type { EventData, EventType } from "../../events/index.js"
import { type Profile, profiles } from "./archetypes.js"
import { dayNumberOf, isoInstant, isWorkingDay, localInstant } from "./calendar.js"
import { companyName, companyNames, competitors } from "./names.js"
import type { ResolvedDemoOptions } from "./options.js"
import { deriveSeed, type Random, seededRandom } from "./random.js"
import { type DemoRep, rosterOf } from "./roster.js"
import { createTimeline, type PendingEvent, type Timeline } from "./timeline.js"

/** A contact who declined, remembered by the rep who heard it (and may ignore it). */
export type Decline = { readonly contact: number; readonly at: number }

export type SimRep = {
  readonly rep: DemoRep
  readonly profile: Profile
  readonly joinsDay: number
  /** The last day on the team (Infinity for those who stay). */
  readonly leavesDay: number
  /** Effort around the archetype's (0.85–1.15): reps of one kind are alike, not clones. */
  readonly pace: number
  /** Yield around the archetype's (0.85–1.15). */
  readonly skill: number
  /** Weeks off (as `weekIndex` numbers): two a year. */
  readonly weeksOff: ReadonlySet<number>
  /** The latest declines this rep heard, newest last (at most {@link declineMemory}). */
  readonly declines: Array<Decline>
  /** Target accounts this AE owns (indexes into the world's accounts). */
  readonly ownedTargets: Array<number>
  /** The rep's team mates: AEs a BDR books for, BDRs who route an AE's inbound leads. */
  readonly teamAes: Array<SimRep>
  readonly teamBdrs: Array<SimRep>
  /** Round-robin cursor over `teamAes` (BDRs) or `teamBdrs` (AEs). */
  cursor: number
}

export type TargetReason = EventData<"AccountTargeted">["reason"]

/**
 * An account that is (or was) on the target list. Accounts are numbers (indexes); the wide market
 * has no record at all, so that a rep's random pick of an account touches no memory.
 */
export type ListedAccount = {
  readonly account: number
  readonly name: string
  readonly reason: TargetReason
  readonly incumbent: string | undefined
  /** The AE who owns the account; BDRs book its meetings for them. */
  readonly owner: SimRep | undefined
}

export type World = {
  readonly options: ResolvedDemoOptions
  readonly random: Random
  readonly timeline: Timeline
  readonly roster: ReadonlyArray<DemoRep>
  readonly reps: ReadonlyArray<SimRep>
  readonly aes: ReadonlyArray<SimRep>
  /** Accounts are 0 … accountCount - 1; [0, firstPoolAccount) start on the target list, the rest are the wide market. */
  readonly accountCount: number
  readonly firstPoolAccount: number
  /** 1 while an account is on the target list. */
  readonly targeted: Uint8Array
  /** The accounts on the target list now. */
  readonly targets: Array<number>
  /** Every account that has been on the list, by account. */
  readonly listed: Map<number, ListedAccount>
  /** When each contact (by {@link contactKey}) who declined last did so: what a rep who checks the CRM sees. */
  readonly declinedAt: Map<number, number>
  /** The company name of an account (distinct for every account). */
  readonly nameOf: (account: number) => string
  /** A fresh id for a call, email, touch, meeting or deal, unique within the seed. */
  readonly newId: () => string
}

/** How many declines a rep remembers: enough to badger for weeks. */
export const declineMemory = 40

/** Target accounts for a team of this size: ~60 for 25 reps (a finite list of dream clients per seller). */
export const targetCount = (reps: number): number => Math.max(60, Math.round((60 * reps) / 25))

/** Accounts in the wide market: plenty for spraying. */
const poolSize = (reps: number): number => Math.max(4_000, 200 * reps)

/** The week a day belongs to (weeks start on Monday). */
export const weekIndex = (day: number): number => Math.floor((day + 3) / 7)

export const createWorld = (options: ResolvedDemoOptions): World => {
  const random = seededRandom(deriveSeed(options.seed, "simulation"))
  const roster = rosterOf(options)
  const firstWeek = weekIndex(options.firstDay)
  const weeks = weekIndex(options.lastDay) - firstWeek + 1

  const reps: Array<SimRep> = roster
    .filter((rep) => rep.role !== "manager")
    .map((rep) => {
      const weeksOff = new Set<number>()
      if (weeks > 8)
        for (let i = 0; i < Math.round((2 * weeks) / 52); i++) weeksOff.add(firstWeek + random.int(2, weeks - 2))
      return {
        rep,
        profile: profiles[rep.archetype as Exclude<typeof rep.archetype, "manager">],
        joinsDay: dayNumberOf(rep.joinsOn),
        leavesDay: rep.leavesOn === undefined ? Number.POSITIVE_INFINITY : dayNumberOf(rep.leavesOn),
        pace: random.between(0.85, 1.15),
        skill: random.between(0.85, 1.15),
        weeksOff,
        declines: [],
        ownedTargets: [],
        teamAes: [],
        teamBdrs: [],
        cursor: 0,
      }
    })
  for (const member of reps) {
    for (const mate of reps) {
      if (mate.rep.team !== member.rep.team) continue
      if (mate.rep.role === "AE") member.teamAes.push(mate)
      if (mate.rep.role === "BDR") member.teamBdrs.push(mate)
    }
  }
  const aes = reps.filter((r) => r.rep.role === "AE")

  // The target list first, then the wide market. Owners by weight: focused AEs chose their
  // accounts and own most of the list.
  const targetTotal = targetCount(options.reps)
  const accountCount = targetTotal + poolSize(options.reps)
  const targeted = new Uint8Array(accountCount)
  const targets: Array<number> = []
  const listed = new Map<number, ListedAccount>()
  const names = random.shuffled(Array.from({ length: companyNames }, (_, i) => i))
  const nameOf = (account: number): string =>
    companyName((names[account % companyNames] as number) + companyNames * Math.floor(account / companyNames))
  const weight: Record<string, number> = { focused: 4, grinder: 2, sprayer: 1, idle: 1 }
  const owners = aes.flatMap((ae) => Array.from({ length: weight[ae.rep.archetype] ?? 1 }, () => ae))
  for (let account = 0; account < targetTotal; account++) {
    const draw = random.next()
    const reason: TargetReason = draw < 0.4 ? "buys_what_we_sell" : draw < 0.75 ? "displacement" : "dream_client"
    const incumbent = reason === "displacement" || random.chance(0.3) ? random.pick(competitors) : undefined
    const owner = owners.length > 0 ? random.pick(owners) : undefined
    owner?.ownedTargets.push(account)
    listed.set(account, { account, name: nameOf(account), reason, incumbent, owner })
    targeted[account] = 1
    targets.push(account)
  }

  let ids = 0
  return {
    options,
    random,
    timeline: createTimeline(),
    roster,
    reps,
    aes,
    accountCount,
    firstPoolAccount: targetTotal,
    targeted,
    targets,
    listed,
    declinedAt: new Map(),
    nameOf,
    newId: () => `demo${options.seed}-${++ids}`,
  }
}

/** Emits an event of `type` that happened at `at` (and arrives at `arrivesAt`, for a late one). */
export const emit = <T extends EventType>(
  world: World,
  type: T,
  at: number,
  data: EventData<T>,
  arrivesAt = at,
): void => {
  // The key is set when the event comes out (keys number events in emission order); the object is
  // created with it so that setting it does not change the object's shape.
  world.timeline.emit(arrivesAt, { type, occurredAt: isoInstant(at), idempotencyKey: "", data } as PendingEvent)
}

/** The chance of a week off, past the demo's year: two weeks a year, as within it. */
const weekOffRate = 2 / 52

/**
 * Whether a rep takes a week off: the two weeks drawn for the demo's year, and past it (a demo
 * carried on) each week with the same chance, drawn from the seed, the rep and the week alone, so
 * that no draw of the simulation's own stream moves.
 */
export const isWeekOff = (world: World, rep: SimRep, week: number): boolean => {
  if (week <= weekIndex(world.options.lastDay)) return rep.weeksOff.has(week)
  return seededRandom(deriveSeed(world.options.seed, `week-off:${rep.rep.repId}:${week}`)).chance(weekOffRate)
}

/** Whether a rep is on the team on a day. */
export const onTeam = (rep: SimRep, day: number): boolean => day >= rep.joinsDay && day <= rep.leavesDay

/** A random instant in business hours (8:30–17:45 New York) of a day, to the second. */
export const businessInstant = (random: Random, day: number): number =>
  localInstant(day, random.int(8 * 60 + 30, 17 * 60 + 44)) + random.int(0, 59) * 1000

/** A meeting slot: on the hour or half hour, 9:00–16:30 New York. */
export const meetingSlot = (random: Random, day: number): number => localInstant(day, 9 * 60 + 30 * random.int(0, 15))

/**
 * Contacts are numbers too: account × 32 + the contact's number at the account (target accounts
 * have a buying committee of 25 people, others 12), turned into ids only when an event names them.
 */
export const contactKey = (world: World, account: number): number =>
  account * 32 + world.random.int(1, account < world.firstPoolAccount ? 25 : 12)

export const accountOfContact = (contact: number): number => Math.floor(contact / 32)

/** `acc-00042` */
export const accountIdOf = (account: number): string => `acc-${String(account + 1).padStart(5, "0")}`

/** `acc-00042-p3` */
export const contactIdOf = (contact: number): string => `${accountIdOf(accountOfContact(contact))}-p${contact % 32}`

/** The first working day on or after `day`. */
export const workingDayFrom = (day: number): number => {
  let result = day
  while (!isWorkingDay(result)) result++
  return result
}
