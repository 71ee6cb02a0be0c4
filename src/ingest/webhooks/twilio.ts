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
 * @example
 * const reading = twilio.read(delivery, { twilioAuthToken: "…", calendlyToleranceSeconds: 180 })
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import { identityAlias } from "../../../events/index.js"
import {
  type CallDisposition,
  type CallFacts,
  type Connector,
  type Delivery,
  deliveryKeyOf,
  malformed,
  notConfigured,
  type Reading,
  readingInstants,
  unauthentic,
} from "./connector.js"
import { instantOfText } from "./instants.js"

/** The statuses that end a call, with the disposition each means. */
export const terminalStatuses: Readonly<Record<string, CallDisposition>> = {
  completed: "connected",
  busy: "busy",
  "no-answer": "no_answer",
  canceled: "no_answer",
  failed: "failed",
}

/**
 * Twilio's signature of a form-encoded request: base64 HMAC-SHA1, keyed by the auth token, of the
 * URL followed by each parameter's name and value, sorted by name (then value, for repeated names).
 */
export const twilioSignature = (
  authToken: string,
  url: string,
  params: ReadonlyArray<readonly [string, string]>,
): string => {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
  return createHmac("sha1", authToken)
    .update(
      sorted.reduce((signed, [name, value]) => signed + name + value, url),
      "utf8",
    )
    .digest("base64")
}

/** Reads one status callback: the signature first, then the parameters. */
export const readTwilio = (delivery: Delivery, authToken: string | undefined): Reading => {
  if (authToken === undefined) return notConfigured("LEDGER_TWILIO_AUTH_TOKEN")
  const sent = delivery.headers.get("x-twilio-signature")
  if (sent === null || sent === "")
    return unauthentic("no X-Twilio-Signature header: Twilio signs every webhook it sends")
  const params = [...new URLSearchParams(delivery.body)]
  const expected = Buffer.from(twilioSignature(authToken, delivery.url, params))
  const given = Buffer.from(sent)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return unauthentic(
      `X-Twilio-Signature does not match the request signed for ${delivery.url} with LEDGER_TWILIO_AUTH_TOKEN; check the auth token, and LEDGER_PUBLIC_URL when behind a proxy`,
    )
  }
  const form = new Map(params)
  const callSid = form.get("CallSid")
  if (callSid === undefined || callSid === "")
    return malformed("no CallSid: this is not a Twilio Voice status callback")
  const status = form.get("CallStatus")
  if (status === undefined || status === "")
    return malformed("no CallStatus: this is not a Twilio Voice status callback")
  return readingInstants(() => ({
    kind: "call",
    signal: {
      vendorCallId: callSid,
      vendorEvent: status,
      occurredAt: instantOfText(form.get("Timestamp"), "Timestamp") ?? delivery.receivedAt.toISOString(),
      // Twilio sends no delivery id; its retries repeat the same parameters byte for byte.
      deliveryKey: deliveryKeyOf("twilio", delivery.body),
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
export const twilio: Connector = {
  source: "twilio",
  read: (delivery, secrets) => readTwilio(delivery, secrets.twilioAuthToken),
}
