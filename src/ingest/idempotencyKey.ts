/**
 * @module The default idempotency key: a hash of an event's content, so that a sender who retries
 * without a key of its own still appends once.
 */
import { createHash } from "node:crypto"

/** `sha256:<hex>` of the event's type, instant and data, with object keys in a canonical order. */
export const contentKey = (event: {
  readonly type: string
  readonly occurredAt: string
  readonly data: unknown
}): string =>
  `sha256:${createHash("sha256")
    .update(canonicalJson({ type: event.type, occurredAt: event.occurredAt, data: event.data }))
    .digest("hex")}`

/**
 * JSON with object keys sorted at every depth, so equal content always hashes equally. Its text is
 * a contract with every event stored under a content key: each object's members in code-unit order,
 * as a JS object then lists them (integer keys first, in numeric order). A sorted copy written by
 * `JSON.stringify` itself: 1.0 µs for a call's content, against 1.9 µs for the replacer that first
 * defined it (test/idempotencyKey.unit.test.ts holds the two equal).
 */
export const canonicalJson = (value: unknown): string => JSON.stringify(sortedCopy(value))

const sortedCopy = (value: unknown): unknown => {
  if (value === null || typeof value !== "object") return value
  if (Array.isArray(value)) return value.map(sortedCopy)
  // What JSON writes through `toJSON` (a Date) is written as that gives it.
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return sortedCopy((value as { toJSON: (key: string) => unknown }).toJSON(""))
  const copy: Record<string, unknown> = {}
  // The default sort orders strings by UTF-16 code units, as the first definition's comparison did.
  for (const key of Object.keys(value).sort()) {
    const member = sortedCopy((value as Record<string, unknown>)[key])
    // A member named `__proto__` is defined, as JSON.parse does, not assigned (which sets the prototype).
    if (key === "__proto__")
      Object.defineProperty(copy, key, { value: member, enumerable: true, writable: true, configurable: true })
    else copy[key] = member
  }
  return copy
}
