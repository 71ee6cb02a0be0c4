/**
 * @module RingCentral telephony-session notifications (developers.ringcentral.com: "Extension
 * Telephony Sessions Event", "Receiving Webhooks", "Telephony Session Notifications"). Subscribe a
 * WebHook to the event filter `/restapi/v1.0/account/~/extension/~/telephony/sessions` with a
 * `verificationToken`:
 * - the subscription's handshake is an empty request carrying `Validation-Token`: it is answered 200
 *   with the same header echoed, nothing stored, and not counted as a delivery (anyone can send
 *   one); refused with 503 while LEDGER_RINGCENTRAL_VERIFICATION_TOKEN is unset, so that a
 *   subscription whose deliveries would all be refused is not created;
 * - every delivery carries `Verification-Token`, compared in constant time with
 *   LEDGER_RINGCENTRAL_VERIFICATION_TOKEN (RingCentral signs nothing).
 *
 * Two shapes are read. The webhook shape is the notification itself,
 * `{ uuid, event, timestamp, subscriptionId, ownerId, body: { telephonySessionId, parties, eventTime… } }`.
 * The event-filter reference's example wraps that same notification in a push envelope,
 * `{ uuid, subscriptionId, ownerId, pn_apns: { aps, uuid, event, timestamp, …, body } }`: the
 * notification is then `pn_apns`. Either way one notification is one party's status change.
 *
 * One notification is one signal of the call `ringcentral-<telephonySessionId>`, about the party of
 * a RingCentral extension (preferring the subscription owner's, `ownerId`); a notification about
 * no extension's party (the far end of an account-level subscription) is ignored.
 * | ledger | RingCentral |
 * |---|---|
 * | repId | `identityAlias("ringcentral", party.extensionId)` |
 * | direction | `party.direction` (`Outbound`: the rep placed the call; `Inbound`: the rep was called) |
 * | vendorStatus | `party.status.code`, with `status.reason` when there is one (`Disconnected: TargetBusy`) |
 * | startedAt / answeredAt / endedAt | `body.eventTime` of `Setup`/`Proceeding`, of `Answered`, of `Disconnected`/`Gone` |
 * | terminal | `Disconnected` or `Gone` (the party left the session: hung up, or transferred away) |
 * | delivery key | the notification's `uuid` (without one, `contentKeyOf` the notification as parsed) |
 *
 * The call's one CallLogged (`ringCentralCallOutcome`), from the party that answered first (else
 * the party whose end came last), once that party has ended:
 * | disposition | when |
 * |---|---|
 * | connected | the party was `Answered`, and its start (`Setup`/`Proceeding`) is in too (see below); duration = its end − its first `Answered` (a `Hold` → `Answered` does not restart it) |
 * | voicemail | the party went to `VoiceMail` (the caller was sent to the rep's voicemail) |
 * | busy | ended with reason `TargetBusy` |
 * | failed | ended with reason `InvalidNumber`, `InternationalDisabled`, `DestinationBlocked`, `NotEnoughFunds`, `NoSuchUser` or `InternalError` |
 * | no_answer | `missedCall: true`, or reason `NoAnswer`, `Timeout`, `Rejected` or `Cancelled` |
 * | (wait) | ended with any other reason (or none) but no `Answered` seen yet: the call ended normally, so its `Answered` notification is still on the way (deliveries come in any order) |
 *
 * Its occurredAt is the party's start (else its first `Answered`, else its end), so the call counts
 * on the day it was made.
 *
 * The CallLogged is decided once, on the first delivery that completes it. A connected call waits for
 * its party's start as well as its end, since every party starts (`Setup`/`Proceeding`) before its
 * first `Answered`, and for an `Answered` earlier than any `Hold` seen, since a party is put on hold
 * only once answered: an `Answered` resumed after a `Hold` is then not taken for the first, unless
 * the first `Answered` arrives after the start, the end and the resume, and before the `Hold` (the
 * duration then counts from the resume). RingCentral's `sequence` cannot tell, since an extension's
 * subscription sees only some of the session's numbers.
 *
 * @example
 * const reading = readRingCentral(delivery, process.env.LEDGER_RINGCENTRAL_VERIFICATION_TOKEN)
 */
import { identityAlias } from "../../../events/index.js"
import {
  type CallDisposition,
  type CallFacts,
  type CallOutcome,
  type CallSignal,
  type Connector,
  contentKeyOf,
  type Delivery,
  defineConnector,
  malformed,
  notConfigured,
  type Reading,
  readingInstants,
  sameSecret,
  unauthentic,
} from "./connector.js"
import { instantOfText } from "./instants.js"
import type { FieldPath, KeptPayload, PayloadPersonalKind } from "./keptPayload.js"
import { isObject, type Json, textOf } from "./payload.js"

/**
 * The tokens travel in headers, never kept; the notification kept in `metadata.raw` holds none.
 * (`Validation-Token` is the handshake's, echoed and forgotten.)
 */
