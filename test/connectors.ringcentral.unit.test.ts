/**
 * RingCentral telephony-session notifications, read against the notifications RingCentral itself
 * publishes (test/fixtures/ringcentral/README.md names each source).
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import type { CallSignal, Delivery, Reading } from "../src/ingest/webhooks/connector.js"
import { readRingCentral, ringCentralCallOutcome, ringcentral } from "../src/ingest/webhooks/ringcentral.js"

const fixture = (name: string): any =>
  JSON.parse(readFileSync(new URL(`./fixtures/ringcentral/${name}`, import.meta.url), "utf8"))

const token = "hello-world"

const delivery = (payload: unknown, headers: Record<string, string> = { "verification-token": token }): Delivery => ({
  url: "https://ledger.example.com/v1/webhooks/ringcentral",
  headers: new Headers({ "content-type": "application/json; charset=UTF-8", ...headers }),
  body: typeof payload === "string" ? payload : JSON.stringify(payload),
  receivedAt: new Date("2020-06-23T01:20:00Z"),
})

const read = (payload: unknown, headers?: Record<string, string>): Reading =>
  readRingCentral(delivery(payload, headers), token)

const signalOf = (payload: unknown): CallSignal => {
  const reading = read(payload)
  if (reading.kind !== "call") throw new Error(`expected a call signal, got ${JSON.stringify(reading)}`)
  return reading.signal
}

/** The signals of a published call, in the order given (notifications about no extension's party are ignored). */
const signalsOf = (notifications: ReadonlyArray<unknown>): CallSignal[] =>
  notifications.flatMap((n) => {
    const reading = read(n)
    return reading.kind === "call" ? [reading.signal] : []
  })

/** A notification of one extension's party in the webhook shape, for the dispositions RingCentral defines. */
const partyNotification = (
  uuid: string,
  code: string,
  eventTime: string,
  party: Record<string, unknown> = {},
  status: Record<string, unknown> = {},
) => ({
  uuid,
  event: "/restapi/v1.0/account/1/extension/101/telephony/sessions",
  timestamp: eventTime,
  subscriptionId: "sub-1",
  ownerId: "101",
  body: {
    telephonySessionId: "s-1",
    sessionId: "1",
    eventTime,
    parties: [
      {
        extensionId: "101",
        id: "p-1-1",
        direction: "Outbound",
        status: { code, ...status },
        missedCall: false,
        ...party,
      },
    ],
  },
})

describe("the subscription handshake and the verification token", () => {
  it("answers a Validation-Token request 200 with the same header and stores nothing", () => {
    expect(read("", { "validation-token": "d5d7c6f2-6c1d-4f4b" })).toEqual({
      kind: "reply",
      status: 200,
      headers: { "Validation-Token": "d5d7c6f2-6c1d-4f4b" },
      body: "",
    })
  })

  it("reads a notification that also carries Validation-Token as a notification, proven by its Verification-Token", () => {
    const published = fixture("webhook-shape-example.json")
    expect(read(published, { "validation-token": "v", "verification-token": token })).toMatchObject({ kind: "call" })
    expect(read(published, { "validation-token": "v" })).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
  })

  it("refuses everything, the handshake included, with 503 naming the variable while no token is configured", () => {
    const reading = readRingCentral(delivery("", { "validation-token": "abc" }), undefined)
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 503 } })
    expect(JSON.stringify(reading)).toContain("LEDGER_RINGCENTRAL_VERIFICATION_TOKEN")
  })

  it("rejects a delivery without Verification-Token, or with another one, as 401", () => {
    const published = fixture("webhook-shape-example.json")
    expect(read(published, {})).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
    expect(read(published, { "verification-token": "hello-worle" })).toMatchObject({
      kind: "rejected",
      rejection: { status: 401 },
    })
    expect(read(published, { "verification-token": "hello" })).toMatchObject({
      kind: "rejected",
      rejection: { status: 401 },
    })
  })
})

