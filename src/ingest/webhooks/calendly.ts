/**
 * @module Calendly webhooks (developer.calendly.com: "Webhook Signatures", the invitee payload, and
 * "Webhook Payloads for Rescheduled Events"). Calendly posts `{ event, created_at, created_by, payload }`
 * where `payload` is the Invitee (with its `scheduled_event`), and signs it:
 * `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>` where v1 = HMAC-SHA256(signing key,
 * `${t}.${raw body}`). The signature is compared in constant time, then `t` must lie within
 * LEDGER_CALENDLY_TOLERANCE_SECONDS (default 180) of the delivery's arrival, so a captured delivery
 * cannot be replayed later.
 *
 * | Calendly | ledger |
 * |---|---|
 * | `invitee.created` | `MeetingBooked` |
 * | `invitee.canceled` | `MeetingCanceled` |
 * | `invitee.canceled` with `rescheduled: true` | nothing (ignored): the reschedule's `invitee.created` carries the meeting on |
 * | `invitee.created` of a booking whose reschedule came first | nothing (ignored): the meeting is booked already |
 * | other events (`invitee_no_show.created`, `routing_form_submission.created`…) | nothing (ignored) |
 *
 * How a booking reads:
 * | MeetingBooked | Calendly |
 * |---|---|
 * | meetingId | `calendly-<invitee uuid>` (the last segment of `payload.uri`); a reschedule keeps the id of the meeting it moves, see below |
 * | repId | the host: `identityAlias("calendly", scheduled_event.event_memberships[0].user_email)`, lower-cased |
 * | accountId | the invitee's email domain (`bo@acme.com` → `acme.com`): people of one company book as one account; for a personal mailbox (gmail.com, outlook.com…) the whole address, so that strangers are not one account |
 * | contactId | the invitee's email, lower-cased |
 * | scheduledFor | `scheduled_event.start_time` |
 * | source | `outbound` when a Calendly user booked it for the invitee (`invitee_scheduled_by` set), else `inbound` (the invitee booked through the link) |
 * | occurredAt | the invitee's `created_at` |
 * | idempotencyKey | `calendly:invitee.created:<invitee uri>` (a retried delivery appends nothing) |
 *
 * Reschedules count once. Calendly reschedules by canceling the old invitee (`rescheduled: true`)
 * and creating a new one whose `old_invitee` names it. The new booking is a `MeetingBooked` with the
 * old booking's meetingId, found in the ledger (`LedgerLookup`: the old invitee's stored
 * MeetingBooked, by its idempotency key), so the folds read it as a reschedule of the same meeting
 * (projections/meetings.ts); a chain of reschedules keeps the first id. If the old booking was never
 * received, the old invitee's own id is used. A cancel finds its meeting the same way. An original
 * booking that arrives after its reschedule (a retry hours late) finds its meeting booked already and
 * is ignored: folded last, it would move the meeting back to its first slot.
 *
 * @example
 * const reading = await readCalendly(delivery, { signingKey, toleranceSeconds: 180 }, lookup)
 */
import { createHmac } from "node:crypto"
import { type IncomingEvent, identityAlias, parseEvent } from "../../../events/index.js"
import {
  type Connector,
  type Delivery,
  defineConnector,
  type LedgerLookup,
  malformed,
  notConfigured,
  type Reading,
  readingInstants,
  sameSecret,
  unauthentic,
} from "./connector.js"
import { instantOfEpoch, instantOfText } from "./instants.js"
import type { KeptPayload } from "./keptPayload.js"
import { isObject, type Json } from "./payload.js"

/**
 * The signature header is the proof; nothing of the payload is kept but the events mapped from it
 * (whose `contactId` and `repId` the vocabulary declares). Its personal fields are declared all the
 * same, checked against the fixtures, for the day a payload is kept.
 */