export const ringCentralPayload: KeptPayload = {
  proofFields: [],
  proofHeaders: ["Verification-Token", "Validation-Token"],
  // Each party's two ends, in the webhook shape and in the push envelope's (`pn_apns`); a mobile
  // pickup's `to` is the SIP address of the rep's device.
  personalFields: Object.fromEntries(
    ["body", "pn_apns.body"].flatMap(
      (body): Array<[FieldPath, PayloadPersonalKind]> => [
        [`${body}.parties.*.from.phoneNumber`, "identifies"],
        [`${body}.parties.*.to.phoneNumber`, "identifies"],
        [`${body}.parties.*.from.name`, "describes"],
        [`${body}.parties.*.to.name`, "describes"],
        [`${body}.parties.*.status.mobilePickupData.to`, "describes"],
      ],
    ),
  ),
}

/** Disconnect reasons that mean nobody answered. */
const unansweredReasons = new Set(["NoAnswer", "Timeout", "Rejected", "Cancelled"])
/** Disconnect reasons that mean the call could not be placed. */
const failureReasons = new Set([
  "InvalidNumber",
  "InternationalDisabled",
  "DestinationBlocked",
  "NotEnoughFunds",
  "NoSuchUser",
  "InternalError",
])

/** The status codes after which the party is no longer in the session. */
const endCodes = new Set(["Disconnected", "Gone"])
const startCodes = new Set(["Setup", "Proceeding"])

/** True for the telephony-session event filters, account or extension level (`…/telephony/sessions`, maybe with a query). */
export const isTelephonySessionEvent = (event: string): boolean => /\/telephony\/sessions(\?.*)?$/.test(event)

/**
 * The notification in a delivery: the body itself (webhook shape) or its `pn_apns` member (the
 * reference example's push-envelope shape); `undefined` when neither holds a `body` object.
 */
export const notificationOf = (payload: Json): Json | undefined => {
  if (isObject(payload.body)) return payload
  if (isObject(payload.pn_apns) && isObject(payload.pn_apns.body))
    return { uuid: payload.uuid, ownerId: payload.ownerId, ...payload.pn_apns }
  return undefined
}

/** The party a notification is about: an extension's, the subscription owner's first. */
const repPartyOf = (parties: ReadonlyArray<unknown>, ownerId: string | undefined): Json | undefined => {
  const ofExtensions = parties.filter((p): p is Json => isObject(p) && textOf(p.extensionId) !== undefined)
  return ofExtensions.find((p) => ownerId !== undefined && textOf(p.extensionId) === ownerId) ?? ofExtensions[0]
}

/** How a party's end reads on its own; `connected` means "ended normally", confirmed by its `Answered`. */
const dispositionOfEnd = (party: Json, reason: string | undefined): CallDisposition => {
  if (party.missedCall === true) return "no_answer"
  if (reason === "TargetBusy") return "busy"
  if (reason !== undefined && failureReasons.has(reason)) return "failed"
  if (reason !== undefined && unansweredReasons.has(reason)) return "no_answer"
  return "connected"
}

/** Reads one RingCentral delivery: the handshake, then the verification token, then the notification. */
export const readRingCentral = (delivery: Delivery, verificationToken: string | undefined): Reading => {
  if (verificationToken === undefined) return notConfigured("LEDGER_RINGCENTRAL_VERIFICATION_TOKEN")
  // The handshake is an empty POST; a notification that also carries Validation-Token (the header's
  // name before RingCentral renamed it Verification-Token) is read as a notification.
  const validationToken = delivery.headers.get("validation-token")
  if (validationToken !== null && delivery.body.trim() === "")
    return { kind: "reply", status: 200, headers: { "Validation-Token": validationToken }, body: "" }
  const sent = delivery.headers.get("verification-token")
  if (sent === null)
    return unauthentic(
      "no Verification-Token header: create the RingCentral subscription with deliveryMode.verificationToken",
    )
  if (!sameSecret(sent, verificationToken)) {
    return unauthentic(
      "the Verification-Token header does not match LEDGER_RINGCENTRAL_VERIFICATION_TOKEN (the subscription's deliveryMode.verificationToken)",
    )
  }
  let payload: unknown
  try {
    payload = JSON.parse(delivery.body)
  } catch {
    return malformed("the body is not JSON: RingCentral posts the notification as application/json")
  }
  if (!isObject(payload)) return malformed("the body must be a JSON object: a RingCentral notification")
  const notification = notificationOf(payload)
  if (notification === undefined)
    return malformed(
      "no notification `body` (nor `pn_apns.body`): expected a RingCentral telephony-session notification",
    )
  const event = textOf(notification.event)
  if (event === undefined || !isTelephonySessionEvent(event)) {
    return {
      kind: "ignored",
      reason: `RingCentral event "${String(notification.event)}" is not a telephony-session notification (…/telephony/sessions)`,
    }
  }
  const body = notification.body as Json
  const sessionId = textOf(body.telephonySessionId)
  if (sessionId === undefined) return malformed("`body.telephonySessionId` (the call session's id) is missing")
  const parties = body.parties
  if (!Array.isArray(parties)) return malformed("`body.parties` must be the array of the session's parties")
  return readingInstants(() => {
    const occurredAt =
      instantOfText(body.eventTime, "body.eventTime") ?? instantOfText(notification.timestamp, "timestamp")
    if (occurredAt === undefined) return malformed("`body.eventTime` must be the event's ISO 8601 instant")
    const party = repPartyOf(parties, textOf(notification.ownerId))
    if (party === undefined)
      return {
        kind: "ignored",
        reason: "no party of a RingCentral extension in this notification (the far end of the call)",
      }
    const status = isObject(party.status) ? party.status : {}
    const code = textOf(status.code)
    if (code === undefined) return malformed("`body.parties[].status.code` (the party's call status) is missing")
    const uuid = textOf(notification.uuid)
    return {
      kind: "call",
      signal: {
        vendorCallId: sessionId,
        vendorEvent: code,
        occurredAt,
        deliveryKey: uuid === undefined ? contentKeyOf("ringcentral", payload) : `ringcentral:${uuid}`,
        facts: partyFacts(party, code, textOf(status.reason), occurredAt),
        raw: payload,
      },
    }
  })
}

