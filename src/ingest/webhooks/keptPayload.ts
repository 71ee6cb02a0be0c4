/**
 * @module What the ledger keeps of a vendor's payload. Dialers' payloads are kept in each
 * `CallEventReceived`'s `metadata.raw`, so that a better adapter can re-derive a call; anyone with
 * read scope, a dashboard session or an export reads them. Whatever in a payload proves who sent it
 * (Aircall's `token`, equal to the connector's secret) would let that reader forge deliveries, so
 * each connector declares the fields of its payload that carry proof, and they are masked before the
 * payload is kept; every string equal to a configured secret, or holding one, is masked as well,
 * wherever the vendor put it. Headers are never kept.
 *
 * The same declaration names the fields that hold personal data (`personalFields`): the store keeps
 * the payload apart from the log and files it under the people its `identifies` fields name
 * (`payloadSubjectsOf`), so that erasing any of them deletes it (README.md here, "Personal data in
 * vendor payloads").
 *
 * @example
 * keptPayloadOf({ event: "call.ended", token: "s3cret-token" }, { proofFields: ["token"], proofHeaders: [] }, ["s3cret-token"])
 * // { event: "call.ended", token: "[secret removed]" }
 */
/** What replaces a masked secret: fixed words, so that a kept payload says a proof was there. */
export const maskedSecret = "[secret removed]"

/**
 * A field of a payload: member names joined by dots, `*` for any member or element
 * (`token`, `body.parties.*.from.phoneNumber`).
 */
export type FieldPath = string

/**
 * How a field of a vendor's payload holds personal data:
 * - `identifies`: an email address or a phone number (or a vendor's address for a person, Twilio's
 *   `client:alice`): it names a person, and the payload is filed under it, so that erasing that
 *   person deletes the payload;
 * - `describes`: a name, an answer typed into a form, a device's address: personal, kept apart and
 *   deleted with the payload, but no identifier anyone erases by.
 */
export type PayloadPersonalKind = "identifies" | "describes"

/** What of a connector's deliveries carries proof, and so is never kept as sent, and what is personal. */
export type KeptPayload = {
  /** Fields of the payload that carry proof: masked (`maskedSecret`) in what is kept. */
  readonly proofFields: ReadonlyArray<FieldPath>
  /** Headers that carry proof; the ledger keeps no header, they are named for the reference. */
  readonly proofHeaders: ReadonlyArray<string>
  /**
   * Every field of the payload that holds personal data, and how (test/connectors.personal.unit.test.ts
   * fails while a fixture holds an email address or a phone number elsewhere). Required: a connector
   * does not compile without it; `{}` says its payload holds none.
   */
  readonly personalFields: Readonly<Record<FieldPath, PayloadPersonalKind>>
}

/**
 * Secrets shorter than this are masked only where a value equals one: masking every occurrence of
 * a short one would garble ordinary text (a vendor's secrets are tens of characters).
 */
const shortestSecretMaskedInside = 8

/** The payload as the ledger keeps it: any of `secrets` in a name or a value masked, then the proof fields. */
export const keptPayloadOf = (
  payload: unknown,
  kept: Pick<KeptPayload, "proofFields" | "proofHeaders">,
  secrets: ReadonlyArray<string>,
): unknown => maskedFields(withoutSecrets(payload, secrets), kept.proofFields)

/** A text with every secret in it masked. */
const maskedText = (text: string, secrets: ReadonlyArray<string>): string =>
  secrets.reduce(
    (masked, secret) =>
      secret.length >= shortestSecretMaskedInside
        ? masked.replaceAll(secret, maskedSecret)
        : masked === secret
          ? maskedSecret
          : masked,
    text,
  )

/** Sets an own member, `__proto__` included (a parsed payload may have one; assigning it would set the prototype). */
const setMember = (target: Record<string, unknown>, name: string, value: unknown): void => {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true })
}

/**
 * A copy of a JSON value with every string, and every member name, passed through `map`. Walks with
 * its own stack, so that a deeply nested payload cannot overflow it.
 */
