/**
 * A delivery's idempotency key is what the delivery says, not how it was spelled. A captured Twilio
 * callback re-sent with its parameters reordered or percent-encoded otherwise still carries a valid
 * signature (Twilio signs the decoded parameters, sorted): keyed by its bytes, each re-spelling was
 * a new delivery and appended another CallEventReceived. Property-based, for every connector whose
 * key is not the vendor's own delivery id: every re-spelling its proof accepts has the same key.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { aircall } from "../src/ingest/webhooks/aircall.js"
import type { ConnectorSecrets, Delivery, Reading } from "../src/ingest/webhooks/connector.js"
import { dialpad } from "../src/ingest/webhooks/dialpad.js"
import { ringcentral } from "../src/ingest/webhooks/ringcentral.js"
import { twilio } from "../src/ingest/webhooks/twilio.js"
import {
  aircallDelivery,
  asDelivery,
  dialpadDelivery,
  ringcentralDelivery,
  testSecrets,
  twilioDelivery,
} from "./support/signedDeliveries.js"

const receivedAt = new Date("2026-11-02T14:03:00Z")
const publicUrl = "https://ledger.example.com"

const keyOf = (reading: Reading): string => {
  if (reading.kind !== "call") throw new Error(`expected a call signal, got ${JSON.stringify(reading)}`)
  return reading.signal.deliveryKey
}

/** Percent-encodes every UTF-8 byte of `char`, in upper or lower case hex. */
const percentEncoded = (char: string, upper: boolean): string =>
  [...Buffer.from(char, "utf8")]
    .map((byte) => `%${byte.toString(16).padStart(2, "0")[upper ? "toUpperCase" : "toLowerCase"]()}`)
    .join("")

/**
 * One form spelling of a text, each character chosen by `choices` (cycled): as it is where the form
 * allows it, else percent-encoded in either case; a space as `+` or `%20`. `&`, `=`, `+`, `%` and
 * `#` are always encoded: as they are they would change what the form says.
 */
const spelled = (text: string, choices: ReadonlyArray<number>): string =>
  [...text]
    .map((char, i) => {
      const choice = choices[i % choices.length] ?? 0
      if (char === " ") return choice % 2 === 0 ? "+" : percentEncoded(char, choice % 3 === 0)
      if ("&=+%#".includes(char)) return percentEncoded(char, choice % 2 === 0)
      return choice % 3 === 0 ? percentEncoded(char, choice % 2 === 0) : char
    })
    .join("")

/** A form body: the parameters in `order`, each name and value spelled by `choices`. */
const formBody = (
  params: ReadonlyArray<readonly [string, string]>,
  order: ReadonlyArray<number>,
  choices: ReadonlyArray<number>,
): string =>
  order
    .map((index) => params[index] as readonly [string, string])
    .map(([name, value], i) => `${spelled(name, choices.slice(i))}=${spelled(value, choices.slice(i + 1))}`)
    .join("&")

/** A permutation of 0…n-1, from random sort keys. */
const orderOf = (sortKeys: ReadonlyArray<number>): number[] =>
  sortKeys
    .map((key, index) => [key, index] as const)
    .sort(([a, ai], [b, bi]) => a - b || ai - bi)
    .map(([, index]) => index)

const twilioParams = fc
  .array(
    fc.tuple(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }).map((name) => `X${name}`),
      fc.string({ unit: "grapheme", maxLength: 12 }),
    ),
    { maxLength: 6 },
  )
  .map(
    (extra): Array<readonly [string, string]> => [
      ["CallSid", "CA42"],
      ["CallStatus", "completed"],
      ["Direction", "outbound-api"],
      ["From", "+1 415 555 0100"],
      ["Timestamp", "Mon, 02 Nov 2026 14:06:04 +0000"],
      ...extra,
    ],
  )

const twilioRead = (params: ReadonlyArray<readonly [string, string]>, body: string) =>
  twilio.read(asDelivery(twilioDelivery(publicUrl, params, body), receivedAt, publicUrl), testSecrets)

