/**
 * @module Activity events: the effort a rep spends (calls, emails, other touches).
 */
import { z } from "zod"
import { Id } from "./fields.js"

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
