/**
 * What an admin reads as evidence in the ingestion status (`GET /v1/sources`) moves only for
 * deliveries the vendor proved it sent. A request nobody authenticated may add one to `rejected`,
 * with the ledger's own words as its reason; it never moves `lastSeenAt` or `lastEventAt`, never
 * counts as accepted, duplicate or ignored, and never writes its own text into `lastRejection`.
 * A RingCentral handshake (`Validation-Token`, which anyone can send) is answered and not counted:
 * counted as a delivery, it made a dead subscription look alive. Property-based: random
 * unauthenticated requests to every webhook, each carrying a marker in its URL, headers and body.
 */
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { connectors } from "../src/ingest/webhooks/index.js"
import { serverBackends, startTestServer, type TestServer } from "./support/server.js"
import { ringcentralDelivery, testSecrets, twilioDelivery } from "./support/signedDeliveries.js"

const publicUrl = "https://ledger.example.com"

type Source = {
  readonly source: string
  readonly eventsReceived: number
  readonly deliveries: Record<"accepted" | "duplicate" | "ignored" | "rejected", number>
  readonly lastSeenAt: string | null
  readonly lastEventAt: string | null
  readonly lastRejection: { readonly at: string; readonly status: number; readonly reason: string } | null
}

/** What a request nobody authenticated may change of a source: one more rejection, and which was last. */
const evidenceOf = ({ lastRejection: _last, deliveries: { rejected: _rejected, ...deliveries }, ...rest }: Source) => ({
  ...rest,
  deliveries,
})

/** A marker that cannot occur in the ledger's own words. */
const anyMarker = fc.string({ unit: fc.constantFrom(..."qxzjkv"), minLength: 10, maxLength: 10 }).map((m) => `EVIL${m}`)

/** A request to one webhook carrying `marker` where a forger would put text: query, proof headers, body. */
const forgery = fc.record({
  source: fc.constantFrom(...connectors.map((c) => c.source)),
  query: fc.boolean(),
  bodyShape: fc.constantFrom("empty", "json", "form", "jwt", "text"),
  proofHeader: fc.constantFrom("none", "marker", "calendly"),
  handshake: fc.boolean(),
})

describe.each(serverBackends)("unauthenticated requests change no evidence, on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, { webhooks: { ...testSecrets, publicUrl } })
  })
  afterAll(() => server?.close())

  const sources = async (): Promise<Map<string, Source>> =>
    new Map(((await server.request("/v1/sources")).body.sources as Source[]).map((source) => [source.source, source]))
  const post = (path: string, headers: Record<string, string>, body: string) =>
    server.request(path, { key: null, method: "POST", headers, body })

  it("answers a RingCentral handshake, counting it nowhere: lastSeenAt stays where the last delivery left it", async () => {
    const before = (await sources()).get("ringcentral") as Source
    for (let i = 0; i < 3; i++) {
      const answer = await post("/v1/webhooks/ringcentral", { "validation-token": `handshake-${i}` }, "")
      expect(answer.status).toBe(200)
      expect(answer.headers.get("validation-token")).toBe(`handshake-${i}`)
    }
    expect((await sources()).get("ringcentral")).toEqual(before)
  })

  it("keeps the ledger's own words as a bad Twilio signature's reason, whatever the request's URL says", async () => {
    const params: Array<[string, string]> = [
      ["CallSid", "CA1"],
      ["CallStatus", "completed"],
    ]
    const signed = twilioDelivery(publicUrl, params)
    const answer = await post(
      "/v1/webhooks/twilio?note=EVIL-ignore-this-and-rotate-nothing",
      { ...signed.headers, "x-twilio-signature": "EVIL-not-a-signature" },
      signed.body,
    )
    expect(answer.status).toBe(401)
    // The answer may say which URL it checked (it helps whoever sent it); the status keeps fixed words.
    expect(answer.body.detail).toContain("EVIL-ignore-this")
    const twilio = (await sources()).get("twilio") as Source
    expect(twilio.lastRejection).toEqual({
      at: expect.any(String),
      status: 401,
      reason:
        "X-Twilio-Signature does not match the URL and parameters signed with LEDGER_TWILIO_AUTH_TOKEN; check the auth token, and LEDGER_PUBLIC_URL when behind a proxy",
    })
  })

  it("lets no forged request move a source's evidence or write its text there", async () => {
    // Authentic traffic first, so that there is evidence to move.
    const ringcentralSetup = ringcentralDelivery({
      uuid: "evidence-1",
      event: "/restapi/v1.0/account/1/extension/101/telephony/sessions",
      ownerId: "101",
      body: {
        telephonySessionId: "evidence-s",
        eventTime: "2026-11-02T14:00:00.000Z",
        parties: [{ extensionId: "101", direction: "Outbound", status: { code: "Setup" } }],
      },
    })
    expect((await post(ringcentralSetup.path, ringcentralSetup.headers, ringcentralSetup.body)).status).toBe(200)
    const { log } = server
    const headBefore = (await log()).length

    await fc.assert(
      fc.asyncProperty(forgery, anyMarker, async (request, marker) => {
        const before = await sources()
        const body =
          request.bodyShape === "empty" || request.handshake
            ? ""
            : request.bodyShape === "json"
              ? JSON.stringify({ token: marker, event: marker, call_id: marker, state: "hangup", body: { marker } })
              : request.bodyShape === "form"
                ? `CallSid=${marker}&CallStatus=completed&Note=${marker}`
                : request.bodyShape === "jwt"
                  ? `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ call_id: marker })).toString("base64url")}.${marker}`
                  : marker
        const headers: Record<string, string> = {
          "content-type": request.bodyShape === "form" ? "application/x-www-form-urlencoded" : "application/json",
          ...(request.handshake ? { "validation-token": marker } : {}),
          ...(request.proofHeader === "marker"
            ? { "x-twilio-signature": marker, "verification-token": marker, "calendly-webhook-signature": marker }
            : request.proofHeader === "calendly"
              ? { "calendly-webhook-signature": `t=${Math.floor(Date.now() / 1000)},v1=${marker}` }
              : {}),
        }
        const path = `/v1/webhooks/${request.source}${request.query ? `?from=${marker}` : ""}`
        const answer = await post(path, headers, body)
        const after = await sources()
        const was = before.get(request.source) as Source
        const now = after.get(request.source) as Source

        expect(answer.status, `${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`).toBeOneOf([
          200, 401, 503,
        ])
        expect(evidenceOf(now)).toEqual(evidenceOf(was))
        if (answer.status === 200) {
          // Only the RingCentral handshake is answered 200 without proof: and it counts for nothing.
          expect(request.source === "ringcentral" && request.handshake && body === "").toBe(true)
          expect(now).toEqual(was)
        } else {
          expect(now.deliveries.rejected).toBe(was.deliveries.rejected + 1)
          expect(now.lastRejection?.status).toBe(answer.status)
          expect(now.lastRejection?.reason).not.toContain(marker)
          expect(now.lastRejection?.reason).not.toContain("EVIL")
        }
        for (const [name, source] of after) if (name !== request.source) expect(source).toEqual(before.get(name))
      }),
      { numRuns: 40 },
    )
    expect(await log()).toHaveLength(headBefore)
  }, 120_000)
})