/** What one party's status change says (see the module's table). */
export const partyFacts = (party: Json, code: string, reason: string | undefined, at: string): CallFacts => {
  const extensionId = textOf(party.extensionId)
  const direction = party.direction === "Outbound" ? "outbound" : party.direction === "Inbound" ? "inbound" : undefined
  const terminal = endCodes.has(code)
  return {
    terminal,
    ...(extensionId === undefined ? {} : { repId: identityAlias("ringcentral", extensionId) }),
    ...(direction === undefined ? {} : { direction }),
    ...(startCodes.has(code) ? { startedAt: at } : {}),
    ...(code === "Answered" ? { answeredAt: at } : {}),
    ...(terminal ? { endedAt: at, disposition: dispositionOfEnd(party, reason) } : {}),
    vendorStatus: reason === undefined ? code : `${code}: ${reason}`,
  }
}

const msOf = (instant: string | undefined): number => (instant === undefined ? Number.NaN : Date.parse(instant))
const earliest = (instants: ReadonlyArray<string | undefined>): string | undefined =>
  instants.filter((i): i is string => i !== undefined).sort((a, b) => msOf(a) - msOf(b))[0]

/** `VoiceMail` as the reference spells it, `Voicemail` as its status table does. */
const wentToVoicemail = (signal: CallSignal): boolean => signal.facts.vendorStatus?.toLowerCase() === "voicemail"

/** The call's one CallLogged, from its signals in any order (see the module's second table). */
export const ringCentralCallOutcome = (signals: ReadonlyArray<CallSignal>): CallOutcome | undefined => {
  const answerer = [...signals]
    .filter((s) => s.facts.answeredAt !== undefined)
    .sort((a, b) => msOf(a.facts.answeredAt) - msOf(b.facts.answeredAt))[0]
  const lastEnd = [...signals]
    .filter((s) => s.facts.terminal)
    .sort((a, b) => msOf(a.occurredAt) - msOf(b.occurredAt))
    .at(-1)
  const repId = answerer?.facts.repId ?? lastEnd?.facts.repId
  if (repId === undefined) return undefined
  const party = signals.filter((s) => s.facts.repId === repId)
  const end = party.filter((s) => s.facts.terminal).sort((a, b) => msOf(a.occurredAt) - msOf(b.occurredAt))[0]
  if (end === undefined) return undefined
  const answeredAt = earliest(party.map((s) => s.facts.answeredAt))
  const direction = party.map((s) => s.facts.direction).find((d) => d !== undefined) ?? "outbound"
  const startedAt = earliest(party.map((s) => s.facts.startedAt)) ?? answeredAt ?? end.occurredAt
  const logged = (disposition: CallDisposition, durationSeconds: number): CallOutcome => ({
    repId,
    direction,
    disposition,
    durationSeconds,
    occurredAt: startedAt,
  })
  if (answeredAt !== undefined) {
    // Every party starts with Setup or Proceeding, before its first Answered: until the start is in,
    // the Answered at hand may be a resume after Hold, and the duration would start too late.
    if (earliest(party.map((s) => s.facts.startedAt)) === undefined) return undefined
    // A party is put on Hold only once answered: an earliest Answered after a Hold is a resume.
    const firstHold = earliest(party.filter((s) => s.facts.vendorStatus === "Hold").map((s) => s.occurredAt))
    if (firstHold !== undefined && msOf(answeredAt) > msOf(firstHold)) return undefined
    return logged("connected", Math.max(0, Math.round((msOf(end.occurredAt) - msOf(answeredAt)) / 1000)))
  }
  if (party.some(wentToVoicemail)) return logged("voicemail", 0)
  const ended = end.facts.disposition ?? "no_answer"
  // Ended normally yet not seen answered: the Answered notification is still on its way.
  if (ended === "connected") return undefined
  return logged(ended, 0)
}

/** The RingCentral connector: `POST /v1/webhooks/ringcentral`. */
export const ringcentral: Connector = defineConnector({
  source: "ringcentral",
  payload: ringCentralPayload,
  read: (delivery, secrets) => readRingCentral(delivery, secrets.ringcentralVerificationToken),
  callOutcome: ringCentralCallOutcome,
})
