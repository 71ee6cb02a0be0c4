/**
 * RingCentral, Dialpad and Calendly webhooks against a listening server, as the vendors would post
 * them: accepted deliveries, forged or missing proof (401, nothing stored), retries (nothing
 * appended), deliveries out of order (the same call, the same meeting), and a Calendly reschedule
 * counted once in the rep's scorecard.
 */
import { readFileSync } from "node:fs"
import { SignJWT } from "jose"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { calendlySignature } from "../src/ingest/webhooks/calendly.js"
import { type Answer, type StoredEvent, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const fixture = (path: string): string => readFileSync(new URL(`./fixtures/${path}`, import.meta.url), "utf8")

const secrets = {
  ringcentralVerificationToken: "rc-verification-token",
  dialpadSecret: "dp-webhook-secret",
  calendlySigningKey: "calendly-signing-key-for-tests",
  calendlyToleranceSeconds: 180,
}

const post = (server: TestServer, source: string, body: string, headers: Record<string, string>): Promise<Answer> =>
  server.request(`/v1/webhooks/${source}`, { key: null, method: "POST", body, headers })

/** One stream's events, read from the stream itself (GET /v1/events shows a commit only once no older transaction is open). */
const streamEvents = async (server: TestServer, streamId: string): Promise<ReadonlyArray<StoredEvent>> => {
  const answer = await server.request(`/v1/streams/${encodeURIComponent(streamId)}`)
  if (answer.status === 404) return []
  expect(answer.status).toBe(200)
  return answer.body.events
}

describe.each(serverBackends)("RingCentral, Dialpad and Calendly webhooks on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, { webhooks: secrets })
  })
  afterAll(() => server?.close())

  describe("RingCentral", () => {
    const rc = (payload: unknown, token: string | null = secrets.ringcentralVerificationToken) =>
      post(server, "ringcentral", JSON.stringify(payload), {
        "content-type": "application/json; charset=UTF-8",
        ...(token === null ? {} : { "verification-token": token }),
      })
    const call: any[] = JSON.parse(fixture("ringcentral/ringcentral-to-pstn.json"))
    const stream = "call-ringcentral-s-c23b203d62db4f6aaee00717bafa99be"

    it("answers the subscription's Validation-Token handshake with the same header, storing nothing", async () => {
      const answer = await post(server, "ringcentral", "", { "validation-token": "0b3f6c1e-handshake" })
      expect(answer.status).toBe(200)
      expect(answer.headers.get("validation-token")).toBe("0b3f6c1e-handshake")
      // the first request of a fresh ledger: still nothing in it
      expect(await server.log()).toEqual([])
    })

    it("refuses a missing or wrong Verification-Token with 401 and stores nothing", async () => {
      for (const token of [null, "rc-verification-tokeN"]) {
        const answer = await rc(call[0], token)
        expect(answer.status).toBe(401)
        expect(answer.body.detail).toContain("Verification-Token")
      }
      expect(await streamEvents(server, stream)).toEqual([])
    })

    it("logs the published outbound call once, from deliveries out of order, and appends nothing for a retry", async () => {
      // The end first, then the rest backwards: Disconnected, …, Answered (resumed), Hold, Answered, Proceeding, Setup.
      const arrivals = [...call].reverse()
      const answers: Answer[] = []
      for (const notification of arrivals) answers.push(await rc(notification))
      expect(answers.map((a) => a.status)).toEqual(arrivals.map(() => 200))
      // three notifications are about the PSTN party, not an extension: ignored
      expect(answers.filter((a) => a.body.status === "ignored")).toHaveLength(3)
      const events = await streamEvents(server, stream)
      expect(events.filter((e) => e.type === "CallEventReceived")).toHaveLength(6)
      const logged = events.filter((e) => e.type === "CallLogged")
      expect(logged).toHaveLength(1)
      // Decided once the party's start (Proceeding, 01:19:25.166) is in: from the first Answered
      // (01:19:28.900), not the one resumed after the hold, to Disconnected (01:19:45.018) = 16 s.
      expect(logged[0]).toMatchObject({
        occurredAt: "2020-06-23T01:19:25.166Z",
        data: {
          callId: "ringcentral-s-c23b203d62db4f6aaee00717bafa99be",
          repId: "ringcentral:809646016",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 16,
        },
      })

      const retry = await rc(call[0])
      expect(retry.status).toBe(200)
      expect(retry.body).toMatchObject({ status: "duplicate", appended: 0, callLogged: true })
      expect(await streamEvents(server, stream)).toHaveLength(events.length)
    })

    it("takes the reference's wrapped (pn_apns) shape as well", async () => {
      const answer = await post(server, "ringcentral", fixture("ringcentral/wrapped-shape-example.json"), {
        "content-type": "application/json",
        "verification-token": secrets.ringcentralVerificationToken,
      })
      expect(answer.body).toMatchObject({
        status: "accepted",
        appended: 1,
        callId: "ringcentral-Y3MxNzE4NDE5MDM0MzQwMTgzODRAMTAuNjIuMjUuMTEx",
        callLogged: false,
      })
    })
  })

  describe("Dialpad (signed with a secret)", () => {
    const t0 = Date.parse("2026-11-02T14:00:00.000Z")
    const event = (state: string, at: number, extra: Record<string, unknown> = {}) => ({
      call_id: 5738148658520064,
      state,
      direction: "outbound",
      event_timestamp: at,
      date_started: t0,
      target: { id: 4567890123456789, type: "user", email: "ana@ourco.example", name: "Ana Ruiz" },
      contact: { id: "c-1", name: "Bo Chen", phone: "+14155550199", type: "local" },
      ...extra,
    })
    const jwt = (claims: Record<string, unknown>, key = secrets.dialpadSecret) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(key))
    const dp = async (body: string) => post(server, "dialpad", body, { "content-type": "application/jwt" })
    const stream = "call-dialpad-5738148658520064"
    const hangup = event("hangup", t0 + 99_500, {
      date_connected: t0 + 4_000,
      date_ended: t0 + 99_400,
      duration: 95_400,
    })

    it("refuses a token signed with another secret, and unsigned JSON, with 401; nothing stored", async () => {
      expect((await dp(await jwt(hangup, "not-the-secret"))).status).toBe(401)
      expect((await dp(JSON.stringify(hangup))).status).toBe(401)
      expect(await streamEvents(server, stream)).toEqual([])
    })

    it("logs the call once: the hangup first already holds it; later states and a retry add no second CallLogged", async () => {
      const first = await dp(await jwt(hangup))
      expect(first.body).toMatchObject({
        status: "accepted",
        appended: 2,
        callId: "dialpad-5738148658520064",
        callLogged: true,
      })
      expect((await dp(await jwt(event("calling", t0)))).body).toMatchObject({ status: "accepted", appended: 1 })
      expect((await dp(await jwt(event("connected", t0 + 4_000, { date_connected: t0 + 4_000 })))).body).toMatchObject({
        status: "accepted",
        appended: 1,
      })
      expect((await dp(await jwt(hangup))).body).toMatchObject({ status: "duplicate", appended: 0 })
      const events = await streamEvents(server, stream)
      expect(events.map((e) => e.type)).toEqual([
        "CallEventReceived",
        "CallLogged",
        "CallEventReceived",
        "CallEventReceived",
      ])
      expect(events[1]).toMatchObject({
        occurredAt: "2026-11-02T14:00:00.000Z",
        data: {
          callId: "dialpad-5738148658520064",
          repId: "dialpad:4567890123456789",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 95,
        },
      })
    })

    // Found by test/fuzz.e2e.test.ts: the payload is stored whole (metadata.raw), and PostgreSQL
    // refused it (503); a date past what a Date holds threw in toISOString (500).
    it("refuses a payload holding a NUL or a lone surrogate, or a date no Date holds, with 400 naming the field; counted as rejected", async () => {
      const dialpadSource = async () =>
        (await server.request("/v1/sources")).body.sources.find((s: { source: string }) => s.source === "dialpad")
      const before = await dialpadSource()
      const refusals = [
        {
          claims: event("calling", t0, { call_id: 77, contact: { id: "c-1", name: "Bo\u0000Chen" } }),
          mentions: ["`contact.name`", "NUL character"],
        },
        {
          claims: event("calling", t0, { call_id: 78, note: "\ud800" }),
          mentions: ["`note`", "unpaired UTF-16 surrogate"],
        },
        {
          claims: event("calling", t0, { call_id: 79, date_started: 1e20 }),
          mentions: ["`date_started`", "0001 to 9999"],
        },
      ]
      for (const { claims, mentions } of refusals) {
        const answer = await dp(await jwt(claims))
        expect(answer.status, JSON.stringify(answer.body)).toBe(400)
        for (const mention of mentions) expect(answer.body.detail).toContain(mention)
      }
      for (const callId of [77, 78, 79]) expect(await streamEvents(server, `call-dialpad-${callId}`)).toEqual([])
      expect(await dialpadSource()).toMatchObject({
        deliveries: { rejected: before.deliveries.rejected + 3 },
        lastRejection: { status: 400 },
      })
    })
  })

  describe("Calendly", () => {
    const created = JSON.parse(fixture("calendly/invitee-created.json"))
    const uriOf = (uuid: string) => `https://api.calendly.com/scheduled_events/EVENT-${uuid}/invitees/${uuid}`
    const invitee = (uuid: string, event: string, changes: Record<string, unknown> = {}) => ({
      ...created,
      event,
      payload: { ...created.payload, uri: uriOf(uuid), ...changes },
    })
    const signatureFor = (body: string, t = Math.floor(Date.now() / 1000)) =>
      `t=${t},v1=${calendlySignature(secrets.calendlySigningKey, String(t), body)}`
    const cl = (payload: unknown, signature?: string) => {
      const body = JSON.stringify(payload)
      return post(server, "calendly", body, {
        "content-type": "application/json",
        "calendly-webhook-signature": signature ?? signatureFor(body),
      })
    }
    const meetingEvents = (meetingId: string) => streamEvents(server, `meeting-${meetingId}`)

    it("refuses a forged signature and a replay outside the window with 401; nothing stored", async () => {
      const body = JSON.stringify(invitee("X", "invitee.created"))
      const forged = await post(server, "calendly", body, {
        "calendly-webhook-signature": signatureFor(body).replace(/v1=(.)/, (_, c) => `v1=${c === "0" ? "1" : "0"}`),
      })
      const missing = await post(server, "calendly", body, { "content-type": "application/json" })
      const stale = await post(server, "calendly", body, {
        "calendly-webhook-signature": signatureFor(body, Math.floor(Date.now() / 1000) - 600),
      })
      expect([forged.status, missing.status, stale.status]).toEqual([401, 401, 401])
      expect(stale.body.detail).toContain("LEDGER_CALENDLY_TOLERANCE_SECONDS=180")
      expect(await meetingEvents("calendly-X")).toEqual([])
      // the ingestion status shows the failing webhook, the last reason first
      const sources = await server.request("/v1/sources")
      const status = sources.body.sources.find((s: { source: string }) => s.source === "calendly")
      expect(status.deliveries.rejected).toBe(3)
      expect(status.lastRejection).toMatchObject({ status: 401 })
      expect(status.lastRejection.reason).toContain("LEDGER_CALENDLY_TOLERANCE_SECONDS")
    })

    it("counts reschedules once, in either order of their two deliveries: the new booking keeps the meeting, the rescheduling cancel adds nothing", async () => {
      // ana is the rep behind the Calendly host ana@ourco.example
      expect(
        (
          await server.append({
            events: [
              {
                type: "RepJoined",
                occurredAt: "2026-10-01T08:00:00Z",
                data: { repId: "ana", name: "Ana Ruiz", role: "BDR" },
              },
              {
                type: "RepIdentityLinked",
                occurredAt: "2026-10-01T08:00:00Z",
                data: { repId: "ana", source: "calendly", externalId: "ana@ourco.example" },
              },
            ],
          })
        ).status,
      ).toBe(201)
      const bookingA = invitee("A", "invitee.created")
      expect((await cl(bookingA)).body).toMatchObject({ status: "accepted", appended: 1 })
      // a retry of the same delivery appends nothing
      expect((await cl(bookingA)).body).toMatchObject({ status: "duplicate", appended: 0 })
      // the reschedule: Calendly's two deliveries, the cancel of A arriving after the new booking B
      const bookingB = invitee("B", "invitee.created", {
        old_invitee: uriOf("A"),
        created_at: "2026-11-03T09:00:00.000000Z",
        scheduled_event: { ...created.payload.scheduled_event, start_time: "2026-11-06T10:00:00.000000Z" },
      })
      expect((await cl(bookingB)).body).toMatchObject({ status: "accepted", appended: 1 })
      const cancelA = invitee("A", "invitee.canceled", {
        status: "canceled",
        rescheduled: true,
        new_invitee: uriOf("B"),
      })
      expect((await cl(cancelA)).body).toMatchObject({ status: "ignored", appended: 0 })

      // rescheduled again, B → C, the cancel of B arriving first this time
      const cancelB = invitee("B", "invitee.canceled", {
        old_invitee: uriOf("A"),
        status: "canceled",
        rescheduled: true,
        new_invitee: uriOf("C"),
      })
      expect((await cl(cancelB)).body).toMatchObject({ status: "ignored", appended: 0 })
      const bookingC = invitee("C", "invitee.created", {
        old_invitee: uriOf("B"),
        created_at: "2026-11-03T11:00:00.000000Z",
        scheduled_event: { ...created.payload.scheduled_event, start_time: "2026-11-09T08:30:00.000000Z" },
      })
      expect((await cl(bookingC)).body).toMatchObject({ status: "accepted", appended: 1 })

      const meetings = await meetingEvents("calendly-A")
      expect(meetings.map((e) => [e.type, e.data.meetingId, e.data.scheduledFor])).toEqual([
        ["MeetingBooked", "calendly-A", "2026-11-05T15:00:00.000Z"],
        ["MeetingBooked", "calendly-A", "2026-11-06T10:00:00.000Z"],
        ["MeetingBooked", "calendly-A", "2026-11-09T08:30:00.000Z"],
      ])
      // one meeting booked in November, moved twice
      const scorecard = await server.request(
        "/v1/reps/ana/scorecard?from=2026-11-01&to=2026-11-30&bucket=month&consistency=strong",
      )
      expect(scorecard.status).toBe(200)
      expect(scorecard.body.metrics.meetingsBooked).toBe(1)

      // then C is canceled for good: the meeting (still calendly-A) is canceled
      const cancelC = invitee("C", "invitee.canceled", {
        old_invitee: uriOf("B"),
        status: "canceled",
        cancellation: {
          canceled_by: "Bo Chen",
          reason: "no budget",
          canceler_type: "invitee",
          created_at: "2026-11-04T10:00:00.000000Z",
        },
      })
      expect((await cl(cancelC)).body).toMatchObject({ status: "accepted", appended: 1 })
      expect((await meetingEvents("calendly-A")).at(-1)).toMatchObject({
        type: "MeetingCanceled",
        data: { meetingId: "calendly-A", reason: "canceled by the invitee: no budget" },
      })
    })

    it("ignores an original booking that arrives after its reschedule: the meeting keeps its new slot", async () => {
      const rescheduled = invitee("E", "invitee.created", {
        old_invitee: uriOf("D"),
        scheduled_event: { ...created.payload.scheduled_event, start_time: "2026-11-12T10:00:00.000000Z" },
      })
      expect((await cl(rescheduled)).body).toMatchObject({ status: "accepted", appended: 1 })
      expect((await cl(invitee("D", "invitee.created"))).body).toMatchObject({ status: "ignored", appended: 0 })
      expect((await meetingEvents("calendly-D")).map((e) => [e.type, e.data.scheduledFor])).toEqual([
        ["MeetingBooked", "2026-11-12T10:00:00.000Z"],
      ])
    })
  })
})
