/**
 * @module Dialpad call events (developers.dialpad.com "Call Events"; the payload is Dialpad's Call
 * object, `CallProto` in Dialpad's API specification). A call-event subscription posts one payload
 * per state change of a call. When the webhook was created with a secret
 * (`signature: { type: "jwt", algo: "HS256", secret }`), the body is a JWT signed HS256 with it:
 * verified with `jose` against LEDGER_DIALPAD_SECRET, its `exp`, `nbf` and `iat` (when present)
 * checked against the delivery's arrival with `clockToleranceSeconds` of leeway; a body that is not
 * such a token is refused with 401. Without LEDGER_DIALPAD_SECRET every delivery is refused with
 * 503 naming the variable, unless LEDGER_DIALPAD_ALLOW_UNSIGNED=true: then plain JSON is accepted,
 * as Dialpad sends it for a webhook without secret — from anyone who finds the URL (a signed body
 * then cannot be checked: still 503).
 *
 * One payload is one signal of the call `dialpad-<call_id>`:
 * | ledger | Dialpad |
 * |---|---|
 * | repId | `identityAlias("dialpad", target.id)` when `target.type` is `user` (the id, not the email: ids are stable, an email changes with a rename and is absent for some targets) |
 * | direction | `direction` (`inbound` / `outbound`) |
 * | startedAt / answeredAt / endedAt | `date_started` / `date_connected` / `date_ended` (milliseconds since the epoch) |
 * | terminal | `state` `hangup` (the call ended) or `missed` (an inbound call nobody answered) |
 * | durationSeconds | `duration` (talk time in ms; `total_duration` would include the ringing), else `date_ended − date_connected` |
 * | vendorStatus | `state` |
 * | occurredAt of the signal | `event_timestamp` |
 * | delivery key | `dialpad:<call_id>:<state>:<event_timestamp>` (Dialpad sends no delivery id); without `event_timestamp`, `contentKeyOf` the claims as parsed |
 *
 * The call's one CallLogged (`dialpadCallOutcome`), at its first terminal payload (a `hangup`
 * carries the whole call: connected instant, end, talk time):
 * | disposition | when |
 * |---|---|
 * | connected | `date_connected` is set |
 * | voicemail | not connected, and a `voicemail` or `voicemail_uploaded` state was seen (the caller left the rep a message) |
 * | no_answer | not connected otherwise (`missed`, or a `hangup` before anyone answered); Dialpad reports no busy signal |
 *
 * A call to a department, call center or office line is a group call with one leg per operator
 * rung; only the legs whose `target.type` is `user` name a rep, so only they are logged (the group
 * leg is stored, its CallLogged never decided).
 *
 * The claims are kept whole in `metadata.raw`; the JWT's signature is not kept.
 *
 * @example
 * const reading = await readDialpad(delivery, { secret: process.env.LEDGER_DIALPAD_SECRET, allowUnsigned: false })
 */
import { base64url, errors, jwtVerify } from "jose"
import { identityAlias, unstorableText } from "../../../events/index.js"
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
  unauthentic,
} from "./connector.js"
import { instantOfEpoch } from "./instants.js"
import type { FieldPath, KeptPayload, PayloadPersonalKind } from "./keptPayload.js"
import { isObject, type Json, textOf } from "./payload.js"

/**
 * The JWT's signature is the proof, and the body (the token) is not kept: its claims are. The Call
 * object names both ends (`external_number`, `contact`; `internal_number`, `target`), the line the
 * call came through and the proxy; its recording, voicemail and transcript are the people's words.
 */
export const dialpadPayload: KeptPayload = {
  proofFields: [],
  proofHeaders: [],
  personalFields: {
    external_number: "identifies",
    internal_number: "identifies",
    ...Object.fromEntries(
      ["contact", "target", "entry_point_target", "proxy_target"].flatMap(
        (party): Array<[FieldPath, PayloadPersonalKind]> => [
          [`${party}.email`, "identifies"],
          [`${party}.phone`, "identifies"],
          [`${party}.name`, "describes"],
        ],
      ),
    ),
    recording_url: "describes",
    voicemail_link: "describes",
    transcription_text: "describes",
  },
}

/** How far Dialpad's clock and ours may disagree when `exp`, `nbf` and `iat` are checked. */
export const clockToleranceSeconds = 60

/** A Dialpad field in milliseconds since the epoch, as ISO 8601 (src/ingest/webhooks/instants.ts). */
const instantOf = (call: Json, field: string): string | undefined => instantOfEpoch(call[field], "milliseconds", field)

/** The states after which Dialpad's call is over. */
const endStates = new Set(["hangup", "missed"])
const voicemailStates = new Set(["voicemail", "voicemail_uploaded"])

/** A compact JWS: three base64url segments. */
const jwtShape = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/

