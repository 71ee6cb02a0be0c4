/**
 * Calendly: the `Calendly-Webhook-Signature` (t=…,v1=HMAC-SHA256 of `${t}.${body}`) with its replay
 * window, and invitees as MeetingBooked / MeetingCanceled, reschedules counted once. Calendly
 * publishes no signature test vector: the one here was computed with openssl, not by this code
 * (`printf '1793628300.' | cat - test/fixtures/calendly/invitee-created.json | openssl dgst -sha256 -hmac calendly-signing-key-for-tests`).
 */
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { accountOfEmail, calendly, calendlySignature, readCalendly } from "../src/ingest/webhooks/calendly.js"
import type { Delivery, LedgerLookup, Reading } from "../src/ingest/webhooks/connector.js"

const signingKey = "calendly-signing-key-for-tests"
const created = readFileSync(new URL("./fixtures/calendly/invitee-created.json", import.meta.url), "utf8")
const t = 1793628300 // 2026-11-02T14:05:00Z
const opensslV1 = "00b2c7c95d9c7ca73cf5e2d10e604877ae08fc87e713e3dbb045058cca1d4c68"
const config = { signingKey, toleranceSeconds: 180 }

const delivery = (body: string, signature: string | undefined, receivedAt = new Date((t + 2) * 1000)): Delivery => ({
  url: "https://ledger.example.com/v1/webhooks/calendly",
  headers: new Headers({
    "content-type": "application/json",
    ...(signature === undefined ? {} : { "calendly-webhook-signature": signature }),
  }),
  body,
  receivedAt,
})

/** A delivery Calendly would send for `payload`, signed at `t`. */
const signed = (payload: unknown, at = t): Delivery => {
  const body = JSON.stringify(payload)
  return delivery(body, `t=${at},v1=${calendlySignature(signingKey, String(at), body)}`, new Date((at + 2) * 1000))
}

const invitee = (uuid: string, changes: Record<string, unknown> = {}, event = "invitee.created") => {
  const base = JSON.parse(created)
  return {
    ...base,
    event,
    payload: {
      ...base.payload,
      uri: `https://api.calendly.com/scheduled_events/EVENT-${uuid}/invitees/${uuid}`,
      ...changes,
    },
  }
}

/** A ledger holding the given MeetingBooked events: each idempotency key's meeting id. */
const ledgerWith = (booked: Record<string, string>): LedgerLookup => ({
  storedEvent: async (key) =>
    booked[key] === undefined ? undefined : { type: "MeetingBooked", data: { meetingId: booked[key] } },
  streamEvents: async (streamId) =>
    Object.values(booked)
      .filter((meetingId) => streamId === `meeting-${meetingId}`)
      .map((meetingId) => ({ type: "MeetingBooked", data: { meetingId } })),
})

const eventsOf = (reading: Reading) => {
  if (reading.kind !== "events") throw new Error(`expected events, got ${JSON.stringify(reading)}`)
  return reading.events
}

describe("the signature and its replay window", () => {
  it("accepts the delivery whose v1 openssl computed independently", async () => {
    expect(await readCalendly(delivery(created, `t=${t},v1=${opensslV1}`), config)).toMatchObject({ kind: "events" })
    expect(calendlySignature(signingKey, String(t), created)).toBe(opensslV1)
  })

  it("refuses a missing, unreadable or wrong signature, or a body changed after signing, with 401", async () => {
    const refusals = [
      delivery(created, undefined),
      delivery(created, `v1=${opensslV1}`),
      delivery(created, `t=${t}`),
      delivery(created, `t=${t},v1=${opensslV1.replace(/^00/, "01")}`),
      delivery(created, `t=${t + 1},v1=${opensslV1}`),
      delivery(created.replace("Bo Chen", "Bo Chan"), `t=${t},v1=${opensslV1}`),
    ]
    for (const d of refusals)
      expect(await readCalendly(d, config)).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
  })

  it("refuses a signature older (or newer) than the tolerance, 180 s by default: a replay", async () => {
    const at = (secondsAfter: number) =>
      delivery(created, `t=${t},v1=${opensslV1}`, new Date((t + secondsAfter) * 1000))
    expect(await readCalendly(at(180), config)).toMatchObject({ kind: "events" })
    const replay = await readCalendly(at(181), config)
    expect(replay).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
    expect(JSON.stringify(replay)).toContain("LEDGER_CALENDLY_TOLERANCE_SECONDS=180")
    expect(await readCalendly(at(-181), config)).toMatchObject({ kind: "rejected", rejection: { status: 401 } })
    expect(await readCalendly(at(600), { signingKey, toleranceSeconds: 600 })).toMatchObject({ kind: "events" })
  })

  it("answers 503 naming LEDGER_CALENDLY_SIGNING_KEY while no signing key is configured", async () => {
    const reading = await readCalendly(delivery(created, `t=${t},v1=${opensslV1}`), {
      signingKey: undefined,
      toleranceSeconds: 180,
    })
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 503 } })
    expect(JSON.stringify(reading)).toContain("LEDGER_CALENDLY_SIGNING_KEY")
  })
})

