/**
 * @module CloudEvents 1.0 → ledger events. A CloudEvent's `type` names the ledger event (bare,
 * `CallLogged`, or under the ledger's reverse-DNS prefix, `dev.outcome-ledger.CallLogged`), `time`
 * is its `occurredAt`, `data` its data, and `id` + `source` its idempotency key; the CloudEvent's
 * context (id, source, type, subject, extensions…) goes to the event's metadata. Every refusal
 * names the attribute as the sender wrote it: `time` in structured mode, `[2].time` in a batch,
 * `ce-time` in binary mode (see `cloudEventHeaders.ts`).
 *
 * @example
 * const mapped = toLedgerEvent(JSON.parse(body), structuredNames())
 * if (mapped.ok) yield* appendEvents([mapped.event], { source: "cloudevents" })
 */
import { createHash } from "node:crypto"
import { type EventIssue, eventTypes, type IncomingEvent, isEventType, parseEvent } from "../../events/index.js"

/** The only CloudEvents version the ledger reads. */
export const supportedSpecVersion = "1.0"

/**
 * The reverse-DNS prefix a CloudEvent `type` may carry (the ledger's domain, outcome-ledger.dev,
 * reversed): `dev.outcome-ledger.CallLogged` is a `CallLogged`. No other prefix is taken, so that
 * a vendor's own `com.example.CallLogged` is not mistaken for the ledger's.
 */
export const ledgerTypePrefix = "dev.outcome-ledger."

/** What the ledger keeps of a CloudEvent's context, in the stored event's `metadata.cloudEvent`. */
export type CloudEventContext = {
  readonly specversion: string
  readonly id: string
  readonly source: string
  /** The `type` as sent, prefix included. */
  readonly type: string
  readonly subject?: string
  readonly dataschema?: string
  readonly datacontenttype?: string
  /** Extension attributes, by name, as sent. */
  readonly extensions?: Readonly<Record<string, string | number | boolean>>
}

/** A ledger event that came as a CloudEvent, with the metadata to store beside it. */
export type CloudLedgerEvent = IncomingEvent & { readonly metadata: { readonly cloudEvent: CloudEventContext } }

export type MappedCloudEvent =
  | { readonly ok: true; readonly event: CloudLedgerEvent }
  | { readonly ok: false; readonly issues: ReadonlyArray<EventIssue> }

/**
 * How a refusal names a place in the request: `attribute` is a CloudEvents attribute name, `""`
 * for the event as a whole, `data` or `data.<path>` for the event's data.
 */
export type AttributeNames = (attribute: string) => string

/** Names in structured mode: `time`, or `[2].time` for the event at index 2 of a batch. */
export const structuredNames =
  (index?: number): AttributeNames =>
  (attribute) => {
    if (index === undefined) return attribute === "" ? "(body)" : attribute
    return attribute === "" ? `[${index}]` : `[${index}].${attribute}`
  }

/** Names in binary mode: the header that carries the attribute (`ce-time`, `Content-Type`), `data…` for the body. */
export const binaryNames: AttributeNames = (attribute) => {
  if (attribute === "" || attribute === "data" || attribute.startsWith("data."))
    return attribute === "" ? "(body)" : attribute
  return attribute === "datacontenttype" ? "Content-Type" : `ce-${attribute}`
}

/**
 * The idempotency key of a CloudEvent: its `source` and `id` identify it (CloudEvents 1.0 §3.1.1),
 * so a redelivery, however often, appends nothing. Hashed so that any length of either fits.
 */
export const cloudEventKey = (source: string, id: string): string =>
  `cloudevents:sha256:${createHash("sha256")
    .update(JSON.stringify([source, id]))
    .digest("hex")}`

/** Attribute names are lowercase ASCII letters and digits (CloudEvents 1.0, "Attribute Naming Convention"). */
const attributeName = /^[a-z0-9]+$/

/** Characters a CloudEvents String must not hold: controls U+0000–U+001F and U+007F–U+009F (and PostgreSQL cannot store U+0000). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job
const forbiddenCharacter = /[\u0000-\u001f\u007f-\u009f]/

const coreAttributes = new Set([
  "specversion",
  "id",
  "source",
  "type",
  "time",
  "subject",
  "dataschema",
  "datacontenttype",
])

/** Members a sender of the ledger's own JSON envelope might send by mistake, and where they belong instead. */
const envelopeMistakes: ReadonlyMap<string, string> = new Map([
  ["occurredAt", "not a CloudEvents attribute: the instant the event occurred goes in `time`"],
  ["idempotencyKey", "not a CloudEvents attribute: `id` and `source` together are the idempotency key"],
])

const requiredMessages: Record<string, string> = {
  specversion: `is required: send "${supportedSpecVersion}"`,
  id: "is required: the producer's id for this event, unique for its source; id and source together are the idempotency key",
  source:
    "is required: a URI-reference naming the producer (e.g. /crm/hubspot); id and source together are the idempotency key",
  type: `is required: the ledger event type, e.g. CallLogged or ${ledgerTypePrefix}CallLogged`,
  time: "is required: the ledger needs the instant the event occurred, as RFC 3339 (e.g. 2026-11-02T14:05:00Z)",
  data: "is required: the ledger event's data (see GET /v1/event-types)",
}

