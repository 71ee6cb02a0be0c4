/**
 * @module The connector contract: what every vendor module (aircall.ts, twilio.ts, ringcentral.ts,
 * dialpad.ts, calendly.ts) implements. A connector is pure: it gets a delivery (raw body, headers,
 * public URL, the instant it arrived) and the configured secrets, proves the vendor sent it, and
 * says what it means: a handshake to answer, a rejection, nothing we map, one call signal, or
 * ledger events. The webhook plumbing (src/http/webhooks.ts, src/ingest/callSignals.ts) does the I/O.
 *
 * @example
 * const reading = await aircall.read(delivery, secrets)
 * if (reading.kind === "call") // append it as a CallEventReceived to call-aircall-<id>, then decide the CallLogged
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { EventData, IncomingEvent } from "../../../events/index.js"
import { InstantOutOfRange } from "./instants.js"
import { canonicalJson, type KeptPayload, keptPayloadOf } from "./keptPayload.js"

/** The vendors the ledger takes webhooks from; each has the route `POST /v1/webhooks/<source>`. */
export type ConnectorSource = "aircall" | "twilio" | "ringcentral" | "dialpad" | "calendly"

/** One HTTP delivery from a vendor, exactly as it arrived. */
export type Delivery = {
  /** The public URL the vendor posted to, with its query (LEDGER_PUBLIC_URL replaces the origin behind a proxy). */
  readonly url: string
  readonly headers: Headers
  /** The raw body, byte-exact as text (signatures are computed over it). */
  readonly body: string
  /** When the ledger received it: connectors have no clock of their own (replay windows use this). */
  readonly receivedAt: Date
}

/**
 * The secrets of every connector, from the environment (src/config.ts). A connector whose secret is
 * unset refuses deliveries with 503 naming the variable (`notConfigured`).
 */
export type ConnectorSecrets = {
  /** LEDGER_AIRCALL_TOKEN: the token Aircall shows for the webhook, sent in each payload's `token`. */
  readonly aircallToken?: string
  /** LEDGER_TWILIO_AUTH_TOKEN: the account's auth token, which keys `X-Twilio-Signature`. */
  readonly twilioAuthToken?: string
  /** LEDGER_RINGCENTRAL_VERIFICATION_TOKEN: the subscription's verification token. */
  readonly ringcentralVerificationToken?: string
  /** LEDGER_DIALPAD_SECRET: the webhook's JWT secret. */
  readonly dialpadSecret?: string
  /**
   * LEDGER_DIALPAD_ALLOW_UNSIGNED=true: with no LEDGER_DIALPAD_SECRET, accept Dialpad's plain JSON,
   * which anyone can send. Off by default: an unset secret refuses every delivery with 503.
   */
  readonly dialpadAllowUnsigned?: boolean
  /** LEDGER_CALENDLY_SIGNING_KEY: the webhook subscription's signing key. */
  readonly calendlySigningKey?: string
  /** LEDGER_CALENDLY_TOLERANCE_SECONDS: how old a Calendly signature's `t` may be (default 180). */
  readonly calendlyToleranceSeconds: number
}

/**
 * Why a delivery is refused: 400 a malformed payload, 401 not proven to come from the vendor, 503 not
 * configured. The ingestion status keeps `reason`, which an admin reads as evidence: for a 401 or a
 * 503 (a request nobody authenticated) it is the ledger's own fixed words, never text from the
 * request. `hint`, answered but never kept, may quote the request (the URL a signature was checked
 * against) to help whoever sent it.
 */
export type Rejection = { readonly status: 400 | 401 | 503; readonly reason: string; readonly hint?: string }

/** What a delivery means. */
export type Reading =
  /** A handshake to answer as is (RingCentral's `Validation-Token` echo); nothing is stored. */
  | { readonly kind: "reply"; readonly status: 200; readonly headers: Record<string, string>; readonly body: string }
  | { readonly kind: "rejected"; readonly rejection: Rejection }
  /** Authentic, but an event the ledger does not map (answered 200, nothing stored). */
  | { readonly kind: "ignored"; readonly reason: string }
  /** Dialers: one vendor event about one call. */
  | { readonly kind: "call"; readonly signal: CallSignal }
  /** Scheduling tools: ledger events, each with an idempotencyKey so a retried delivery appends nothing. */
  | { readonly kind: "events"; readonly events: ReadonlyArray<IncomingEvent> }

export type CallDirection = EventData<"CallLogged">["direction"]
export type CallDisposition = EventData<"CallLogged">["disposition"]

