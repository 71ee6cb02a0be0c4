/**
 * Where the vocabulary holds personal data (events/personal.ts), and how an event is kept apart from
 * its personal values (src/store/personalValues.ts): which values become tokens, under whose names
 * they are filed, and that tokens keep every equality the folds rely on.
 */
import { createHmac } from "node:crypto"
import { describe, expect, it } from "vitest"
import { normalisedIdentifier, personalValuesOf, withPersonalValuesReplaced } from "../events/index.js"
import { keepEventApart, keepPersonalValuesApart, type PersonalKey, subjectKey } from "../src/store/personalValues.js"

const key: PersonalKey = { hash: (text) => createHmac("sha256", "test key").update(text).digest("hex") }
const event = (type: string, data: unknown, metadata: Record<string, unknown> = {}) => ({
  type,
  schemaVersion: 1,
  data,
  metadata,
  occurredAt: "2026-11-02T14:00:00.000Z",
  idempotencyKey: `k-${type}`,
})

describe("personal fields", () => {
  it("finds a contact, a rep's own data, and only the personal part of a vendor alias", () => {
    expect(
      personalValuesOf("CallLogged", {
        callId: "c1",
        repId: "twilio:+14155550100",
        contactId: "Bo@Acme.example",
        accountId: "acme.example",
      }),
    ).toEqual([
      { field: "contactId", value: "Bo@Acme.example", subjects: ["bo@acme.example"] },
      { field: "repId", value: "+14155550100", subjects: ["+14155550100"] },
    ])
    expect(personalValuesOf("RepJoined", { repId: "ana", name: "Ana Lima", role: "AE" })).toEqual([
      { field: "name", value: "Ana Lima", subjects: ["ana lima", "ana"] },
    ])
    // An Aircall user id and a plain rep id are no one's personal data.
    expect(personalValuesOf("CallLogged", { callId: "c1", repId: "aircall:4021" })).toEqual([])
    expect(personalValuesOf("DealWon", { dealId: "d1" })).toEqual([])
  })

  it("matches an identifier however it is spelled", () => {
    expect(normalisedIdentifier(" Bo@Acme.EXAMPLE ")).toBe("bo@acme.example")
    expect(normalisedIdentifier("+33 6 12-34-56-78")).toBe("+33612345678")
    expect(normalisedIdentifier("(415) 555-0100")).toBe("4155550100")
    expect(subjectKey(key, "+33 (0)6 12 34 56 78")).not.toBe(subjectKey(key, "+33612345678")) // a different number
    expect(subjectKey(key, "BO@acme.example")).toBe(subjectKey(key, "bo@acme.example"))
  })

  it("replaces an alias's id inside the alias, so that it still names its vendor", () => {
    expect(withPersonalValuesReplaced("MeetingBooked", { repId: "calendly:ana@x.example" }, () => "T")).toEqual({
      repId: "calendly:T",
    })
  })
})

describe("keeping an event apart", () => {
  it("stores tokens in place of the values, one per distinct value, and the payload whole", () => {
    const { event: kept, kept: values } = keepEventApart(
      key,
      event(
        "CallEventReceived",
        { callId: "twilio-CA1", vendor: "twilio", vendorEvent: "completed", repId: "twilio:+14155550100" },
        { source: "twilio", raw: { From: "+14155550100", To: "+33612345678" } },
      ),
    )
    const repToken = `pd:${key.hash("+14155550100")}`
    expect(kept.data).toMatchObject({ repId: `twilio:${repToken}` })
    expect(kept.metadata).toEqual({
      source: "twilio",
      raw: `pd:raw:${key.hash('{"From":"+14155550100","To":"+33612345678"}')}`,
    })
    // The payload is filed under both people it names: an erasure of either deletes it.
    const payload = values.find((v) => v.raw)
    expect(payload?.subjects).toEqual(
      expect.arrayContaining([subjectKey(key, "+33612345678"), subjectKey(key, "+14155550100")]),
    )
    // Kept again (a store copy, a restored archive), a token stays as it is.
    expect(keepEventApart(key, kept).kept).toEqual([])
  })

  it("files a payload under the people its connector declares, the net's finds too, and stores no declaration", () => {
    const { event: kept, kept: values } = keepEventApart(key, {
      ...event(
        "CallEventReceived",
        { callId: "twilio-CA43", vendor: "twilio", vendorEvent: "initiated" },
        { source: "twilio", raw: { From: "client:alice", To: "4155550199", Note: "bo@acme.example" } },
      ),
      // As twilio.ts declares them (test/connectors.personal.unit.test.ts): no `+`, so the net alone
      // would miss both; `Note` is no declared field, and the net still finds the address in it.
      payloadSubjects: ["client:alice", "4155550199"],
    })
    expect(values.find((v) => v.raw)?.subjects).toEqual([
      subjectKey(key, "client:alice"),
      subjectKey(key, "4155550199"),
      subjectKey(key, "bo@acme.example"),
    ])
    expect(kept).not.toHaveProperty("payloadSubjects")
    expect(Object.keys(kept).sort()).toEqual([
      "data",
      "idempotencyKey",
      "metadata",
      "occurredAt",
      "schemaVersion",
      "type",
    ])
  })

  it("keeps equal values equal and distinct ones distinct, and names a contact's stream by its token", () => {
    const { appends } = keepPersonalValuesApart(key, [
      {
        streamId: "contact-bo@acme.example",
        expected: "any",
        events: [event("ProspectDeclined", { contactId: "bo@acme.example", how: "said_no" })],
      },
    ])
    const token = `pd:${key.hash("bo@acme.example")}`
    expect(appends[0]?.streamId).toBe(`contact-${token}`)
    expect(appends[0]?.events[0]?.data).toEqual({ contactId: token, how: "said_no" })
    expect(`pd:${key.hash("Bo@acme.example")}`).not.toBe(token) // the folds told them apart before
  })
})