describe("the two published shapes of a notification", () => {
  it("reads the webhook shape (the guide's sample event) as one signal of the session", () => {
    expect(signalOf(fixture("webhook-shape-example.json"))).toMatchObject({
      vendorCallId: "s-a6abd24ca6774373a8120a3390d3cbe8",
      vendorEvent: "Setup",
      occurredAt: "2020-06-14T19:27:18.340Z",
      deliveryKey: "ringcentral:1823485288313944239",
      facts: {
        terminal: false,
        repId: "ringcentral:809646016",
        direction: "inbound",
        startedAt: "2020-06-14T19:27:18.340Z",
        vendorStatus: "Setup",
      },
    })
  })

  it("reads the reference's example, the notification wrapped in pn_apns, the same way", () => {
    expect(signalOf(fixture("wrapped-shape-example.json"))).toMatchObject({
      vendorCallId: "Y3MxNzE4NDE5MDM0MzQwMTgzODRAMTAuNjIuMjUuMTEx",
      vendorEvent: "Proceeding",
      occurredAt: "2018-06-05T00:14:50.147Z",
      deliveryKey: "ringcentral:837270960869181944",
      facts: { terminal: false, repId: "ringcentral:400144455008", direction: "inbound", vendorStatus: "Proceeding" },
    })
  })

  it("keeps the payload as sent, for a later adapter to re-derive", () => {
    const published = fixture("wrapped-shape-example.json")
    expect(signalOf(published).raw).toEqual(published)
  })

  it("ignores other event filters and the far end's party, and refuses what is not a notification with 400", () => {
    const presence = { ...fixture("webhook-shape-example.json"), event: "/restapi/v1.0/account/~/extension/~/presence" }
    expect(read(presence)).toMatchObject({ kind: "ignored" })
    const farEnd = fixture("pstn-to-ringcentral.json")[0] // the caller's party: no extensionId
    expect(read(farEnd)).toMatchObject({ kind: "ignored" })
    expect(read("not json")).toMatchObject({ kind: "rejected", rejection: { status: 400 } })
    const noSession = fixture("webhook-shape-example.json")
    delete noSession.body.telephonySessionId
    const reading = read(noSession)
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 400 } })
    expect(JSON.stringify(reading)).toContain("telephonySessionId")
  })
})

describe("the one CallLogged of a published call", () => {
  it("an outbound call with a hold: connected from the first Answered (01:19:28.900) to Disconnected (01:19:45.018), 16 s", () => {
    const signals = signalsOf(fixture("ringcentral-to-pstn.json"))
    expect(signals).toHaveLength(6) // 9 notifications, 3 about the PSTN party
    expect(ringcentral.callOutcome?.(signals)).toEqual({
      repId: "ringcentral:809646016",
      direction: "outbound",
      disposition: "connected",
      durationSeconds: 16,
      occurredAt: "2020-06-23T01:19:21.627Z",
    })
  })

  it("an inbound call through an IVR: the extension that answered is the rep, 01:06:00.001 → 01:06:14.808, 15 s", () => {
    const signals = signalsOf(fixture("pstn-to-ringcentral.json"))
    expect(ringCentralCallOutcome(signals)).toEqual({
      repId: "ringcentral:809646016",
      direction: "inbound",
      disposition: "connected",
      durationSeconds: 15,
      occurredAt: "2020-06-23T01:05:52.627Z",
    })
  })

  it("is not decided while only the IVR's leg has ended (it was never answered, it routed the call on)", () => {
    const ivrLeg = signalsOf(fixture("pstn-to-ringcentral.json").slice(0, 4))
    expect(ivrLeg.map((s) => s.facts.vendorStatus)).toEqual(["Setup", "Disconnected"])
    expect(ringCentralCallOutcome(ivrLeg)).toBeUndefined()
  })

  it("out of order, backwards: waits for the start, so the Answered resumed after the Hold is not taken for the first", () => {
    const arrivals = signalsOf(fixture("ringcentral-to-pstn.json")).reverse()
    const decisions = arrivals.map((_, i) => ringCentralCallOutcome(arrivals.slice(0, i + 1)))
    // Disconnected, Answered (resumed), Hold, Answered, Proceeding: decided on the Proceeding
    expect(decisions.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined])
    expect(decisions[4]).toMatchObject({
      disposition: "connected",
      durationSeconds: 16,
      occurredAt: "2020-06-23T01:19:25.166Z",
    })
    expect(decisions[5]).toMatchObject({
      disposition: "connected",
      durationSeconds: 16,
      occurredAt: "2020-06-23T01:19:21.627Z",
    })
  })

  it("out of order: the Disconnected first waits for the Answered, then gives the same call", () => {
    const [setup, proceeding, answered, hold, resumed, disconnected] = signalsOf(fixture("ringcentral-to-pstn.json"))
    const arrivals = [disconnected, setup, answered, proceeding, hold, resumed] as CallSignal[]
    const decisions = arrivals.map((_, i) => ringCentralCallOutcome(arrivals.slice(0, i + 1)))
    expect(decisions.slice(0, 2)).toEqual([undefined, undefined])
    expect(decisions[2]).toEqual({
      repId: "ringcentral:809646016",
      direction: "outbound",
      disposition: "connected",
      durationSeconds: 16,
      occurredAt: "2020-06-23T01:19:21.627Z",
    })
  })
})

