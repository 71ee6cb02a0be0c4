/**
 * Dialpad call events: the JWT (HS256) that proves Dialpad sent them, checked against jwt.io's
 * published HS256 example as well as tokens signed here, and the Call object's states and fields
 * (Dialpad's `CallProto`: call_id, state, direction, target, date_started/date_connected/date_ended
 * in milliseconds, duration in milliseconds) turned into one CallLogged per call.
 */
import { base64url, SignJWT } from "jose"
import { describe, expect, it } from "vitest"
import { loadConfig } from "../src/config.js"
import type { CallSignal, Delivery, Reading } from "../src/ingest/webhooks/connector.js"
import { dialpad, dialpadCallOutcome, parseDialpadJson, readDialpad } from "../src/ingest/webhooks/dialpad.js"

const secret = "dp-webhook-secret"

const delivery = (body: string, contentType = "application/json"): Delivery => ({
  url: "https://ledger.example.com/v1/webhooks/dialpad",
  headers: new Headers({ "content-type": contentType }),
  body,
  receivedAt: new Date("2026-11-02T14:10:00Z"),
})

const signed = (claims: Record<string, unknown>, key = secret, alg = "HS256"): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(key))

// 2026-11-02T14:00:00.000Z in milliseconds
const t0 = Date.parse("2026-11-02T14:00:00.000Z")

/** An outbound call placed by the Dialpad user 4567890123456789, as one state's payload. */
const outbound = (state: string, at: number, extra: Record<string, unknown> = {}) => ({
  call_id: 5738148658520064,
  master_call_id: 5738148658520064,
  state,
  direction: "outbound",
  event_timestamp: at,
  date_started: t0,
  external_number: "+14155550199",
  internal_number: "+14155550100",
  target: { id: 4567890123456789, type: "user", email: "ana@acme.example", name: "Ana Ruiz", phone: "+14155550100" },
  contact: { id: "c-1", name: "Bo Chen", phone: "+14155550199", type: "local" },
  ...extra,
})

const inbound = (state: string, at: number, extra: Record<string, unknown> = {}) => ({
  ...outbound(state, at, extra),
  call_id: 5738148658520099,
  direction: "inbound",
  ...extra,
})

/** The opt-in to unsigned JSON, under which the mapping is read from plain payloads. */
const unsigned = { secret: undefined, allowUnsigned: true }
const withSecret = (key: string) => ({ secret: key, allowUnsigned: false })

const read = async (payload: unknown): Promise<Reading> => readDialpad(delivery(JSON.stringify(payload)), unsigned)

const signalOf = async (payload: unknown): Promise<CallSignal> => {
  const reading = await read(payload)
  if (reading.kind !== "call") throw new Error(`expected a call signal, got ${JSON.stringify(reading)}`)
  return reading.signal
}

