/**
 * @module A working day of effort: each rep's dials, emails and touches (aimed, or not, at the
 * target list; now and then at someone who already said no), the "no"s they hear, the meetings
 * they book; and the leads that come to AEs without outreach: inbound, referrals, calls in.
 */
import { localInstant, weekdayOf } from "./calendar.js"
import { startOpportunity } from "./pipeline.js"
import {
  accountIdOf,
  accountOfContact,
  businessInstant,
  contactIdOf,
  contactKey,
  type Decline,
  declineMemory,
  emit,
  isWeekOff,
  onTeam,
  type SimRep,
  type World,
  weekIndex,
} from "./world.js"

const minuteMs = 60_000
const hourMs = 60 * minuteMs
const dayMs = 24 * hourMs

/** Declines older than this are not used for badgering: the ledger's quiet period is 90 days. */
const badgeringWindowMs = 80 * dayMs

/** The ledger's default `declineQuietDays` (the demo team keeps it). */
const quietPeriodMs = 90 * dayMs

/** A sick day now and then. */
const sickDayRate = 0.015

/** Dialer syncs that arrive a day or so late (the ledger orders by occurredAt, not arrival). */
const lateCallRate = 0.001

/** Everyone's working day: outreach, and for AEs the leads that arrive on their own. */
export const workDay = (world: World, day: number): void => {
  const week = weekIndex(day)
  for (const rep of world.reps) {
    if (!onTeam(rep, day) || isWeekOff(world, rep, week) || world.random.chance(sickDayRate)) continue
    outreach(world, rep, day)
    if (rep.rep.role === "AE") leads(world, rep, day)
  }
}

const outreach = (world: World, rep: SimRep, day: number): void => {
  const { random, options } = world
  const [min, max] = rep.profile.activitiesPerDay
  // New hires ramp up over their first 45 days; Mondays are busy, Fridays light.
  const sinceJoining = day - rep.joinsDay
  const ramp = rep.joinsDay > options.firstDay && sinceJoining < 45 ? 0.4 + (0.6 * sinceJoining) / 45 : 1
  const weekday = weekdayOf(day)
  const rhythm = weekday === 1 ? 1.05 : weekday === 5 ? 0.85 : 1
  const expected = random.between(min, max) * rep.pace * ramp * rhythm * options.scale
  const count = Math.floor(expected) + (random.chance(expected % 1) ? 1 : 0)
  const dayStart = localInstant(day, 0)
  for (let i = 0; i < count; i++) activity(world, rep, businessInstant(random, day), dayStart)
}

/** One dial, email or touch: who it is aimed at, what came of it. */
const activity = (world: World, rep: SimRep, at: number, dayStart: number): void => {
  const { random } = world
  const profile = rep.profile
  const repId = rep.rep.repId

  // Whom: someone who said no (badgering), the target list, or the wide market.
  let account: number
  let contact: number
  const decline = random.chance(profile.badgeringShare) ? recentDecline(world, rep, dayStart) : undefined
  if (decline !== undefined) {
    contact = decline.contact
    account = accountOfContact(contact)
  } else {
    account = random.chance(profile.targetShare) ? targetAccount(world, rep) : poolAccount(world)
    contact = contactKey(world, account)
    // A rep who checks the CRM before reaching out picks someone else at the account.
    if (saidNoRecently(world, contact, dayStart) && random.chance(profile.respectsNo)) {
      for (let tries = 0; tries < 3 && saidNoRecently(world, contact, dayStart); tries++)
        contact = contactKey(world, account)
    }
  }
  const badgering = decline !== undefined
  const onTarget = world.targeted[account] === 1
  const accountId = accountIdOf(account)
  const contactId = contactIdOf(contact)
  const yieldFactor = rep.skill * (onTarget ? 1.3 : 1)

  const channel = random.next()
  if (channel < profile.dialShare) {
    const connected = random.chance(profile.connectRate * (onTarget ? 1.4 : 1) * (badgering ? 0.5 : 1))
    const conversation = connected && random.chance(0.7)
    const disposition = connected ? "connected" : dispositionOfMiss(random.next())
    const durationSeconds = conversation
      ? random.int(60, 900)
      : connected
        ? random.int(8, 59)
        : disposition === "voicemail"
          ? random.int(15, 45)
          : disposition === "no_answer"
            ? random.int(0, 25)
            : 0
    const call = {
      callId: world.newId(),
      repId,
      accountId,
      contactId,
      direction: "outbound",
      disposition,
      durationSeconds,
    } as const
    emit(world, "CallLogged", at, call, random.chance(lateCallRate) ? at + random.int(6, 40) * hourMs : at)
    const after = at + durationSeconds * 1000 + random.int(1, 10) * minuteMs
    if (badgering) {
      if (connected) hearNo(world, rep, contact, after, "do_not_contact")
    } else if (conversation && random.chance(profile.meetingPerConversation * yieldFactor)) {
      startOpportunity(world, rep, contact, "outbound", after)
    } else if (connected && random.chance(profile.declinePerConnect * (onTarget ? 0.5 : 1))) {
      hearNo(world, rep, contact, after, "said_no")
    }
  } else if (channel < profile.dialShare + profile.emailShare) {
    const kind = badgering || random.chance(profile.followUpShare) ? "follow_up" : "first_touch"
    emit(world, "EmailSent", at, {
      emailId: world.newId(),
      repId,
      accountId,
      contactId,
      threadId: `${repId}~${contactId}`,
      kind,
    })
    if (badgering) {
      if (random.chance(0.15)) hearNo(world, rep, contact, at + random.int(1, 30) * hourMs, "unsubscribed")
    } else if (random.chance(profile.meetingPerEmail * yieldFactor)) {
      // The prospect wrote back; the rep answers and books (a reply is not outreach: it counts nowhere).
      const answeredAt = at + random.int(1, 26) * hourMs
      emit(world, "EmailSent", answeredAt, {
        emailId: world.newId(),
        repId,
        accountId,
        contactId,
        threadId: `${repId}~${contactId}`,
        kind: "reply",
      })
      startOpportunity(world, rep, contact, "outbound", answeredAt + random.int(2, 30) * minuteMs)
    } else if (random.chance(profile.declinePerEmail * (onTarget ? 0.5 : 1))) {
      hearNo(world, rep, contact, at + random.int(1, 30) * hourMs, "unsubscribed")
    }
  } else {
    const pick = random.next()
    const inPerson = rep.rep.archetype === "focused" ? 0.2 : 0.04
    const channel = pick < inPerson ? "in_person" : pick < 0.8 ? "social" : pick < 0.95 ? "sms" : "other"
    emit(world, "TouchLogged", at, { touchId: world.newId(), repId, accountId, contactId, channel })
    if (!badgering && random.chance(profile.meetingPerTouch * yieldFactor)) {
      startOpportunity(world, rep, contact, "outbound", at + random.int(5, 120) * minuteMs)
    }
  }
}