describe("invitee.created: a MeetingBooked", () => {
  it("reads the host as the rep, the invitee's domain as the account, the start as scheduledFor", async () => {
    expect(eventsOf(await readCalendly(delivery(created, `t=${t},v1=${opensslV1}`), config))).toEqual([
      {
        type: "MeetingBooked",
        occurredAt: "2026-11-02T14:04:59.123Z",
        idempotencyKey: "calendly:invitee.created:https://api.calendly.com/scheduled_events/EVENT-A/invitees/INVITEE-A",
        data: {
          meetingId: "calendly-INVITEE-A",
          repId: "calendly:ana@ourco.example",
          accountId: "acme.example",
          contactId: "bo.chen@acme.example",
          scheduledFor: "2026-11-05T15:00:00.000Z",
          source: "inbound",
        },
      },
    ])
  })

  it("is outbound when a Calendly user booked it for the invitee", async () => {
    const byHost = invitee("B", { invitee_scheduled_by: "https://api.calendly.com/users/AAAAAAAAAAAAAAAA" })
    expect(eventsOf(await readCalendly(signed(byHost), config))[0]?.data).toMatchObject({ source: "outbound" })
  })

  it("an account is the email's domain, or the whole address at a personal mailbox", () => {
    expect(accountOfEmail("Bo@Acme.com")).toBe("acme.com")
    expect(accountOfEmail("bo.chen@gmail.com")).toBe("bo.chen@gmail.com")
  })

  it("refuses an invitee without host, email or start with 400 naming the field; ignores other events", async () => {
    const noHost = invitee("C")
    noHost.payload.scheduled_event = { ...noHost.payload.scheduled_event, event_memberships: [] }
    const reading = await readCalendly(signed(noHost), config)
    expect(reading).toMatchObject({ kind: "rejected", rejection: { status: 400 } })
    expect(JSON.stringify(reading)).toContain("event_memberships")
    expect(await readCalendly(signed({ event: "invitee_no_show.created", payload: {} }), config)).toMatchObject({
      kind: "ignored",
    })
  })
})

describe("invitee.canceled: a MeetingCanceled, unless it is a reschedule", () => {
  const canceled = (uuid: string, changes: Record<string, unknown>) =>
    invitee(uuid, { status: "canceled", updated_at: "2026-11-03T09:00:00.000000Z", ...changes }, "invitee.canceled")

  it("cancels the invitee's meeting, with who canceled and why", async () => {
    const reading = await readCalendly(
      signed(
        canceled("A", {
          cancellation: {
            canceled_by: "Bo Chen",
            reason: "conflict",
            canceler_type: "invitee",
            created_at: "2026-11-03T08:59:59.000000Z",
          },
        }),
      ),
      config,
    )
    expect(eventsOf(reading)).toEqual([
      {
        type: "MeetingCanceled",
        occurredAt: "2026-11-03T08:59:59.000Z",
        idempotencyKey: "calendly:invitee.canceled:https://api.calendly.com/scheduled_events/EVENT-A/invitees/A",
        data: { meetingId: "calendly-A", reason: "canceled by the invitee: conflict" },
      },
    ])
  })

  it("ignores the cancel of a reschedule (rescheduled: true): the meeting stays booked", async () => {
    const reading = await readCalendly(
      signed(
        canceled("A", {
          rescheduled: true,
          new_invitee: "https://api.calendly.com/scheduled_events/EVENT-B/invitees/B",
        }),
      ),
      config,
    )
    expect(reading).toMatchObject({ kind: "ignored" })
  })
})

describe("a reschedule keeps the meeting's id", () => {
  const uriOf = (uuid: string) => `https://api.calendly.com/scheduled_events/EVENT-${uuid}/invitees/${uuid}`
  const key = (uuid: string) => `calendly:invitee.created:${uriOf(uuid)}`

  it("the new invitee's booking takes the old invitee's meeting, and a chain keeps the first one", async () => {
    const first = ledgerWith({ [key("A")]: "calendly-A" })
    const toB = eventsOf(
      await calendly.read(
        signed(invitee("B", { old_invitee: uriOf("A") })),
        { calendlySigningKey: signingKey, calendlyToleranceSeconds: 180 },
        first,
      ),
    )
    expect(toB[0]?.data).toMatchObject({ meetingId: "calendly-A" })
    const afterB = ledgerWith({ [key("A")]: "calendly-A", [key("B")]: "calendly-A" })
    const toC = eventsOf(await readCalendly(signed(invitee("C", { old_invitee: uriOf("B") })), config, afterB))
    expect(toC[0]?.data).toMatchObject({ meetingId: "calendly-A" })
  })

  it("a cancel of a rescheduled invitee cancels the first meeting", async () => {
    const ledger = ledgerWith({ [key("A")]: "calendly-A", [key("B")]: "calendly-A" })
    const reading = await readCalendly(
      signed(invitee("B", { old_invitee: uriOf("A") }, "invitee.canceled")),
      config,
      ledger,
    )
    expect(eventsOf(reading)[0]?.data).toEqual({ meetingId: "calendly-A" })
  })

  it("an original booking that arrives after its reschedule is ignored: the meeting is booked already", async () => {
    const rescheduledFirst = ledgerWith({ [key("B")]: "calendly-A" })
    expect(await readCalendly(signed(invitee("A")), config, rescheduledFirst)).toMatchObject({ kind: "ignored" })
    // while a retry of a booking that is in the ledger is read as before (the store then finds it a duplicate)
    const bookedAndMoved = ledgerWith({ [key("A")]: "calendly-A", [key("B")]: "calendly-A" })
    expect(eventsOf(await readCalendly(signed(invitee("A")), config, bookedAndMoved))[0]?.data).toMatchObject({
      meetingId: "calendly-A",
    })
  })

  it("without the old booking in the ledger, the old invitee's own id", async () => {
    const reading = await readCalendly(signed(invitee("B", { old_invitee: uriOf("A") })), config, ledgerWith({}))
    expect(eventsOf(reading)[0]?.data).toMatchObject({ meetingId: "calendly-A" })
  })
})
