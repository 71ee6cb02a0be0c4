/**
 * @module Account events: the target list of accounts that already buy what we sell, and prospects who said no.
 */
import { z } from "zod"
import { Id } from "./fields.js"

export const AccountTargeted = z.strictObject({
  accountId: Id,
  name: z.string().min(1).optional(),
  reason: z.enum(["buys_what_we_sell", "dream_client", "displacement", "other"]),
  incumbent: z.string().min(1).optional().describe("The competitor the account buys from today"),
  industry: z.string().min(1).optional().describe("The account's industry, as the CRM names it"),
  size: z
    .string()
    .min(1)
    .optional()
    .describe("The account's size as the CRM gives it: employees (1200) or a band (51-200)"),
  ownerRepId: Id.optional().describe("The seller whose list the account is on, from this event's date"),
})

/** A target account moved to another seller's list, from the event's date on. */
export const TargetAccountReassigned = z.strictObject({
  accountId: Id,
  fromRepId: Id.optional().describe("The seller whose list it leaves (informative: the ledger knows it)"),
  toRepId: Id,
  reason: z.string().optional(),
})

export const AccountUntargeted = z.strictObject({
  accountId: Id,
  reason: z.string().optional(),
})

export const ProspectDeclined = z.strictObject({
  contactId: Id,
  accountId: Id.optional(),
  repId: Id.optional(),
  how: z.enum(["said_no", "unsubscribed", "do_not_contact"]),
})