export const calendlyPayload: KeptPayload = {
  proofFields: [],
  proofHeaders: ["Calendly-Webhook-Signature"],
  personalFields: {
    "payload.email": "identifies",
    "payload.text_reminder_number": "identifies",
    "payload.name": "describes",
    "payload.first_name": "describes",
    "payload.last_name": "describes",
    "payload.timezone": "describes",
    "payload.questions_and_answers.*.answer": "describes",
    "payload.cancellation.canceled_by": "describes",
    "payload.cancellation.reason": "describes",
    "payload.scheduled_event.event_memberships.*.user_email": "identifies",
    "payload.scheduled_event.event_memberships.*.user_name": "describes",
    "payload.scheduled_event.event_guests.*.email": "identifies",
    "payload.scheduled_event.location.location": "describes",
    "payload.scheduled_event.meeting_notes_plain": "describes",
    "payload.scheduled_event.meeting_notes_html": "describes",
  },
}

/** A Calendly string field, trimmed; blank is absent (ids here are never numbers). */
const trimmedText = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : undefined

/** Mailbox providers whose domain says nothing about the company of the person behind it. */
const personalMailDomains = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "ymail.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.com",
  "gmx.de",
  "web.de",
  "mail.com",
  "yandex.ru",
  "qq.com",
  "163.com",
])

/** The account an invitee books for: their email's domain, or their whole address at a personal mailbox. */
export const accountOfEmail = (email: string): string => {
  const address = email.trim().toLowerCase()
  const domain = address.slice(address.lastIndexOf("@") + 1)
  return personalMailDomains.has(domain) ? address : domain
}

