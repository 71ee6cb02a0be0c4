/**
 * @module The scorecard routes against a listening server, as a specification: given a hand-made
 * team's quarter of events, then these numbers — each worked out in the comments from
 * shared/METRICS.md and the folds' documented decisions (projections/*.ts headers), never pasted
 * from the code's output.
 *
 * The team (Europe/Paris, declineQuietDays 30, conversationSeconds the default 60):
 * - ana, AE, team east: quota 2026-Q4 100k corrected to 120k, and a 2026-11 pacing quota of 40k;
 * - bo, BDR, team east: no quota; books meetings for ana and cy, sources ana's deal d1;
 * - cy, AE, team east: quota 2026-Q4 80k;
 * - dee, AE, team west: quota 2026-Q4 50k, and no activity at all.
 * Accounts: globex is targeted on Oct 5 (an activity on it before then is not targeted); hooli is
 * targeted then untargeted (off the list); acme, initech, umbrella never are.
 *
 * Paris is UTC+2 until Oct 25, 01:00Z, then UTC+1. So the 2026-Q4 window (from=2026-10-01,
 * to=2026-12-31) runs from 2026-09-30T22:00Z to 2026-12-31T23:00Z (exclusive), measured at its last
 * instant 2026-12-31T22:59:59.999Z.
 */
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OutgoingEvent, serverBackends, startTestServer, type TestServer } from "./support/server.js"

// ---------------------------------------------------------------------------------------------
// The events, as a client sends them.

const settingsChanged = (at: string, data: Record<string, unknown>): OutgoingEvent => ({
  type: "TeamSettingsChanged",
  occurredAt: at,
  data,
})
const repJoined = (repId: string, role: string, team: string): OutgoingEvent => ({
  type: "RepJoined",
  occurredAt: "2026-09-01T08:00:00Z",
  data: { repId, name: `Rep ${repId}`, role, team },
})
const quotaSet = (repId: string, period: string, amount: number, at: string): OutgoingEvent => ({
  type: "QuotaSet",
  occurredAt: at,
  data: { repId, period, amount },
})
const targeted = (accountId: string, name: string, at: string): OutgoingEvent => ({
  type: "AccountTargeted",
  occurredAt: at,
  data: { accountId, name, reason: "buys_what_we_sell" },
})
const untargeted = (accountId: string, at: string): OutgoingEvent => ({
  type: "AccountUntargeted",
  occurredAt: at,
  data: { accountId },
})
type CallDetails = {
  disposition: string
  durationSeconds?: number
  direction?: "outbound" | "inbound"
  accountId?: string
  contactId?: string
}
const call = (callId: string, repId: string, at: string, details: CallDetails): OutgoingEvent => ({
  type: "CallLogged",
  occurredAt: at,
  data: { callId, repId, direction: "outbound", durationSeconds: 0, ...details },
})
const email = (
  emailId: string,
  repId: string,
  at: string,
  kind: string,
  accountId: string,
  contactId?: string,
): OutgoingEvent => ({
  type: "EmailSent",
  occurredAt: at,
  data: { emailId, repId, kind, accountId, ...(contactId === undefined ? {} : { contactId }) },
})
const touch = (touchId: string, repId: string, at: string, channel: string, accountId: string): OutgoingEvent => ({
  type: "TouchLogged",
  occurredAt: at,
  data: { touchId, repId, channel, accountId },
})
const declined = (contactId: string, accountId: string, repId: string, at: string): OutgoingEvent => ({
  type: "ProspectDeclined",
  occurredAt: at,
  data: { contactId, accountId, repId, how: "said_no" },
})
const booked = (
  meetingId: string,
  repId: string,
  at: string,
  meeting: { ownerRepId?: string; accountId: string; scheduledFor: string },
): OutgoingEvent => ({
  type: "MeetingBooked",
  occurredAt: at,
  data: { meetingId, repId, source: "outbound", ...meeting },
})
const meeting = (
  type: "MeetingHeld" | "MeetingCanceled" | "MeetingNoShow",
  meetingId: string,
  at: string,
): OutgoingEvent => ({
  type,
  occurredAt: at,
  data: { meetingId },
})
const dealOpened = (
  dealId: string,
  repId: string,
  at: string,
  deal: { accountId: string; amount: number; source: string; originatorRepId?: string },
): OutgoingEvent => ({ type: "DealOpened", occurredAt: at, data: { dealId, repId, ...deal } })
const dealWon = (dealId: string, at: string, amount?: number): OutgoingEvent => ({
  type: "DealWon",
  occurredAt: at,
  data: { dealId, ...(amount === undefined ? {} : { amount }) },
})
const dealLost = (dealId: string, at: string): OutgoingEvent => ({
  type: "DealLost",
  occurredAt: at,
  data: { dealId, reason: "budget" },
})

/** The quarter (calendar, as the team keeps) of today in Paris: what GET /v1/reps measures quotas at. */
const quarterOfTodayInParis = (): string => {
  const today = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date())
  return `${today.slice(0, 4)}-Q${Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1}`
}
const todaysQuarter = quarterOfTodayInParis()