describe("Twilio: a callback's key is its signed content", () => {
  it("gives every re-spelling of one callback (reordered, percent-encoded otherwise) the same key", async () => {
    await fc.assert(
      fc.asyncProperty(
        twilioParams,
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
        async (params, firstOrder, secondOrder, choices) => {
          const plain = new URLSearchParams(params.map(([n, v]) => [n, v])).toString()
          const respelled = formBody(params, orderOf(secondOrder.slice(0, params.length)), choices)
          const reordered = formBody(params, orderOf(firstOrder.slice(0, params.length)), [1])
          const keys = await Promise.all(
            [plain, respelled, reordered].map(async (body) => keyOf(await twilioRead(params, body))),
          )
          expect(new Set(keys).size).toBe(1)
        },
      ),
      { numRuns: 150 },
    )
  })

  it("gives callbacks that say different things different keys", async () => {
    await fc.assert(
      fc.asyncProperty(
        twilioParams,
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }),
        async (params, more) => {
          const changed = params.map(([name, value], i): readonly [string, string] =>
            i === params.length - 1 ? [name, `${value}${more}`] : [name, value],
          )
          const body = (p: typeof params) => new URLSearchParams(p.map(([n, v]) => [n, v])).toString()
          expect(keyOf(await twilioRead(params, body(params)))).not.toBe(
            keyOf(await twilioRead(changed, body(changed))),
          )
        },
      ),
      { numRuns: 50 },
    )
  })

  it("keys a published-shaped callback the same whether its body says `+` or `%20`, CallSid first or last", async () => {
    const params: Array<[string, string]> = [
      ["CallSid", "CA42"],
      ["CallStatus", "busy"],
      ["From", "+14155550100"],
      ["Caller Name", "Ana Ruiz"],
    ]
    const asSent = "CallSid=CA42&CallStatus=busy&From=%2B14155550100&Caller+Name=Ana+Ruiz"
    const replayed = "Caller%20Name=Ana%20Ruiz&From=%2b14155550100&CallStatus=bus%79&CallSid=CA42"
    expect(keyOf(await twilioRead(params, replayed))).toBe(keyOf(await twilioRead(params, asSent)))
  })
})

/** A JSON text of `value` with its members in another order (by `seed`) and other whitespace. */
const respelledJson = (value: unknown, seed: number): string => {
  const shuffled = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) return v.map((e) => shuffled(e, depth + 1))
    if (v === null || typeof v !== "object") return v
    const entries = Object.entries(v)
    const rotation = (seed + depth) % Math.max(1, entries.length)
    return Object.fromEntries(
      [...entries.slice(rotation), ...entries.slice(0, rotation)]
        .reverse()
        .map(([k, e]) => [k, shuffled(e, depth + 1)]),
    )
  }
  return JSON.stringify(shuffled(value, 0), null, seed % 4)
}

const extraJson = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }).map((name) => `x_${name}`),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
)

describe("connectors whose payload has no delivery id: the key is the payload as parsed", () => {
  it("RingCentral without `uuid`: members reordered, other whitespace, one key", async () => {
    await fc.assert(
      fc.asyncProperty(extraJson, fc.nat(), async (extra, seed) => {
        const notification = {
          event: "/restapi/v1.0/account/1/extension/101/telephony/sessions",
          ownerId: "101",
          ...extra,
          body: {
            telephonySessionId: "s-1",
            eventTime: "2026-11-02T14:00:00.000Z",
            parties: [{ extensionId: "101", direction: "Outbound", status: { code: "Answered" } }],
          },
        }
        const read = async (body: string) =>
          keyOf(await ringcentral.read(asDelivery(ringcentralDelivery(notification, body), receivedAt), testSecrets))
        expect(await read(respelledJson(notification, seed))).toBe(await read(JSON.stringify(notification)))
      }),
      { numRuns: 100 },
    )
  })

  it("Dialpad without `event_timestamp` (unsigned, opted in): members reordered, other whitespace, one key", async () => {
    const optedIn: ConnectorSecrets = { calendlyToleranceSeconds: 180, dialpadAllowUnsigned: true }
    await fc.assert(
      fc.asyncProperty(extraJson, fc.nat(), async (extra, seed) => {
        const event = {
          call_id: 77,
          state: "hangup",
          date_ended: 1_793_628_099_400,
          target: { id: 5, type: "user" },
          ...extra,
        }
        const read = async (body: string): Promise<Reading> =>
          dialpad.read(
            { url: `${publicUrl}/v1/webhooks/dialpad`, headers: new Headers(), body, receivedAt } satisfies Delivery,
            optedIn,
          )
        expect(keyOf(await read(respelledJson(event, seed)))).toBe(keyOf(await read(JSON.stringify(event))))
      }),
      { numRuns: 100 },
    )
  })

  it("Dialpad, signed: whitespace around the token does not make a new delivery", async () => {
    const sent = await dialpadDelivery({ call_id: 77, state: "hangup", date_ended: 1_793_628_099_400 })
    const read = async (body: string) =>
      keyOf(await dialpad.read(asDelivery({ ...sent, body }, receivedAt), testSecrets))
    expect(await read(`\n ${sent.body}\t\n`)).toBe(await read(sent.body))
  })

  it("Aircall: the event's `timestamp` as a number or as digits (leading zeros or not) is one delivery", async () => {
    const payload = { resource: "call", event: "call.ended", data: { id: 812, user: { id: 4021 } } }
    const read = async (timestamp: unknown) =>
      keyOf(await aircall.read(asDelivery(aircallDelivery({ ...payload, timestamp }), receivedAt), testSecrets))
    expect(await read("1793628140")).toBe(await read(1_793_628_140))
    expect(await read("01793628140")).toBe(await read(1_793_628_140))
    expect(await read(1_793_628_140)).toBe("aircall:812:call.ended:1793628140")
  })
})
