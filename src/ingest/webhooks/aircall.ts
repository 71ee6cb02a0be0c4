/**
 * @module Aircall call events (developer.aircall.io, "Webhooks" and the Call object). Aircall posts
 * JSON `{ resource, event, timestamp, token, data }` where `data` is the Call object; it signs
 * nothing: the webhook's `token` travels in the body, and is compared in constant time with
 * LEDGER_AIRCALL_TOKEN. `call.created`, `call.answered` and `call.hungup` are signals on the way;
 * `call.ended` (sent about 30 s after the hang-up, once Aircall has every field) ends the call.
 *
 * How the call's facts are read (Aircall's Call object; instants are UNIX seconds):
 * | ledger | Aircall |
 * |---|---|
 * | repId | `identityAlias("aircall", user.id)`; a call nobody took (user null) is the line's: `aircall:number-<number.id>` |
 * | direction | `direction` (`inbound` / `outbound`) |
 * | disposition | `answered_at` set → connected; else `voicemail` set → voicemail; else no_answer (`missed_call_reason` kept as the status) |
 * | durationSeconds | talk time `ended_at − answered_at` (Aircall's own `duration` is `ended_at − started_at`, ringing included) |
 * | occurredAt of the CallLogged | `started_at` |
 *
 * The payload is kept whole in `metadata.raw`, its `token` masked (`aircallPayload`).
 *
 * @example
 * const reading = aircall.read({ url, headers, body, receivedAt }, { aircallToken: "…", calendlyToleranceSeconds: 180 })
 */
import { identityAlias } from "../../../events/index.js"
import {
  type CallFacts,
  type Connector,
  type Delivery,
  defineConnector,
  malformed,
  notConfigured,
  type Reading,
  readingInstants,
  sameSecret,
  unauthentic,
} from "./connector.js"
import { instantOfEpoch } from "./instants.js"
import { type KeptPayload, maskedFields } from "./keptPayload.js"
import { isObject, type Json } from "./payload.js"

/**
 * The body's `token` is the webhook's secret itself: whoever reads it can post as Aircall. The Call
 * object names the other party (`raw_digits`, the contact), the rep (`user`) and whoever the call was
 * assigned or transferred to; its recording and voicemail are a person's voice.
 */
export const aircallPayload: KeptPayload = {
  proofFields: ["token"],
  proofHeaders: [],
  personalFields: {
    "data.raw_digits": "identifies",
    "data.number.digits": "identifies",
    "data.user.email": "identifies",
    "data.user.name": "describes",
    "data.assigned_to.email": "identifies",
    "data.assigned_to.name": "describes",
    "data.transferred_to.email": "identifies",
    "data.transferred_to.name": "describes",
    "data.transferred_by.email": "identifies",
    "data.transferred_by.name": "describes",
    "data.contact.emails.*.value": "identifies",
    "data.contact.phone_numbers.*.value": "identifies",
    "data.contact.first_name": "describes",
    "data.contact.last_name": "describes",
    "data.contact.information": "describes",
    "data.participants.*.phone_number": "identifies",
    "data.participants.*.name": "describes",
    "data.comments.*.content": "describes",
    "data.recording": "describes",
    "data.voicemail": "describes",
  },
}

/** The call events the ledger maps; other Aircall events (call.tagged, contact.created…) are ignored. */
export const aircallCallEvents = ["call.created", "call.answered", "call.hungup", "call.ended"] as const

const idOf = (value: unknown): string | undefined =>
  typeof value === "number" || (typeof value === "string" && value.trim() !== "") ? String(value) : undefined

