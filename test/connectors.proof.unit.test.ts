/**
 * What the ledger keeps of a vendor's payload (`metadata.raw`, readable with read scope): never the
 * proof that the vendor sent it. Each connector declares the fields of its payload that carry proof
 * (Aircall's `token` is the webhook's secret itself) and they are masked; any configured secret is
 * masked wherever a payload holds it. Property-based: random payloads with the secrets planted in
 * names, values, arrays and the middle of texts.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { aircall } from "../src/ingest/webhooks/aircall.js"
import { type Connector, connectors, type Reading } from "../src/ingest/webhooks/index.js"
import { keptPayloadOf, maskedFields, maskedSecret } from "../src/ingest/webhooks/keptPayload.js"
import {
  aircallDelivery,
  asDelivery,
  dialpadDelivery,
  ringcentralDelivery,
  type SignedDelivery,
  secretsByVariable,
  testSecrets,
  twilioDelivery,
} from "./support/signedDeliveries.js"

const receivedAt = new Date("2026-11-02T14:03:00Z")
const t0 = Date.parse("2026-11-02T14:00:00Z")
const secrets = Object.values(secretsByVariable)

const connectorOf = (source: string): Connector => connectors.find((c) => c.source === source) as Connector

const keptOf = (reading: Reading): unknown => {
  if (reading.kind !== "call") throw new Error(`expected a call signal, got ${JSON.stringify(reading)}`)
  return reading.signal.raw
}

const secretsIn = (value: unknown): string[] => {
  const text = JSON.stringify(value)
  return secrets.filter((secret) => text.includes(secret))
}

/** A text holding one configured secret, alone or inside other text (`…?token=<secret>&…`). */
const textWithSecret = fc
  .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...secrets), fc.string({ maxLength: 6 }))
  .map(([before, secret, after]) => `${before}${secret}${after}`)

/** JSON members under names the connectors do not read, with secrets planted in names and values, nested. */
const extraMembers: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ members: Record<string, unknown> }>((tie) => ({
  members: fc.dictionary(
    fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), textWithSecret).map((name) => `x-${name}`),
    fc.oneof(
      { depthSize: "small" },
      textWithSecret,
      fc.jsonValue({ maxDepth: 2 }),
      fc.array(textWithSecret, { maxLength: 3 }),
      tie("members"),
    ),
    { maxKeys: 4 },
  ),
})).members

/** An authentic delivery of each dialer, carrying `extra` where a vendor could put anything. */
const authentic: Record<string, (extra: Record<string, unknown>) => Promise<SignedDelivery>> = {
  aircall: async (extra) =>
    aircallDelivery({
      resource: "call",
      event: "call.ended",
      timestamp: t0 / 1000 + 140,
      data: { id: 812, user: { id: 4021 }, started_at: t0 / 1000, ...extra },
      ...extra,
    }),
  twilio: async (extra) =>
    twilioDelivery("https://ledger.example.com", [
      ["CallSid", "CA42"],
      ["CallStatus", "completed"],
      ["Direction", "outbound-api"],
      ["From", "+14155550100"],
      ...Object.entries(extra).map(([name, value]): [string, string] => [name, JSON.stringify(value)]),
    ]),
  ringcentral: async (extra) =>
    ringcentralDelivery({
      uuid: "u-1",
      event: "/restapi/v1.0/account/1/extension/101/telephony/sessions",
      ownerId: "101",
      ...extra,
      body: {
        telephonySessionId: "s-1",
        eventTime: "2026-11-02T14:00:00.000Z",
        parties: [{ extensionId: "101", direction: "Outbound", status: { code: "Answered" }, ...extra }],
        ...extra,
      },
    }),
  dialpad: (extra) =>
    dialpadDelivery({
      call_id: 5738148658520064,
      state: "hangup",
      event_timestamp: t0 + 100_000,
      target: { id: 4567890123456789, type: "user", ...extra },
      ...extra,
    }),
}

