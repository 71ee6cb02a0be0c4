/**
 * @module Rep events: who is on the team, their quotas, and the ids vendors know them by.
 */
import { z } from "zod"
import { Amount, Currency, Id } from "./fields.js"

export const RepRole = z.enum(["AE", "BDR", "manager", "other"])

export const RepJoined = z.strictObject({
  repId: Id,
  name: z.string().min(1),
  email: z.string().email().optional(),
  role: RepRole,
  team: z.string().min(1).optional(),
  managerRepId: Id.optional(),
})

export const RepLeft = z.strictObject({ repId: Id })

/** A quota period: a calendar quarter (`2026-Q4`) or month (`2026-11`) of the years 0001–9999. */
export const QuotaPeriod = z
  .string()
  .regex(
    /^(?!0000)\d{4}-(Q[1-4]|0[1-9]|1[0-2])$/,
    "must be a quarter like 2026-Q4 or a month like 2026-11, in the years 0001 to 9999",
  )

export const QuotaSet = z.strictObject({
  repId: Id,
  period: QuotaPeriod,
  amount: Amount,
  currency: Currency.optional(),
})

export const RepIdentityLinked = z.strictObject({
  repId: Id,
  source: z.string().min(1).describe("The vendor: aircall, twilio, ringcentral, dialpad, calendly, csv…"),
  externalId: z.string().min(1).describe("The vendor's id for the rep: user id, extension, phone number or email"),
})
