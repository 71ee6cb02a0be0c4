/**
 * Where each connector's kept payload holds personal data (the `personalFields` of its `KeptPayload`,
 * src/ingest/webhooks/README.md "Personal data in vendor payloads"): every email address and phone
 * number in every fixture sits at a declared field, so that a fixture with a new personal field fails
 * here until it is declared; and the people a fixture names by its declaration are the ones listed by
 * hand below.
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { aircallPayload } from "../src/ingest/webhooks/aircall.js"
import { calendlyPayload } from "../src/ingest/webhooks/calendly.js"
import type { ConnectorSource } from "../src/ingest/webhooks/connector.js"
import { dialpadPayload } from "../src/ingest/webhooks/dialpad.js"
import { connectors, payloadSubjectsOfMetadata } from "../src/ingest/webhooks/index.js"
import { type KeptPayload, payloadSubjectsOf } from "../src/ingest/webhooks/keptPayload.js"
import { ringCentralPayload } from "../src/ingest/webhooks/ringcentral.js"
import { twilioPayload } from "../src/ingest/webhooks/twilio.js"

const json = (path: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), "utf8"))
/** A fixture file that holds one delivery, or an array of a call's deliveries, as deliveries. */
const deliveries = (path: string): ReadonlyArray<unknown> => {
  const read = json(path)
  return Array.isArray(read) ? read : [read]
}

const t0 = 1_793_628_000

/**
 * An Aircall `call.ended` as developer.aircall.io's Call object documents it: the caller's
 * `raw_digits`, a contact with its emails and numbers, the rep, a transfer, a comment. The token is
 * masked already, as kept.
 */
const aircallEnded = {
  resource: "call",
  event: "call.ended",
  timestamp: t0 + 140,
  token: "[secret removed]",
  data: {
    id: 812,
    direct_link: "https://api.aircall.io/v1/calls/812",
    direction: "inbound",
    status: "done",
    started_at: t0,
    answered_at: t0 + 12,
    ended_at: t0 + 107,
    duration: 107,
    raw_digits: "+33 6 12 34 56 78",
    voicemail: null,
    recording: "https://cdn.aircall.io/recordings/812.mp3",
    missed_call_reason: null,
    user: { id: 4021, direct_link: "https://api.aircall.io/v1/users/4021", name: "Ana Ruiz", email: "ana@acme.test" },
    number: { id: 77, name: "Sales FR", digits: "+33 1 00 00 00 00", country: "FR" },
    contact: {
      id: 9001,
      first_name: "Bo",
      last_name: "Chen",
      company_name: "Globex",
      information: "met at the fair",
      emails: [{ id: 1, label: "Work", value: "bo.chen@globex.example" }],
      phone_numbers: [
        { id: 2, label: "Mobile", value: "+33 6 12 34 56 78" },
        { id: 3, label: "Work", value: "+33 1 99 99 99 99" },
      ],
    },
    assigned_to: { id: 4021, name: "Ana Ruiz", email: "ana@acme.test" },
    transferred_by: { id: 4022, name: "Cy Dunn", email: "cy@acme.test" },
    transferred_to: { id: 4021, name: "Ana Ruiz", email: "ana@acme.test" },
    comments: [{ id: 5, content: "call back Bo on +33 6 12 34 56 78", posted_at: t0 + 120 }],
    tags: [{ id: 6, name: "Hot lead" }],
    teams: [{ id: 7, name: "Sales" }],
  },
}
/** The Aircall connector's own test's call, as kept: a rep, a line, no contact. */
const aircallOutbound = {
  resource: "call",
  event: "call.ended",
  timestamp: t0 + 140,
  token: "[secret removed]",
  data: {
    id: 812,
    direction: "outbound",
    status: "done",
    started_at: t0,
    answered_at: t0 + 12,
    ended_at: t0 + 107,
    duration: 107,
    voicemail: null,
    missed_call_reason: null,
    user: { id: 4021, name: "Ana Ruiz", email: "ana@acme.test" },
    number: { id: 77, digits: "+33 1 00 00 00 00" },
  },
}

