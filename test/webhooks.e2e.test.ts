/**
 * Dialer webhooks against a listening server, on each store backend: what Aircall and Twilio
 * deliveries become in the log (a call's signals, then exactly one CallLogged), every refusal
 * storing nothing, retries appending nothing, and the ingestion status an admin reads.
 */
import { createHmac } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Answer,
  expectNothingStored,
  expectProblem,
  type StoredEvent,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const aircallToken = "aircall-webhook-token"
const twilioToken = "twilio-auth-token"
// The ledger sits behind a proxy: Twilio signs the public URL, not the one the server listens on.
const publicUrl = "https://ledger.example.com"

// 2026-11-02T14:00:00Z
const t0 = 1_793_628_000

const aircallCall = (id: number, overrides: Record<string, unknown> = {}) => ({
  id,
  direction: "outbound",
  status: "done",
  started_at: t0,
  answered_at: t0 + 10,
  ended_at: t0 + 130,
  duration: 130,
  voicemail: null,
  missed_call_reason: null,
  user: { id: 4021, name: "Ana Ruiz" },
  number: { id: 77 },
  ...overrides,
})

const aircallEvent = (event: string, data: unknown, at: number, token = aircallToken) =>
  JSON.stringify({ resource: "call", event, timestamp: at, token, data })

const twilioForm = (params: Record<string, string>) => new URLSearchParams(params).toString()
const twilioSignature = (params: Record<string, string>, token = twilioToken) =>
  createHmac("sha1", token)
    .update(
      Object.keys(params)
        .sort()
        .reduce((signed, key) => signed + key + params[key], `${publicUrl}/v1/webhooks/twilio`),
    )
    .digest("base64")

const twilioCallback = (callSid: string, status: string, extra: Record<string, string> = {}) => ({
  CallSid: callSid,
  AccountSid: "AC1",
  From: "+14155550100",
  To: "+14155550199",
  Direction: "outbound-api",
  CallStatus: status,
  ...extra,
})

const callStream = (log: ReadonlyArray<StoredEvent>, callId: string) =>
  log.filter((e) => e.streamId === `call-${callId}`)

