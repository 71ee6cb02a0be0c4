/**
 * @module The event vocabulary of Outcome Ledger (shared/EVENTS.md): one zod schema per event type,
 * the envelope clients send, the stream each event belongs to, and upcasters for older versions.
 *
 * @example
 * const parsed = parseEvent({ type: "CallLogged", occurredAt: "2026-11-02T14:05:00Z", data: { ... } })
 * if (parsed.ok) console.log(streamOf(parsed.event))
 */
import { z } from "zod"
import { AccountTargeted, AccountUntargeted, ProspectDeclined, TargetAccountReassigned } from "./accounts.js"
import { CallEventReceived, CallLogged, EmailSent, TouchLogged } from "./activities.js"
import { DealAmountChanged, DealCloseDateChanged, DealLost, DealOpened, DealWon } from "./deals.js"
import { Instant } from "./fields.js"
import { MeetingBooked, MeetingCanceled, MeetingHeld, MeetingNoShow } from "./meetings.js"
import { PersonErased } from "./people.js"
import { personalFields } from "./personal.js"
import { QuotaSet, RepIdentityLinked, RepJoined, RepLeft } from "./reps.js"
import { unstorableText } from "./storableText.js"
import { TeamSettingsChanged } from "./team.js"

export * from "./deals.js"
export * from "./identity.js"
export * from "./personal.js"
export { type UnstorableText, unstorableText } from "./storableText.js"
export { defaultTeamSettings, type TeamSettings } from "./team.js"

/** Every event type, with the schema of its `data`. */
export const eventSchemas = {
  RepJoined,
  RepLeft,
  QuotaSet,
  RepIdentityLinked,
  AccountTargeted,
  AccountUntargeted,
  TargetAccountReassigned,
  CallLogged,
  EmailSent,
  TouchLogged,
  ProspectDeclined,
  MeetingBooked,
  MeetingHeld,
  MeetingCanceled,
  MeetingNoShow,
  DealOpened,
  DealAmountChanged,
  DealCloseDateChanged,
  DealWon,
  DealLost,
  TeamSettingsChanged,
  CallEventReceived,
  PersonErased,
} as const

export type EventType = keyof typeof eventSchemas

/** Where each event type holds personal data (personal.ts): a new type does not compile until it says. */
export const personalFieldsByType: { readonly [T in EventType]: (typeof personalFields)[keyof typeof personalFields] } =
  personalFields
export const eventTypes = Object.keys(eventSchemas) as ReadonlyArray<EventType>
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>

/** A domain event as the folds see it: its type, its data at the current schema version, and when it happened. */
export type LedgerEvent = {
  [T in EventType]: { readonly type: T; readonly occurredAt: string; readonly data: EventData<T> }
}[EventType]

export type EventOf<T extends EventType> = Extract<LedgerEvent, { type: T }>

/** The schema version every type is written at today. Bump one and add its upcaster below. */
export const currentSchemaVersion: Record<EventType, number> = Object.fromEntries(
  eventTypes.map((type) => [type, 1]),
) as Record<EventType, number>

/**
 * Upcasters, by type and by the version they read: each turns data written at version `v` into
 * data at version `v + 1`. Empty today, since every type is at version 1.
 */
export const upcasters: Partial<Record<EventType, Record<number, (data: unknown) => unknown>>> = {}

/** Brings data stored at an older schema version up to the current one. */
export const upcast = (type: EventType, schemaVersion: number, data: unknown): unknown => {
  let upcasted = data
  for (let version = schemaVersion; version < currentSchemaVersion[type]; version++) {
    const step = upcasters[type]?.[version]
    if (step === undefined) throw new Error(`no upcaster for ${type} from schema version ${version}`)
    upcasted = step(upcasted)
  }
  return upcasted
}

export const isEventType = (type: string): type is EventType => Object.hasOwn(eventSchemas, type)

/** The envelope a client sends: `{ type, occurredAt, idempotencyKey?, data }`; other members are refused, not dropped. */
export const EventEnvelope = z.strictObject({
  type: z.string().min(1),
  occurredAt: Instant,
  idempotencyKey: z.string().min(1).max(512).optional(),
  data: z.unknown(),
})

