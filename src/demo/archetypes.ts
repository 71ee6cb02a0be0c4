/**
 * @module How each kind of rep on the demo team works: the behaviour behind the figures of
 * src/demo/README.md. The ledger never sees these knobs; it sees only the events they produce, and
 * its own scorecards must recover the archetypes from them (test/demo.unit.test.ts checks that).
 *
 * - `sprayer` (AE): many dials and emails, mostly off the target list, follow-ups to people who
 *   said no, deals opened after one meeting, small deals, a win rate near 12%.
 * - `focused` (AE): a few activities aimed at the accounts that already buy what we sell, a second
 *   meeting before most deals, a win rate near 35%, deals 2–3× a sprayer's.
 * - `grinder` (AE): high effort and decent yield: the fourth quadrant's honest worker.
 * - `idle` (AE): little effort and little to show for it.
 * - `bdr`: books meetings that AEs hold, and is credited as the originator of the deals that follow.
 *
 * Rates are per event (a connect, an email) so that the ratios of projections/README.md emerge from counts.
 */

export type Archetype = "sprayer" | "focused" | "grinder" | "idle" | "bdr" | "manager"
export type SellingArchetype = Exclude<Archetype, "manager">

export type Profile = {
  /** Outbound activities on a full working day, before the rep's own pace and the demo's `scale`. */
  readonly activitiesPerDay: readonly [min: number, max: number]
  /** Shares of those activities that are dials and emails; the rest are other touches. */
  readonly dialShare: number
  readonly emailShare: number
  /** Share of activities on accounts of the target list. */
  readonly targetShare: number
  /** Share of dials that connect (target accounts connect a little more: the right people). */
  readonly connectRate: number
  /** Chance that a conversation, an email, a touch books a meeting. */
  readonly meetingPerConversation: number
  readonly meetingPerEmail: number
  readonly meetingPerTouch: number
  /** Chance that a connect ends in a "no", an email in an unsubscribe. */
  readonly declinePerConnect: number
  readonly declinePerEmail: number
  /** Share of activities aimed at a contact who declined in the last weeks: badgering. */
  readonly badgeringShare: number
  /** Chance the rep checks the CRM and leaves alone a contact who said no in the quiet period. */
  readonly respectsNo: number
  /** Share of emails that are follow-ups in a reply-less thread. */
  readonly followUpShare: number
  // What the rep does with a meeting they hold (for a BDR's bookings, the owning AE's profile decides).
  /** Share of booked meetings that take place. */
  readonly showRate: number
  /** After a held first meeting: chance of booking a second one. */
  readonly secondMeetingRate: number
  /** After a held first meeting: chance of opening a deal at once, second meeting or not. */
  readonly opensAfterFirstMeeting: number
  /** After a held second meeting: chance of opening the deal (if not open yet). */
  readonly opensAfterSecondMeeting: number
  /** Base chance of winning a deal, before the account, source and qualification adjust it. */
  readonly winRate: number
  /** Median deal amount (USD); target accounts buy ~1.5× more. */
  readonly dealSize: number
  /** Days from opening to the expected close. */
  readonly cycleDays: readonly [min: number, max: number]
  /** Chance that a deal's close date slips (and, often, its amount changes). */
  readonly slipRate: number
  /** Inbound leads routed to this AE per month, and referrals per quarter. */
  readonly inboundPerMonth: number
  readonly referralsPerQuarter: number
}

const ae = {
  dialShare: 0.45,
  emailShare: 0.45,
  showRate: 0.8,
  inboundPerMonth: 1,
  referralsPerQuarter: 0,
} as const

