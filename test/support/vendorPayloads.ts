/**
 * @module Webhook deliveries for the fuzz test, shaped as each vendor documents them (Aircall,
 * Dialpad, RingCentral, Calendly JSON; Twilio's form), then spoiled, and the secrets the fuzz
 * server is configured with so that a delivery can be signed and get past the vendor's check.
 */
import { createHmac } from "node:crypto"
import fc from "fast-check"
import { CompactSign } from "jose"
import { twilioSignature } from "../../src/ingest/webhooks/twilio.js"
import { anyText, fromSchema, type JsonSchema } from "./jsonSchemaValues.js"

const str = { type: "string" }
const int = { type: "integer", minimum: 0, maximum: 4000 }
const unixSeconds = { type: "integer", minimum: 1_700_000_000, maximum: 1_800_000_000 }
const rfc3339 = { type: "string", format: "date-time" }

/** Payloads shaped as each vendor documents them (then spoiled like every schema value), by webhook source. */
const vendorSchemas: Record<string, JsonSchema> = {
  aircall: {
    type: "object",
    properties: {
      resource: { enum: ["call", "user"] },
      event: { enum: ["call.created", "call.answered", "call.hungup", "call.ended", "call.tagged"] },
      timestamp: unixSeconds,
      token: { const: "fuzz-aircall-token" },
      data: {
        type: "object",
        properties: {
          id: { anyOf: [int, str] },
          direction: { enum: ["inbound", "outbound"] },
          status: { enum: ["initial", "answered", "done"] },
          started_at: unixSeconds,
          answered_at: unixSeconds,
          ended_at: unixSeconds,
          duration: int,
          missed_call_reason: {
            enum: ["no_available_agent", "agents_did_not_answer", "abandoned_in_ivr", "out_of_opening_hours"],
          },
          voicemail: str,
          user: { type: "object", properties: { id: int, email: str } },
          contact: { type: "object", properties: { id: int } },
        },
        required: ["id"],
      },
    },
    required: ["resource", "event", "timestamp", "token", "data"],
  },
  dialpad: {
    type: "object",
    properties: {
      call_id: { anyOf: [int, str] },
      state: {
        enum: [
          "calling",
          "ringing",
          "connected",
          "hangup",
          "missed",
          "voicemail",
          "voicemail_uploaded",
          "call_transcription",
        ],
      },
      direction: { enum: ["inbound", "outbound"] },
      date_started: { type: "integer", minimum: 1_700_000_000_000, maximum: 1_800_000_000_000 },
      date_connected: { type: "integer", minimum: 1_700_000_000_000, maximum: 1_800_000_000_000 },
      date_ended: { type: "integer", minimum: 1_700_000_000_000, maximum: 1_800_000_000_000 },
      duration: { type: "number" },
      target: { type: "object", properties: { id: int, type: { enum: ["user", "office"] }, email: str } },
      contact: { type: "object", properties: { id: str, phone: str } },
    },
    required: ["call_id", "state"],
  },
  ringcentral: {
    type: "object",
    properties: {
      uuid: str,
      event: { enum: ["/restapi/v1.0/account/~/telephony/sessions", "/restapi/v1.0/account/~/extension/1/presence"] },
      timestamp: rfc3339,
      subscriptionId: str,
      body: {
        type: "object",
        properties: {
          sequence: int,
          telephonySessionId: str,
          eventTime: rfc3339,
          parties: {
            type: "array",
            items: {
              type: "object",
              properties: {
                extensionId: str,
                direction: { enum: ["Inbound", "Outbound"] },
                status: {
                  type: "object",
                  properties: {
                    code: { enum: ["Setup", "Proceeding", "Answered", "Disconnected", "VoiceMail", "Gone"] },
                    reason: str,
                  },
                },
                missedCall: { type: "boolean" },
              },
            },
          },
        },
        required: ["telephonySessionId", "parties"],
      },
    },
    required: ["event", "body"],
  },
  calendly: {
    type: "object",
    properties: {
      event: { enum: ["invitee.created", "invitee.canceled", "routing_form_submission.created"] },
      created_at: rfc3339,
      payload: {
        type: "object",
        properties: {
          uri: str,
          email: str,
          rescheduled: { type: "boolean" },
          new_invitee: str,
          old_invitee: str,
          scheduled_event: {
            type: "object",
            properties: {
              uri: str,
              start_time: rfc3339,
              event_memberships: {
                type: "array",
                items: { type: "object", properties: { user: str, user_email: str } },
              },
            },
          },
        },
        required: ["uri"],
      },
    },
    required: ["event", "payload"],
  },
}

/** A Twilio Voice status callback, form-encoded, its parameters plausible or spoiled. */
const twilioForm: fc.Arbitrary<string> = fc
  .record(
    {
      CallSid: fc.oneof(fc.constantFrom("CA1", "CA2", "CA3"), anyText),
      CallStatus: fc.oneof(
        fc.constantFrom("queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"),
        anyText,
      ),
      Direction: fc.constantFrom("inbound", "outbound-api", "outbound-dial", "sideways"),
      CallDuration: fc.oneof(fc.nat(4000).map(String), anyText),
      Timestamp: fc.constantFrom("Mon, 02 Nov 2026 14:05:00 +0000", "not a date", ""),
      From: fc.constantFrom("+33612345678", "client:ana", ""),
    },
    { requiredKeys: [] },
  )
  .map((form) => new URLSearchParams(form as Record<string, string>).toString())

