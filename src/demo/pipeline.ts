/**
 * @module What becomes of a booked meeting: held, canceled (and sometimes rescheduled) or a
 * no-show; a second meeting or not; a deal opened, slipping, re-priced, won or lost. Each step is
 * decided when its time comes, from the owning AE's profile, so a deal's stream always follows the
 * deal decider: opened once, changed only while open, closed once.
 *
 * A deal's chance to win grows with a second meeting held (the product's premise: qualify by a second meeting),
 * on a target account (sell to people who buy what you sell) and by referral; inbound deals start
 * late and compete on price.
 */
import type { EventData } from "../../events/index.js"
import { addWorkingDays, dateOf, isoInstant, localDayOf } from "./calendar.js"
import { competitors, lossReasons } from "./names.js"
import {
  accountIdOf,
  accountOfContact,
  businessInstant,
  contactIdOf,
  emit,
  meetingSlot,
  onTeam,
  type SimRep,
  type World,
  workingDayFrom,
} from "./world.js"

type Source = EventData<"MeetingBooked">["source"]

const minuteMs = 60_000
const hourMs = 60 * minuteMs

/** One sales opportunity: the meetings and (maybe) the deal that grow from one first booking. */
export type Opportunity = {
  readonly owner: SimRep
  readonly account: number
  /** The contact met (a {@link contactKey}). */
  readonly contact: number
  readonly source: Source
  /** The BDR credited as originator. */
  readonly originator?: SimRep
  /** Whether the account was on the target list when the opportunity began. */
  readonly onTarget: boolean
  secondHeld: boolean
  dealOpened: boolean
}

type Meeting = {
  readonly meetingId: string
  readonly opportunity: Opportunity
  readonly booker: SimRep
  /** 1 for the first meeting of the opportunity, 2 for the second. */
  readonly stage: 1 | 2
  scheduledFor: number
}

type Deal = {
  readonly dealId: string
  readonly opportunity: Opportunity
  amount: number
  expectedDay: number
  slips: number
}

/**
 * A first meeting booked at `at` by `booker`: held by `owner` when given, else by the booker (an
 * AE) or by the AE a BDR books for (the target account's owner, or the next AE of the team).
 */
export const startOpportunity = (
  world: World,
  booker: SimRep,
  contact: number,
  source: Source,
  at: number,
  owner?: SimRep,
): void => {
  const day = localDayOf(at)
  const account = accountOfContact(contact)
  const holder = owner ?? (booker.rep.role === "AE" ? booker : routeToAe(world, booker, account, day))
  if (holder === undefined) return
  const opportunity: Opportunity = {
    owner: holder,
    account,
    contact,
    source,
    ...(booker.rep.role === "BDR" ? { originator: booker } : {}),
    onTarget: world.targeted[account] === 1,
    secondHeld: false,
    dealOpened: false,
  }
  bookMeeting(world, booker, opportunity, at, 1)
}

const routeToAe = (world: World, bdr: SimRep, account: number, day: number): SimRep | undefined => {
  const owner = world.listed.get(account)?.owner
  if (owner !== undefined && onTeam(owner, day)) return owner
  for (let tries = 0; tries < bdr.teamAes.length; tries++) {
    const ae = bdr.teamAes[bdr.cursor++ % bdr.teamAes.length] as SimRep
    if (onTeam(ae, day)) return ae
  }
  return undefined
}

const bookMeeting = (world: World, booker: SimRep, opportunity: Opportunity, at: number, stage: 1 | 2): void => {
  const { random } = world
  const meeting: Meeting = {
    meetingId: world.newId(),
    opportunity,
    booker,
    stage,
    scheduledFor: meetingSlot(
      random,
      addWorkingDays(localDayOf(at), random.int(stage === 1 ? 1 : 3, stage === 1 ? 8 : 10)),
    ),
  }
  emitBooking(world, meeting, at)
  planOutcome(world, meeting, at, false)
}

const emitBooking = (world: World, meeting: Meeting, at: number): void => {
  const { opportunity, booker } = meeting
  emit(world, "MeetingBooked", at, {
    meetingId: meeting.meetingId,
    repId: booker.rep.repId,
    ...(opportunity.owner === booker ? {} : { ownerRepId: opportunity.owner.rep.repId }),
    accountId: accountIdOf(opportunity.account),
    contactId: contactIdOf(opportunity.contact),
    scheduledFor: isoInstant(meeting.scheduledFor),
    source: opportunity.source,
  })
}

