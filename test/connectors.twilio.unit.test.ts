/**
 * The Twilio connector, pure: `X-Twilio-Signature` checked against Twilio's own published examples
 * (twilio.com/docs/usage/security, and the TwilioDevEd api-snippets for it: URL
 * https://mycompany.com/myapp.php?foo=1&bar=2, auth token 12345), then what Voice status callbacks
 * say about a call.
 */
import { createHmac } from "node:crypto"
import { describe, expect, it } from "vitest"
import {
  type CallSignal,
  type ConnectorSecrets,
  callOutcomeOf,
  type Delivery,
} from "../src/ingest/webhooks/connector.js"
import { twilio, twilioSignature } from "../src/ingest/webhooks/twilio.js"

const docsUrl = "https://mycompany.com/myapp.php?foo=1&bar=2"
const docsToken = "12345"

// Twilio's published examples: the same request in two editions of the docs, each with its signature.
const published = [
  {
    params: {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675309",
      Digits: "1234",
      From: "+14158675309",
      To: "+18005551212",
    },
    signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=",
  },
  {
    params: {
      CallSid: "CA1234567890ABCDE",
      Caller: "+14158675310",
      Digits: "1234",
      From: "+14158675310",
      To: "+18005551212",
    },
    signature: "GvWf1cFY/Q7PnoempGyD5oXAezc=",
  },
]

const form = (params: Record<string, string>) => new URLSearchParams(params).toString()

const delivery = (body: string, signature: string | undefined, url = docsUrl): Delivery => ({
  url,
  headers: new Headers({
    "content-type": "application/x-www-form-urlencoded",
    ...(signature === undefined ? {} : { "x-twilio-signature": signature }),
  }),
  body,
  receivedAt: new Date("2026-11-02T14:05:00Z"),
})

describe("X-Twilio-Signature", () => {
  it.each(published)("matches Twilio's published example signature $signature", ({ params, signature }) => {
    expect(twilioSignature(docsToken, docsUrl, Object.entries(params))).toBe(signature)
  })

  it.each(published)(
    "lets the published request through authentication, then ignores it: it is no status callback",
    async ({ params, signature }) => {
      // The docs' example is a <Gather> callback: authentic, but without CallStatus.
      const reading = await twilio.read(delivery(form(params), signature), {
        twilioAuthToken: docsToken,
        calendlyToleranceSeconds: 180,
      })
      expect(reading).toMatchObject({ kind: "ignored", reason: expect.stringContaining("CallStatus") })
    },
  )

  it("refuses, as 401, a changed parameter, another URL, another token, a missing header", async () => {
    const [{ params, signature }] = published as [(typeof published)[number]]
    const secrets = { twilioAuthToken: docsToken, calendlyToleranceSeconds: 180 }
    const refused = { kind: "rejected", rejection: { status: 401 } }
    expect(await twilio.read(delivery(form({ ...params, Digits: "1235" }), signature), secrets)).toMatchObject(refused)
    expect(
      await twilio.read(delivery(form(params), signature, "https://mycompany.com/myapp.php?foo=1&bar=3"), secrets),
    ).toMatchObject(refused)
    expect(
      await twilio.read(delivery(form(params), signature), { ...secrets, twilioAuthToken: "54321" }),
    ).toMatchObject(refused)
    expect(await twilio.read(delivery(form(params), undefined), secrets)).toMatchObject({
      kind: "rejected",
      rejection: { status: 401, reason: expect.stringContaining("X-Twilio-Signature") },
    })
  })

  it("answers 503 naming the variable when no auth token is configured", async () => {
    const [{ params, signature }] = published as [(typeof published)[number]]
    expect(await twilio.read(delivery(form(params), signature), { calendlyToleranceSeconds: 180 })).toMatchObject({
      kind: "rejected",
      rejection: { status: 503, reason: expect.stringContaining("LEDGER_TWILIO_AUTH_TOKEN") },
    })
  })
})