/** The history, in log order (the fold reads settings and the target list as they are when it gets there). */
const history: ReadonlyArray<OutgoingEvent> = [
  settingsChanged("2026-09-01T00:00:00Z", { timeZone: "Europe/Paris", declineQuietDays: 30 }),
  repJoined("ana", "AE", "east"),
  repJoined("bo", "BDR", "east"),
  repJoined("cy", "AE", "east"),
  repJoined("dee", "AE", "west"),
  quotaSet("ana", "2026-Q4", 100_000, "2026-09-02T09:00:00Z"),
  quotaSet("ana", "2026-11", 40_000, "2026-09-02T09:05:00Z"),
  quotaSet("cy", "2026-Q4", 80_000, "2026-09-02T09:10:00Z"),
  quotaSet("dee", "2026-Q4", 50_000, "2026-09-02T09:15:00Z"),
  quotaSet("ana", "2026-Q4", 120_000, "2026-09-10T09:00:00Z"), // a correction: the last QuotaSet of a period wins
  // GET /v1/reps measures at "now": when this runs after 2026-Q4, the same quotas for today's quarter.
  ...(todaysQuarter === "2026-Q4"
    ? []
    : [
        quotaSet("ana", todaysQuarter, 120_000, "2026-09-10T09:01:00Z"),
        quotaSet("cy", todaysQuarter, 80_000, "2026-09-10T09:01:00Z"),
        quotaSet("dee", todaysQuarter, 50_000, "2026-09-10T09:01:00Z"),
      ]),
  targeted("hooli", "Hooli", "2026-09-15T09:00:00Z"),
  untargeted("hooli", "2026-09-20T09:00:00Z"),
  // Before the quarter: a deal ana lost in June (outside the window, inside requiredCoverage's 365-day lookback).
  dealOpened("d0", "ana", "2026-05-01T09:00:00Z", { accountId: "acme", amount: 35_000, source: "outbound" }),
  dealLost("d0", "2026-06-15T09:00:00Z"),

  // October (Paris, UTC+2 until the 25th)
  call("a-c9", "ana", "2026-09-30T22:30:00Z", { disposition: "no_answer" }), // 00:30 on Oct 1 in Paris: inside Q4
  dealOpened("d2", "ana", "2026-10-01T08:00:00Z", { accountId: "acme", amount: 20_000, source: "inbound" }),
  call("b-c1", "bo", "2026-10-02T09:00:00Z", { disposition: "connected", durationSeconds: 90, accountId: "globex" }), // globex not yet targeted
  targeted("globex", "Globex", "2026-10-05T08:00:00Z"),
  call("b-c2", "bo", "2026-10-06T09:00:00Z", { disposition: "no_answer", accountId: "globex" }),
  call("b-c3", "bo", "2026-10-06T09:10:00Z", { disposition: "voicemail", accountId: "globex" }),
  call("a-c1", "ana", "2026-10-06T10:00:00Z", { disposition: "connected", durationSeconds: 120, accountId: "acme" }),
  call("b-c4", "bo", "2026-10-07T09:00:00Z", { disposition: "connected", durationSeconds: 45, accountId: "initech" }),
  email("b-e1", "bo", "2026-10-07T09:30:00Z", "first_touch", "initech"),
  call("a-c2", "ana", "2026-10-07T10:00:00Z", { disposition: "connected", durationSeconds: 30, accountId: "globex" }),
  booked("m1", "bo", "2026-10-08T09:00:00Z", {
    ownerRepId: "ana",
    accountId: "globex",
    scheduledFor: "2026-10-14T13:00:00Z",
  }),
  call("b-c5", "bo", "2026-10-09T09:00:00Z", { disposition: "no_answer", accountId: "initech" }),
  email("a-e1", "ana", "2026-10-09T10:00:00Z", "first_touch", "acme", "wile"), // before wile declines: not badgering
  declined("wile", "acme", "ana", "2026-10-10T12:00:00Z"),
  booked("m3", "bo", "2026-10-12T09:00:00Z", {
    ownerRepId: "cy",
    accountId: "initech",
    scheduledFor: "2026-10-19T13:00:00Z",
  }),
  email("a-e2", "ana", "2026-10-12T10:00:00Z", "follow_up", "acme", "roadrunner"),
  email("a-e3", "ana", "2026-10-13T10:00:00Z", "reply", "acme", "roadrunner"), // a reply: counts nowhere
  meeting("MeetingHeld", "m1", "2026-10-14T13:00:00Z"), // held by its owner, ana: globex's 1st held meeting
  dealOpened("d1", "ana", "2026-10-15T09:00:00Z", {
    accountId: "globex",
    amount: 60_000,
    source: "outbound",
    originatorRepId: "bo",
  }),
  meeting("MeetingHeld", "m3", "2026-10-19T13:00:00Z"), // held by cy: initech's 1st
  dealOpened("d3", "ana", "2026-10-20T09:00:00Z", { accountId: "acme", amount: 15_000, source: "outbound" }),
  dealOpened("d6", "cy", "2026-10-20T09:00:00Z", { accountId: "initech", amount: 50_000, source: "outbound" }),
  booked("m2", "ana", "2026-10-20T10:00:00Z", { accountId: "globex", scheduledFor: "2026-11-05T14:00:00Z" }),
  email("a-e4", "ana", "2026-10-20T11:00:00Z", "follow_up", "acme", "wile"), // 9 d 23 h after the decline: badgering
  call("c-c1", "cy", "2026-10-21T09:00:00Z", { disposition: "connected", durationSeconds: 200, accountId: "initech" }),
  call("c-c2", "cy", "2026-10-22T09:00:00Z", { disposition: "connected", durationSeconds: 150, accountId: "initech" }),
  call("a-c7", "ana", "2026-10-22T10:00:00Z", {
    direction: "inbound",
    disposition: "connected",
    durationSeconds: 300,
    accountId: "acme",
  }), // inbound: nowhere
  dealOpened("d7", "cy", "2026-10-25T09:00:00Z", { accountId: "initech", amount: 10_000, source: "inbound" }),

  // November (UTC+1)
  call("a-c3", "ana", "2026-11-03T09:00:00Z", { disposition: "no_answer" }),
  call("a-c4", "ana", "2026-11-03T09:10:00Z", { disposition: "voicemail" }),
  call("a-c5", "ana", "2026-11-04T09:00:00Z", { disposition: "busy" }),
  call("a-c6", "ana", "2026-11-04T09:10:00Z", { disposition: "failed" }),
  meeting("MeetingHeld", "m2", "2026-11-05T14:00:00Z"), // globex's 2nd held meeting: a second meeting; d1 qualifies
  booked("m4", "bo", "2026-11-09T09:00:00Z", {
    ownerRepId: "cy",
    accountId: "initech",
    scheduledFor: "2026-11-16T13:00:00Z",
  }),
  dealWon("d2", "2026-11-10T08:00:00Z", 25_000), // the final amount: 25k, not the 20k it opened at
  meeting("MeetingCanceled", "m4", "2026-11-12T09:00:00Z"),
  touch("a-t1", "ana", "2026-11-12T10:00:00Z", "social", "globex"),
  email("a-e5", "ana", "2026-11-15T10:00:00Z", "follow_up", "acme", "wile"), // 35 d 22 h after the decline: past the 30 quiet days
  dealOpened("d4", "ana", "2026-11-16T12:00:00Z", { accountId: "acme", amount: 30_000, source: "outbound" }),
  email("c-e1", "cy", "2026-11-17T09:00:00Z", "first_touch", "umbrella"),
  touch("c-t1", "cy", "2026-11-18T08:00:00Z", "in_person", "umbrella"),
  booked("m5", "cy", "2026-11-18T10:00:00Z", { accountId: "umbrella", scheduledFor: "2026-11-25T10:00:00Z" }),
  dealWon("d6", "2026-11-20T09:00:00Z"),
  touch("b-t1", "bo", "2026-11-20T09:00:00Z", "sms", "initech"),
  email("b-e2", "bo", "2026-11-20T09:30:00Z", "follow_up", "initech"),
  meeting("MeetingNoShow", "m5", "2026-11-25T10:00:00Z"),
  call("a-c8", "ana", "2026-11-30T23:30:00Z", { disposition: "connected", durationSeconds: 60, accountId: "globex" }), // 00:30 on Dec 1 in Paris

  // December
  dealLost("d3", "2026-12-02T10:00:00Z"),
  dealLost("d7", "2026-12-05T09:00:00Z"),
  dealOpened("d5", "ana", "2026-12-10T10:00:00Z", { accountId: "acme", amount: 40_000, source: "referral" }),
  dealWon("d4", "2026-12-16T12:00:00Z"),
  call("a-c10", "ana", "2026-12-31T23:30:00Z", { disposition: "no_answer" }), // 00:30 on Jan 1 in Paris: outside Q4
]