/** True when a media type declares JSON content: `*\/json` or `*\/*+json`, parameters aside (JSON event format §3.1). */
export const isJsonMediaType = (mediaType: string): boolean =>
  /^[a-z0-9!#$&^_.+-]+\/([a-z0-9!#$&^_.+-]+\+)?json\s*(;|$)/i.test(mediaType.trim())

/**
 * Maps one CloudEvent (a JSON object, as the JSON event format has it, or as built from binary-mode
 * headers) to a ledger event; every issue is named through `names`.
 */
export const toLedgerEvent = (input: unknown, names: AttributeNames): MappedCloudEvent => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return refuse(names(""), "must be a CloudEvent: a JSON object with specversion, id, source, type, time and data")
  }
  const issues: EventIssue[] = []
  const attributes: Record<string, unknown> = {}
  const extensions: Record<string, string | number | boolean> = {}
  let data: unknown
  let hasData = false
  for (const [member, value] of Object.entries(input)) {
    if (member === "data") {
      hasData = true
      data = value
      continue
    }
    if (member === "data_base64") {
      if (value !== null)
        issues.push({
          path: names(member),
          message: "binary data is not accepted: send the ledger event's data as JSON in `data`",
        })
      continue
    }
    const mistake = envelopeMistakes.get(member)
    if (mistake !== undefined) {
      issues.push({ path: names(member), message: mistake })
      continue
    }
    if (!attributeName.test(member)) {
      issues.push({
        path: names(member),
        message: "is not a CloudEvents attribute name: names are lowercase letters a-z and digits only",
      })
      continue
    }
    // An attribute set to null is unset (JSON event format §2.2).
    if (value === null) continue
    if (coreAttributes.has(member)) {
      if (typeof value !== "string")
        issues.push({ path: names(member), message: `must be a string (got ${jsonType(value)})` })
      else if (forbiddenCharacter.test(value))
        issues.push({
          path: names(member),
          message: "must not contain control characters (U+0000–U+001F, U+007F–U+009F)",
        })
      else attributes[member] = value
      continue
    }
    if (
      typeof value === "string"
        ? forbiddenCharacter.test(value)
        : typeof value === "number"
          ? !Number.isSafeInteger(value)
          : typeof value !== "boolean"
    ) {
      issues.push({
        path: names(member),
        message:
          "an extension attribute must be a string without control characters, an integer or a boolean (CloudEvents type system)",
      })
      continue
    }
    extensions[member] = value as string | number | boolean
  }

  for (const required of ["specversion", "id", "source", "type", "time"] as const) {
    if (attributes[required] === undefined && !issues.some((i) => i.path === names(required))) {
      issues.push({ path: names(required), message: requiredMessages[required] as string })
    }
  }
  if (!hasData && !issues.some((i) => i.path === names("data_base64")))
    issues.push({ path: names("data"), message: requiredMessages.data as string })

  const { specversion, id, source, type, time, subject, dataschema, datacontenttype } = attributes as Record<
    string,
    string | undefined
  >
  if (specversion !== undefined && specversion !== supportedSpecVersion) {
    issues.push({
      path: names("specversion"),
      message: `CloudEvents "${specversion}" is not supported: send "${supportedSpecVersion}"`,
    })
  }
  for (const [attribute, value] of [
    ["id", id],
    ["source", source],
    ["type", type],
  ] as const) {
    if (value === "") issues.push({ path: names(attribute), message: "must not be empty" })
  }
  if (datacontenttype !== undefined && !isJsonMediaType(datacontenttype)) {
    issues.push({
      path: names("datacontenttype"),
      message: `"${datacontenttype}" is not JSON: the ledger takes JSON data only (application/json, or any */*+json)`,
    })
  }
  const ledgerType = type === undefined || type === "" ? undefined : ledgerTypeOf(type)
  if (type !== undefined && type !== "" && ledgerType === undefined) {
    issues.push({
      path: names("type"),
      message: `unknown event type "${type}": send a ledger type bare or under ${ledgerTypePrefix} (e.g. CallLogged or ${ledgerTypePrefix}CallLogged); types are ${eventTypes.join(", ")}`,
    })
  }
  if (
    issues.length > 0 ||
    ledgerType === undefined ||
    type === undefined ||
    id === undefined ||
    source === undefined ||
    time === undefined
  ) {
    return { ok: false, issues }
  }

  const parsed = parseEvent({ type: ledgerType, occurredAt: time, idempotencyKey: cloudEventKey(source, id), data })
  if (!parsed.ok)
    return {
      ok: false,
      issues: parsed.issues.map((issue) => ({ path: ledgerPathName(issue.path, names), message: issue.message })),
    }
  const context: CloudEventContext = {
    specversion: specversion as string,
    id,
    source,
    type,
    ...(subject === undefined ? {} : { subject }),
    ...(dataschema === undefined ? {} : { dataschema }),
    ...(datacontenttype === undefined ? {} : { datacontenttype }),
    ...(Object.keys(extensions).length === 0 ? {} : { extensions }),
  }
  return { ok: true, event: { ...parsed.event, metadata: { cloudEvent: context } } }
}

/** The ledger event type a CloudEvent `type` names, bare or under `ledgerTypePrefix`; `undefined` for any other. */
export const ledgerTypeOf = (type: string): string | undefined => {
  const bare = type.startsWith(ledgerTypePrefix) ? type.slice(ledgerTypePrefix.length) : type
  return isEventType(bare) ? bare : undefined
}

/** Renames an issue of the ledger envelope (`occurredAt`, `data.repId`) to the CloudEvents attribute it came from. */
const ledgerPathName = (path: string, names: AttributeNames): string => {
  if (path === "occurredAt") return names("time")
  if (path === "idempotencyKey") return names("id")
  if (path === "type") return names("type")
  if (path === "(body)") return names("")
  return names(path)
}

const refuse = (path: string, message: string): MappedCloudEvent => ({ ok: false, issues: [{ path, message }] })

const jsonType = (value: unknown): string =>
  Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`