export const profiles: Readonly<Record<SellingArchetype, Profile>> = {
  sprayer: {
    ...ae,
    activitiesPerDay: [65, 95],
    dialShare: 0.5,
    emailShare: 0.46,
    targetShare: 0.05,
    connectRate: 0.08,
    meetingPerConversation: 0.07,
    meetingPerEmail: 0.0025,
    meetingPerTouch: 0.003,
    declinePerConnect: 0.15,
    declinePerEmail: 0.006,
    badgeringShare: 0.05,
    respectsNo: 0,
    followUpShare: 0.6,
    showRate: 0.7,
    secondMeetingRate: 0.2,
    opensAfterFirstMeeting: 0.6,
    opensAfterSecondMeeting: 0.6,
    winRate: 0.15,
    dealSize: 10_000,
    cycleDays: [20, 55],
    slipRate: 0.55,
    inboundPerMonth: 6,
  },
  focused: {
    ...ae,
    activitiesPerDay: [15, 30],
    dialShare: 0.4,
    emailShare: 0.35,
    targetShare: 0.65,
    connectRate: 0.2,
    meetingPerConversation: 0.08,
    meetingPerEmail: 0.004,
    meetingPerTouch: 0.004,
    declinePerConnect: 0.03,
    declinePerEmail: 0.001,
    badgeringShare: 0.002,
    respectsNo: 0.95,
    followUpShare: 0.3,
    showRate: 0.88,
    secondMeetingRate: 0.75,
    opensAfterFirstMeeting: 0.05,
    opensAfterSecondMeeting: 0.8,
    winRate: 0.22,
    dealSize: 19_000,
    cycleDays: [35, 90],
    slipRate: 0.25,
    inboundPerMonth: 0.5,
    referralsPerQuarter: 2,
  },
  grinder: {
    ...ae,
    activitiesPerDay: [55, 75],
    targetShare: 0.3,
    connectRate: 0.12,
    meetingPerConversation: 0.17,
    meetingPerEmail: 0.007,
    meetingPerTouch: 0.006,
    declinePerConnect: 0.07,
    declinePerEmail: 0.003,
    badgeringShare: 0.005,
    respectsNo: 0.7,
    followUpShare: 0.45,
    showRate: 0.8,
    secondMeetingRate: 0.5,
    opensAfterFirstMeeting: 0.2,
    opensAfterSecondMeeting: 0.75,
    winRate: 0.11,
    dealSize: 12_000,
    cycleDays: [25, 70],
    slipRate: 0.4,
    inboundPerMonth: 1,
    referralsPerQuarter: 0.5,
  },
  idle: {
    ...ae,
    activitiesPerDay: [10, 20],
    targetShare: 0.12,
    connectRate: 0.09,
    meetingPerConversation: 0.07,
    meetingPerEmail: 0.003,
    meetingPerTouch: 0.003,
    declinePerConnect: 0.08,
    declinePerEmail: 0.003,
    badgeringShare: 0.006,
    respectsNo: 0.5,
    followUpShare: 0.5,
    showRate: 0.7,
    secondMeetingRate: 0.25,
    opensAfterFirstMeeting: 0.45,
    opensAfterSecondMeeting: 0.6,
    winRate: 0.12,
    dealSize: 10_000,
    cycleDays: [25, 65],
    slipRate: 0.5,
    inboundPerMonth: 1,
  },
  bdr: {
    ...ae,
    activitiesPerDay: [55, 75],
    dialShare: 0.5,
    emailShare: 0.42,
    targetShare: 0.2,
    connectRate: 0.11,
    meetingPerConversation: 0.11,
    meetingPerEmail: 0.0035,
    meetingPerTouch: 0.003,
    declinePerConnect: 0.08,
    declinePerEmail: 0.004,
    badgeringShare: 0.006,
    respectsNo: 0.7,
    followUpShare: 0.55,
    // A BDR holds no meetings and owns no deals: the owning AE's profile decides what follows.
    showRate: 0.75,
    secondMeetingRate: 0,
    opensAfterFirstMeeting: 0,
    opensAfterSecondMeeting: 0,
    winRate: 0,
    dealSize: 0,
    cycleDays: [0, 0],
    slipRate: 0,
    inboundPerMonth: 0,
  },
}

/** The role each archetype joins the team with. */
export const roleOf = (archetype: Archetype): "AE" | "BDR" | "manager" =>
  archetype === "bdr" ? "BDR" : archetype === "manager" ? "manager" : "AE"