describe("Aircall's token, the webhook's secret, is not kept", () => {
  it("masks `token` in the payload kept with the call event, and keeps the rest as sent", async () => {
    const sent = aircallDelivery({ resource: "call", event: "call.ended", timestamp: 1_793_628_140, data: { id: 812 } })
    const kept = keptOf(await aircall.read(asDelivery(sent, receivedAt), testSecrets))

    expect(kept).toEqual({
      token: maskedSecret,
      resource: "call",
      event: "call.ended",
      timestamp: 1_793_628_140,
      data: { id: 812 },
    })
  })
})

describe("no connector keeps a configured secret, wherever its payload holds one", () => {
  it.each(Object.keys(authentic))("%s", async (source) => {
    await fc.assert(
      fc.asyncProperty(extraMembers, async (extra) => {
        const reading = await connectorOf(source).read(
          asDelivery(await (authentic[source] as (typeof authentic)[string])(extra), receivedAt),
          {
            ...testSecrets,
          },
        )
        expect(secretsIn(keptOf(reading))).toEqual([])
      }),
      { numRuns: 60 },
    )
  })

  it("declares for every connector what of its deliveries carries proof", () => {
    const proofOf = ({ proofFields, proofHeaders }: (typeof connectors)[number]["payload"]) => ({
      proofFields,
      proofHeaders,
    })
    expect(Object.fromEntries(connectors.map((c) => [c.source, proofOf(c.payload)]))).toEqual({
      aircall: { proofFields: ["token"], proofHeaders: [] },
      twilio: { proofFields: [], proofHeaders: ["X-Twilio-Signature"] },
      ringcentral: { proofFields: [], proofHeaders: ["Verification-Token", "Validation-Token"] },
      dialpad: { proofFields: [], proofHeaders: [] },
      calendly: { proofFields: [], proofHeaders: ["Calendly-Webhook-Signature"] },
    })
  })
})

describe("keptPayloadOf and maskedFields", () => {
  /** Secrets as vendors make them: long runs of letters and digits (no `[`, so none can be read inside the mask). */
  const anySecret = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF-_"), minLength: 8, maxLength: 40 })

  it("leaves no secret in any name or value, however nested, and keeps what holds none", () => {
    fc.assert(
      fc.property(fc.array(anySecret, { minLength: 1, maxLength: 3 }), fc.jsonValue(), (keys, clean) => {
        const planted = { clean, [`name-${keys[0]}`]: [`a ${keys.at(-1)} b`, { deep: { deeper: keys } }] }
        const kept = keptPayloadOf(planted, { proofFields: [], proofHeaders: [] }, keys) as Record<string, unknown>
        const text = JSON.stringify(kept)
        for (const secret of keys) expect(text).not.toContain(secret)
        if (!keys.some((secret) => JSON.stringify(clean).includes(secret)))
          expect(JSON.stringify(kept.clean)).toBe(JSON.stringify(clean))
      }),
    )
  })

  it("masks exactly the declared fields, `*` standing for any member or element, and changes nothing it is given", () => {
    const payload = {
      token: "t",
      data: { id: 1, token: "not declared" },
      parties: [{ from: { phone: "+1" } }, { from: { phone: "+2" }, to: {} }],
    }
    const before = structuredClone(payload)
    expect(maskedFields(payload, ["token", "parties.*.from.phone", "absent.field"])).toEqual({
      token: maskedSecret,
      data: { id: 1, token: "not declared" },
      parties: [{ from: { phone: maskedSecret } }, { from: { phone: maskedSecret }, to: {} }],
    })
    expect(payload).toEqual(before)
  })

  it("keeps a member named __proto__ as a member, not as the copy's prototype", () => {
    const payload = JSON.parse('{"__proto__": {"token": "x"}, "token": "y"}')
    const kept = maskedFields(payload, ["token"]) as Record<string, unknown>
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype)
    expect(JSON.stringify(kept)).toBe(`{"__proto__":{"token":"x"},"token":"${maskedSecret}"}`)
  })
})
