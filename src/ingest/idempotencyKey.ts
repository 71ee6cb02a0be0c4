/**
 * @module The default idempotency key: a hash of an event's content, so that a sender who retries
 * without a key of its own still appends once.
 */
import { createHash } from "node:crypto"

/** `sha256:<hex>` of the event's type, instant and data, with object keys in a canonical order. */
export const contentKey = (event: { readonly type: string; readonly occurredAt: string; readonly data: unknown }): string =>
  `sha256:${createHash("sha256")
    .update(canonicalJson({ type: event.type, occurredAt: event.occurredAt, data: event.data }))
    .digest("hex")}`

/** JSON with object keys sorted at every depth, so equal content always hashes equally. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
