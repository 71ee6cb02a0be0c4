/**
 * @module Where the vocabulary holds personal data: each event type's fields that name or describe a
 * person (events/README.md "Personal data" lists them), and the person each value belongs to. The
 * store keeps these values out of the log (src/store/personalValues.ts); this module only says where
 * they are, as plain data in and out.
 *
 * @example personalValuesOf("RepJoined", { repId: "ana", name: "Ana", role: "AE" })
 * // [{ field: "name", value: "Ana", subjects: ["ana"] }]
 */
import { parseIdentityAlias } from "./identity.js"

/**
 * How a field holds personal data:
 * - `person`: the whole value identifies a person (a contact id, often an email address);
 * - `repAlias`: a rep id, personal only when it is a vendor identity whose id is an email address or a
 *   phone number (`twilio:+33612345678`, `calendly:ana@example.com`): that id is, the vendor's name is not;
 * - `ifPersonal`: an id that is personal when it is an email address or a phone number (a vendor's id
 *   for a rep; an account id, which Calendly makes of a personal mailbox's whole address);
 * - `ofRep`: the rep's own data (name, email), which an erasure of the rep's id removes.
 */
export type PersonalFieldKind = "person" | "repAlias" | "ifPersonal" | "ofRep"

const targetFields = { contactId: "person", repId: "repAlias", accountId: "ifPersonal" } as const
const account = { accountId: "ifPersonal" } as const

/** Every event type's personal fields. A new event type does not compile until it is listed here (index.ts). */
export const personalFields = {
  RepJoined: { name: "ofRep", email: "ofRep" },
  RepLeft: {},
  QuotaSet: {},
  RepIdentityLinked: { externalId: "ifPersonal" },
  AccountTargeted: { ...account, ownerRepId: "repAlias" },
  AccountUntargeted: account,
  TargetAccountReassigned: { ...account, fromRepId: "repAlias", toRepId: "repAlias" },
  CallLogged: targetFields,
  CallEventReceived: targetFields,
  EmailSent: targetFields,
  TouchLogged: targetFields,
  ProspectDeclined: targetFields,
  MeetingBooked: { ...targetFields, ownerRepId: "repAlias" },
  MeetingHeld: { repId: "repAlias" },
  MeetingCanceled: {},
  MeetingNoShow: {},
  DealOpened: { ...account, repId: "repAlias", originatorRepId: "repAlias" },
  DealAmountChanged: {},
  DealCloseDateChanged: {},
  DealWon: {},
  DealLost: {},
  TeamSettingsChanged: {},
  PersonErased: {},
} as const satisfies Readonly<Record<string, Readonly<Record<string, PersonalFieldKind>>>>

/** One personal value of an event: the field, the text kept apart (the whole value or an alias's id), whose it is. */
export type PersonalValue = {
  readonly field: string
  /** The personal text: the field's whole value, or the id part of a vendor alias (`+33612345678` of `twilio:+33612345678`). */
  readonly value: string
  /** The identifiers of the people it belongs to, normalised (`normalisedIdentifier`). */
  readonly subjects: ReadonlyArray<string>
}

/** An email address or a phone number: the vendor ids that are personal data. */
export const looksPersonal = (text: string): boolean =>
  /^[^@\s]+@[^@\s]+$/.test(text) || /^\+?[\d\s().-]{6,}$/.test(text)

/**
 * An identifier as an erasure matches it: an email address lower-cased, a phone number as its
 * digits (with a leading `+` when it had one), anything else trimmed and lower-cased.
 *
 * @example normalisedIdentifier("+33 6 12-34-56-78") // "+33612345678"
 */
export const normalisedIdentifier = (identifier: string): string => {
  const trimmed = identifier.trim()
  if (/^\+?[\d\s().-]{6,}$/.test(trimmed))
    return `${trimmed.startsWith("+") ? "+" : ""}${trimmed.replace(/[^\d]/g, "")}`
  return trimmed.toLowerCase()
}

/** The personal values of one event's data, in its declared fields' order (none for an unknown type). */
export const personalValuesOf = (type: string, data: unknown): ReadonlyArray<PersonalValue> => {
  const fields = (personalFields as Record<string, Readonly<Record<string, PersonalFieldKind>> | undefined>)[type]
  if (fields === undefined || data === null || typeof data !== "object") return []
  const record = data as Record<string, unknown>
  const values: PersonalValue[] = []
  for (const [field, kind] of Object.entries(fields)) {
    const value = record[field]
    if (typeof value !== "string" || value === "") continue
    const personal = personalPartOf(kind, value)
    if (personal === undefined) continue
    const subjects = [normalisedIdentifier(personal)]
    if (kind === "ofRep" && typeof record.repId === "string") subjects.push(normalisedIdentifier(record.repId))
    values.push({ field, value: personal, subjects })
  }
  return values
}

const personalPartOf = (kind: PersonalFieldKind, value: string): string | undefined => {
  switch (kind) {
    case "person":
    case "ofRep":
      return value
    case "ifPersonal":
      return looksPersonal(value) ? value : undefined
    case "repAlias": {
      const alias = parseIdentityAlias(value)
      return alias !== undefined && looksPersonal(alias.externalId) ? alias.externalId : undefined
    }
  }
}

/**
 * The data with each personal value replaced by `replace(value)`: a whole value for a person's
 * field, the id part of an alias (`twilio:<replaced>`), so that a token of an alias still reads as
 * the vendor's identity and links to its rep as before.
 */
export const withPersonalValuesReplaced = (
  type: string,
  data: unknown,
  replace: (value: string) => string,
): unknown => {
  const fields = (personalFields as Record<string, Readonly<Record<string, PersonalFieldKind>> | undefined>)[type]
  if (fields === undefined || data === null || typeof data !== "object") return data
  let copy: Record<string, unknown> | undefined
  for (const [field, kind] of Object.entries(fields)) {
    const value = (data as Record<string, unknown>)[field]
    if (typeof value !== "string" || value === "") continue
    const personal = personalPartOf(kind, value)
    if (personal === undefined) continue
    copy ??= { ...(data as Record<string, unknown>) }
    copy[field] =
      kind === "repAlias" ? `${value.slice(0, value.length - personal.length)}${replace(personal)}` : replace(personal)
  }
  return copy ?? data
}
