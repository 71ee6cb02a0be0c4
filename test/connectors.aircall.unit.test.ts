/**
 * The Aircall connector, pure: the webhook token, the envelope, and what a call's events amount to,
 * read as Aircall's Call object defines its fields (UNIX-second instants, `answered_at` null for a
 * call nobody picked up, `voicemail` the URL of a message left).
 */
import { describe, expect, it } from "vitest"
import { aircall } from "../src/ingest/webhooks/aircall.js"
import {
  type CallSignal,
  type ConnectorSecrets,
  callOutcomeOf,
  type Delivery,
} from "../src/ingest/webhooks/connector.js"

const secrets: ConnectorSecrets = { aircallToken: "aircall-webhook-token", calendlyToleranceSeconds: 180 }

// 2026-11-02T14:00:00Z
const t0 = 1_793_628_000

const call = (overrides: Record<string, unknown> = {}) => ({
  id: 812,
  direction: "outbound",
  status: "done",
  started_at: t0,
  answered_at: t0 + 12,
  ended_at: t0 + 12 + 95,
  duration: 107,
  voicemail: null,
  missed_call_reason: null,
  user: { id: 4021, name: "Ana Ruiz", email: "ana@acme.test" },
  number: { id: 77, digits: "+33 1 00 00 00 00" },
  ...overrides,
})

const deliveryOf = (payload: unknown): Delivery => ({
  url: "https://ledger.example.com/v1/webhooks/aircall",
  headers: new Headers({ "content-type": "application/json" }),
  body: typeof payload === "string" ? payload : JSON.stringify(payload),
  receivedAt: new Date("2026-11-02T14:03:00Z"),
})

const envelope = (event: string, data: unknown, overrides: Record<string, unknown> = {}) => ({
  resource: "call",
  event,
  timestamp: t0 + 140,
  token: "aircall-webhook-token",
  data,
  ...overrides,
})

const signalOf = async (payload: unknown): Promise<CallSignal> => {
  const reading = await aircall.read(deliveryOf(payload), secrets)
  if (reading.kind !== "call") throw new Error(`expected a call signal, got ${JSON.stringify(reading)}`)
  return reading.signal
}

describe("Aircall authenticity", () => {
  it("refuses a payload without the webhook token, or with another one, as 401", async () => {
    const { token: _token, ...unsigned } = envelope("call.ended", call())
    expect(await aircall.read(deliveryOf(unsigned), secrets)).toMatchObject({
      kind: "rejected",
      rejection: { status: 401, reason: expect.stringContaining("token") },
    })
    expect(
      await aircall.read(deliveryOf(envelope("call.ended", call(), { token: "aircall-webhook-tokeN" })), secrets),
    ).toMatchObject({
      kind: "rejected",
      rejection: { status: 401, reason: expect.stringContaining("LEDGER_AIRCALL_TOKEN") },
    })
    expect(await aircall.read(deliveryOf("not json"), secrets)).toMatchObject({
      kind: "rejected",
      rejection: { status: 401 },
    })
  })

  it("answers 503 naming the variable when no token is configured", async () => {
    expect(
      await aircall.read(deliveryOf(envelope("call.ended", call())), { calendlyToleranceSeconds: 180 }),
    ).toMatchObject({
      kind: "rejected",
      rejection: { status: 503, reason: expect.stringContaining("LEDGER_AIRCALL_TOKEN") },
    })
  })

  it("ignores authentic events it does not map, and refuses a call event without its call", async () => {
    expect(
      await aircall.read(deliveryOf(envelope("contact.created", { id: 1 }, { resource: "contact" })), secrets),
    ).toMatchObject({ kind: "ignored" })
    expect(await aircall.read(deliveryOf(envelope("call.tagged", call())), secrets)).toMatchObject({ kind: "ignored" })
    expect(await aircall.read(deliveryOf(envelope("call.ended", { direction: "inbound" })), secrets)).toMatchObject({
      kind: "rejected",
      rejection: { status: 400, reason: expect.stringContaining("data.id") },
    })
  })
})

