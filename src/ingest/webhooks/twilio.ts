/**
 * @module Twilio Voice status callbacks (twilio.com/docs/voice/api/call-resource#statuscallback and
 * /docs/usage/webhooks/webhooks-security). Twilio posts form-encoded parameters and signs them:
 * `X-Twilio-Signature` = base64(HMAC-SHA1(auth token, full URL + every POST parameter's name and
 * value, sorted by name)). The URL is the one Twilio called, so behind a proxy LEDGER_PUBLIC_URL
 * gives the public origin. A call sends one callback per status it was asked for; `completed`,
 * `busy`, `no-answer`, `failed` and `canceled` end it.
 *
 * How the call's facts are read:
 * | ledger | Twilio |
 * |---|---|
 * | repId | our side of the call: `From` on outbound calls, `To` on inbound ones — a Twilio number (`twilio:+14155550100`) or a Voice SDK client (`twilio:client:alice`) |
 * | direction | `Direction`: `outbound-api` / `outbound-dial` → outbound, `inbound` → inbound |
 * | disposition | `completed` → connected (voicemail when `AnsweredBy` says a machine or fax answered), `busy` → busy, `no-answer` and `canceled` → no_answer, `failed` → failed |
 * | durationSeconds | `CallDuration` (Twilio's talk time; 0 when not answered) |
 * | occurredAt | `Timestamp` (RFC 2822), else when the callback arrived |
 *
 * An authentic request that is no Voice status callback (no `CallSid` or `CallStatus`: a message
 * status callback, say) is ignored. The parameters are kept in `metadata.raw`, in signing order.
 *
 * @example
 * const reading = twilio.read(delivery, { twilioAuthToken: "…", calendlyToleranceSeconds: 180 })
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { identityAlias } from "../../../events/index.js"
import {
  type CallDisposition,
  type CallFacts,
  type Connector,
  contentKeyOf,
  type Delivery,
  defineConnector,
  notConfigured,
  type Reading,
  readingInstants,
  unauthentic,
} from "./connector.js"
import { instantOfText } from "./instants.js"
import type { FieldPath, KeptPayload, PayloadPersonalKind } from "./keptPayload.js"

/** The statuses that end a call, with the disposition each means. */
export const terminalStatuses: Readonly<Record<string, CallDisposition>> = {
  completed: "connected",
  busy: "busy",
  "no-answer": "no_answer",
  canceled: "no_answer",
  failed: "failed",
}

/** Parameters in the order Twilio signs them: by name, then by value (for repeated names). */
export const inSigningOrder = (params: Iterable<readonly [string, string]>): ReadonlyArray<readonly [string, string]> =>
  [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))

/**
 * Twilio's signature of a form-encoded request: base64 HMAC-SHA1, keyed by the auth token, of the
 * URL followed by each parameter's name and value, sorted by name (then value, for repeated names).
 */
export const twilioSignature = (
  authToken: string,
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
): string =>
  createHmac("sha1", authToken)
    .update(
      inSigningOrder(params).reduce((signed, [name, value]) => signed + name + value, url),
      "utf8",
    )
    .digest("base64")

/**
 * X-Twilio-Signature and LEDGER_TWILIO_AUTH_TOKEN are the proof; the parameters kept hold no secret.
 * Both ends of the call are numbers (or `client:<identity>`), with where Twilio places them.
 */
export const twilioPayload: KeptPayload = {
  proofFields: [],
  proofHeaders: ["X-Twilio-Signature"],
  personalFields: {
    From: "identifies",
    To: "identifies",
    Caller: "identifies",
    Called: "identifies",
    ForwardedFrom: "identifies",
    CallerName: "describes",
    ...Object.fromEntries(
      ["From", "To", "Caller", "Called"].flatMap((end) =>
        ["City", "State", "Zip"].map((place): [FieldPath, PayloadPersonalKind] => [`${end}${place}`, "describes"]),
      ),
    ),
    Digits: "describes",
    RecordingUrl: "describes",
  },
}

/** Reads one status callback: the signature first, then the parameters. */
export const readTwilio = (delivery: Delivery, authToken: string | undefined): Reading => {
  if (authToken === undefined) return notConfigured("LEDGER_TWILIO_AUTH_TOKEN")
  const sent = delivery.headers.get("x-twilio-signature")
  if (sent === null || sent === "")
    return unauthentic("no X-Twilio-Signature header: Twilio signs every webhook it sends")
  // What the signature covers, as values: the body's order and percent-encoding are not signed.
  const params = inSigningOrder(new URLSearchParams(delivery.body))
  const expected = Buffer.from(twilioSignature(authToken, delivery.url, params))
  const given = Buffer.from(sent)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return unauthentic(
      "X-Twilio-Signature does not match the URL and parameters signed with LEDGER_TWILIO_AUTH_TOKEN; check the auth token, and LEDGER_PUBLIC_URL when behind a proxy",
      `the signature was checked against the URL ${delivery.url}`,
    )
  }
  // In signing order, a name sent twice reads the same value however the body ordered the two.
  const form = new Map(params)
  const callSid = form.get("CallSid")
  const status = form.get("CallStatus")
  if (callSid === undefined || callSid === "" || status === undefined || status === "") {
    return {
      kind: "ignored",
      reason: "an authentic Twilio request that is not a Voice status callback (no CallSid or no CallStatus)",
    }
  }
  return readingInstants(() => ({
    kind: "call",
    signal: {
      vendorCallId: callSid,
      vendorEvent: status,
      occurredAt: instantOfText(form.get("Timestamp"), "Timestamp") ?? delivery.receivedAt.toISOString(),
      // Twilio sends no delivery id: the key is what the signature covers (the URL and the decoded
      // parameters in signing order), so a replay reordered or re-encoded is the same delivery.
      deliveryKey: contentKeyOf("twilio", [delivery.url, params]),
      facts: callFacts(form, status),
      raw: Object.fromEntries(params),
    },
  }))
}

/** What one status callback says, as the ledger reads it (see the module's table). */
export const callFacts = (form: ReadonlyMap<string, string>, status: string): CallFacts => {
  const twilioDirection = form.get("Direction") ?? ""
  const direction = twilioDirection.startsWith("outbound")
    ? "outbound"
    : twilioDirection === "inbound"
      ? "inbound"
      : undefined
  const ourSide = direction === "inbound" ? form.get("To") : direction === "outbound" ? form.get("From") : undefined
  const terminalDisposition = terminalStatuses[status]
  const answeredBy = form.get("AnsweredBy") ?? ""
  const disposition =
    terminalDisposition === "connected" && (answeredBy.startsWith("machine") || answeredBy === "fax")
      ? "voicemail"
      : terminalDisposition
  const duration = Number(form.get("CallDuration"))
  return {
    terminal: terminalDisposition !== undefined,
    ...(ourSide === undefined || ourSide === "" ? {} : { repId: identityAlias("twilio", ourSide) }),
    ...(direction === undefined ? {} : { direction }),
    ...(disposition === undefined
      ? {}
      : { disposition, durationSeconds: Number.isInteger(duration) && duration >= 0 ? duration : 0 }),
    vendorStatus: status,
  }
}

/** The Twilio connector: `POST /v1/webhooks/twilio`, set as the call's StatusCallback. */
export const twilio: Connector = defineConnector({
  source: "twilio",
  payload: twilioPayload,
  read: (delivery, secrets) => readTwilio(delivery, secrets.twilioAuthToken),
})