/** The ledger's meeting id for a Calendly invitee: `calendly-<invitee uuid>`. */
export const meetingIdOfInvitee = (inviteeUri: string): string => {
  const uuid = /\/invitees\/([^/?#]+)\/?$/.exec(inviteeUri)?.[1]
  return `calendly-${uuid ?? inviteeUri}`
}

/** The idempotency key of the MeetingBooked for an invitee (what the ledger looks up on a reschedule). */
export const bookingKeyOf = (inviteeUri: string): string => `calendly:invitee.created:${inviteeUri}`

/** The parts of `Calendly-Webhook-Signature`: `t=<unix seconds>,v1=<hex>[,v1=…]`. */
export const signatureParts = (
  header: string,
): { readonly t: string; readonly v1: ReadonlyArray<string> } | undefined => {
  const pairs = header.split(",").map((part) => {
    const at = part.indexOf("=")
    return at < 0 ? ["", ""] : [part.slice(0, at).trim(), part.slice(at + 1).trim()]
  })
  const t = pairs.find(([key]) => key === "t")?.[1]
  const v1 = pairs.filter(([key, value]) => key === "v1" && value !== "").map(([, value]) => value as string)
  return t !== undefined && /^\d+$/.test(t) && v1.length > 0 ? { t, v1 } : undefined
}

/** The v1 signature Calendly computes: hex HMAC-SHA256 of `${t}.${body}` under the signing key. */
export const calendlySignature = (signingKey: string, t: string, body: string): string =>
  createHmac("sha256", signingKey).update(`${t}.${body}`).digest("hex")

/** The signature's `t` as an instant for the message; a `t` past what a Date holds (a forged or garbled header) as such. */
const signedAtText = (t: string): string => {
  try {
    return instantOfEpoch(t, "seconds", "t") ?? "the epoch"
  } catch {
    return "not a representable instant"
  }
}

/** Proves Calendly sent the delivery, recently: `undefined` when it did, else the 401 to answer. */
const verify = (delivery: Delivery, signingKey: string, toleranceSeconds: number): Reading | undefined => {
  const header = delivery.headers.get("calendly-webhook-signature")
  if (header === null)
    return unauthentic(
      "no Calendly-Webhook-Signature header: create the Calendly webhook subscription with a signing_key",
    )
  const parts = signatureParts(header)
  if (parts === undefined)
    return unauthentic("Calendly-Webhook-Signature must read t=<unix seconds>,v1=<hex signature>")
  const expected = calendlySignature(signingKey, parts.t, delivery.body)
  if (!parts.v1.some((sent) => sameSecret(sent.toLowerCase(), expected))) {
    return unauthentic(
      "the Calendly-Webhook-Signature does not match the body signed with LEDGER_CALENDLY_SIGNING_KEY (the subscription's signing key)",
    )
  }
  const ageSeconds = delivery.receivedAt.getTime() / 1000 - Number(parts.t)
  if (Math.abs(ageSeconds) > toleranceSeconds) {
    return unauthentic(
      "the signature's t is further from the delivery's arrival than LEDGER_CALENDLY_TOLERANCE_SECONDS: a replayed or delayed delivery (or a clock off by that much)",
      `t=${parts.t} (${signedAtText(parts.t)}) is ${Math.round(Math.abs(ageSeconds))} s ${ageSeconds > 0 ? "before" : "after"} the arrival, LEDGER_CALENDLY_TOLERANCE_SECONDS=${toleranceSeconds}`,
    )
  }
  return undefined
}

/** The meeting an invitee belongs to: its own booking's, else the booking it rescheduled, else its own id. */
const meetingOf = async (invitee: Json, uri: string, lookup: LedgerLookup | undefined): Promise<string> => {
  const bookedMeeting = async (inviteeUri: string): Promise<string | undefined> => {
    const stored = await lookup?.storedEvent(bookingKeyOf(inviteeUri))
    return stored?.type === "MeetingBooked" && isObject(stored.data) ? trimmedText(stored.data.meetingId) : undefined
  }
  const own = await bookedMeeting(uri)
  if (own !== undefined) return own
  const oldInvitee = trimmedText(invitee.old_invitee)
  if (oldInvitee === undefined) return meetingIdOfInvitee(uri)
  return (await bookedMeeting(oldInvitee)) ?? meetingIdOfInvitee(oldInvitee)
}

/**
 * True when an original booking comes after its own reschedule (a delivery retried late): its meeting
 * is booked already, by another invitee's booking. Folded last, it would move the meeting back to
 * its first slot (and revive it, were it canceled since).
 */
const movedAlready = async (meetingId: string, uri: string, lookup: LedgerLookup | undefined): Promise<boolean> => {
  const history = (await lookup?.streamEvents(`meeting-${meetingId}`)) ?? []
  return history.some((e) => e.type === "MeetingBooked") && (await lookup?.storedEvent(bookingKeyOf(uri))) === undefined
}

/** An event checked against the vocabulary; a payload that cannot make one is a 400 naming the field. */
const ledgerEvent = (event: unknown): { readonly event: IncomingEvent } | { readonly rejection: Reading } => {
  const parsed = parseEvent(event)
  if (parsed.ok) return { event: parsed.event }
  return {
    rejection: malformed(
      `the Calendly payload does not make a valid ledger event: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
    ),
  }
}

/** A Calendly ISO 8601 field as the ledger's instant (src/ingest/webhooks/instants.ts). */
const instantOf = (value: unknown, field: string): string | undefined => instantOfText(trimmedText(value), field)

/** Reads one Calendly delivery: the signature and its age first, then the invitee. */
export const readCalendly = async (
  delivery: Delivery,
  config: { readonly signingKey: string | undefined; readonly toleranceSeconds: number },
  lookup?: LedgerLookup,
): Promise<Reading> => {
  if (config.signingKey === undefined) return notConfigured("LEDGER_CALENDLY_SIGNING_KEY")
  const refused = verify(delivery, config.signingKey, config.toleranceSeconds)
  if (refused !== undefined) return refused
  let body: unknown
  try {
    body = JSON.parse(delivery.body)
  } catch {
    return malformed("the body is not JSON: Calendly posts { event, created_at, payload } as application/json")
  }
  if (!isObject(body)) return malformed("the body must be a JSON object: { event, created_at, payload }")
  const name = trimmedText(body.event)
  if (name !== "invitee.created" && name !== "invitee.canceled") {
    return {
      kind: "ignored",
      reason: `Calendly event "${String(body.event)}" is not one the ledger maps (invitee.created, invitee.canceled)`,
    }
  }
  const invitee = body.payload
  if (!isObject(invitee)) return malformed("`payload` must be the Calendly invitee")
  const uri = trimmedText(invitee.uri)
  if (uri === undefined) return malformed("`payload.uri` (the invitee's URI) is missing")
  if (name === "invitee.canceled" && invitee.rescheduled === true) {
    return {
      kind: "ignored",
      reason: "a reschedule's cancel: the new invitee's invitee.created moves the meeting, which stays booked",
    }
  }
  const meetingId = await meetingOf(invitee, uri, lookup)
  if (
    name === "invitee.created" &&
    trimmedText(invitee.old_invitee) === undefined &&
    (await movedAlready(meetingId, uri, lookup))
  ) {
    return {
      kind: "ignored",
      reason: `this booking was rescheduled, and the reschedule reached the ledger first: meeting ${meetingId} is booked already`,
    }
  }
  return readingInstants(() => {
    const made =
      name === "invitee.created" ? booking(body, invitee, uri, meetingId) : cancel(body, invitee, uri, meetingId)
    if ("rejection" in made) return made.rejection
    return { kind: "events", events: [made.event] }
  })
}

/** `invitee.created` as a MeetingBooked (see the module's second table). */
const booking = (body: Json, invitee: Json, uri: string, meetingId: string) => {
  const scheduled = isObject(invitee.scheduled_event) ? invitee.scheduled_event : undefined
  if (scheduled === undefined)
    return { rejection: malformed("`payload.scheduled_event` (the booked event) is missing") }
  const hosts = Array.isArray(scheduled.event_memberships) ? scheduled.event_memberships : []
  const host = hosts.map((m) => (isObject(m) ? trimmedText(m.user_email) : undefined)).find((e) => e !== undefined)
  if (host === undefined)
    return {
      rejection: malformed("`payload.scheduled_event.event_memberships[0].user_email` (the host, our rep) is missing"),
    }
  const email = trimmedText(invitee.email)
  if (email === undefined || !email.includes("@"))
    return { rejection: malformed("`payload.email` (the invitee's email, which names the account) is missing") }
  const scheduledFor = instantOf(scheduled.start_time, "payload.scheduled_event.start_time")
  if (scheduledFor === undefined)
    return { rejection: malformed("`payload.scheduled_event.start_time` must be an ISO 8601 instant") }
  return ledgerEvent({
    type: "MeetingBooked",
    occurredAt: instantOf(invitee.created_at, "payload.created_at") ?? instantOf(body.created_at, "created_at"),
    idempotencyKey: bookingKeyOf(uri),
    data: {
      meetingId,
      repId: identityAlias("calendly", host.toLowerCase()),
      accountId: accountOfEmail(email),
      contactId: email.toLowerCase(),
      scheduledFor,
      source: trimmedText(invitee.invitee_scheduled_by) !== undefined ? "outbound" : "inbound",
    },
  })
}

/** `invitee.canceled` (not a reschedule) as a MeetingCanceled. */
const cancel = (body: Json, invitee: Json, uri: string, meetingId: string) => {
  const cancellation = isObject(invitee.cancellation) ? invitee.cancellation : {}
  const by = trimmedText(cancellation.canceler_type)
  const why = trimmedText(cancellation.reason)
  const reason = by === undefined ? why : `canceled by the ${by}${why === undefined ? "" : `: ${why}`}`
  return ledgerEvent({
    type: "MeetingCanceled",
    occurredAt:
      instantOf(cancellation.created_at, "payload.cancellation.created_at") ??
      instantOf(invitee.updated_at, "payload.updated_at") ??
      instantOf(body.created_at, "created_at"),
    idempotencyKey: `calendly:invitee.canceled:${uri}`,
    data: { meetingId, ...(reason === undefined ? {} : { reason }) },
  })
}

/** The Calendly connector: `POST /v1/webhooks/calendly`. */
export const calendly: Connector = defineConnector({
  source: "calendly",
  payload: calendlyPayload,
  read: (delivery, secrets, lookup) =>
    readCalendly(
      delivery,
      { signingKey: secrets.calendlySigningKey, toleranceSeconds: secrets.calendlyToleranceSeconds },
      lookup,
    ),
})
