/**
 * @module Events about people rather than sales: an erasure of a person's personal data (README
 * "Personal data"). It holds no personal data itself: only the keyed hash the erased values were
 * filed under, so that the log says an erasure happened without saying whose.
 */
import { z } from "zod"

export const PersonErased = z.strictObject({
  subject: z
    .string()
    .regex(/^s:[0-9a-f]{64}$/, "must be a subject key: s: then 64 hexadecimal digits")
    .describe("The keyed hash (HMAC-SHA256) of the erased identifier, normalised: never the identifier itself"),
  identifierKind: z.enum(["email", "phone", "id"]).describe("What the identifier erased was"),
  valuesErased: z.number().int().nonnegative().describe("How many kept values (fields and payloads) it removed"),
})
