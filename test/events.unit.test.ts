import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { maxAmount } from "../events/fields.js"
import { eventJsonSchemas, eventTypes, parseEvent, streamOf } from "../events/index.js"
import { foldAll, metricsOf, sumCounters } from "../projections/index.js"

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
      properties: { data: { required: expect.arrayContaining(["dealId", "repId", "source"]) } },
    })
    // An open deal's amount and account are often unknown yet (issue 26): neither is required.
    const required = (schemas.DealOpened as { properties: { data: { required: string[] } } }).properties.data.required
    expect(required).not.toContain("amount")
    expect(required).not.toContain("accountId")
  })
})

describe("amounts of money (issue 21, item 9: two won deals of 1e308 made a won value of 0)", () => {
  const won = (amounts: ReadonlyArray<number>) =>
    amounts.flatMap((amount, i) => [
      {
        type: "DealOpened",
        occurredAt: "2026-11-02T10:00:00Z",
        data: { dealId: `d${i}`, repId: "ana", accountId: "a", amount, source: "outbound" },
      },
      { type: "DealWon", occurredAt: "2026-11-03T10:00:00Z", data: { dealId: `d${i}` } },
    ])

  it("accepts every amount from 0 to 10^12 and refuses every other number, naming the bound", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (amount) => {
        const parsed = parseEvent({
          type: "DealAmountChanged",
          occurredAt: "2026-11-02T10:00:00Z",
          data: { dealId: "d", amount },
        })
        expect(parsed.ok).toBe(amount >= 0 && amount <= maxAmount)
        if (!parsed.ok && amount > maxAmount && Number.isFinite(amount))
          expect(parsed.issues).toEqual([
            { path: "data.amount", message: expect.stringContaining("at most 1000000000000") },
          ])
      }),
      { numRuns: 2_000 },
    )
  })

  it("keeps a won value that any number of accepted amounts sum to finite, and as close as the sum itself", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: maxAmount, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (amounts) => {
          const events = won(amounts).map((event) => {
            const parsed = parseEvent(event)
            if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues))
            return parsed.event
          })
          const state = foldAll(events)
          const deals = [...state.deals.values()]
          const { wonValue } = metricsOf(sumCounters([...state.repDays.values()]), deals)
          const sum = amounts.reduce((total, amount) => total + amount, 0)
          expect(Number.isFinite(wonValue)).toBe(true)
          expect(Math.abs(wonValue - sum)).toBeLessThanOrEqual(sum * amounts.length * 2 ** -52)
        },
      ),
      { numRuns: 200 },
    )
  })
})