describe("who sent it: the JWT Dialpad signs with the webhook's secret", () => {
  // jwt.io's published HS256 example: header {alg: HS256, typ: JWT}, claims {sub, name, iat}, secret "your-256-bit-secret".
  const jwtIoExample =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

  it("verifies jwt.io's published HS256 example with its secret: authentic, though not a call event (400)", async () => {
    const reading = await readDialpad(delivery(jwtIoExample, "application/jwt"), withSecret("your-256-bit-secret"))
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 400 } })
    expect(JSON.stringify(reading)).toContain("call_id")
  })

  it("refuses the same token under another secret with 401", async () => {
    const reading = await readDialpad(delivery(jwtIoExample), withSecret("your-256-bit-secreT"))
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
    expect(JSON.stringify(reading)).toContain("LEDGER_DIALPAD_SECRET")
  })

  it("reads a call event signed with the configured secret", async () => {
    const reading = await readDialpad(
      delivery(await signed(outbound("hangup", t0 + 100_000)), "application/jwt"),
      withSecret(secret),
    )
    expect(reading).toMatchObject({ kind: "call", signal: { vendorCallId: "5738148658520064", vendorEvent: "hangup" } })
  })

  it("refuses a forged body: tampered claims, alg none, another algorithm, or plain JSON while a secret is set", async () => {
    const token = await signed(outbound("hangup", t0 + 100_000))
    const [header, , signature] = token.split(".")
    const forgedClaims = base64url.encode(JSON.stringify(outbound("hangup", t0 + 100_000, { duration: 999_000 })))
    const unsigned = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${forgedClaims}.`
    for (const body of [
      `${header}.${forgedClaims}.${signature}`,
      unsigned,
      await signed(outbound("hangup", t0), secret, "HS384"),
      JSON.stringify(outbound("hangup", t0)),
    ]) {
      expect(await readDialpad(delivery(body), withSecret(secret))).toMatchObject({
        kind: "rejected",
        rejection: { status: 401 },
      })
    }
  })

  it("without a secret, accepts plain JSON only when unsigned deliveries are allowed, and answers a signed body with 503 naming the variable", async () => {
    expect(await read(outbound("calling", t0))).toMatchObject({ kind: "call" })
    const reading = await readDialpad(delivery(await signed(outbound("calling", t0))), unsigned)
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 503 } })
    expect(JSON.stringify(reading)).toContain("LEDGER_DIALPAD_SECRET")
  })
})

describe("until its proof is configured, Dialpad refuses everything", () => {
  it("answers plain JSON with 503 naming LEDGER_DIALPAD_SECRET, and the opt-in that would accept it", async () => {
    const reading = await dialpad.read(delivery(JSON.stringify(outbound("hangup", t0))), {
      calendlyToleranceSeconds: 180,
    })
    expect(reading).toMatchObject({
      kind: "rejected",
      rejection: {
        status: 503,
        reason: expect.stringMatching(/LEDGER_DIALPAD_SECRET.*LEDGER_DIALPAD_ALLOW_UNSIGNED=true/),
      },
    })
  })

  it("accepts plain JSON only under LEDGER_DIALPAD_ALLOW_UNSIGNED=true, and a JWT only with the secret set", async () => {
    const plain = delivery(JSON.stringify(outbound("hangup", t0)))
    expect(await dialpad.read(plain, { calendlyToleranceSeconds: 180, dialpadAllowUnsigned: true })).toMatchObject({
      kind: "call",
    })
    // The opt-in is for a webhook without secret: with the secret set, plain JSON is a forgery.
    expect(
      await dialpad.read(plain, { calendlyToleranceSeconds: 180, dialpadAllowUnsigned: true, dialpadSecret: secret }),
    ).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
  })
})

describe("LEDGER_DIALPAD_ALLOW_UNSIGNED", () => {
  it("is off unless set to true, and refuses any other word naming itself", () => {
    expect(loadConfig({}).webhooks?.dialpadAllowUnsigned).toBe(false)
    expect(loadConfig({ LEDGER_DIALPAD_ALLOW_UNSIGNED: "true" }).webhooks?.dialpadAllowUnsigned).toBe(true)
    expect(() => loadConfig({ LEDGER_DIALPAD_ALLOW_UNSIGNED: "yes" })).toThrow(/LEDGER_DIALPAD_ALLOW_UNSIGNED/)
  })
})

describe("the JWT's times, at the delivery's arrival (14:10:00), with 60 s of clock tolerance", () => {
  const arrival = Date.parse("2026-11-02T14:10:00Z") / 1000
  const readSigned = async (times: Record<string, unknown>) =>
    readDialpad(delivery(await signed({ ...outbound("hangup", t0), ...times })), withSecret(secret))

  it("refuses a token that expired more than 60 s before it arrived: a replay", async () => {
    expect(await readSigned({ exp: arrival - 61 })).toMatchObject({
      kind: "rejected",
      rejection: { status: 401, reason: expect.stringContaining("expired") },
    })
    expect(await readSigned({ exp: arrival - 3600 })).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
  })

  it("accepts a token expiring later, or up to 60 s ago (clocks differ)", async () => {
    expect(await readSigned({ exp: arrival + 300 })).toMatchObject({ kind: "call" })
    expect(await readSigned({ exp: arrival - 59 })).toMatchObject({ kind: "call" })
  })

  it("refuses a token not yet valid (nbf), or issued in the future (iat), beyond the tolerance", async () => {
    expect(await readSigned({ nbf: arrival + 61 })).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
    expect(await readSigned({ iat: arrival + 61 })).toMatchObject({
      kind: "rejected",
      rejection: { status: 401, reason: expect.stringContaining("`iat`") },
    })
    expect(await readSigned({ nbf: arrival + 30, iat: arrival + 30, exp: arrival + 90 })).toMatchObject({
      kind: "call",
    })
  })

  it("refuses a time claim that is not a number", async () => {
    expect(await readSigned({ exp: "tomorrow" })).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
  })
})

describe("one payload, one signal", () => {
  it("names the call, the state, the instant and the delivery, and reads the Call object's facts", async () => {
    const signal = await signalOf(
      outbound("hangup", t0 + 100_000, { date_connected: t0 + 4_000, date_ended: t0 + 99_400, duration: 95_400 }),
    )
    expect(signal).toMatchObject({
      vendorCallId: "5738148658520064",
      vendorEvent: "hangup",
      occurredAt: "2026-11-02T14:01:40.000Z",
      deliveryKey: `dialpad:5738148658520064:hangup:${t0 + 100_000}`,
      facts: {
        terminal: true,
        repId: "dialpad:4567890123456789",
        direction: "outbound",
        disposition: "connected",
        durationSeconds: 95,
        startedAt: "2026-11-02T14:00:00.000Z",
        answeredAt: "2026-11-02T14:00:04.000Z",
        endedAt: "2026-11-02T14:01:39.400Z",
        vendorStatus: "hangup",
      },
    })
  })

  it("keeps 16-digit ids exact, past what a JavaScript number holds", async () => {
    const text =
      '{"call_id": 9007199254740993, "state": "calling", "event_timestamp": 1793628000000, "target": {"id": 9007199254740995, "type": "user"}, "note": "\\"id\\": 12345678901234567"}'
    expect(parseDialpadJson(text)).toMatchObject({
      call_id: "9007199254740993",
      target: { id: "9007199254740995" },
      note: '"id": 12345678901234567',
    })
    const reading = await readDialpad(delivery(text), unsigned)
    expect(reading).toMatchObject({
      kind: "call",
      signal: { vendorCallId: "9007199254740993", facts: { repId: "dialpad:9007199254740995" } },
    })
  })

  it("refuses what is not a call event with 400 naming the missing field", async () => {
    expect(await readDialpad(delivery("not json"), unsigned)).toMatchObject({
      kind: "rejected",
      rejection: { status: 400 },
    })
    const noState = await read({ call_id: 1, event_timestamp: t0 })
    expect(noState).toMatchObject({ kind: "rejected", rejection: { status: 400 } })
    expect(JSON.stringify(noState)).toContain("state")
  })

  // Found by test/fuzz.e2e.test.ts: 1e20 ms is past what a Date holds; toISOString threw, a 500.
  it("refuses an instant no Date holds with 400 naming the field, as a number or as digits", async () => {
    expect(await read(outbound("hangup", t0, { date_started: 1e20 }))).toMatchObject({
      kind: "rejected",
      rejection: { status: 400, reason: expect.stringContaining("`date_started`") },
    })
    expect(await read(outbound("hangup", t0, { event_timestamp: "99999999999999999999" }))).toMatchObject({
      kind: "rejected",
      rejection: { status: 400, reason: expect.stringContaining("`event_timestamp`") },
    })
  })
})

describe("the one CallLogged of a call", () => {
  const outcome = async (...payloads: unknown[]) => dialpadCallOutcome(await Promise.all(payloads.map(signalOf)))
  const connected = { date_connected: t0 + 4_000, date_ended: t0 + 99_400, duration: 95_400 }

  it("an answered outbound call: connected, 95 s of talk (duration 95 400 ms), on the day it started", async () => {
    const expected = {
      repId: "dialpad:4567890123456789",
      direction: "outbound",
      disposition: "connected",
      durationSeconds: 95,
      occurredAt: "2026-11-02T14:00:00.000Z",
    }
    expect(
      await outcome(
        outbound("calling", t0),
        outbound("connected", t0 + 4_000, { date_connected: t0 + 4_000 }),
        outbound("hangup", t0 + 99_500, connected),
      ),
    ).toEqual(expected)
    // out of order: the hangup first is the whole call already
    expect(await outcome(outbound("hangup", t0 + 99_500, connected))).toEqual(expected)
    expect(dialpad.callOutcome).toBe(dialpadCallOutcome)
  })

  it("is not decided before the call ends", async () => {
    expect(
      await outcome(outbound("calling", t0), outbound("connected", t0 + 4_000, { date_connected: t0 + 4_000 })),
    ).toBeUndefined()
  })

  it("an outbound call nobody picked up: no_answer, 0 s", async () => {
    expect(
      await outcome(outbound("calling", t0), outbound("hangup", t0 + 30_000, { date_ended: t0 + 30_000, duration: 0 })),
    ).toMatchObject({
      disposition: "no_answer",
      durationSeconds: 0,
    })
  })

  it("an inbound call missed by the rep: no_answer; sent to voicemail: voicemail", async () => {
    expect(await outcome(inbound("ringing", t0), inbound("missed", t0 + 25_000))).toMatchObject({
      direction: "inbound",
      disposition: "no_answer",
    })
    expect(
      await outcome(
        inbound("ringing", t0),
        inbound("voicemail", t0 + 25_000),
        inbound("hangup", t0 + 60_000, { date_ended: t0 + 60_000 }),
      ),
    ).toMatchObject({
      direction: "inbound",
      disposition: "voicemail",
      durationSeconds: 0,
    })
  })

  it("a call center's group leg names no rep: stored, never logged (its operator legs are)", async () => {
    const groupLeg = outbound("hangup", t0 + 60_000, {
      ...connected,
      target: { id: 111, type: "callcenter", name: "Sales line" },
    })
    expect((await signalOf(groupLeg)).facts.repId).toBeUndefined()
    expect(await outcome(groupLeg)).toBeUndefined()
  })
})