describe("Aircall call events", () => {
  it("reads call.ended of an answered call: the rep's alias, talk time from answered_at to ended_at", async () => {
    const signal = await signalOf(envelope("call.ended", call()))
    expect(signal).toMatchObject({
      vendorCallId: "812",
      vendorEvent: "call.ended",
      occurredAt: "2026-11-02T14:02:20.000Z",
      deliveryKey: `aircall:812:call.ended:${t0 + 140}`,
      facts: {
        terminal: true,
        repId: "aircall:4021",
        direction: "outbound",
        disposition: "connected",
        durationSeconds: 95, // ended_at − answered_at, not Aircall's duration (107, ringing included)
        startedAt: "2026-11-02T14:00:00.000Z",
      },
    })
  })

  it("reads an unanswered call with a voicemail as voicemail, and one without as no_answer (reason kept)", async () => {
    const voicemail = await signalOf(
      envelope(
        "call.ended",
        call({ direction: "inbound", answered_at: null, voicemail: "https://cdn.aircall.io/vm.mp3" }),
      ),
    )
    expect(voicemail.facts).toMatchObject({ disposition: "voicemail", durationSeconds: 0, direction: "inbound" })
    const missed = await signalOf(
      envelope(
        "call.ended",
        call({ direction: "inbound", answered_at: null, missed_call_reason: "agents_did_not_answer" }),
      ),
    )
    expect(missed.facts).toMatchObject({
      disposition: "no_answer",
      durationSeconds: 0,
      vendorStatus: "agents_did_not_answer",
    })
  })

  it("credits a call nobody took to its Aircall line", async () => {
    const signal = await signalOf(
      envelope("call.ended", call({ user: null, answered_at: null, missed_call_reason: "no_available_agent" })),
    )
    expect(signal.facts.repId).toBe("aircall:number-77")
  })

  // Found by test/fuzz.e2e.test.ts: 1e13 seconds is past what a Date holds; toISOString threw, a 500.
  it("refuses an instant no Date holds with 400 naming the field", async () => {
    expect(await aircall.read(deliveryOf(envelope("call.ended", call(), { timestamp: 1e13 })), secrets)).toMatchObject({
      kind: "rejected",
      rejection: { status: 400, reason: expect.stringContaining("`timestamp` (10000000000000)") },
    })
    expect(await aircall.read(deliveryOf(envelope("call.ended", call({ ended_at: 1e300 }))), secrets)).toMatchObject({
      kind: "rejected",
      rejection: { status: 400, reason: expect.stringContaining("`data.ended_at`") },
    })
  })

  it("treats call.created, call.answered and call.hungup as signals on the way, not the end", async () => {
    for (const event of ["call.created", "call.answered", "call.hungup"]) {
      const signal = await signalOf(envelope(event, call({ answered_at: null, ended_at: null })))
      expect(signal.facts.terminal).toBe(false)
      expect(signal.facts.disposition).toBeUndefined()
    }
  })
})

describe("a call's outcome from its signals", () => {
  it("is undefined until call.ended arrives, then one CallLogged whatever the order", async () => {
    const created = await signalOf(
      envelope("call.created", call({ answered_at: null, ended_at: null }), { timestamp: t0 }),
    )
    const answered = await signalOf(envelope("call.answered", call({ ended_at: null }), { timestamp: t0 + 12 }))
    const ended = await signalOf(envelope("call.ended", call()))
    expect(callOutcomeOf([created, answered])).toBeUndefined()
    const expected = {
      repId: "aircall:4021",
      direction: "outbound",
      disposition: "connected",
      durationSeconds: 95,
      occurredAt: "2026-11-02T14:00:00.000Z", // when the call started: it counts on that day
    }
    expect(callOutcomeOf([created, answered, ended])).toEqual(expected)
    expect(callOutcomeOf([ended, answered, created])).toEqual(expected)
    expect(callOutcomeOf([ended])).toEqual(expected)
  })
})