/** Twilio's published signing examples (test/connectors.twilio.unit.test.ts) and a status callback. */
const twilioPublished = {
  CallSid: "CA1234567890ABCDE",
  Caller: "+14158675309",
  Digits: "1234",
  From: "+14158675309",
  To: "+18005551212",
}
const twilioCompleted = {
  AccountSid: "AC1",
  ApiVersion: "2010-04-01",
  CallDuration: "31",
  CallSid: "CA42",
  CallStatus: "completed",
  Called: "+14155550199",
  CalledCity: "SAN FRANCISCO",
  CalledState: "CA",
  CalledZip: "94103",
  Caller: "+14155550100",
  CallerName: "Ana Ruiz",
  Direction: "outbound-api",
  From: "+14155550100",
  FromCity: "OAKLAND",
  To: "+14155550199",
  ToCity: "SAN FRANCISCO",
  ToZip: "94103",
}
/** A Voice SDK client's call: its identity is its address. */
const twilioClient = {
  CallSid: "CA43",
  CallStatus: "initiated",
  Direction: "outbound-dial",
  From: "client:alice",
  To: "4155550199",
}

/** A Dialpad hangup as test/connectors.dialpad.unit.test.ts sends it. */
const dialpadHangup = {
  call_id: "5738148658520064",
  master_call_id: "5738148658520064",
  state: "hangup",
  direction: "outbound",
  event_timestamp: t0 * 1000 + 99_400,
  date_started: t0 * 1000,
  date_connected: t0 * 1000 + 4_000,
  date_ended: t0 * 1000 + 99_400,
  duration: 95_400,
  external_number: "+14155550199",
  internal_number: "+14155550100",
  target: { id: "4567890123456789", type: "user", email: "ana@acme.example", name: "Ana Ruiz", phone: "+14155550100" },
  contact: { id: "c-1", name: "Bo Chen", phone: "+14155550199", type: "local", email: "bo@globex.example" },
  recording_url: ["https://dialpad.com/r/1"],
}

/** A Calendly cancel by the invitee, with the booking form's answers. */
const calendlyCanceled = {
  created_at: "2026-11-03T09:00:00.000000Z",
  event: "invitee.canceled",
  payload: {
    email: "bo.chen@globex.example",
    name: "Bo Chen",
    text_reminder_number: "+33 6 12 34 56 78",
    questions_and_answers: [{ position: 0, question: "Your phone?", answer: "+33 6 12 34 56 78" }],
    cancellation: { canceled_by: "Bo Chen", canceler_type: "invitee", reason: "write to bo@globex.example instead" },
    scheduled_event: {
      event_guests: [{ email: "cy@globex.example", created_at: "2026-11-02T14:04:59Z" }],
      event_memberships: [{ user_email: "ana@ourco.example", user_name: "Ana Ruiz" }],
      location: { type: "outbound_call", location: "+33 6 12 34 56 78" },
    },
    uri: "https://api.calendly.com/scheduled_events/EVENT-B/invitees/INVITEE-B",
  },
}

type Fixture = { readonly name: string; readonly payload: unknown; readonly subjects: ReadonlyArray<string> }