/** Reads one Aircall delivery: the token first, then the envelope, then the Call object. */
export const readAircall = (delivery: Delivery, token: string | undefined): Reading => {
  if (token === undefined) return notConfigured("LEDGER_AIRCALL_TOKEN")
  let payload: unknown
  try {
    payload = JSON.parse(delivery.body)
  } catch {
    // Without a parsable body there is no token to check: nothing proves Aircall sent it.
    return unauthentic("the body is not JSON, so it carries no Aircall webhook token")
  }
  if (!isObject(payload) || typeof payload.token !== "string")
    return unauthentic("no `token` in the body: Aircall sends the webhook's token in every payload")
  if (!sameSecret(payload.token, token))
    return unauthentic("the `token` does not match LEDGER_AIRCALL_TOKEN (the token Aircall shows for this webhook)")
  const { event, resource, timestamp, data } = payload
  if (typeof event !== "string") return malformed("`event` must be the Aircall event name, e.g. call.ended")
  if (resource !== "call" || !(aircallCallEvents as ReadonlyArray<string>).includes(event)) {
    return {
      kind: "ignored",
      reason: `Aircall ${String(resource)} event "${event}" is not one the ledger maps (${aircallCallEvents.join(", ")})`,
    }
  }
  if (!isObject(data)) return malformed("`data` must be the Aircall Call object")
  const callId = idOf(data.id)
  if (callId === undefined) return malformed("`data.id` (the Aircall call id) is missing")
  return readingInstants(() => {
    const occurredAt = instantOfEpoch(timestamp, "seconds", "timestamp")
    if (occurredAt === undefined) return malformed("`timestamp` must be the event's UNIX time in seconds")
    return {
      kind: "call",
      signal: {
        vendorCallId: callId,
        vendorEvent: event,
        occurredAt,
        // Aircall sends no delivery id; a retry repeats the event, the call and the event's timestamp
        // (as a number: `1762092300`, `"1762092300"` and `1.7620923e9` are one instant, one key).
        deliveryKey: `aircall:${callId}:${event}:${Number(timestamp)}`,
        facts: callFacts(event, data),
        raw: maskedFields(payload, aircallPayload.proofFields),
      },
    }
  })
}

/** What one Aircall Call object says, as the ledger reads it (see the module's table). */
export const callFacts = (event: string, call: Json): CallFacts => {
  const userId = isObject(call.user) ? idOf(call.user.id) : undefined
  const numberId = isObject(call.number) ? idOf(call.number.id) : undefined
  const repId =
    userId !== undefined
      ? identityAlias("aircall", userId)
      : numberId !== undefined
        ? identityAlias("aircall", `number-${numberId}`)
        : undefined
  const direction = call.direction === "inbound" || call.direction === "outbound" ? call.direction : undefined
  const startedAt = instantOfEpoch(call.started_at, "seconds", "data.started_at")
  const answeredAt = instantOfEpoch(call.answered_at, "seconds", "data.answered_at")
  const endedAt = instantOfEpoch(call.ended_at, "seconds", "data.ended_at")
  const terminal = event === "call.ended"
  const voicemail = typeof call.voicemail === "string" && call.voicemail !== ""
  const disposition = answeredAt !== undefined ? "connected" : voicemail ? "voicemail" : "no_answer"
  const talkSeconds =
    answeredAt !== undefined && endedAt !== undefined
      ? Math.max(0, Math.round((Date.parse(endedAt) - Date.parse(answeredAt)) / 1000))
      : 0
  const status =
    typeof call.missed_call_reason === "string"
      ? call.missed_call_reason
      : typeof call.status === "string"
        ? call.status
        : undefined
  return {
    terminal,
    ...(repId === undefined ? {} : { repId }),
    ...(direction === undefined ? {} : { direction }),
    ...(terminal ? { disposition, durationSeconds: talkSeconds } : {}),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(answeredAt === undefined ? {} : { answeredAt }),
    ...(endedAt === undefined ? {} : { endedAt }),
    ...(status === undefined ? {} : { vendorStatus: status }),
  }
}

/** The Aircall connector: `POST /v1/webhooks/aircall`. */
export const aircall: Connector = defineConnector({
  source: "aircall",
  payload: aircallPayload,
  read: (delivery, secrets) => readAircall(delivery, secrets.aircallToken),
})
