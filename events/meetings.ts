/**
 * @module Meeting events: the only outcome of cold outreach, and the second meeting that qualifies a deal.
 */
import { z } from "zod"
import { DealSource, Id, Instant } from "./fields.js"

export const MeetingBooked = z.strictObject({
  meetingId: Id,
  repId: Id.describe("The rep who booked the meeting (often a BDR)"),
  ownerRepId: Id.optional().describe("The rep who holds the meeting (the account owner); defaults to repId"),
  accountId: Id,
  contactId: Id.optional(),
  scheduledFor: Instant,
  source: DealSource,
})

export const MeetingHeld = z.strictObject({ meetingId: Id, repId: Id.optional() })
export const MeetingCanceled = z.strictObject({ meetingId: Id, reason: z.string().optional() })
export const MeetingNoShow = z.strictObject({ meetingId: Id, reason: z.string().optional() })