/** The secrets the fuzz server is configured with, so that deliveries can be made authentic and get past the check. */
export const fuzzWebhookSecrets = {
  aircallToken: "fuzz-aircall-token",
  twilioAuthToken: "fuzz-twilio-token",
  ringcentralVerificationToken: "fuzz-ringcentral-token",
  dialpadSecret: "fuzz-dialpad-secret",
  calendlySigningKey: "fuzz-calendly-key",
  calendlyToleranceSeconds: 180,
  // Dialpad's payloads are fuzzed unsigned, as a webhook without secret sends them.
  dialpadAllowUnsigned: true,
} as const

/** 2026-11-02T14:00:00Z, in UNIX seconds. */
const t0 = 1_793_628_000

/**
 * One valid payload per vendor that stores what it is sent, around a hole (`$`) for a JSON value of
 * a field the connector keeps (in the call's `metadata.raw`): where a test puts bad bytes or deep
 * nesting so that they reach the connector past its proof. Twilio's form holds no JSON.
 */
export const vendorPayloadAround: Readonly<
  Record<"aircall" | "ringcentral" | "calendly" | "dialpad", { readonly contentType: string; readonly around: string }>
> = {
  aircall: {
    contentType: "application/json",
    around: `{"resource":"call","event":"call.ended","timestamp":${t0},"token":"fuzz-aircall-token","data":{"id":1,"direction":"outbound","started_at":${t0},"ended_at":${t0 + 60},"user":{"id":4021,"name":$}}}`,
  },
  ringcentral: {
    contentType: "application/json",
    around:
      '{"uuid":"u1","event":"/restapi/v1.0/account/~/telephony/sessions","timestamp":"2026-11-02T14:00:00Z","body":{"sequence":1,"telephonySessionId":"s1","eventTime":"2026-11-02T14:00:00Z","parties":[{"extensionId":"1","direction":"Outbound","status":{"code":"Disconnected","reason":$}}]}}',
  },
  calendly: {
    contentType: "application/json",
    around:
      '{"event":"invitee.created","created_at":"2026-11-02T14:00:00Z","payload":{"uri":"https://api.calendly.com/scheduled_events/e1/invitees/i1","email":"ana@example.com","name":$,"scheduled_event":{"uri":"https://api.calendly.com/scheduled_events/e1","start_time":"2026-11-05T15:00:00Z","event_memberships":[{"user_email":"ana@example.com"}]}}}',
  },
  // The claims of the JWT that signedDelivery makes of it.
  dialpad: {
    contentType: "application/jwt",
    around: `{"call_id":1,"state":"hangup","direction":"outbound","date_started":${t0 * 1000},"date_ended":${t0 * 1000 + 60_000},"target":{"id":7,"type":"user","name":$}}`,
  },
}

/**
 * A delivery made authentic as its vendor makes it, with the fuzz server's secrets: the headers to
 * add and the body to send. Signatures cover the exact bytes (Calendly's HMAC, Dialpad's JWT, whose
 * claims are the bytes given); Aircall's token is already in its body; Twilio signs the URL and the
 * form's parameters.
 */
export const signedDelivery = async (
  vendor: string,
  url: string,
  body: Uint8Array,
): Promise<{ readonly headers: Record<string, string>; readonly body: Uint8Array }> => {
  switch (vendor) {
    case "twilio": {
      const params = [...new URLSearchParams(Buffer.from(body).toString("utf8"))]
      return {
        headers: { "x-twilio-signature": twilioSignature(fuzzWebhookSecrets.twilioAuthToken, url, params) },
        body,
      }
    }
    case "ringcentral":
      return { headers: { "verification-token": fuzzWebhookSecrets.ringcentralVerificationToken }, body }
    case "calendly": {
      const t = String(Math.floor(Date.now() / 1000))
      const v1 = createHmac("sha256", fuzzWebhookSecrets.calendlySigningKey).update(`${t}.`).update(body).digest("hex")
      return { headers: { "calendly-webhook-signature": `t=${t},v1=${v1}` }, body }
    }
    case "dialpad": {
      const jwt = await new CompactSign(body)
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .sign(new TextEncoder().encode(fuzzWebhookSecrets.dialpadSecret))
      return { headers: { "content-type": "application/jwt" }, body: new TextEncoder().encode(jwt) }
    }
    default:
      return { headers: {}, body }
  }
}

/** A delivery body shaped as `source` sends it; `authentic` deliveries are signed by the fuzz at send time. */
export const vendorBody = (
  source: string,
): fc.Arbitrary<{ readonly kind: string; readonly text: string; readonly contentType: string }> =>
  source === "twilio"
    ? twilioForm.map((text) => ({ kind: "Twilio form", text, contentType: "application/x-www-form-urlencoded" }))
    : fromSchema(vendorSchemas[source]).map((value) => ({
        kind: `${source} payload`,
        text: JSON.stringify(value) ?? "null",
        contentType: "application/json",
      }))