const q4 = "from=2026-10-01&to=2026-12-31"
/** A fraction, compared to 9 decimals (a ratio of ratios, like 1 / valueWinRate, may differ in the last bit). */
const about = (value: number) => expect.closeTo(value, 9)

describe.each(serverBackends)("scorecards over HTTP on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const answer = await server.append({ events: history })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
  })
  afterAll(() => server?.close())

  describe("GET /v1/reps/{repId}/scorecard", () => {
    it("totals ana's quarter: every count, every ratio, and her coverage at the window's last instant", async () => {
      const answer = await server.request(`/v1/reps/ana/scorecard?${q4}&bucket=month&consistency=strong`)

      expect(answer.status).toBe(200)
      expect(answer.body.window).toEqual({
        from: "2026-10-01",
        to: "2026-12-31",
        // Oct 1 00:00 in Paris (UTC+2); the end is Jan 1 00:00 in Paris (UTC+1), exclusive
        start: "2026-09-30T22:00:00.000Z",
        end: "2026-12-31T23:00:00.000Z",
        measuredAt: "2026-12-31T22:59:59.999Z",
        timeZone: "Europe/Paris",
      })
      expect(answer.body.rep).toMatchObject({ repId: "ana", role: "AE", team: "east", active: true, known: true })
      // dials: outbound calls in the window: a-c9 (Oct 1 in Paris), a-c1, a-c2, a-c3, a-c4, a-c5, a-c6,
      //   a-c8 = 8; not a-c7 (inbound), not a-c10 (Jan 1 in Paris)
      // connects: a-c1, a-c2, a-c8 (the connected ones) = 3
      // conversations: connects of at least 60 s: a-c1 (120 s), a-c8 (exactly 60 s) = 2; a-c2 (30 s) is not
      // emails: a-e1, a-e2, a-e4, a-e5 = 4 (a-e3 is a reply); followUps: a-e2, a-e4, a-e5 = 3
      // touches: a-t1 = 1; activities = 8 + 4 + 1 = 13
      // badgering: a-e4 only (wile declined Oct 10 12:00Z; a-e1 came before, a-e5 36 days after) = 1
      // targetedActivities: on globex after Oct 5: a-c2, a-t1, a-c8 = 3
      // meetingsBooked: m2 (m1 was booked by bo) = 1; meetingsHeld: m1 and m2, both hers = 2
      // secondMeetings: m2, globex's 2nd held meeting = 1
      // dealsOpened: d2, d1, d3, d4, d5 = 5 (d0 opened in May); dealsWon: d2 (25k), d4 (30k) = 2,
      //   wonValue 55,000; dealsLost: d3 (15k) = 1, lostValue 15,000 (d0 was lost in June)
      // dealsOriginated: 0 (d1 was sourced by bo), and so no originated pipeline nor wins
      // bookedMeetingsHeld: m2, which she booked, held Nov 5 = 1; bookedSecondMeetings: m2 too = 1
      expect(answer.body.metrics).toEqual({
        dials: 8,
        connects: 3,
        conversations: 2,
        emails: 4,
        followUps: 3,
        touches: 1,
        activities: 13,
        badgering: 1,
        targetedActivities: 3,
        meetingsBooked: 1,
        meetingsHeld: 2,
        secondMeetings: 1,
        dealsOpened: 5,
        dealsWon: 2,
        dealsLost: 1,
        wonValue: 55_000,
        lostValue: 15_000,
        dealsOriginated: 0,
        originatedPipeline: 0,
        originatedWon: 0,
        originatedWonValue: 0,
        bookedMeetingsHeld: 1,
        bookedSecondMeetings: 1,
        connectRate: about(3 / 8),
        activitiesPerMeeting: 13, // 13 / 1
        activitiesPerWin: 6.5, // 13 / 2
        meetingYield: about(100 / 13), // 1 meeting per 13 activities
        heldMeetingYield: about(100 / 13), // m2, booked and held
        secondMeetingRate: 0.5, // 1 / 2
        winRate: about(2 / 3),
        valueWinRate: about(55_000 / 70_000),
        avgWonDeal: 27_500, // 55,000 / 2
        revenuePerActivity: about(55_000 / 13),
        // d2: Oct 1 08:00Z → Nov 10 08:00Z = 31 + 9 = 40 days; d4: Nov 16 12:00Z → Dec 16 12:00Z = 30 days
        salesCycleDays: 35, // median(40, 30)
        targetFocus: about(3 / 13),
        // d1 was opened on the targeted globex but is still open; d2, d3, d4 closed on acme
        targetWinRate: null,
        nonTargetWinRate: about(2 / 3),
        // opened at: d2 20k inbound, d1 60k, d3 15k, d4 30k outbound, d5 40k referral:
        // outbound 105,000 of 165,000
        outboundShare: about(105_000 / 165_000),
        badgeringShare: about(1 / 13),
        activitiesPerDeal: about(13 / 5),
      })
      // At 2026-12-31T22:59:59.999Z: open are d1 (60k) and d5 (40k); d1 is qualified (globex's 2nd
      // held meeting, Nov 5), d5 is not. Quota: the corrected 120k for 2026-Q4; won so far in it:
      // d2 25k + d4 30k = 55k, so 65k is left to cover.
      // requiredCoverage looks back 365 days: won d2 25k, d4 30k; lost d0 35k (June), d3 15k
      //   ⇒ valueWinRate 55k / 105k ⇒ 105 / 55 = 21 / 11
      expect(answer.body.coverage).toEqual({
        repId: "ana",
        at: "2026-12-31T22:59:59.999Z",
        quota: {
          period: "2026-Q4",
          amount: 120_000,
          start: "2026-09-30T22:00:00.000Z",
          end: "2026-12-31T23:00:00.000Z",
        },
        wonValue: 55_000,
        openPipeline: 100_000,
        openDealsWithoutAmount: 0, // every open deal has its amount
        qualifiedPipeline: 60_000,
        coverage: about(100_000 / 65_000),
        qualifiedCoverage: about(60_000 / 65_000),
        requiredCoverage: about(21 / 11),
      })
    })

    it("splits the quarter by month in Paris time: a call at 23:30Z on Nov 30 counts in December", async () => {
      const answer = await server.request(`/v1/reps/ana/scorecard?${q4}&bucket=month&consistency=strong`)

      expect(answer.status).toBe(200)
      expect(answer.body.bucket).toBe("month")
      expect(
        answer.body.series.map((b: { bucket: string; from: string; to: string }) => [b.bucket, b.from, b.to]),
      ).toEqual([
        ["2026-10", "2026-10-01", "2026-10-31"],
        ["2026-11", "2026-11-01", "2026-11-30"],
        ["2026-12", "2026-12-01", "2026-12-31"],
      ])
      const [october, november, december] = answer.body.series.map((b: { metrics: unknown }) => b.metrics)
      // October: dials a-c9, a-c1, a-c2 = 3 (2 connects, 1 conversation); emails a-e1, a-e2, a-e4 = 3
      // (follow-ups a-e2, a-e4); activities 6; badgering a-e4; targeted a-c2; booked m2; held m1;
      // opened d2 (20k inbound), d1 (60k), d3 (15k) ⇒ outboundShare 75k / 95k; nothing closed
      expect(october).toMatchObject({
        dials: 3,
        connects: 2,
        conversations: 1,
        emails: 3,
        followUps: 2,
        touches: 0,
        activities: 6,
        badgering: 1,
        targetedActivities: 1,
        meetingsBooked: 1,
        meetingsHeld: 1,
        secondMeetings: 0,
        dealsOpened: 3,
        dealsWon: 0,
        dealsLost: 0,
        connectRate: about(2 / 3),
        activitiesPerMeeting: 6,
        meetingYield: about(100 / 6),
        winRate: null,
        avgWonDeal: null,
        salesCycleDays: null,
        outboundShare: about(75_000 / 95_000),
        badgeringShare: about(1 / 6),
      })
      // November: dials a-c3..a-c6 = 4, none connected (connectRate 0 / 4 = 0, not null); a-e5; a-t1
      // ⇒ activities 6; no booking ⇒ activitiesPerMeeting null; held m2, the second meeting;
      // opened d4 (30k outbound); won d2 at 25k after 40 days
      expect(november).toMatchObject({
        dials: 4,
        connects: 0,
        conversations: 0,
        emails: 1,
        followUps: 1,
        touches: 1,
        activities: 6,
        badgering: 0,
        targetedActivities: 1,
        meetingsBooked: 0,
        meetingsHeld: 1,
        secondMeetings: 1,
        dealsOpened: 1,
        dealsWon: 1,
        dealsLost: 0,
        wonValue: 25_000,
        connectRate: 0,
        activitiesPerMeeting: null,
        meetingYield: 0,
        secondMeetingRate: 1,
        winRate: 1,
        valueWinRate: 1,
        avgWonDeal: 25_000,
        revenuePerActivity: about(25_000 / 6),
        salesCycleDays: 40,
        targetFocus: about(1 / 6),
        outboundShare: 1,
        badgeringShare: 0,
      })
      // December: a-c8 (Dec 1 00:30 in Paris, connected 60 s: a conversation); a-c10 is January's.
      // Opened d5 (40k referral); won d4 (30k, 30 days), lost d3 (15k)
      expect(december).toMatchObject({
        dials: 1,
        connects: 1,
        conversations: 1,
        activities: 1,
        targetedActivities: 1,
        meetingsBooked: 0,
        dealsOpened: 1,
        dealsWon: 1,
        dealsLost: 1,
        wonValue: 30_000,
        lostValue: 15_000,
        connectRate: 1,
        activitiesPerMeeting: null,
        winRate: 0.5,
        valueWinRate: about(30_000 / 45_000),
        avgWonDeal: 30_000,
        revenuePerActivity: 30_000,
        salesCycleDays: 30,
        outboundShare: 0,
      })
    })

    it("puts a call at 23:30Z on the next day's bucket, in Paris", async () => {
      const answer = await server.request(
        "/v1/reps/ana/scorecard?from=2026-11-30&to=2026-12-01&bucket=day&consistency=strong",
      )

      expect(answer.status).toBe(200)
      // a-c8 happened on Nov 30 at 23:30Z: 00:30 on Dec 1 in Paris
      expect(
        answer.body.series.map((b: { bucket: string; metrics: { dials: number } }) => [b.bucket, b.metrics.dials]),
      ).toEqual([
        ["2026-11-30", 0],
        ["2026-12-01", 1],
      ])
      expect(answer.body.window).toMatchObject({ start: "2026-11-29T23:00:00.000Z", end: "2026-12-01T23:00:00.000Z" })
    })

    it("measures November's coverage against the quarter's quota, not the month's", async () => {
      const answer = await server.request(
        "/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&bucket=month&consistency=strong",
      )

      expect(answer.status).toBe(200)
      // Measured at 2026-11-30T22:59:59.999Z (a-c8, at 23:30Z, is December's). Open then: d1 60k
      // (qualified on Nov 5), d3 15k (lost Dec 2), d4 30k (opened Nov 16) = 105k, of which 60k qualified.
      // Both a 2026-Q4 (120k) and a 2026-11 (40k) quota contain the instant: the quarter's is in force.
      // Won in the quarter so far: d2 25k ⇒ 95k left. Closed in the year before: d0 lost 35k, d2 won
      // 25k ⇒ valueWinRate 25 / 60 ⇒ requiredCoverage 2.4.
      expect(answer.body.coverage).toEqual({
        repId: "ana",
        at: "2026-11-30T22:59:59.999Z",
        quota: {
          period: "2026-Q4",
          amount: 120_000,
          start: "2026-09-30T22:00:00.000Z",
          end: "2026-12-31T23:00:00.000Z",
        },
        wonValue: 25_000,
        openPipeline: 105_000,
        openDealsWithoutAmount: 0, // every open deal has its amount
        qualifiedPipeline: 60_000,
        coverage: about(105_000 / 95_000),
        qualifiedCoverage: about(60_000 / 95_000),
        requiredCoverage: about(2.4),
      })
      // the month's totals equal November's bucket of the quarter
      expect(answer.body.metrics).toMatchObject({ dials: 4, activities: 6, wonValue: 25_000, salesCycleDays: 40 })
    })

    it("credits bo, the BDR, with the meetings he booked and the deal he sourced; no quota, no coverage", async () => {
      const answer = await server.request(`/v1/reps/bo/scorecard?${q4}&consistency=strong`)

      expect(answer.status).toBe(200)
      // dials b-c1..b-c5 = 5; connects b-c1 (90 s, a conversation), b-c4 (45 s) = 2; emails b-e1,
      // b-e2 (a follow-up); touch b-t1 ⇒ activities 8; targeted: b-c2, b-c3 (b-c1 came before Oct 5) = 2;
      // booked m1 (for ana), m3 and m4 (for cy) = 3, held none; originated d1; owns no deal.
      // What he produced: m1 (held Oct 14, globex's 1st) and m3 (held Oct 19, initech's 1st) took
      // place, m4 was canceled ⇒ bookedMeetingsHeld 2, neither a second meeting; d1 (60k at
      // opening) is still open ⇒ originatedPipeline 60,000, nothing originated won yet
      expect(answer.body.metrics).toMatchObject({
        dials: 5,
        connects: 2,
        conversations: 1,
        emails: 2,
        followUps: 1,
        touches: 1,
        activities: 8,
        badgering: 0,
        targetedActivities: 2,
        meetingsBooked: 3,
        meetingsHeld: 0,
        secondMeetings: 0,
        dealsOpened: 0,
        dealsWon: 0,
        dealsLost: 0,
        wonValue: 0,
        dealsOriginated: 1,
        originatedPipeline: 60_000,
        originatedWon: 0,
        originatedWonValue: 0,
        bookedMeetingsHeld: 2,
        bookedSecondMeetings: 0,
        heldMeetingYield: 25, // 100 × 2 / 8
        connectRate: 0.4,
        activitiesPerMeeting: about(8 / 3),
        meetingYield: 37.5, // 300 / 8
        secondMeetingRate: null,
        winRate: null,
        valueWinRate: null,
        avgWonDeal: null,
        revenuePerActivity: 0,
        salesCycleDays: null,
        targetFocus: 0.25,
        outboundShare: null,
        badgeringShare: 0,
      })
      expect(answer.body.coverage).toMatchObject({
        quota: null,
        openPipeline: 0,
        qualifiedPipeline: 0,
        coverage: null,
        qualifiedCoverage: null,
        requiredCoverage: null,
      })
    })

    it("totals cy's quarter: a meeting held for a booking by bo, a canceled one and a no-show", async () => {
      const answer = await server.request(`/v1/reps/cy/scorecard?${q4}&consistency=strong`)

      expect(answer.status).toBe(200)
      // dials c-c1 (200 s), c-c2 (150 s): 2 conversations; c-e1; c-t1 ⇒ activities 4; booked m5 (a
      // no-show); held m3; opened d6 (50k outbound), d7 (10k inbound); won d6 after 31 days; lost d7
      expect(answer.body.metrics).toMatchObject({
        dials: 2,
        connects: 2,
        conversations: 2,
        emails: 1,
        touches: 1,
        activities: 4,
        meetingsBooked: 1,
        meetingsHeld: 1,
        secondMeetings: 0,
        dealsOpened: 2,
        dealsWon: 1,
        dealsLost: 1,
        wonValue: 50_000,
        connectRate: 1,
        activitiesPerMeeting: 4,
        meetingYield: 25,
        winRate: 0.5,
        valueWinRate: about(50_000 / 60_000),
        avgWonDeal: 50_000,
        revenuePerActivity: 12_500,
        salesCycleDays: 31,
        targetFocus: 0,
        outboundShare: about(50_000 / 60_000),
      })
      // nothing open at the end; 80k quota − 50k won = 30k left ⇒ coverage 0 / 30k = 0;
      // requiredCoverage 1 / (50k / 60k) = 1.2
      expect(answer.body.coverage).toMatchObject({
        quota: { period: "2026-Q4", amount: 80_000 },
        wonValue: 50_000,
        openPipeline: 0,
        coverage: 0,
        qualifiedCoverage: 0,
        requiredCoverage: about(1.2),
      })
    })
  })

  describe("GET /v1/team/comparison", () => {
    // The AE cohort (role=AE, the default): ana, cy, dee; bo is a BDR. With minActivities=1 and
    // minClosedDeals=1, ana (13 activities) and cy (4) are compared; dee (0) is not: 0 < 1.
    // meetingYield: ana 100/13 ≈ 7.7, cy 25. Medians over ana and cy: activities (13 + 4) / 2 = 8.5,
    // yield (100/13 + 25) / 2 ≈ 16.3. ana 13 > 8.5, 7.7 < 16.3: spraying; cy 4 ≤ 8.5, 25 ≥ 16.3: focused.
    const smallEvidence = "minActivities=1&minClosedDeals=1"
    it("places the eligible AEs against their medians, ranks by winRate's interval, lists dee as ineligible", async () => {
      const answer = await server.request(`/v1/team/comparison?${q4}&${smallEvidence}&sort=winRate&consistency=strong`)

      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({
        team: null,
        cohort: "AE",
        rankBy: "winRate",
        yieldBy: "meetingYield",
        medians: { activities: 8.5, yield: about((100 / 13 + 25) / 2) },
        previousWindow: null,
      })
      // winRate: ana 2 of 3 closed, Wilson 95% lower bound ≈ 0.208; cy 1 of 2, ≈ 0.095: ana first.
      // The ranked by rank, then the ineligible: dee.
      expect(
        answer.body.reps.map(
          (r: { repId: string; rank: number | null; quadrant: string | null; eligible: boolean }) => [
            r.repId,
            r.rank,
            r.quadrant,
            r.eligible,
          ],
        ),
      ).toEqual([
        ["ana", 1, "spraying", true],
        ["cy", 2, "focused", true],
        ["dee", null, null, false],
      ])
      const wilson = (low: number, high: number) => ({ low: expect.closeTo(low, 3), high: expect.closeTo(high, 3) })
      expect(answer.body.ranking).toEqual([
        {
          repId: "ana",
          value: about(2 / 3),
          interval: wilson(0.2077, 0.9385),
          score: expect.closeTo(0.2077, 3),
          rank: 1,
        },
        { repId: "cy", value: 0.5, interval: wilson(0.0945, 0.9055), score: expect.closeTo(0.0945, 3), rank: 2 },
      ])
      const byId = new Map(answer.body.reps.map((r: { repId: string }) => [r.repId, r]))
      expect(byId.get("ana")).toMatchObject({
        team: "east",
        metrics: { activities: 13, winRate: about(2 / 3) },
        coverage: { openPipeline: 100_000 },
        reason: null,
      })
      expect(byId.get("dee")).toMatchObject({
        eligible: false,
        reason: {
          kind: "tooFewActivities",
          activities: 0,
          minimum: 1,
          detail: expect.stringContaining("minActivities"),
        },
      })
    })

    it("lists dee, who did nothing, with zeros and null ratios", async () => {
      const answer = await server.request(`/v1/team/comparison?${q4}&consistency=strong`)

      expect(answer.status).toBe(200)
      const dee = answer.body.reps.find((r: { repId: string }) => r.repId === "dee")
      expect(dee).toMatchObject({
        repId: "dee",
        team: "west",
        role: "AE",
        cohort: "AE",
        eligible: false,
        quadrant: null,
        rank: null,
        metrics: {
          dials: 0,
          emails: 0,
          activities: 0,
          meetingsBooked: 0,
          dealsOpened: 0,
          dealsWon: 0,
          wonValue: 0,
          connectRate: null,
          meetingYield: null,
          winRate: null,
          revenuePerActivity: null,
          targetFocus: null,
        },
        // 50k quota, nothing won or open: coverage 0 / 50k = 0; no closed deal: requiredCoverage null
        coverage: {
          quota: { period: "2026-Q4", amount: 50_000 },
          openPipeline: 0,
          coverage: 0,
          requiredCoverage: null,
        },
      })
    })

    it("contrasts the top 20% of the eligible AEs by wonValue (ceil(20% × 2) = 1: ana) with cy", async () => {
      const answer = await server.request(`/v1/team/comparison?${q4}&${smallEvidence}&consistency=strong`)

      expect(answer.status).toBe(200)
      // wonValue: ana 55k, cy 50k; dee is not eligible, so neither top nor rest.
      // rest = cy: 4 activities, 1 booked ⇒ meetingYield 25; won d6 (50k), lost d7 ⇒ winRate 1/2;
      // revenuePerActivity 50k / 4 = 12,500; cycle 31 days
      expect(answer.body.contrast).toMatchObject({
        top: {
          repIds: ["ana"],
          activitiesPerRep: 13,
          metrics: { activities: 13, wonValue: 55_000, winRate: about(2 / 3), salesCycleDays: 35 },
        },
        rest: {
          repIds: ["cy"],
          activitiesPerRep: 4,
          metrics: {
            activities: 4,
            meetingsBooked: 1,
            dealsWon: 1,
            dealsLost: 1,
            wonValue: 50_000,
            winRate: 0.5,
            meetingYield: 25,
            revenuePerActivity: 12_500,
            salesCycleDays: 31,
          },
        },
      })
    })

    it("compares no one of team east on the default evidence (100 activities), and says why for each", async () => {
      const answer = await server.request(`/v1/team/comparison?${q4}&team=east&consistency=strong`)

      expect(answer.status).toBe(200)
      // east's AEs: ana (13 activities) and cy (4); both under 100: listed, not compared.
      expect(answer.body).toMatchObject({
        team: "east",
        cohort: "AE",
        evidence: { minActivities: 100, minClosedDeals: 5 },
        medians: { activities: null, yield: null },
        ranking: [],
      })
      expect(answer.body.reps.map((r: { repId: string; reason: unknown }) => [r.repId, r.reason])).toEqual([
        ["ana", expect.objectContaining({ kind: "tooFewActivities", activities: 13, minimum: 100 })],
        ["cy", expect.objectContaining({ kind: "tooFewActivities", activities: 4, minimum: 100 })],
      ])
      expect(answer.body.contrast.top.repIds).toEqual([])
    })

    it("places the eligible AEs by revenuePerActivity with yield=revenuePerActivity", async () => {
      const answer = await server.request(
        `/v1/team/comparison?${q4}&${smallEvidence}&yield=revenuePerActivity&consistency=strong`,
      )

      expect(answer.status).toBe(200)
      // revenuePerActivity: ana 55k / 13 ≈ 4,231, cy 50k / 4 = 12,500 ⇒ median ≈ 8,365.
      // ana 13 > 8.5, below: spraying; cy 4 ≤ 8.5, above: focused; dee not compared.
      expect(answer.body.medians).toEqual({ activities: 8.5, yield: about((55_000 / 13 + 12_500) / 2) })
      expect(
        Object.fromEntries(
          answer.body.reps.map((r: { repId: string; quadrant: string | null }) => [r.repId, r.quadrant]),
        ),
      ).toEqual({ ana: "spraying", cy: "focused", dee: null })
    })

    it("compares the BDR cohort on what bo produces, and refuses to rank BDRs by winRate", async () => {
      const bdrs = await server.request(`/v1/team/comparison?${q4}&role=BDR&minActivities=1&consistency=strong`)
      expect(bdrs.status).toBe(200)
      expect(bdrs.body).toMatchObject({ cohort: "BDR", rankBy: "heldMeetingYield", yieldBy: "heldMeetingYield" })
      expect(bdrs.body.reps.map((r: { repId: string; eligible: boolean }) => [r.repId, r.eligible])).toEqual([
        ["bo", true],
      ])

      const byWinRate = await server.request(`/v1/team/comparison?${q4}&role=BDR&sort=winRate`)
      expect(byWinRate.status).toBe(400)
      expect(byWinRate.body.errors).toEqual([{ path: "query.sort", message: expect.stringContaining("BDRs") }])
    })

    it("answers each AE's figures in the previous window of the same length with compareTo=previous", async () => {
      const answer = await server.request(
        `/v1/team/comparison?${q4}&${smallEvidence}&compareTo=previous&consistency=strong`,
      )

      expect(answer.status).toBe(200)
      // Q4 has 92 days; the 92 before it are Jul 1 – Sep 30. The reps joined on Sep 1: not there for
      // the whole of it, so not compared then; they did nothing in it.
      expect(answer.body.previousWindow).toMatchObject({ from: "2026-07-01", to: "2026-09-30" })
      const ana = answer.body.reps.find((r: { repId: string }) => r.repId === "ana")
      expect(ana.previous).toEqual({ eligible: false, rank: null, quadrant: null })
      expect(ana.changes.activities).toEqual({ value: 13, previous: 0, change: 13 })
      expect(ana.changes.winRate).toEqual({ value: about(2 / 3), previous: null, change: null })
      expect(answer.body.medianChanges).toEqual({
        activities: { value: 8.5, previous: null, change: null },
        yield: { value: about((100 / 13 + 25) / 2), previous: null, change: null },
      })
    })

    it("refuses an unknown parameter and asOf, naming them, rather than ignoring them", async () => {
      const misspelt = await server.request(`/v1/team/comparison?${q4}&minActivites=5`)
      expect(misspelt.status).toBe(400)
      expect(misspelt.body.errors).toEqual([
        { path: "query.minActivites", message: expect.stringContaining("unknown query parameter") },
      ])
      const asOf = await server.request(`/v1/reps/ana/scorecard?${q4}&asOf=2026-11-01T00:00:00Z`)
      expect(asOf.status).toBe(400)
      expect(asOf.body.errors).toEqual([{ path: "query.asOf", message: expect.stringContaining("not supported yet") }])
    })
  })

  describe("GET /v1/team/rollup", () => {
    it("sums team east's counters into ratios of sums, with its coverage and quota attainment", async () => {
      const answer = await server.request(`/v1/team/rollup?${q4}&groupBy=team&compareTo=previous&consistency=strong`)

      expect(answer.status).toBe(200)
      expect(answer.body.groups.map((g: { group: string; members: string[] }) => [g.group, g.members])).toEqual([
        ["east", ["ana", "bo", "cy"]],
        ["west", ["dee"]],
      ])
      const east = answer.body.groups[0]
      // Closed: ana won d2 and d4, lost d3; cy won d6, lost d7 ⇒ winRate 3 / 5 = 0.6 (the mean of
      // their rates would be (2/3 + 1/2) / 2 ≈ 0.583). Activities 13 + 8 + 4 = 25; booked 1 + 3 + 1 = 5
      // ⇒ meetingYield 5 × 100 / 25 = 20; wonValue 25k + 30k + 50k = 105k.
      expect(east.metrics).toMatchObject({
        activities: 25,
        meetingsBooked: 5,
        meetingYield: 20,
        dealsWon: 3,
        dealsLost: 2,
        winRate: 0.6,
        wonValue: 105_000,
      })
      expect(east.activitiesPerRep).toBeCloseTo(25 / 3, 9)
      // Sellers: ana (Q4 quota 120k) and cy (80k); bo has none. Won in Q4: 55k + 50k; open at the
      // end: ana's d1 (60k) and d5 (40k) ⇒ 100k; coverage 100k / (200k − 105k) ≈ 1.053.
      expect(east.coverage).toMatchObject({
        sellers: ["ana", "cy"],
        quota: 200_000,
        wonValue: 105_000,
        openPipeline: 100_000,
        coverage: about(100_000 / 95_000),
      })
      // Finished in the window: 2026-Q4 (ana 55k of 120k, cy 50k of 80k) and ana's 2026-11 (25k of
      // 40k): 3 seller-periods, none reached.
      expect(east.attainment).toMatchObject({ sellers: 3, reached: 0, share: 0 })
      expect(east.attainment.periods.map((p: { period: string; sellers: number }) => [p.period, p.sellers])).toEqual([
        ["2026-Q4", 2],
        ["2026-11", 1],
      ])
      // Q3, the window before, holds nothing of east's: every change is the figure itself.
      expect(answer.body.previousWindow).toMatchObject({ from: "2026-07-01", to: "2026-09-30" })
      expect(east.changes.dealsWon).toEqual({ value: 3, previous: 0, change: 3 })
      expect(east.changes.winRate).toEqual({ value: 0.6, previous: null, change: null })
      // The whole team: dee adds nothing but her quota's period (50k, nothing won).
      expect(answer.body.total).toMatchObject({
        group: "all",
        members: ["ana", "bo", "cy", "dee"],
        metrics: { winRate: 0.6, activities: 25 },
        attainment: { sellers: 4, reached: 0 },
      })
    })
  })

  describe("CSV", () => {
    /** The CSV's rows as objects by header, every cell text. */
    const rowsOf = (text: string) => parse(text, { columns: true }) as Array<Record<string, string>>
    const cell = (value: unknown) => (value === null ? "" : String(value))

    it("answers the comparison as CSV on Accept: text/csv: a row per rep, the same figures as the JSON", async () => {
      const q = `${q4}&minActivities=1&minClosedDeals=1&consistency=strong`
      const json = await server.request(`/v1/team/comparison?${q}`)
      const csv = await server.request(`/v1/team/comparison?${q}`, { headers: { accept: "text/csv" } })
      expect(csv.status).toBe(200)
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/)
      const rows = rowsOf(csv.body)
      expect(rows.map((row) => row.repId)).toEqual(json.body.reps.map((rep: { repId: string }) => rep.repId))
      for (const [index, rep] of json.body.reps.entries()) {
        const row = rows[index] as Record<string, string>
        expect(row).toMatchObject({
          eligible: String(rep.eligible),
          rank: cell(rep.rank),
          "metrics.activities": cell(rep.metrics.activities),
          "metrics.winRate": cell(rep.metrics.winRate),
          "metrics.meetingYield": cell(rep.metrics.meetingYield),
          "intervals.winRate.low": cell(rep.intervals.winRate?.low ?? null),
          "coverage.openPipeline": cell(rep.coverage.openPipeline),
          "reason.kind": cell(rep.reason?.kind ?? null),
        })
      }
      // ana's winRate to the last digit JSON writes: 2 / 3.
      expect(Number(rows.find((row) => row.repId === "ana")?.["metrics.winRate"])).toBe(2 / 3)
    })

    it("answers the rollup, the reps and a scorecard's series as CSV with format=csv", async () => {
      const rollup = await server.request(`/v1/team/rollup?${q4}&consistency=strong`)
      const rollupCsv = rowsOf((await server.request(`/v1/team/rollup?${q4}&format=csv`)).body)
      expect(rollupCsv.map((row) => [row.group, row["metrics.winRate"], row["coverage.coverage"]])).toEqual(
        [...rollup.body.groups, rollup.body.total].map((g: any) => [
          g.group,
          cell(g.metrics.winRate),
          cell(g.coverage.coverage),
        ]),
      )
      const reps = rowsOf((await server.request("/v1/reps?format=csv")).body)
      expect(reps.map((row) => [row.repId, row.role, row["quota.amount"] ?? ""]).sort()).toEqual([
        ["ana", "AE", "120000"],
        ["bo", "BDR", ""],
        ["cy", "AE", expect.any(String)],
        ["dee", "AE", expect.any(String)],
      ])
      const scorecard = await server.request(`/v1/reps/ana/scorecard?${q4}&bucket=month`)
      const series = rowsOf((await server.request(`/v1/reps/ana/scorecard?${q4}&bucket=month&format=csv`)).body)
      expect(series.map((row) => [row.bucket, row["metrics.activities"], row["metrics.wonValue"]])).toEqual(
        scorecard.body.series.map((b: any) => [b.bucket, cell(b.metrics.activities), cell(b.metrics.wonValue)]),
      )
      expect(series.map((row) => row.bucket)).toEqual(["2026-10", "2026-11", "2026-12"])
    })
  })

  describe("GET /v1/reps and GET /v1/accounts/targets", () => {
    it("lists every rep with team, role and the quota in force today (a quarter's, over a month's)", async () => {
      const answer = await server.request("/v1/reps?consistency=strong")

      expect(answer.status).toBe(200)
      const byId = Object.fromEntries(answer.body.reps.map((r: { repId: string }) => [r.repId, r]))
      expect(Object.keys(byId).sort()).toEqual(["ana", "bo", "cy", "dee"])
      // ana's 2026-Q4 quota is the corrected 120k; in November her 40k month quota also applies, but
      // the quarter's is in force
      expect(byId.ana).toMatchObject({
        name: "Rep ana",
        role: "AE",
        team: "east",
        active: true,
        quota: { period: todaysQuarter, amount: 120_000 },
      })
      expect(byId.bo).toMatchObject({ role: "BDR", team: "east", quota: null })
      expect(byId.cy).toMatchObject({ role: "AE", team: "east", quota: { period: todaysQuarter, amount: 80_000 } })
      expect(byId.dee).toMatchObject({ role: "AE", team: "west", quota: { period: todaysQuarter, amount: 50_000 } })
    })

    it("lists the targeted account with its activity, meetings, deals and open pipeline; not the untargeted one", async () => {
      const answer = await server.request("/v1/accounts/targets?consistency=strong")

      expect(answer.status).toBe(200)
      // hooli was untargeted; acme, initech, umbrella never were targeted
      expect(answer.body.accounts.map((a: { accountId: string }) => a.accountId)).toEqual(["globex"])
      // activities on globex by anyone, targeted or not yet: bo's b-c1, b-c2, b-c3 and ana's a-c2,
      // a-t1, a-c8 = 6; meetings m1 and m2, both held; d1 (60k) open
      expect(answer.body.accounts[0]).toMatchObject({
        accountId: "globex",
        name: "Globex",
        targeted: true,
        targetReason: "buys_what_we_sell",
        activities: 6,
        lastActivityAt: "2026-11-30T23:30:00.000Z",
        meetingsBooked: 2,
        meetingsHeld: 2,
        dealsOpened: 1,
        dealsOpen: 1,
        dealsWon: 0,
        dealsLost: 0,
        wonValue: 0,
        openPipeline: 60_000,
      })
    })
  })

  // Last: it adds to bo's numbers.
  describe("freshness", () => {
    it("shows a new call in bo's scorecard within a second of its append, without consistency=strong", async () => {
      const before = await server.request(`/v1/reps/bo/scorecard?${q4}&consistency=strong`)
      expect(before.body.metrics.dials).toBe(5)

      const appended = await server.append(call("b-c6", "bo", "2026-12-20T10:00:00Z", { disposition: "no_answer" }))
      expect(appended.status).toBe(201)

      await expect
        .poll(async () => (await server.request(`/v1/reps/bo/scorecard?${q4}`)).body.metrics.dials, {
          timeout: 2_000,
          interval: 50,
        })
        .toBe(6)
    })
  })
})