/**
 * What one vendor event says about its call, each fact when the event carries it. Stored as the
 * `CallEventReceived` event's data, so that a call's facts can be merged from its stream later.
 */
export type CallFacts = {
  /** True when this event ends the call (Aircall `call.ended`, Twilio `completed`/`busy`/…): a CallLogged may follow. */
  readonly terminal: boolean
  /** `identityAlias(source, vendorUserId)`; connectors never resolve identities themselves. */
  readonly repId?: string
  readonly accountId?: string
  readonly contactId?: string
  readonly direction?: CallDirection
  /** The disposition as the vendor defines it, on terminal events. */
  readonly disposition?: CallDisposition
  /** Talk time in seconds, on terminal events (0 when nobody answered). */
  readonly durationSeconds?: number
  /** When the call started ringing: the CallLogged's occurredAt, so a call counts on the day it was made. */
  readonly startedAt?: string
  readonly answeredAt?: string
  readonly endedAt?: string
  /** The vendor's own status word (Aircall `status`, Twilio `CallStatus`), for people reading the stream. */
  readonly vendorStatus?: string
}

/** One vendor event about one call. */
export type CallSignal = {
  /** The vendor's call id (Aircall `data.id`, Twilio `CallSid`); the ledger's callId is `<source>-<vendorCallId>`. */
  readonly vendorCallId: string
  /** The vendor's event name (`call.ended`, `completed`…). */
  readonly vendorEvent: string
  /** When the vendor says the event happened (ISO 8601, UTC). */
  readonly occurredAt: string
  /**
   * Idempotency: the vendor's delivery/event id when it has one, else `contentKeyOf(source, …)` of
   * what the vendor's proof covers, read as values: never of the bytes as spelled, which a replay
   * can re-spell (parameters reordered, percent-encoded otherwise) with the proof still valid.
   */
  readonly deliveryKey: string
  readonly facts: CallFacts
  /**
   * The vendor's payload as parsed, kept in the event's metadata so a better adapter can re-derive;
   * the connector's proof fields and any configured secret are masked in it (keptPayload.ts).
   */
  readonly raw: unknown
}

/** The CallLogged a call's signals amount to, without its callId (the plumbing names the call). */
export type CallOutcome = Omit<EventData<"CallLogged">, "callId"> & { readonly occurredAt: string }

/**
 * What a connector may look up in the ledger while reading a delivery (read only, after the
 * delivery is proven authentic): the stored event with an idempotency key. Calendly uses it to give a
 * rescheduled booking the id of the meeting it moves (the old invitee's MeetingBooked).
 */
export type LedgerLookup = {
  readonly storedEvent: (
    idempotencyKey: string,
  ) => Promise<{ readonly type: string; readonly data: unknown } | undefined>
  /** A stream's events in order, none when it does not exist (a booking that arrives after its own reschedule). */
  readonly streamEvents: (streamId: string) => Promise<ReadonlyArray<{ readonly type: string; readonly data: unknown }>>
}

export type Connector = {
  readonly source: ConnectorSource
  /** What of a delivery carries proof, masked or never kept, and which of its fields are personal data (keptPayload.ts). */
  readonly payload: KeptPayload
  /** Verifies authenticity FIRST, then parses. Pure (async only for JWT libraries and the ledger lookup). */
  read(delivery: Delivery, secrets: ConnectorSecrets, lookup?: LedgerLookup): Reading | Promise<Reading>
  /**
   * The one CallLogged a call's signals (in any order) amount to, once they hold a terminal event;
   * `undefined` while the call is not over. Dialers only; defaults to `callOutcomeOf`.
   */
  callOutcome?(signals: ReadonlyArray<CallSignal>): CallOutcome | undefined
}

/**
 * A connector whose readings never hold a secret: each call signal's `raw` is the payload as the
 * ledger keeps it (`keptPayloadOf`: the declared proof fields masked, any configured secret too),
 * whatever the vendor module put there.
 *
 * @example
 * export const aircall = defineConnector({ source: "aircall", payload: { proofFields: ["token"], proofHeaders: [], personalFields: { "data.raw_digits": "identifies" } }, read })
 */
export const defineConnector = (connector: Connector): Connector => {
  const kept = (reading: Reading, secrets: ConnectorSecrets): Reading =>
    reading.kind === "call"
      ? {
          ...reading,
          signal: {
            ...reading.signal,
            raw: keptPayloadOf(reading.signal.raw, connector.payload, configuredSecrets(secrets)),
          },
        }
      : reading
  return {
    ...connector,
    read: (delivery, secrets, lookup) => {
      const reading = connector.read(delivery, secrets, lookup)
      return reading instanceof Promise ? reading.then((r) => kept(r, secrets)) : kept(reading, secrets)
    },
  }
}

