/**
 * @module Activity events: the effort a rep spends (calls, emails, other touches).
 */
import { z } from "zod"
import { Id, Instant } from "./fields.js"

const target = {
  repId: Id,
  accountId: Id.optional(),
  contactId: Id.optional(),
}

export const CallDisposition = z.enum(["connected", "no_answer", "voicemail", "busy", "failed"])

export const CallLogged = z.strictObject({
  callId: Id,
  ...target,
  direction: z.enum(["outbound", "inbound"]),
  disposition: CallDisposition,
  durationSeconds: z.number().int().nonnegative(),
})

/**
 * One vendor event about one call (a dialer webhook: Aircall `call.ended`, a Twilio status
 * callback…), stored in the call's stream `call-<callId>` before the call's one `CallLogged`. The
 * optional fields are what the vendor event said, normalised by its connector; the vendor's payload
 * itself is kept in the event's metadata (`raw`). The folds ignore it: only `CallLogged` counts.
 */
export const CallEventReceived = z.strictObject({
  callId: Id.describe("`<vendor>-<vendor call id>`, the callId of the CallLogged it leads to"),
  vendor: z.string().min(1).describe("The connector: aircall, twilio, ringcentral, dialpad"),
  vendorEvent: z.string().min(1).describe("The vendor's event name, e.g. call.ended or completed"),
  terminal: z.boolean().optional().describe("True when the vendor event ends the call"),
  repId: Id.optional().describe("The rep as the vendor knows them: an identity alias such as aircall:123"),
  accountId: Id.optional(),
  contactId: Id.optional(),
  direction: z.enum(["outbound", "inbound"]).optional(),
  disposition: CallDisposition.optional().describe("On terminal events, the disposition as the vendor defines it"),
  durationSeconds: z.number().int().nonnegative().optional().describe("Talk time, on terminal events"),
  startedAt: Instant.optional(),
  answeredAt: Instant.optional(),
  endedAt: Instant.optional(),
  vendorStatus: z.string().optional().describe("The vendor's own status word"),
})

export const EmailSent = z.strictObject({
  emailId: Id,
  ...target,
  threadId: Id.optional(),
  kind: z.enum(["first_touch", "follow_up", "reply"]),
})

export const TouchLogged = z.strictObject({
  touchId: Id,
  ...target,
  channel: z.enum(["social", "sms", "in_person", "other"]),
})