/** Decided at booking: a cancel is known before the slot (and may be rebooked once); the rest waits for the slot. */
const planOutcome = (world: World, meeting: Meeting, bookedAt: number, rescheduled: boolean): void => {
  const { random, timeline } = world
  const { opportunity, stage } = meeting
  const show = Math.min(
    0.97,
    opportunity.owner.profile.showRate + (stage === 2 ? 0.08 : 0) + (opportunity.onTarget ? 0.04 : 0),
  )
  const draw = random.next()
  if (draw < show) {
    timeline.schedule(meeting.scheduledFor, () => hold(world, meeting))
  } else if (draw < show + (1 - show) * 0.55) {
    const canceledAt = bookedAt + Math.floor(random.between(0.2, 0.9) * (meeting.scheduledFor - bookedAt))
    const reason = random.pick(["prospect asked to reschedule", "calendar conflict", "no longer interested"])
    emit(world, "MeetingCanceled", canceledAt, { meetingId: meeting.meetingId, reason })
    if (!rescheduled && reason !== "no longer interested" && random.chance(0.6)) {
      // Booking the same meeting again is a reschedule, not a second booking (projections/meetings.ts).
      const rebookedAt = canceledAt + random.int(10, 180) * minuteMs
      meeting.scheduledFor = meetingSlot(random, addWorkingDays(localDayOf(rebookedAt), random.int(2, 6)))
      emitBooking(world, meeting, rebookedAt)
      planOutcome(world, meeting, rebookedAt, true)
    }
  } else {
    timeline.schedule(meeting.scheduledFor + 10 * minuteMs, () => {
      if (!ownerStillThere(world, meeting)) return
      emit(world, "MeetingNoShow", timeline.now(), { meetingId: meeting.meetingId, reason: "prospect did not join" })
      // A second meeting missed: some AEs open the deal anyway, unqualified.
      if (stage === 2 && !opportunity.dealOpened && random.chance(0.15))
        openDeal(world, opportunity, timeline.now() + hourMs)
    })
  }
}

/** A meeting whose owner has left is canceled at its slot. */
const ownerStillThere = (world: World, meeting: Meeting): boolean => {
  const now = world.timeline.now()
  if (onTeam(meeting.opportunity.owner, localDayOf(now))) return true
  emit(world, "MeetingCanceled", now, { meetingId: meeting.meetingId, reason: "owner left the team" })
  return false
}

const hold = (world: World, meeting: Meeting): void => {
  if (!ownerStillThere(world, meeting)) return
  const { random } = world
  const { opportunity } = meeting
  const { owner } = opportunity
  const profile = owner.profile
  const heldAt = meeting.scheduledFor + random.int(25, 55) * minuteMs
  emit(world, "MeetingHeld", heldAt, { meetingId: meeting.meetingId })
  if (meeting.stage === 1) {
    if (random.chance(profile.opensAfterFirstMeeting)) openDeal(world, opportunity, afterMeeting(world, heldAt))
    if (random.chance(Math.min(0.95, profile.secondMeetingRate * owner.skill))) {
      bookMeeting(world, owner, opportunity, heldAt + random.int(5, 240) * minuteMs, 2)
    }
  } else {
    opportunity.secondHeld = true
    if (!opportunity.dealOpened && random.chance(profile.opensAfterSecondMeeting)) {
      openDeal(world, opportunity, afterMeeting(world, heldAt))
    }
  }
}

/** When the AE logs what a meeting produced: later that day, or the next working day. */
const afterMeeting = (world: World, heldAt: number): number =>
  world.random.chance(0.6)
    ? heldAt + world.random.int(5, 120) * minuteMs
    : businessInstant(world.random, addWorkingDays(localDayOf(heldAt), 1))

