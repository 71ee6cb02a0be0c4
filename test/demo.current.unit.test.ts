/**
 * @module The demo carried on past its year (src/demo/options.ts `until`): what it makes up to an
 * instant does not depend on where it stops — the property that lets a loaded demo be brought up
 * to a later day by appending what follows — and the team goes on working: quotas each quarter,
 * weeks off, deals closing.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type DemoEvent, type DemoTeamOptions, generateDemoTeam } from "../src/demo/index.js"

const dayMs = 86_400_000
// A small team over two months ending on 2026-11-20: a few thousand events a run.
const plan: DemoTeamOptions = { seed: 5, reps: 4, months: 2, endDate: "2026-11-20" }
const planStart = Date.parse("2026-09-21T04:00:00Z") // its first day's New York midnight
const planEnd = Date.parse("2026-11-21T05:00:00Z") // the end of its last day (New York, standard time)

const eventsUntil = (until: number): Array<DemoEvent> => [...generateDemoTeam({ ...plan, until })]

describe("the demo up to an instant", () => {
  it("is the same whatever the end: a run that stops earlier is a prefix of one that goes on", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: planStart + dayMs, max: planEnd + 70 * dayMs }),
        fc.integer({ min: 1, max: 60 * dayMs }),
        (earlier, more) => {
          const short = eventsUntil(earlier)
          const long = eventsUntil(earlier + more)
          expect(long.length).toBeGreaterThanOrEqual(short.length)
          expect(long.slice(0, short.length)).toEqual(short)
          // Nothing arrives at or after the end: an event's instant is at most its arrival.
          for (const event of short) expect(Date.parse(event.occurredAt)).toBeLessThan(earlier)
        },
      ),
      { numRuns: 8 },
    )
  }, 120_000)

  it("ends by default with the demo's last day, as a run told to stop there", () => {
    expect([...generateDemoTeam(plan)]).toEqual(eventsUntil(planEnd))
  })

  it("goes on past the year: quotas for each new quarter, outreach, meetings and closes", () => {
    // The year ends in 2026-Q4; carried on to 2027-04-15, Q1 and Q2 of 2027 get their quotas.
    const carried = eventsUntil(Date.parse("2027-04-15T04:00:00Z"))
    const after = carried.filter((event) => Date.parse(event.occurredAt) >= planEnd)
    const quarters = new Set(
      after.filter((event) => event.type === "QuotaSet").map((event) => (event.data as { period: string }).period),
    )
    expect([...quarters]).toEqual(["2027-Q1", "2027-Q2"])
    const types = new Set(after.map((event) => event.type))
    for (const type of ["CallLogged", "EmailSent", "MeetingBooked", "MeetingHeld", "DealOpened", "DealWon"])
      expect(types).toContain(type)
    // Keys go on numbering the same run: demo-5-<n>, one more each.
    const numbers = carried.map((event) => Number(event.idempotencyKey.split("-")[2]))
    expect(numbers).toEqual(numbers.map((_, index) => index + 1))
  }, 60_000)

  it("refuses an end before the demo's first day has begun", () => {
    expect(() => eventsUntil(planStart - 1).length).toThrow(
      /until must be an instant after the demo's first day, 2026-09-21/,
    )
  })
})
