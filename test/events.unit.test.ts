import { describe, expect, it } from "vitest"
import { eventJsonSchemas, eventTypes, parseEvent, streamOf } from "../events/index.js"

describe("the event vocabulary", () => {
  it("accepts a call as a dialer sends it and files it under the call's stream", () => {
    const parsed = parseEvent({
      type: "CallLogged",
      occurredAt: "2026-11-02T15:05:00+01:00",
      data: { callId: "c1", repId: "ana", direction: "outbound", disposition: "connected", durationSeconds: 95 },
    })
    expect(parsed.ok).toBe(true)
    if (!parsed.ok) return
    expect(parsed.event.occurredAt).toBe("2026-11-02T14:05:00.000Z")
    expect(streamOf(parsed.event)).toBe("call-c1")
  })

  it("names the field and the reason when data is wrong", () => {
    const parsed = parseEvent({
      type: "CallLogged",
      occurredAt: "2026-11-02T14:05:00Z",
      data: { callId: "c1", repId: "ana", direction: "sideways", disposition: "connected", durationSeconds: "long" },
    })
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.issues.map((i) => i.path).sort()).toEqual(["data.direction", "data.durationSeconds"])
  })

  it("rejects an unknown type by listing the known ones", () => {
    const parsed = parseEvent({ type: "CallMade", occurredAt: "2026-11-02T14:05:00Z", data: {} })
    expect(parsed).toMatchObject({ ok: false, issues: [{ path: "type" }] })
    if (!parsed.ok) expect(parsed.issues[0]?.message).toContain("CallLogged")
  })

  it("rejects an instant without a time zone", () => {
    const parsed = parseEvent({ type: "RepLeft", occurredAt: "2026-11-02 14:05", data: { repId: "ana" } })
    expect(parsed).toMatchObject({ ok: false, issues: [{ path: "occurredAt" }] })
  })

  it("exports a JSON Schema for every event type", () => {
    const schemas = eventJsonSchemas()
    expect(Object.keys(schemas)).toEqual([...eventTypes])
    expect(schemas.DealOpened).toMatchObject({
      properties: { data: { required: expect.arrayContaining(["dealId", "amount"]) } },
    })
  })
})