const openDeal = (world: World, opportunity: Opportunity, at: number): void => {
  const { random } = world
  const { owner, source } = opportunity
  if (opportunity.dealOpened || !onTeam(owner, localDayOf(at))) return
  opportunity.dealOpened = true
  const profile = owner.profile
  const median = profile.dealSize * (opportunity.onTarget ? 1.5 : 1) * (source === "referral" ? 1.2 : 1)
  const amount = roundAmount(random.logNormal(median, 0.45))
  const deal: Deal = {
    dealId: world.newId(),
    opportunity,
    amount,
    expectedDay: workingDayFrom(localDayOf(at) + random.int(profile.cycleDays[0], profile.cycleDays[1])),
    slips: 0,
  }
  // The known distortion: a BDR credited as "lead originator" for a deal the AE found.
  const creditedBdr =
    opportunity.originator ??
    (owner.rep.archetype === "sprayer" && owner.teamBdrs.length > 0 && random.chance(0.05)
      ? random.pick(owner.teamBdrs)
      : undefined)
  emit(world, "DealOpened", at, {
    dealId: deal.dealId,
    repId: owner.rep.repId,
    accountId: accountIdOf(opportunity.account),
    amount,
    source,
    ...(creditedBdr === undefined ? {} : { originatorRepId: creditedBdr.rep.repId }),
    expectedCloseDate: dateOf(deal.expectedDay),
  })
  planDealStep(world, deal, localDayOf(at))
}

/** The deal's next review, a few days before its expected close. */
const planDealStep = (world: World, deal: Deal, today: number): void => {
  const { random } = world
  const day = workingDayFrom(Math.max(today + 1, deal.expectedDay - random.int(2, 6)))
  world.timeline.schedule(businessInstant(random, day), () => dealStep(world, deal))
}

/** At review: slip (push the date, often re-price) or close, won or lost. */
const dealStep = (world: World, deal: Deal): void => {
  const { random, timeline } = world
  const now = timeline.now()
  const today = localDayOf(now)
  const { opportunity } = deal
  const { owner } = opportunity
  const profile = owner.profile
  if (!onTeam(owner, today)) {
    emit(world, "DealLost", now, { dealId: deal.dealId, reason: "owner left the team" })
    return
  }
  const slipChance = deal.slips >= 3 ? 0 : opportunity.secondHeld ? profile.slipRate * 0.5 : profile.slipRate
  if (random.chance(slipChance)) {
    deal.slips++
    deal.expectedDay = workingDayFrom(Math.max(deal.expectedDay, today) + random.int(14, 45))
    emit(world, "DealCloseDateChanged", now, { dealId: deal.dealId, expectedCloseDate: dateOf(deal.expectedDay) })
    if (random.chance(0.45)) {
      // Sprayers and idle reps compete on price (the product's premise); the others' deals grow in scope.
      deal.amount = roundAmount(
        deal.amount * (random.chance(discountRate(owner)) ? random.between(0.7, 0.92) : random.between(1.05, 1.3)),
      )
      emit(world, "DealAmountChanged", now + minuteMs, { dealId: deal.dealId, amount: deal.amount })
    }
    planDealStep(world, deal, today)
    return
  }
  const closeDay = workingDayFrom(Math.max(today, deal.expectedDay + random.int(-2, 3)))
  const closeAt = closeDay === today ? now + random.int(5, 180) * minuteMs : businessInstant(random, closeDay)
  const winChance =
    (profile.winRate +
      (opportunity.onTarget ? 0.08 : 0) +
      (opportunity.source === "referral" ? 0.15 : opportunity.source === "inbound" ? -0.03 : 0) +
      (opportunity.secondHeld ? 0.1 : -0.06)) *
    owner.skill
  if (random.chance(winChance)) {
    const discounted = random.chance(discountRate(owner))
    emit(world, "DealWon", closeAt, {
      dealId: deal.dealId,
      ...(discounted ? { amount: roundAmount(deal.amount * random.between(0.85, 0.97)) } : {}),
    })
    return
  }
  const reason = random.pick(lossReasons)
  const incumbent = world.listed.get(opportunity.account)?.incumbent
  emit(world, "DealLost", closeAt, {
    dealId: deal.dealId,
    reason,
    ...(reason === "went with a competitor" ? { competitor: incumbent ?? random.pick(competitors) } : {}),
  })
}

const discountRate = (owner: SimRep): number =>
  owner.rep.archetype === "sprayer"
    ? 0.6
    : owner.rep.archetype === "idle"
      ? 0.5
      : owner.rep.archetype === "grinder"
        ? 0.3
        : 0.1

/** Deal amounts as CRMs hold them: to the nearest 500, at least 2,500. */
const roundAmount = (amount: number): number => Math.max(2_500, Math.round(amount / 500) * 500)