/**
 * Parses a Dialpad payload keeping its ids exact: Dialpad's ids are 16-digit integers, past what a
 * JavaScript number holds exactly (2^53 ≈ 9.007e15), so integers of 16 digits or more under a key
 * ending in `id` are read as text.
 */
export const parseDialpadJson = (text: string): unknown =>
  JSON.parse(text.replace(/(?<!\\)"([A-Za-z_]*id)"(\s*):(\s*)(\d{16,})(?=\s*[,}\]])/g, '"$1"$2:$3"$4"'))

type Verified = { readonly claims: string } | { readonly refused: Reading }

// The claims are bytes under the signature: decoded strictly, like every body (src/http/body.ts),
// so that bytes which are not UTF-8 are refused rather than mended into U+FFFD and stored.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * Verifies the body as Dialpad's HS256 JWT, signature then times (`exp`, `nbf`, `iat`) at the
 * delivery's arrival: its claims as text (parsed later keeping Dialpad's long ids exact), or the
 * refusal. Reasons are fixed words: they are kept in the ingestion status.
 */
const verifiedClaims = async (token: string, secret: string, receivedAt: Date): Promise<Verified> => {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ["HS256"],
      clockTolerance: clockToleranceSeconds,
      currentDate: receivedAt,
    })
    if (typeof payload.iat === "number" && payload.iat > receivedAt.getTime() / 1000 + clockToleranceSeconds)
      return { refused: unauthentic("the JWT's `iat` is in the future: it was not issued by Dialpad's clock") }
    try {
      return { claims: strictUtf8.decode(base64url.decode(token.split(".")[1] as string)) }
    } catch {
      return { refused: malformed("the JWT's claims are not valid UTF-8: Dialpad signs UTF-8 JSON") }
    }
  } catch (error) {
    if (error instanceof errors.JOSEAlgNotAllowed)
      return { refused: unauthentic("the JWT is not signed HS256, the algorithm Dialpad uses") }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return {
        refused: unauthentic(
          "the JWT's signature does not verify with LEDGER_DIALPAD_SECRET (the secret given when the Dialpad webhook was created)",
        ),
      }
    }
    if (error instanceof errors.JWTExpired)
      return { refused: unauthentic("the JWT has expired (`exp`): a replayed or long-delayed delivery") }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return {
        refused: unauthentic(
          "the JWT is not valid at its arrival (`nbf` in the future, or a time claim that is not a number)",
        ),
      }
    }
    // Signed right (jose checks the signature before the claims), but its claims are no JSON object:
    // authentic, not a call event; bytes that are not UTF-8 are named as such, as on every route.
    if (error instanceof errors.JWTInvalid) {
      try {
        strictUtf8.decode(base64url.decode(token.split(".")[1] as string))
      } catch {
        return { refused: malformed("the JWT's claims are not valid UTF-8: Dialpad signs UTF-8 JSON") }
      }
      return { refused: malformed("the JWT's claims are not a JSON object: expected a Dialpad call event") }
    }
    return {
      refused: unauthentic(
        "the body is not a valid JWT: Dialpad sends each event as a JWT signed HS256 with the webhook's secret",
        error instanceof Error ? error.message : undefined,
      ),
    }
  }
}

/** Whether unsigned Dialpad deliveries may be accepted, and with which secret signed ones are checked. */
export type DialpadProof = { readonly secret: string | undefined; readonly allowUnsigned: boolean }

