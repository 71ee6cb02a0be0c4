/**
 * @module A row of a CRM's activity export (calls, emails, meetings, other touches) as activity events. The
 * type column says which, through the type mapping (`Call=call`, `Task=skip`).
 *
 * Decisions:
 * - A call's disposition is its outcome column read through the outcome mapping; without one (or with the cell
 *   empty) a call with talk time connected and a call without did not (`no_answer`): a CRM log rarely says more.
 * - A call whose direction is `internal` (Salesforce's Call Type) is no sales call: the row is skipped.
 * - An email is a `follow_up`: a CRM export does not say whether it opened a conversation (both count as emails).
 * - A meeting is a `MeetingBooked` at its date, and a `MeetingHeld` too unless a held column says it was not
 *   done (Pipedrive's Done): an activity log records meetings that took place. It needs an account.
 * - Idempotency keys are the activity's own (`csv:activities:<id>:call|email|touch|booked|held`).
 */
import { secondsOf, yesNoOf } from "./cellValues.js"
import type { CallDisposition, ImportSettings, RowEvents } from "./importKinds.js"
import { type FieldSpec, mapWord, type RowCells } from "./mapping.js"
import { checkedEvents, type DraftEvent, instantIn, repIdOf, rowReader } from "./rowFields.js"

export type ActivityKind = "call" | "email" | "meeting" | "social" | "sms" | "in_person" | "other" | "skip"
export const activityKinds: ReadonlyArray<ActivityKind> = [
  "call",
  "email",
  "meeting",
  "social",
  "sms",
  "in_person",
  "other",
  "skip",
]

/** Words every import knows, before any preset or option. */
export const defaultActivityTypes: ReadonlyArray<readonly [string, ActivityKind]> = [
  ["call", "call"],
  ["email", "email"],
  ["e-mail", "email"],
  ["meeting", "meeting"],
  ["social", "social"],
  ["linkedin", "social"],
  ["sms", "sms"],
  ["text", "sms"],
  ["in person", "in_person"],
  ["in_person", "in_person"],
  ["visit", "in_person"],
  ["other", "other"],
]

export const defaultCallOutcomes: ReadonlyArray<readonly [string, CallDisposition]> = [
  ["connected", "connected"],
  ["answered", "connected"],
  ["no answer", "no_answer"],
  ["no_answer", "no_answer"],
  ["voicemail", "voicemail"],
  ["left voicemail", "voicemail"],
  ["busy", "busy"],
  ["failed", "failed"],
  ["wrong number", "failed"],
]

export const activityFields: ReadonlyArray<FieldSpec> = [
  { field: "activityId", required: true, meaning: "The CRM's id of the activity" },
  {
    field: "owner",
    required: true,
    meaning: "Who did it: a rep id, or with --identity-source the CRM's user name or id",
  },
  { field: "type", required: true, meaning: "Call, email, meeting…, read through --types" },
  { field: "occurredAt", required: true, meaning: "When it happened (a meeting: when it was held)" },
  { field: "account", required: false, meaning: "The account; required on meetings" },
  { field: "contact", required: false, meaning: "The contact" },
  {
    field: "direction",
    required: false,
    meaning: "A call's direction: outbound (default), inbound, internal (skipped)",
  },
  { field: "duration", required: false, meaning: "A call's talk time: seconds, m:ss or h:mm:ss" },
  { field: "outcome", required: false, meaning: "A call's outcome, read through --outcomes" },
  { field: "held", required: false, meaning: "Whether a meeting took place (yes/no, Done/To do)" },
]

const fieldOfMember = {
  callId: "activityId",
  emailId: "activityId",
  touchId: "activityId",
  meetingId: "activityId",
  repId: "owner",
  accountId: "account",
  contactId: "contact",
  scheduledFor: "occurredAt",
  durationSeconds: "duration",
}

/** The events of one activity row (none for a row whose type maps to `skip`). */
export const activityRowEvents = (cells: RowCells, settings: ImportSettings): RowEvents => {
  const row = rowReader(cells)
  const activityId = row.text("activityId", true)
  const owner = row.text("owner", true)
  const type = row.text("type", true)
  const kind = type === undefined ? undefined : mapWord(settings.types, type)
  if (type !== undefined && kind === undefined) {
    row.problem(
      "type",
      `unknown activity type "${type}"; say what it is with --types "${type}=call" (or ${activityKinds.filter((k) => k !== "call").join(", ")})`,
    )
  }
  if (kind === "skip") return { ok: true, events: [] }
  const occurredAt = row.value("occurredAt", instantIn(settings.dates), true)
  const account = row.text("account", kind === "meeting")
  const contact = row.text("contact")
  const direction = row.text("direction")?.toLowerCase()
  if (kind === "call" && direction !== undefined && !["outbound", "inbound", "internal"].includes(direction)) {
    row.problem("direction", `"${direction}" is not outbound, inbound or internal`)
  }
  const duration = kind === "call" ? row.value("duration", secondsOf) : undefined
  const outcomeWord = kind === "call" ? row.text("outcome") : undefined
  const disposition = outcomeWord === undefined ? undefined : mapWord(settings.outcomes, outcomeWord)
  if (outcomeWord !== undefined && disposition === undefined) {
    row.problem(
      "outcome",
      `unknown call outcome "${outcomeWord}"; say what it means with --outcomes "${outcomeWord}=connected" (or no_answer, voicemail, busy, failed)`,
    )
  }
  const held = kind === "meeting" ? row.value("held", yesNoOf) : undefined
  if (row.problems.length > 0) return { ok: false, problems: row.problems }
  if (kind === "call" && direction === "internal") return { ok: true, events: [] }

  const id = activityId as string
  const at = occurredAt as string
  const repId = repIdOf(owner as string, settings.identitySource)
  const target = { repId, accountId: account, contactId: contact }
  const key = (suffix: string) => `csv:activities:${id}:${suffix}`
  const drafts: DraftEvent[] = []
  switch (kind as Exclude<ActivityKind, "skip">) {
    case "call":
      drafts.push({
        type: "CallLogged",
        occurredAt: at,
        idempotencyKey: key("call"),
        data: {
          callId: id,
          ...target,
          direction: direction ?? "outbound",
          disposition: disposition ?? ((duration ?? 0) > 0 ? "connected" : "no_answer"),
          durationSeconds: duration ?? 0,
        },
      })
      break
    case "email":
      drafts.push({
        type: "EmailSent",
        occurredAt: at,
        idempotencyKey: key("email"),
        data: { emailId: id, ...target, kind: "follow_up" },
      })
      break
    case "meeting":
      drafts.push({
        type: "MeetingBooked",
        occurredAt: at,
        idempotencyKey: key("booked"),
        data: {
          meetingId: id,
          repId,
          accountId: account,
          contactId: contact,
          scheduledFor: at,
          source: settings.dealSource,
        },
      })
      if (held !== false)
        drafts.push({
          type: "MeetingHeld",
          occurredAt: at,
          idempotencyKey: key("held"),
          data: { meetingId: id, repId },
        })
      break
    case "social":
    case "sms":
    case "in_person":
    case "other":
      drafts.push({
        type: "TouchLogged",
        occurredAt: at,
        idempotencyKey: key("touch"),
        data: { touchId: id, ...target, channel: kind },
      })
      break
  }
  return checkedEvents(drafts, fieldOfMember)
}