describe.each(serverBackends)("dialer webhooks on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, {
      webhooks: { aircallToken, twilioAuthToken: twilioToken, publicUrl, calendlyToleranceSeconds: 180 },
    })
  })
  afterAll(() => server?.close())

  const postAircall = (body: string): Promise<Answer> =>
    server.request("/v1/webhooks/aircall", { key: null, body, headers: { "content-type": "application/json" } })
  /** Signed as Twilio signs, unless a `signature` is given (`null`: no header at all). */
  const postTwilio = (
    params: Record<string, string>,
    signature: string | null = twilioSignature(params),
  ): Promise<Answer> =>
    server.request("/v1/webhooks/twilio", {
      key: null,
      body: twilioForm(params),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(signature === null ? {} : { "x-twilio-signature": signature }),
      },
    })

  describe("Aircall", () => {
    it("stores each call event in the call's stream, and one CallLogged once call.ended arrives", async () => {
      const created = await postAircall(
        aircallEvent("call.created", aircallCall(501, { answered_at: null, ended_at: null }), t0),
      )
      expect(created.status).toBe(200)
      expect(created.body).toEqual({ status: "accepted", appended: 1, callId: "aircall-501", callLogged: false })
      expect(
        (await postAircall(aircallEvent("call.answered", aircallCall(501, { ended_at: null }), t0 + 10))).body,
      ).toMatchObject({ appended: 1, callLogged: false })
      const ended = await postAircall(aircallEvent("call.ended", aircallCall(501), t0 + 160))
      expect(ended.body).toEqual({ status: "accepted", appended: 2, callId: "aircall-501", callLogged: true })

      const stream = callStream(await server.log(), "aircall-501")
      expect(stream.map((e) => [e.type, e.data.vendorEvent])).toEqual([
        ["CallEventReceived", "call.created"],
        ["CallEventReceived", "call.answered"],
        ["CallEventReceived", "call.ended"],
        ["CallLogged", undefined],
      ])
      // The vendor's payload is kept, for a better adapter to re-derive later.
      expect(stream[2]?.metadata).toMatchObject({ source: "aircall", raw: { event: "call.ended", data: { id: 501 } } })
      expect(stream[3]).toMatchObject({
        occurredAt: "2026-11-02T14:00:00.000Z",
        data: {
          callId: "aircall-501",
          repId: "aircall:4021",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 120,
        },
      })
    })

    it("logs the right call when call.ended comes before call.created", async () => {
      const ended = await postAircall(
        aircallEvent(
          "call.ended",
          aircallCall(502, { direction: "inbound", answered_at: null, voicemail: "https://cdn.aircall.io/vm/502.mp3" }),
          t0 + 160,
        ),
      )
      expect(ended.body).toMatchObject({ appended: 2, callLogged: true })
      const created = await postAircall(
        aircallEvent("call.created", aircallCall(502, { direction: "inbound", answered_at: null, ended_at: null }), t0),
      )
      expect(created.body).toEqual({ status: "accepted", appended: 1, callId: "aircall-502", callLogged: true })

      const logged = callStream(await server.log(), "aircall-502").filter((e) => e.type === "CallLogged")
      expect(logged).toHaveLength(1)
      expect(logged[0]?.data).toEqual({
        callId: "aircall-502",
        repId: "aircall:4021",
        direction: "inbound",
        disposition: "voicemail",
        durationSeconds: 0,
      })
    })

    it("appends nothing for a retried delivery", async () => {
      const body = aircallEvent("call.ended", aircallCall(503), t0 + 160)
      expect((await postAircall(body)).body).toMatchObject({ status: "accepted", appended: 2 })
      const retry = await expectNothingStored(server, () => postAircall(body))
      expect(retry.status).toBe(200)
      expect(retry.body).toEqual({ status: "duplicate", appended: 0, callId: "aircall-503", callLogged: true })
    })

    it("refuses a forged or missing token with 401 and stores nothing", async () => {
      const forged = await expectNothingStored(server, () =>
        postAircall(aircallEvent("call.ended", aircallCall(504), t0 + 160, "guessed-token")),
      )
      expectProblem(forged, 401, [/LEDGER_AIRCALL_TOKEN/, /nothing was stored/])
      const unsigned = await expectNothingStored(server, () =>
        postAircall(JSON.stringify({ resource: "call", event: "call.ended", timestamp: t0, data: aircallCall(504) })),
      )
      expectProblem(unsigned, 401, [/token/])
    })

    it("logs one call when two call.ended deliveries race", async () => {
      const first = aircallEvent("call.ended", aircallCall(505), t0 + 160)
      const second = aircallEvent("call.ended", aircallCall(505), t0 + 161) // a second delivery, not a retry
      const answers = await Promise.all([postAircall(first), postAircall(second), postAircall(first)])
      for (const answer of answers) expect(answer.status).toBe(200)
      const stream = callStream(await server.log(), "aircall-505")
      expect(stream.filter((e) => e.type === "CallLogged")).toHaveLength(1)
      expect(stream.filter((e) => e.type === "CallEventReceived")).toHaveLength(2)
      expect(answers.reduce((sum, a) => sum + a.body.appended, 0)).toBe(3)
    })
  })

  describe("Twilio", () => {
    it("stores status callbacks and logs the call on its terminal status", async () => {
      const ringing = twilioCallback("CA100", "ringing", {
        Timestamp: "Mon, 02 Nov 2026 14:05:01 +0000",
        SequenceNumber: "1",
      })
      expect((await postTwilio(ringing)).body).toEqual({
        status: "accepted",
        appended: 1,
        callId: "twilio-CA100",
        callLogged: false,
      })
      const completed = twilioCallback("CA100", "completed", {
        CallDuration: "64",
        Timestamp: "Mon, 02 Nov 2026 14:06:13 +0000",
        SequenceNumber: "3",
      })
      expect((await postTwilio(completed)).body).toEqual({
        status: "accepted",
        appended: 2,
        callId: "twilio-CA100",
        callLogged: true,
      })

      const logged = callStream(await server.log(), "twilio-CA100").filter((e) => e.type === "CallLogged")
      expect(logged.map((e) => e.data)).toEqual([
        {
          callId: "twilio-CA100",
          repId: "twilio:+14155550100",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 64,
        },
      ])
    })

    it("logs a busy call from a terminal callback that arrives first, and keeps it when ringing comes late", async () => {
      expect(
        (await postTwilio(twilioCallback("CA101", "busy", { Timestamp: "Mon, 02 Nov 2026 14:07:00 +0000" }))).body,
      ).toMatchObject({ appended: 2, callLogged: true })
      expect(
        (await postTwilio(twilioCallback("CA101", "ringing", { Timestamp: "Mon, 02 Nov 2026 14:06:50 +0000" }))).body,
      ).toMatchObject({ appended: 1, callLogged: true })
      const logged = callStream(await server.log(), "twilio-CA101").filter((e) => e.type === "CallLogged")
      expect(logged.map((e) => e.data.disposition)).toEqual(["busy"])
    })

    it("appends nothing for a retried callback", async () => {
      const completed = twilioCallback("CA102", "completed", {
        CallDuration: "12",
        Timestamp: "Mon, 02 Nov 2026 14:08:00 +0000",
      })
      expect((await postTwilio(completed)).body).toMatchObject({ appended: 2 })
      const retry = await expectNothingStored(server, () => postTwilio(completed))
      expect(retry.body).toEqual({ status: "duplicate", appended: 0, callId: "twilio-CA102", callLogged: true })
    })

    it("refuses a forged or missing signature with 401 and stores nothing", async () => {
      const params = twilioCallback("CA103", "completed", { CallDuration: "30" })
      expectProblem(
        await expectNothingStored(server, () => postTwilio(params, twilioSignature(params, "another-token"))),
        401,
        [/X-Twilio-Signature/],
      )
      // Signed for the URL the server listens on: behind the proxy, Twilio signs the public one.
      const local = createHmac("sha1", twilioToken)
        .update(
          Object.keys(params)
            .sort()
            .reduce((s, k) => s + k + params[k as keyof typeof params], `${server.url}/v1/webhooks/twilio`),
        )
        .digest("base64")
      expectProblem(await expectNothingStored(server, () => postTwilio(params, local)), 401, [/LEDGER_PUBLIC_URL/])
      expectProblem(await expectNothingStored(server, () => postTwilio(params, null)), 401, [/no X-Twilio-Signature/])
    })

    it("ignores an authentic request that is no status callback: 200 ignored, counted as ignored, nothing stored", async () => {
      const twilioSource = async () =>
        (await server.request("/v1/sources")).body.sources.find((s: { source: string }) => s.source === "twilio")
      const before = await twilioSource()
      // A <Gather> callback (Twilio's own example): signed, but about no call's status.
      const gather = { CallSid: "CA1234567890ABCDE", Digits: "1234", From: "+14158675309", To: "+18005551212" }
      const answer = await expectNothingStored(server, () => postTwilio(gather))
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({
        status: "ignored",
        appended: 0,
        reason: expect.stringContaining("CallStatus"),
      })
      expect(await twilioSource()).toMatchObject({
        deliveries: { ...before.deliveries, ignored: before.deliveries.ignored + 1 },
      })
    })

    it("logs one call when two terminal callbacks race", async () => {
      const completed = twilioCallback("CA104", "completed", {
        CallDuration: "40",
        Timestamp: "Mon, 02 Nov 2026 14:09:00 +0000",
      })
      const again = { ...completed, SequenceNumber: "4" } // another delivery of the end, not a byte-identical retry
      const answers = await Promise.all([
        postTwilio(completed),
        postTwilio(again),
        postTwilio(completed),
        postTwilio(again),
      ])
      for (const answer of answers) expect(answer.status).toBe(200)
      const stream = callStream(await server.log(), "twilio-CA104")
      expect(stream.filter((e) => e.type === "CallLogged")).toHaveLength(1)
      expect(stream.filter((e) => e.type === "CallEventReceived")).toHaveLength(2)
    })
  })

  // Found by test/fuzz.e2e.test.ts: each was a 503 (PostgreSQL refused the text) or a 500 (a
  // RangeError in toISOString), answers that invite the vendor to retry forever.
  describe("payloads the ledger cannot store", () => {
    const twilioSource = async () =>
      (await server.request("/v1/sources")).body.sources.find((s: { source: string }) => s.source === "twilio")

    it("refuses a NUL character (%00) in a Twilio parameter with 400 naming it, stores nothing, and counts the rejection", async () => {
      const before = await twilioSource()

      const answer = await expectNothingStored(server, () =>
        postTwilio(twilioCallback("CA\u0000300", "completed", { CallDuration: "9" })),
      )

      expectProblem(answer, 400, ["`CallSid`", "NUL character (U+0000)"])
      expect(await twilioSource()).toMatchObject({
        deliveries: { rejected: before.deliveries.rejected + 1, accepted: before.deliveries.accepted },
        lastRejection: { status: 400, reason: expect.stringContaining("`CallSid`") },
      })
    })

    it("refuses an Aircall timestamp past what a Date holds with 400 naming the field", async () => {
      const answer = await expectNothingStored(server, () =>
        postAircall(aircallEvent("call.ended", aircallCall(301), 1e13)),
      )

      expectProblem(answer, 400, ["`timestamp`", "0001 to 9999"])
    })
  })

  describe("GET /v1/sources", () => {
    it("shows each connector's deliveries, events and last rejection reason", async () => {
      const before = await server.request("/v1/sources")
      const twilioBefore = before.body.sources.find((s: { source: string }) => s.source === "twilio")
      const params = twilioCallback("CA200", "completed", { CallDuration: "9" })
      await postTwilio(params, "bm90IGEgc2lnbmF0dXJl")
      await postTwilio(params)
      await postTwilio(params)

      const answer = await server.request("/v1/sources", { key: await server.keyWith(["read"]) })
      expect(answer.status).toBe(200)
      const twilio = answer.body.sources.find((s: { source: string }) => s.source === "twilio")
      expect(twilio).toMatchObject({
        route: "POST /v1/webhooks/twilio",
        eventsReceived: twilioBefore.eventsReceived + 2,
        deliveries: {
          accepted: twilioBefore.deliveries.accepted + 1,
          duplicate: twilioBefore.deliveries.duplicate + 1,
          rejected: twilioBefore.deliveries.rejected + 1,
        },
        lastSeenAt: expect.any(String),
        lastRejection: { status: 401, reason: expect.stringContaining("X-Twilio-Signature does not match") },
      })
      expect(answer.body.sources.map((s: { source: string }) => s.source)).toEqual(
        expect.arrayContaining(["api", "aircall", "twilio"]),
      )
    })

    it("is documented in the OpenAPI document, with a route per connector", async () => {
      const { paths } = (await server.request("/openapi.json", { key: null })).body
      expect(paths["/v1/sources"].get).toMatchObject({
        security: [{ bearer: [] }],
        responses: { 200: expect.anything() },
      })
      for (const source of ["aircall", "twilio"])
        expect(paths[`/v1/webhooks/${source}`].post.responses).toHaveProperty("401")
    })

    it("counts POST /v1/events as the source api", async () => {
      const before = (await server.request("/v1/sources")).body.sources.find(
        (s: { source: string }) => s.source === "api",
      )
      const event = {
        type: "RepJoined",
        occurredAt: "2026-11-01T09:00:00Z",
        data: { repId: "sources-ana", name: "Ana", role: "AE" },
      }
      await server.append(event)
      await server.append(event)
      await server.append({ type: "RepJoined", occurredAt: "2026-11-01T09:00:00Z", data: { repId: "x" } })
      const api = (await server.request("/v1/sources")).body.sources.find((s: { source: string }) => s.source === "api")
      expect(api).toMatchObject({
        eventsReceived: before.eventsReceived + 1,
        deliveries: {
          accepted: before.deliveries.accepted + 1,
          duplicate: before.deliveries.duplicate + 1,
          rejected: before.deliveries.rejected + 1,
        },
        lastRejection: { status: 400, reason: expect.stringContaining("data.name") },
      })
    })

    it("answers 503 naming the variable for a connector nobody configured, and asks for an API key", async () => {
      const bare = await startTestServer(backend)
      try {
        const answer = await bare.request("/v1/webhooks/aircall", {
          key: null,
          body: aircallEvent("call.ended", aircallCall(1), t0),
          headers: { "content-type": "application/json" },
        })
        expectProblem(answer, 503, [/LEDGER_AIRCALL_TOKEN/])
        // Dialpad too: with its secret unset, unsigned JSON is anyone's, refused until configured.
        const dialpad = await bare.request("/v1/webhooks/dialpad", {
          key: null,
          body: JSON.stringify({ call_id: 1, state: "hangup", event_timestamp: t0 * 1000, target: { id: 5 } }),
          headers: { "content-type": "application/json" },
        })
        expectProblem(dialpad, 503, [/LEDGER_DIALPAD_SECRET/, /LEDGER_DIALPAD_ALLOW_UNSIGNED=true/])
        expect((await bare.request("/v1/sources", { key: null })).status).toBe(401)
        const aircall = (await bare.request("/v1/sources")).body.sources.find(
          (s: { source: string }) => s.source === "aircall",
        )
        expect(aircall).toMatchObject({ deliveries: { rejected: 1, accepted: 0 }, lastRejection: { status: 503 } })
      } finally {
        await bare.close()
      }
    }, 120_000) // a second server: a fresh store takes its time on a busy machine

    it("accepts unsigned Dialpad JSON only under LEDGER_DIALPAD_ALLOW_UNSIGNED=true, which it warns of at start", async () => {
      const lines: string[] = []
      const logDestination = { write: (chunk: string) => void lines.push(...chunk.split("\n").filter(Boolean)) }
      const optedIn = await startTestServer(backend, {
        webhooks: { dialpadAllowUnsigned: true, calendlyToleranceSeconds: 180 },
        operations: { logLevel: "warn" },
        logDestination,
      })
      try {
        const warnings = lines.map((line) => JSON.parse(line) as { level: string; msg: string })
        expect(warnings).toContainEqual(
          expect.objectContaining({
            level: "warn",
            msg: expect.stringContaining("LEDGER_DIALPAD_ALLOW_UNSIGNED=true"),
          }),
        )
        const answer = await optedIn.request("/v1/webhooks/dialpad", {
          key: null,
          body: JSON.stringify({ call_id: 1, state: "calling", event_timestamp: t0 * 1000, target: { id: 5 } }),
          headers: { "content-type": "application/json" },
        })
        expect(answer.body).toMatchObject({ status: "accepted", appended: 1, callId: "dialpad-1" })
      } finally {
        await optedIn.close()
      }
    }, 120_000)
  })
})