/** Reads one Dialpad delivery: the JWT first (or the explicit opt-in to unsigned JSON), then the call event. */
export const readDialpad = async (delivery: Delivery, proof: DialpadProof): Promise<Reading> => {
  const body = delivery.body.trim()
  const signed = jwtShape.test(body)
  let text: string
  if (proof.secret !== undefined) {
    if (!signed)
      return unauthentic(
        "the body is not a JWT: with LEDGER_DIALPAD_SECRET set, Dialpad sends each event as a JWT signed HS256 with the webhook's secret",
      )
    const verified = await verifiedClaims(body, proof.secret, delivery.receivedAt)
    if ("refused" in verified) return verified.refused
    text = verified.claims
  } else {
    if (signed) return notConfigured("LEDGER_DIALPAD_SECRET")
    if (!proof.allowUnsigned)
      return notConfigured(
        "LEDGER_DIALPAD_SECRET",
        "or LEDGER_DIALPAD_ALLOW_UNSIGNED=true to accept unsigned deliveries, which anyone who finds this URL can send",
      )
    text = body
  }
  let payload: unknown
  try {
    payload = parseDialpadJson(text)
  } catch {
    return malformed(`the ${signed ? "JWT's claims are" : "body is"} not JSON: expected a Dialpad call event`)
  }
  if (!isObject(payload)) return malformed("expected a Dialpad call event: a JSON object with `call_id` and `state`")
  // The claims were parsed from a JWT, past the body reader's nesting check: check them before anything walks them.
  const unstorable = unstorableText(payload)
  if (unstorable !== undefined) return malformed(`\`${unstorable.path}\` ${unstorable.message}`)
  const callId = textOf(payload.call_id)
  if (callId === undefined) return malformed("`call_id` (the Dialpad call's id) is missing")
  const state = textOf(payload.state)
  if (state === undefined) return malformed("`state` (the call state this event reports, e.g. hangup) is missing")
  return readingInstants(() => {
    const occurredAt =
      instantOf(payload, "event_timestamp") ??
      instantOf(payload, "date_ended") ??
      instantOf(payload, "date_connected") ??
      instantOf(payload, "date_started")
    if (occurredAt === undefined)
      return malformed("`event_timestamp` must be the event's time in milliseconds since the epoch")
    const eventTimestamp = textOf(payload.event_timestamp)
    return {
      kind: "call",
      signal: {
        vendorCallId: callId,
        vendorEvent: state,
        occurredAt,
        deliveryKey:
          eventTimestamp === undefined
            ? contentKeyOf("dialpad", payload)
            : `dialpad:${callId}:${state}:${eventTimestamp}`,
        facts: callFacts(state, payload),
        raw: payload,
      },
    }
  })
}

/** What one Dialpad Call object says (see the module's first table). */
export const callFacts = (state: string, call: Json): CallFacts => {
  const target = isObject(call.target) ? call.target : undefined
  const userId =
    target !== undefined && (target.type === undefined || target.type === "user") ? textOf(target.id) : undefined
  const direction = call.direction === "inbound" || call.direction === "outbound" ? call.direction : undefined
  const startedAt = instantOf(call, "date_started")
  const answeredAt = instantOf(call, "date_connected")
  const endedAt = instantOf(call, "date_ended")
  const terminal = endStates.has(state)
  const talkMs =
    typeof call.duration === "number" && Number.isFinite(call.duration)
      ? call.duration
      : answeredAt !== undefined && endedAt !== undefined
        ? Date.parse(endedAt) - Date.parse(answeredAt)
        : 0
  return {
    terminal,
    ...(userId === undefined ? {} : { repId: identityAlias("dialpad", userId) }),
    ...(direction === undefined ? {} : { direction }),
    ...(terminal
      ? {
          disposition: answeredAt !== undefined ? "connected" : "no_answer",
          durationSeconds: answeredAt !== undefined ? Math.max(0, Math.round(talkMs / 1000)) : 0,
        }
      : {}),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(answeredAt === undefined ? {} : { answeredAt }),
    ...(endedAt === undefined ? {} : { endedAt }),
    vendorStatus: state,
  }
}

const msOf = (instant: string): number => Date.parse(instant)

/** The call's one CallLogged, from its signals in any order (see the module's second table). */
export const dialpadCallOutcome = (signals: ReadonlyArray<CallSignal>): CallOutcome | undefined => {
  const ends = signals.filter((s) => s.facts.terminal).sort((a, b) => msOf(a.occurredAt) - msOf(b.occurredAt))
  const end = ends.find((s) => s.facts.vendorStatus === "hangup") ?? ends[0]
  if (end === undefined) return undefined
  const known = <K extends keyof CallFacts>(key: K): CallFacts[K] | undefined =>
    end.facts[key] ?? signals.map((s) => s.facts[key]).find((v) => v !== undefined)
  const repId = known("repId")
  if (repId === undefined) return undefined
  const answeredAt = known("answeredAt")
  const endedAt = known("endedAt") ?? end.occurredAt
  const disposition: CallDisposition =
    answeredAt !== undefined
      ? "connected"
      : signals.some((s) => voicemailStates.has(s.facts.vendorStatus ?? ""))
        ? "voicemail"
        : "no_answer"
  const durationSeconds =
    disposition !== "connected"
      ? 0
      : end.facts.disposition === "connected"
        ? (end.facts.durationSeconds ?? 0)
        : Math.max(0, Math.round((msOf(endedAt) - msOf(answeredAt as string)) / 1000))
  return {
    repId,
    direction: known("direction") ?? "outbound",
    disposition,
    durationSeconds,
    occurredAt: known("startedAt") ?? end.occurredAt,
  }
}

/** The Dialpad connector: `POST /v1/webhooks/dialpad`. */
export const dialpad: Connector = defineConnector({
  source: "dialpad",
  payload: dialpadPayload,
  read: (delivery, secrets) =>
    readDialpad(delivery, { secret: secrets.dialpadSecret, allowUnsigned: secrets.dialpadAllowUnsigned === true }),
  callOutcome: dialpadCallOutcome,
})