const mapTexts = (value: unknown, map: (text: string) => string): unknown => {
  const root: Record<string, unknown> = {}
  const pending: Array<readonly [unknown, Record<string, unknown> | unknown[], string | number]> = [
    [value, root, "value"],
  ]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, parent, at] = next
    let copy: unknown = item
    if (typeof item === "string") copy = map(item)
    else if (Array.isArray(item)) {
      const elements: unknown[] = new Array(item.length)
      for (const [index, element] of item.entries()) pending.push([element, elements, index])
      copy = elements
    } else if (item !== null && typeof item === "object") {
      const members: Record<string, unknown> = {}
      for (const [name, member] of Object.entries(item)) {
        const kept = map(name)
        setMember(members, kept, undefined)
        pending.push([member, members, kept])
      }
      copy = members
    }
    if (Array.isArray(parent)) parent[at as number] = copy
    else setMember(parent, at as string, copy)
  }
  return root.value
}

/** A copy of `payload` in which no string and no member name holds any of `secrets`. */
export const withoutSecrets = (payload: unknown, secrets: ReadonlyArray<string>): unknown =>
  secrets.length === 0 ? payload : mapTexts(payload, (text) => maskedText(text, secrets))

/** The containers a path's parent segments lead to in `value` (`*` fans out over members and elements). */
const containersAt = (value: unknown, segments: ReadonlyArray<string>): unknown[] =>
  segments.reduce<unknown[]>(
    (found, segment) =>
      found.flatMap((node) => {
        if (node === null || typeof node !== "object") return []
        if (segment === "*") return Object.values(node)
        return Object.hasOwn(node, segment) ? [(node as Record<string, unknown>)[segment]] : []
      }),
    [value],
  )

/**
 * A copy of `payload` with each field of `fields` that it has replaced by `maskedSecret` (a field it
 * lacks stays absent). The payload itself is not changed.
 *
 * @example
 * maskedFields({ token: "abc", data: { id: 1 } }, ["token"]) // { token: "[secret removed]", data: { id: 1 } }
 */
export const maskedFields = (payload: unknown, fields: ReadonlyArray<FieldPath>): unknown => {
  if (fields.length === 0 || payload === null || typeof payload !== "object") return payload
  const copy = mapTexts(payload, (text) => text)
  for (const field of fields) {
    const segments = field.split(".")
    const last = segments.at(-1) as string
    for (const container of containersAt(copy, segments.slice(0, -1))) {
      if (container === null || typeof container !== "object") continue
      const target = container as Record<string, unknown>
      const names = last === "*" ? Object.keys(target) : Object.hasOwn(target, last) ? [last] : []
      for (const name of names) setMember(target, name, maskedSecret)
    }
  }
  return copy
}

/** The values at a field of `payload` (`*` fans out), none when it lacks the field. */
export const valuesAt = (payload: unknown, field: FieldPath): unknown[] => containersAt(payload, field.split("."))

/**
 * The people a kept payload names, by its connector's declaration: the text (or number) at each
 * `identifies` field, trimmed, once each, in the declaration's order.
 *
 * @example
 * payloadSubjectsOf({ From: "+14155550100", To: "+14155550199" }, twilioPayload) // ["+14155550100", "+14155550199"]
 */
export const payloadSubjectsOf = (payload: unknown, kept: KeptPayload): ReadonlyArray<string> => {
  const subjects = new Set<string>()
  for (const [field, kind] of Object.entries(kept.personalFields)) {
    if (kind !== "identifies") continue
    for (const value of valuesAt(payload, field)) {
      const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : ""
      if (text !== "" && text !== maskedSecret) subjects.add(text)
    }
  }
  return [...subjects]
}

/** JSON with every object's members in name order: one text per value, however it was spelled. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_name, member: unknown) => {
    if (member === null || typeof member !== "object" || Array.isArray(member)) return member
    const sorted: Record<string, unknown> = {}
    for (const name of Object.keys(member).sort()) setMember(sorted, name, (member as Record<string, unknown>)[name])
    return sorted
  })