/**
 * The envelope of each event type with its `data` schema: what `parseEvent` accepts, as one schema
 * per type (the OpenAPI document's, and the JSON Schema of a client). `parseEvent` checks the same
 * two parts in turn, to name an unknown type and to prefix `data`'s fields.
 */
export const incomingEventSchemas = <T extends EventType>(type: T) =>
  EventEnvelope.extend({ type: z.literal(type), data: eventSchemas[type] })

/** A validated event as a client sent it, with its instant normalised to UTC. */
export type IncomingEvent = LedgerEvent & { readonly idempotencyKey?: string }

export type EventIssue = { readonly path: string; readonly message: string }
export type ParsedEvent =
  | { readonly ok: true; readonly event: IncomingEvent }
  | { readonly ok: false; readonly issues: ReadonlyArray<EventIssue> }

/** Validates one event against the vocabulary; issues name the field (`data.repId`) and what is wrong. */
export const parseEvent = (input: unknown): ParsedEvent => {
  const envelope = EventEnvelope.safeParse(input)
  if (!envelope.success) return { ok: false, issues: issuesOf(envelope.error) }
  const { type, occurredAt, idempotencyKey, data } = envelope.data
  if (!isEventType(type)) {
    return {
      ok: false,
      issues: [{ path: "type", message: `unknown event type "${type}"; expected one of ${eventTypes.join(", ")}` }],
    }
  }
  if (data === undefined) return { ok: false, issues: [{ path: "data", message: "is required" }] }
  const parsed = eventSchemas[type].safeParse(data)
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error, "data") }
  const unstorable = unstorableText(parsed.data, "data") ?? unstorableText(idempotencyKey, "idempotencyKey")
  if (unstorable !== undefined) return { ok: false, issues: [unstorable] }
  const event = { type, occurredAt: new Date(occurredAt).toISOString(), data: parsed.data } as LedgerEvent
  return { ok: true, event: idempotencyKey === undefined ? event : { ...event, idempotencyKey } }
}

const issuesOf = (error: z.ZodError, prefix?: string): ReadonlyArray<EventIssue> =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== "").join(".") || "(body)",
    message: issue.message,
  }))

/** The stream an event belongs to: its consistency boundary (shared/DESIGN.md). */
export const streamOf = (event: LedgerEvent): string => {
  switch (event.type) {
    case "RepJoined":
    case "RepLeft":
    case "QuotaSet":
    case "RepIdentityLinked":
      return `rep-${event.data.repId}`
    case "AccountTargeted":
    case "AccountUntargeted":
    case "TargetAccountReassigned":
      return `account-${event.data.accountId}`
    case "ProspectDeclined":
      return `contact-${event.data.contactId}`
    case "CallLogged":
    case "CallEventReceived":
      return `call-${event.data.callId}`
    case "EmailSent":
      return `email-${event.data.emailId}`
    case "TouchLogged":
      return `touch-${event.data.touchId}`
    case "MeetingBooked":
    case "MeetingHeld":
    case "MeetingCanceled":
    case "MeetingNoShow":
      return `meeting-${event.data.meetingId}`
    case "DealOpened":
    case "DealAmountChanged":
    case "DealCloseDateChanged":
    case "DealWon":
    case "DealLost":
      return `deal-${event.data.dealId}`
    case "TeamSettingsChanged":
      return "team"
    case "PersonErased":
      return "people"
    default:
      return assertNever(event)
  }
}

export const isDealEvent = (event: LedgerEvent): event is Extract<LedgerEvent, { type: `Deal${string}` }> =>
  event.type.startsWith("Deal")

/** The JSON Schema of every event type's envelope, for clients and the OpenAPI document. */
export const eventJsonSchemas = (): Record<EventType, unknown> =>
  Object.fromEntries(
    eventTypes.map((type) => [
      type,
      z.toJSONSchema(
        z.object({
          type: z.literal(type),
          occurredAt: Instant,
          idempotencyKey: z.string().optional(),
          data: eventSchemas[type],
        }),
        { unrepresentable: "any" },
      ),
    ]),
  ) as Record<EventType, unknown>

function assertNever(event: never): never {
  throw new Error(`unhandled event ${JSON.stringify(event)}`)
}