/** Every connector's fixtures, each with the people it names, listed by hand. */
const fixtures: Readonly<Record<ConnectorSource, { readonly kept: KeptPayload; readonly of: ReadonlyArray<Fixture> }>> =
  {
    aircall: {
      kept: aircallPayload,
      of: [
        {
          name: "a documented inbound call",
          payload: aircallEnded,
          subjects: [
            "+33 6 12 34 56 78",
            "+33 1 00 00 00 00",
            "ana@acme.test",
            "cy@acme.test",
            "bo.chen@globex.example",
            "+33 1 99 99 99 99",
          ],
        },
        {
          name: "the connector test's call",
          payload: aircallOutbound,
          subjects: ["+33 1 00 00 00 00", "ana@acme.test"],
        },
      ],
    },
    twilio: {
      kept: twilioPayload,
      of: [
        { name: "the published example", payload: twilioPublished, subjects: ["+14158675309", "+18005551212"] },
        { name: "a completed call", payload: twilioCompleted, subjects: ["+14155550100", "+14155550199"] },
        { name: "a Voice SDK client", payload: twilioClient, subjects: ["client:alice", "4155550199"] },
      ],
    },
    ringcentral: {
      kept: ringCentralPayload,
      of: [
        {
          name: "webhook shape",
          payload: json("ringcentral/webhook-shape-example.json"),
          subjects: ["+14083388064", "+19043014558"],
        },
        // The push envelope's parties are two extensions, which RingCentral names by their short numbers.
        { name: "wrapped shape", payload: json("ringcentral/wrapped-shape-example.json"), subjects: ["102", "103"] },
        // Every delivery of a call names both ends: the rep's line and the outside number.
        ...["ringcentral-to-pstn.json", "pstn-to-ringcentral.json"].flatMap((file) =>
          deliveries(`ringcentral/${file}`).map((payload, at) => ({
            name: `${file} #${at}`,
            payload,
            subjects: ["+14083388064", "+18003151571"],
          })),
        ),
      ],
    },
    dialpad: {
      kept: dialpadPayload,
      of: [
        {
          name: "a hangup",
          payload: dialpadHangup,
          subjects: ["+14155550199", "+14155550100", "bo@globex.example", "ana@acme.example"],
        },
      ],
    },
    calendly: {
      kept: calendlyPayload,
      of: [
        {
          name: "the published invitee.created",
          payload: json("calendly/invitee-created.json"),
          subjects: ["Bo.Chen@Acme.example", "Ana@OurCo.example"],
        },
        {
          name: "a cancel with answers",
          payload: calendlyCanceled,
          subjects: ["bo.chen@globex.example", "+33 6 12 34 56 78", "ana@ourco.example", "cy@globex.example"],
        },
      ],
    },
  }

/** Email addresses and phone numbers anywhere in a text: what a declaration must cover. */
const identifierPattern = /[^@\s]+@[^@\s]+\.[^@\s]+|\+\d[\d\s().-]{5,}/

/** Every text (or number) in a payload, with its concrete path (`parties.0.from.phoneNumber`). */
const leaves = (value: unknown, path: ReadonlyArray<string> = []): Array<{ path: string[]; text: string }> => {
  if (typeof value === "string" || typeof value === "number") return [{ path: [...path], text: String(value) }]
  if (value === null || typeof value !== "object") return []
  return Object.entries(value).flatMap(([name, member]) => leaves(member, [...path, name]))
}

/** Whether a declared field (`body.parties.*.from.phoneNumber`) covers a concrete path. */
const covers = (field: string, path: ReadonlyArray<string>): boolean => {
  const segments = field.split(".")
  return segments.length === path.length && segments.every((segment, at) => segment === "*" || segment === path[at])
}

describe("personal data in vendor payloads", () => {
  it("declares a field for every email address and phone number in every connector's fixtures", () => {
    const undeclared = Object.entries(fixtures).flatMap(([source, { kept, of }]) =>
      of.flatMap(({ name, payload }) =>
        leaves(payload)
          .filter(({ text }) => identifierPattern.test(text))
          .filter(({ path }) => !Object.keys(kept.personalFields).some((field) => covers(field, path)))
          .map(({ path, text }) => `${source} (${name}): ${path.join(".")} = ${text}`),
      ),
    )
    expect(undeclared).toEqual([])
  })

  it("names, from each fixture's declared fields, the people listed by hand", () => {
    for (const [source, { kept, of }] of Object.entries(fixtures))
      for (const { name, payload, subjects } of of)
        expect([...payloadSubjectsOf(payload, kept)].sort(), `${source}: ${name}`).toEqual([...subjects].sort())
  })

  it("covers every connector, and reads an event's kept payload by its source", () => {
    expect(Object.keys(fixtures).sort()).toEqual(connectors.map((c) => c.source).sort())
    expect(payloadSubjectsOfMetadata({ source: "twilio", raw: twilioClient })).toEqual(["client:alice", "4155550199"])
    // An erased payload reads as text; an event of the API has no connector: the store's net scans those.
    expect(payloadSubjectsOfMetadata({ source: "twilio", raw: "erased:0123456789ab" })).toBeUndefined()
    expect(payloadSubjectsOfMetadata({ source: "api", raw: twilioClient })).toBeUndefined()
  })
})