describe("Voice status callbacks", () => {
  const token = "twilio-auth-token"
  const secrets: ConnectorSecrets = { twilioAuthToken: token, calendlyToleranceSeconds: 180 }
  const url = "https://ledger.example.com/v1/webhooks/twilio"

  // Signed independently of the module: Twilio's recipe, written out.
  const sign = (params: Record<string, string>) =>
    createHmac("sha1", token)
      .update(
        Object.keys(params)
          .sort()
          .reduce((signed, key) => signed + key + params[key], url),
      )
      .digest("base64")

  const callback = (params: Record<string, string>) => ({
    CallSid: "CA42",
    AccountSid: "AC1",
    From: "+14155550100",
    To: "+14155550199",
    Direction: "outbound-api",
    ApiVersion: "2010-04-01",
    ...params,
  })

  const signalOf = async (params: Record<string, string>): Promise<CallSignal> => {
    const all = callback(params)
    const reading = await twilio.read(delivery(form(all), sign(all), url), secrets)
    if (reading.kind !== "call") throw new Error(`expected a call signal, got ${JSON.stringify(reading)}`)
    return reading.signal
  }

  it("reads a completed outbound call: the caller number is the rep, CallDuration the talk time", async () => {
    const signal = await signalOf({
      CallStatus: "completed",
      CallDuration: "64",
      Timestamp: "Mon, 02 Nov 2026 14:06:04 +0000",
    })
    expect(signal).toMatchObject({
      vendorCallId: "CA42",
      vendorEvent: "completed",
      occurredAt: "2026-11-02T14:06:04.000Z",
      deliveryKey: expect.stringMatching(/^twilio:sha256:[0-9a-f]{64}$/),
      facts: {
        terminal: true,
        repId: "twilio:+14155550100",
        direction: "outbound",
        disposition: "connected",
        durationSeconds: 64,
      },
    })
  })

  it("maps each terminal status to its disposition, and a machine that answered to voicemail", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ CallStatus: "busy" }, "busy"],
      [{ CallStatus: "no-answer" }, "no_answer"],
      [{ CallStatus: "canceled" }, "no_answer"],
      [{ CallStatus: "failed" }, "failed"],
      [{ CallStatus: "completed", CallDuration: "31", AnsweredBy: "machine_end_beep" }, "voicemail"],
      [{ CallStatus: "completed", CallDuration: "31", AnsweredBy: "human" }, "connected"],
    ]
    for (const [params, disposition] of cases) {
      expect((await signalOf(params)).facts).toMatchObject({ terminal: true, disposition })
    }
  })

  it("reads an inbound call's rep from To, a Voice SDK client as client:<identity>", async () => {
    expect((await signalOf({ CallStatus: "ringing", Direction: "inbound" })).facts).toMatchObject({
      terminal: false,
      repId: "twilio:+14155550199",
      direction: "inbound",
    })
    expect(
      (await signalOf({ CallStatus: "initiated", From: "client:alice", Direction: "outbound-dial" })).facts,
    ).toMatchObject({
      repId: "twilio:client:alice",
      direction: "outbound",
    })
  })

  it("takes the arrival instant when the callback carries no Timestamp", async () => {
    expect((await signalOf({ CallStatus: "completed", CallDuration: "5" })).occurredAt).toBe("2026-11-02T14:05:00.000Z")
  })

  it("gives one outcome once a terminal status is among the signals, in any order", async () => {
    const ringing = await signalOf({ CallStatus: "ringing", Timestamp: "Mon, 02 Nov 2026 14:05:01 +0000" })
    const answered = await signalOf({ CallStatus: "in-progress", Timestamp: "Mon, 02 Nov 2026 14:05:09 +0000" })
    const completed = await signalOf({
      CallStatus: "completed",
      CallDuration: "64",
      Timestamp: "Mon, 02 Nov 2026 14:06:13 +0000",
    })
    expect(callOutcomeOf([ringing, answered])).toBeUndefined()
    const expected = {
      repId: "twilio:+14155550100",
      direction: "outbound",
      disposition: "connected",
      durationSeconds: 64,
      occurredAt: "2026-11-02T14:06:13.000Z",
    }
    expect(callOutcomeOf([completed, answered, ringing])).toEqual(expected)
    expect(callOutcomeOf([ringing, answered, completed])).toEqual(expected)
  })
})