/** The ledger's id for a vendor's call: `aircall-123`, whose stream is `call-aircall-123`. */
export const callIdOf = (source: ConnectorSource, vendorCallId: string): string => `${source}-${vendorCallId}`

/**
 * The default merge of a call's signals: the latest terminal event (by `occurredAt`) gives the
 * disposition and the duration; every other fact is the terminal event's, else the latest one any
 * signal carried. The CallLogged happens when the call started (else when it ended).
 * `undefined` until a terminal signal with a disposition and a rep has arrived.
 */
export const callOutcomeOf = (signals: ReadonlyArray<CallSignal>): CallOutcome | undefined => {
  const inOrder = [...signals].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
  const terminal = inOrder.filter((s) => s.facts.terminal && s.facts.disposition !== undefined).at(-1)
  if (terminal === undefined) return undefined
  const latest = <K extends keyof CallFacts>(key: K): CallFacts[K] | undefined =>
    terminal.facts[key] ??
    inOrder
      .map((s) => s.facts[key])
      .filter((v) => v !== undefined)
      .at(-1)
  const repId = latest("repId")
  if (repId === undefined) return undefined
  const accountId = latest("accountId")
  const contactId = latest("contactId")
  return {
    repId,
    ...(accountId === undefined ? {} : { accountId }),
    ...(contactId === undefined ? {} : { contactId }),
    direction: latest("direction") ?? "outbound",
    disposition: terminal.facts.disposition as CallDisposition,
    durationSeconds: Math.max(0, Math.round(latest("durationSeconds") ?? 0)),
    occurredAt: latest("startedAt") ?? terminal.occurredAt,
  }
}

/**
 * A delivery key for vendors that send no delivery id: `<source>:sha256:<hex>` of `content` (what the
 * delivery says, as parsed values) in canonical JSON. Two spellings of one delivery (members in
 * another order, other whitespace or escapes, parameters reordered or percent-encoded otherwise)
 * have one key, so a replay re-spelled to look new is a duplicate.
 */
export const contentKeyOf = (source: ConnectorSource, content: unknown): string =>
  `${source}:sha256:${createHash("sha256").update(canonicalJson(content)).digest("hex")}`

/**
 * Compares a secret the vendor sent with the configured one in constant time (for equal lengths;
 * a length difference answers false at once, which reveals only the length).
 */
export const sameSecret = (sent: string, expected: string): boolean => {
  const a = Buffer.from(sent, "utf8")
  const b = Buffer.from(expected, "utf8")
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Every secret configured for any connector: none of them is ever kept, whichever vendor's payload holds it. */
export const configuredSecrets = (secrets: ConnectorSecrets): ReadonlyArray<string> =>
  [
    secrets.aircallToken,
    secrets.twilioAuthToken,
    secrets.ringcentralVerificationToken,
    secrets.dialpadSecret,
    secrets.calendlySigningKey,
  ].filter((secret): secret is string => secret !== undefined && secret !== "")

/**
 * A rejection for a connector whose secret is not configured: 503 naming the variable (and, where
 * there is one, the other way to configure it).
 */
export const notConfigured = (variable: string, otherwise?: string): Reading => ({
  kind: "rejected",
  rejection: {
    status: 503,
    reason: `this connector is not configured: set ${variable} to the secret the vendor shows for the webhook${otherwise === undefined ? "" : `, ${otherwise}`}`,
  },
})

/**
 * A 401 rejection: the delivery is not proven to come from the vendor. `reason` must be fixed words
 * (it is kept); what the request said goes in `hint` (answered, never kept).
 */
export const unauthentic = (reason: string, hint?: string): Reading => ({
  kind: "rejected",
  rejection: { status: 401, reason, ...(hint === undefined ? {} : { hint }) },
})

/** A 400 rejection: authentic (or unauthenticated by design) but not the payload the vendor documents. */
export const malformed = (reason: string): Reading => ({ kind: "rejected", rejection: { status: 400, reason } })

/**
 * Reads a payload's fields, answering an instant no Date or PostgreSQL holds (src/ingest/webhooks/instants.ts)
 * as a 400 naming the field.
 *
 * @example
 * return readingInstants(() => ({ kind: "call", signal: { occurredAt: instantOfEpoch(timestamp, "seconds", "timestamp"), … } }))
 */
export const readingInstants = (read: () => Reading): Reading => {
  try {
    return read()
  } catch (error) {
    if (error instanceof InstantOutOfRange) return malformed(error.message)
    throw error
  }
}