const dispositionOfMiss = (draw: number) =>
  draw < 0.55 ? "no_answer" : draw < 0.93 ? "voicemail" : draw < 0.98 ? "busy" : "failed"

/** A contact who told this rep no before today, within the quiet period; undefined when none. */
const recentDecline = (world: World, rep: SimRep, dayStart: number): Decline | undefined => {
  if (rep.declines.length === 0) return undefined
  const decline = world.random.pick(rep.declines)
  return decline.at < dayStart && dayStart - decline.at < badgeringWindowMs ? decline : undefined
}

const saidNoRecently = (world: World, contact: number, dayStart: number): boolean => {
  const at = world.declinedAt.get(contact)
  return at !== undefined && at < dayStart && dayStart - at < quietPeriodMs
}

const hearNo = (
  world: World,
  rep: SimRep,
  contact: number,
  at: number,
  how: "said_no" | "unsubscribed" | "do_not_contact",
): void => {
  emit(world, "ProspectDeclined", at, {
    contactId: contactIdOf(contact),
    accountId: accountIdOf(accountOfContact(contact)),
    repId: rep.rep.repId,
    how,
  })
  world.declinedAt.set(contact, at)
  if (rep.declines.length >= declineMemory) rep.declines.shift()
  rep.declines.push({ contact, at })
}

/** An account of the target list: an AE's own when it has some, else any. */
const targetAccount = (world: World, rep: SimRep): number => {
  const { random, targets } = world
  const own = rep.ownedTargets
  if (own.length > 0) return random.pick(own)
  return targets.length > 0 ? random.pick(targets) : poolAccount(world)
}

const poolAccount = (world: World): number => world.random.int(world.firstPoolAccount, world.accountCount - 1)

/** Leads that come to an AE: inbound (routed through a BDR when the team has one), referrals, calls in. */
const leads = (world: World, ae: SimRep, day: number): void => {
  const { random, options } = world
  const scale = options.scale
  for (let n = random.poisson((ae.profile.inboundPerMonth * scale) / 21); n > 0; n--) {
    const account = random.chance(0.25) && world.targets.length > 0 ? random.pick(world.targets) : poolAccount(world)
    const contact = contactKey(world, account)
    const bdr = activeBdr(ae, day)
    const booker = bdr ?? ae
    const at = businessInstant(random, day)
    if (random.chance(0.4)) {
      emit(world, "CallLogged", at, {
        callId: world.newId(),
        repId: booker.rep.repId,
        accountId: accountIdOf(account),
        contactId: contactIdOf(contact),
        direction: "inbound",
        disposition: "connected",
        durationSeconds: random.int(60, 600),
      })
    }
    startOpportunity(world, booker, contact, "inbound", at + random.int(5, 60) * minuteMs, ae)
  }
  for (let n = random.poisson((ae.profile.referralsPerQuarter * scale) / 63); n > 0; n--) {
    const account = random.chance(0.5) ? targetAccount(world, ae) : poolAccount(world)
    const contact = contactKey(world, account)
    const at = businessInstant(random, day)
    // A happy customer's introduction: the AE answers it and books.
    emit(world, "EmailSent", at, {
      emailId: world.newId(),
      repId: ae.rep.repId,
      accountId: accountIdOf(account),
      contactId: contactIdOf(contact),
      kind: "reply",
    })
    startOpportunity(world, ae, contact, "referral", at + random.int(5, 90) * minuteMs)
  }
  // Calls in from customers and prospects: the prospect's effort, not the rep's (not counted).
  for (let n = random.poisson(0.4 * scale); n > 0; n--) {
    const account = random.chance(0.3) && world.targets.length > 0 ? random.pick(world.targets) : poolAccount(world)
    const connected = random.chance(0.75)
    emit(world, "CallLogged", businessInstant(random, day), {
      callId: world.newId(),
      repId: ae.rep.repId,
      accountId: accountIdOf(account),
      contactId: contactIdOf(contactKey(world, account)),
      direction: "inbound",
      disposition: connected ? "connected" : "no_answer",
      durationSeconds: connected ? random.int(30, 900) : 0,
    })
  }
}

const activeBdr = (ae: SimRep, day: number): SimRep | undefined => {
  for (let tries = 0; tries < ae.teamBdrs.length; tries++) {
    const bdr = ae.teamBdrs[ae.cursor++ % ae.teamBdrs.length] as SimRep
    if (onTeam(bdr, day)) return bdr
  }
  return undefined
}