describe("every order of the published outbound call's six deliveries", () => {
  const permutations = <T>(items: ReadonlyArray<T>): T[][] =>
    items.length <= 1
      ? [[...items]]
      : items.flatMap((item, i) =>
          permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
        )

  it("logs it once as connected, 16 s, unless the first Answered comes after the start, the end and the resume but before the Hold", () => {
    const signals = signalsOf(fixture("ringcentral-to-pstn.json"))
    const [setup, proceeding, answered, hold, resumed, disconnected] = signals as [
      CallSignal,
      CallSignal,
      CallSignal,
      CallSignal,
      CallSignal,
      CallSignal,
    ]
    let fromTheResume = 0
    for (const order of permutations(signals)) {
      // as the plumbing does: the first delivery after which the signals amount to a CallLogged decides the call
      const decidedAt = order.findIndex((_, i) => ringCentralCallOutcome(order.slice(0, i + 1)) !== undefined)
      // the specification: the end and a start are in, and the first Answered, or the resume with no Hold yet
      const specifiedAt = order.findIndex((_, i) => {
        const seen = new Set(order.slice(0, i + 1))
        const has = (s: CallSignal) => seen.has(s)
        return has(disconnected) && (has(setup) || has(proceeding)) && (has(answered) || (has(resumed) && !has(hold)))
      })
      expect(decidedAt).toBe(specifiedAt)
      const seen = order.slice(0, decidedAt + 1)
      // from 01:19:28.900 (the first Answered) or 01:19:38.865 (the resume) to 01:19:45.018
      const durationSeconds = seen.includes(answered) ? 16 : 6
      if (durationSeconds === 6) fromTheResume++
      expect(ringCentralCallOutcome(seen)).toMatchObject({
        repId: "ringcentral:809646016",
        direction: "outbound",
        disposition: "connected",
        durationSeconds,
      })
    }
    // 96 of the 720 orders (worked out by enumeration): a rare pattern when deliveries are mostly in order
    expect(fromTheResume).toBe(96)
  })
})

describe("dispositions as RingCentral defines them", () => {
  const outcomeOf = (...notifications: unknown[]) => ringCentralCallOutcome(notifications.map(signalOf))
  const setup = partyNotification("u1", "Setup", "2026-11-02T14:00:00.000Z")

  it("busy: the end's reason is TargetBusy", () => {
    expect(
      outcomeOf(
        setup,
        partyNotification("u2", "Disconnected", "2026-11-02T14:00:05.000Z", {}, { reason: "TargetBusy" }),
      ),
    ).toMatchObject({
      disposition: "busy",
      durationSeconds: 0,
    })
  })

  it("no_answer: missedCall, or a reason that says nobody answered", () => {
    const missed = partyNotification("u2", "Disconnected", "2026-11-02T14:00:30.000Z", {
      direction: "Inbound",
      missedCall: true,
    })
    expect(outcomeOf(setup, missed)).toMatchObject({ disposition: "no_answer", direction: "outbound" })
    for (const reason of ["NoAnswer", "Timeout", "Rejected", "Cancelled"]) {
      expect(
        outcomeOf(partyNotification("u3", "Disconnected", "2026-11-02T14:00:30.000Z", {}, { reason })),
      ).toMatchObject({ disposition: "no_answer" })
    }
  })

  it("failed: the number could not be called", () => {
    expect(
      outcomeOf(partyNotification("u2", "Disconnected", "2026-11-02T14:00:01.000Z", {}, { reason: "InvalidNumber" })),
    ).toMatchObject({
      disposition: "failed",
    })
  })

  it("voicemail: the caller was sent to the rep's voicemail", () => {
    const inbound = { direction: "Inbound" }
    const outcome = outcomeOf(
      partyNotification("u1", "Setup", "2026-11-02T14:00:00.000Z", inbound),
      partyNotification("u2", "VoiceMail", "2026-11-02T14:00:20.000Z", inbound),
      partyNotification("u3", "Disconnected", "2026-11-02T14:01:00.000Z", { ...inbound, missedCall: true }),
    )
    expect(outcome).toEqual({
      repId: "ringcentral:101",
      direction: "inbound",
      disposition: "voicemail",
      durationSeconds: 0,
      occurredAt: "2026-11-02T14:00:00.000Z",
    })
  })

  it("a transfer away (Gone) ends the party: connected for the time it held the call", () => {
    const outcome = outcomeOf(
      setup,
      partyNotification("u2", "Answered", "2026-11-02T14:00:10.000Z"),
      partyNotification("u3", "Gone", "2026-11-02T14:02:10.400Z", {}, { reason: "AttendedTransfer" }),
    )
    expect(outcome).toMatchObject({
      disposition: "connected",
      durationSeconds: 120,
      occurredAt: "2026-11-02T14:00:00.000Z",
    })
  })

  it("a normal end without any Answered yet is not decided: the Answered is still on its way", () => {
    expect(
      outcomeOf(
        setup,
        partyNotification("u2", "Disconnected", "2026-11-02T14:03:00.000Z", {}, { reason: "CallFinished" }),
      ),
    ).toBeUndefined()
  })
})
