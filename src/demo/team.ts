/**
 * @module The team's own history: settings, hires and departures, dialer identities, quarterly
 * quotas and the target list. Planned once at the start; each change is emitted when it happens.
 *
 * Quotas are flat (one amount for every AE, prorated for a partial quarter): what leaders set, and
 * what makes the spread of attainment visible. The amount is sized so that focused reps hit it in
 * most quarters and everyone else rarely does: about a quarter of AE-quarters at or above quota,
 * so that most reps miss it, as most sellers do.
 */
import {
  dateOf,
  dayNumberOf,
  demoTimeZone,
  localInstant,
  nextQuarterStart,
  quarterOf,
  quarterStart,
  workingDaysBetween,
} from "./calendar.js"
import { untargetReasons } from "./names.js"
import type { DemoRep } from "./roster.js"
import { accountIdOf, emit, type ListedAccount, type SimRep, type World, workingDayFrom } from "./world.js"

/** One AE's quota for a full quarter at scale 1 (USD). */
export const quarterlyQuota = 80_000

const secondMs = 1_000

export const planTeam = (world: World): void => {
  const { options, random } = world
  const { firstDay, lastDay } = options
  let clock = localInstant(firstDay, 7 * 60)
  const next = (): number => (clock += secondMs)

  emit(world, "TeamSettingsChanged", clock, {
    timeZone: demoTimeZone,
    conversationSeconds: 60,
    declineQuietDays: 90,
    currency: "USD",
  })
  const starters = world.roster.filter((rep) => rep.joinsOn === dateOf(firstDay))
  for (const rep of starters) join(world, rep, next)
  for (const account of world.targets) target(world, world.listed.get(account) as ListedAccount, next())

  // Quotas: the first (maybe partial) quarter now, each later one on its first morning, for as
  // long as the simulation runs (past the demo's year too, when it is carried on).
  const firstQuarter = quarterStart(firstDay)
  for (const ae of world.aes)
    if (ae.joinsDay <= firstDay && ae.leavesDay >= firstDay) setQuota(world, ae, firstQuarter, firstDay, next())
  const quarterQuotas = (quarter: number): void =>
    world.timeline.schedule(localInstant(quarter, 6 * 60), () => {
      const at = world.timeline.now()
      for (const ae of world.aes)
        if (ae.joinsDay <= quarter && ae.leavesDay >= quarter) setQuota(world, ae, quarter, quarter, at)
      quarterQuotas(nextQuarterStart(quarter))
    })
  quarterQuotas(nextQuarterStart(firstDay))

  // Hires and departures during the year (planned within it: carried on, the team stays as it ends).
  for (const rep of world.roster) {
    if (rep.joinsOn !== dateOf(firstDay)) {
      let joinClock = localInstant(workingDayFrom(dayNumberOf(rep.joinsOn)), 8 * 60)
      join(world, rep, () => (joinClock += secondMs))
    }
    if (rep.leavesOn !== undefined)
      emit(world, "RepLeft", localInstant(dayNumberOf(rep.leavesOn), 17 * 60 + 30), { repId: rep.repId })
  }

  // The target list moves: a few accounts come off it, a few new dream clients go on.
  const horizon = lastDay - firstDay + 1
  if (horizon < 60) return
  const changes = Math.max(1, Math.round(options.reps / 12))
  for (let i = 0; i < changes; i++) {
    const offDay = workingDayFrom(firstDay + Math.floor(horizon * random.between(0.35, 0.75)))
    const dropped = random.int(0, world.firstPoolAccount - 1)
    const reason = random.pick(untargetReasons)
    world.timeline.schedule(localInstant(offDay, 7 * 60 + 30), () =>
      untarget(world, dropped, world.timeline.now(), reason),
    )
    // A new dream client from the wide market, for a focused AE.
    const onDay = workingDayFrom(firstDay + Math.floor(horizon * random.between(0.3, 0.7)))
    const account = world.firstPoolAccount + i
    const focused = world.aes.filter((ae) => ae.rep.archetype === "focused")
    const owner = focused.length > 0 ? random.pick(focused) : undefined
    const added: ListedAccount = {
      account,
      name: world.nameOf(account),
      reason: "dream_client",
      incumbent: undefined,
      owner,
    }
    world.timeline.schedule(localInstant(onDay, 7 * 60 + 45), () => {
      world.listed.set(account, added)
      owner?.ownedTargets.push(account)
      world.targets.push(account)
      target(world, added, world.timeline.now())
    })
  }
}

const join = (world: World, rep: DemoRep, next: () => number): void => {
  emit(world, "RepJoined", next(), {
    repId: rep.repId,
    name: rep.name,
    email: rep.email,
    role: rep.role,
    team: rep.team,
    ...(rep.managerRepId === undefined ? {} : { managerRepId: rep.managerRepId }),
  })
  if (rep.aircallUserId !== undefined) {
    emit(world, "RepIdentityLinked", next(), { repId: rep.repId, source: "aircall", externalId: rep.aircallUserId })
  }
  if (rep.role === "BDR") {
    emit(world, "RepIdentityLinked", next(), { repId: rep.repId, source: "calendly", externalId: rep.email })
  }
  if (rep.joinsOn !== dateOf(world.options.firstDay)) {
    // A hire's first quota: the rest of the quarter they join in, prorated.
    const ae = world.aes.find((candidate) => candidate.rep === rep)
    if (ae !== undefined) setQuota(world, ae, quarterStart(ae.joinsDay), ae.joinsDay, next())
  }
}

/** The AE's quota for the quarter starting on `quarter`, prorated by the working days from `from`. */
const setQuota = (world: World, ae: SimRep, quarter: number, from: number, at: number): void => {
  const end = nextQuarterStart(quarter)
  const share = workingDaysBetween(from, end) / Math.max(1, workingDaysBetween(quarter, end))
  const amount = Math.round((quarterlyQuota * world.options.scale * share) / 1_000) * 1_000
  emit(world, "QuotaSet", at, { repId: ae.rep.repId, period: quarterOf(quarter), amount, currency: "USD" })
}

const target = (world: World, listed: ListedAccount, at: number): void => {
  world.targeted[listed.account] = 1
  emit(world, "AccountTargeted", at, {
    accountId: accountIdOf(listed.account),
    name: listed.name,
    reason: listed.reason,
    ...(listed.incumbent === undefined ? {} : { incumbent: listed.incumbent }),
    // The AE whose list it is: the one the outreach works it from (outreach.ts, targetAccount).
    ...(listed.owner === undefined ? {} : { ownerRepId: listed.owner.rep.repId }),
  })
}

const untarget = (world: World, account: number, at: number, reason: string): void => {
  if (world.targeted[account] !== 1) return
  world.targeted[account] = 0
  world.targets.splice(world.targets.indexOf(account), 1)
  const owned = world.listed.get(account)?.owner?.ownedTargets
  if (owned?.includes(account)) owned.splice(owned.indexOf(account), 1)
  emit(world, "AccountUntargeted", at, { accountId: accountIdOf(account), reason })
}
