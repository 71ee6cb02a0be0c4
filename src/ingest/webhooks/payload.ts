/**
 * @module Reading vendors' JSON payloads, whose fields are loosely typed: the guards every
 * connector shares.
 */

/** A JSON object as a vendor sent it. */
export type Json = Record<string, unknown>

export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** An id or label sent as a number or a non-blank string, as text; anything else is absent. */
export const textOf = (value: unknown): string | undefined =>
  typeof value === "number" || (typeof value === "string" && value.trim() !== "") ? String(value) : undefined
