import { describe, expect, it } from "vitest"
import type { EventData, EventOf, EventType } from "../events/index.js"
import {
  bucketsOfWindow,
  dayKeyOf,
  daysOfPeriod,
  foldAll,
  isoWeekOf,
  periodEnd,
  periodStart,
  quarterOf,
  repDayKey,
  startOfDay,
} from "../projections/index.js"

const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventOf<T> =>
  ({ type, occurredAt, data }) as EventOf<T>

const iso = (epochMs: number | undefined) => (epochMs === undefined ? undefined : new Date(epochMs).toISOString())

describe("day keys in the team's time zone", () => {
  it("puts 23:30 UTC on the next day in Paris and the same day in UTC", () => {
    const lateEvening = Date.parse("2026-11-02T23:30:00Z") // 00:30 on Nov 3 in Paris (UTC+1 in November)
    expect(dayKeyOf(lateEvening, "UTC")).toBe("2026-11-02")
    expect(dayKeyOf(lateEvening, "Europe/Paris")).toBe("2026-11-03")
    // and 03:30 UTC is still the previous evening in New York (UTC−5)
    expect(dayKeyOf(Date.parse("2026-11-03T03:30:00Z"), "America/New_York")).toBe("2026-11-02")
  })

  it("follows daylight saving: 22:30 UTC is the next day in Paris in summer (UTC+2), not in winter", () => {
    expect(dayKeyOf(Date.parse("2026-07-01T22:30:00Z"), "Europe/Paris")).toBe("2026-07-02")
    expect(dayKeyOf(Date.parse("2026-12-01T22:30:00Z"), "Europe/Paris")).toBe("2026-12-01")
  })

  it("files events under the day of the zone in force when they are folded", () => {
    const call = (callId: string, occurredAt: string) =>
      event("CallLogged", occurredAt, {
        callId,
        repId: "ana",
        direction: "outbound",
        disposition: "busy",
        durationSeconds: 0,
      })
    const state = foldAll([
      call("c1", "2026-11-02T23:30:00Z"), // UTC: Nov 2
      event("TeamSettingsChanged", "2026-11-03T00:00:00Z", { timeZone: "Europe/Paris" }),
      call("c2", "2026-11-03T23:30:00Z"), // Paris: Nov 4, 00:30
    ])
    expect(state.repDays.get(repDayKey("ana", "2026-11-02"))?.dials).toBe(1)
    expect(state.repDays.get(repDayKey("ana", "2026-11-03"))).toBeUndefined()
    expect(state.repDays.get(repDayKey("ana", "2026-11-04"))?.dials).toBe(1)
  })

  it("starts a Paris day at local midnight, in UTC the evening before", () => {
    expect(iso(startOfDay("2026-11-03", "Europe/Paris"))).toBe("2026-11-02T23:00:00.000Z") // UTC+1
    expect(iso(startOfDay("2026-07-02", "Europe/Paris"))).toBe("2026-07-01T22:00:00.000Z") // UTC+2
    expect(iso(startOfDay("2026-11-03", "UTC"))).toBe("2026-11-03T00:00:00.000Z")
  })
})

describe("ISO weeks", () => {
  it("gives the days around a year boundary to the year of their week's Thursday", () => {
    // 2026 began on a Thursday, so it has 53 ISO weeks; Monday Dec 29, 2025 starts week 1 of 2026
    expect(isoWeekOf("2025-12-28")).toBe("2025-W52") // a Sunday
    expect(isoWeekOf("2025-12-29")).toBe("2026-W01") // Monday
    expect(isoWeekOf("2026-01-01")).toBe("2026-W01") // Thursday
    expect(isoWeekOf("2026-11-02")).toBe("2026-W45")
    expect(isoWeekOf("2026-12-31")).toBe("2026-W53")
    expect(isoWeekOf("2027-01-03")).toBe("2026-W53") // Sunday of the same week
    expect(isoWeekOf("2027-01-04")).toBe("2027-W01") // Monday
  })

  it("knows each week's Monday to Sunday", () => {
    expect(daysOfPeriod("2026-W53")).toEqual({ firstDay: "2026-12-28", lastDay: "2027-01-03" })
    expect(daysOfPeriod("2026-W01")).toEqual({ firstDay: "2025-12-29", lastDay: "2026-01-04" })
  })
})

describe("quarters", () => {
  it("are calendar quarters by default", () => {
    expect(quarterOf("2026-11-15")).toBe("2026-Q4")
    expect(quarterOf("2026-01-01")).toBe("2026-Q1")
    expect(daysOfPeriod("2026-Q4")).toEqual({ firstDay: "2026-10-01", lastDay: "2026-12-31" })
  })

  it("are fiscal when the year starts in another month, named by the year the fiscal year ends", () => {
    // fiscal year from February: FY2027 = Feb 2026 .. Jan 2027; Q4 = Nov, Dec, Jan
    expect(quarterOf("2026-02-01", 2)).toBe("2027-Q1")
    expect(quarterOf("2026-01-31", 2)).toBe("2026-Q4")
    expect(quarterOf("2026-11-15", 2)).toBe("2027-Q4")
    expect(quarterOf("2027-01-31", 2)).toBe("2027-Q4")
    expect(daysOfPeriod("2027-Q4", 2)).toEqual({ firstDay: "2026-11-01", lastDay: "2027-01-31" })
    // fiscal year from July (FY2026 = Jul 2025 .. Jun 2026)
    expect(quarterOf("2025-07-01", 7)).toBe("2026-Q1")
    expect(daysOfPeriod("2026-Q3", 7)).toEqual({ firstDay: "2026-01-01", lastDay: "2026-03-31" })
  })
})

describe("periods and windows", () => {
  it("starts and ends a quarter at the team's midnights, the end exclusive", () => {
    // Oct 1 in Paris is summer time (UTC+2), Jan 1 winter time (UTC+1)
    expect(iso(periodStart("2026-Q4", "Europe/Paris"))).toBe("2026-09-30T22:00:00.000Z")
    expect(iso(periodEnd("2026-Q4", "Europe/Paris"))).toBe("2026-12-31T23:00:00.000Z")
    expect(iso(periodEnd("2026-02", "UTC"))).toBe("2026-03-01T00:00:00.000Z")
    expect(periodStart("next quarter", "UTC")).toBeUndefined()
  })

  it("lists the buckets of a window, clipped to it", () => {
    expect(bucketsOfWindow("2026-11-20", "2026-12-10", "month")).toEqual([
      { key: "2026-11", firstDay: "2026-11-20", lastDay: "2026-11-30" },
      { key: "2026-12", firstDay: "2026-12-01", lastDay: "2026-12-10" },
    ])
    expect(bucketsOfWindow("2026-12-30", "2027-01-05", "week").map((bucket) => bucket.key)).toEqual([
      "2026-W53",
      "2027-W01",
    ])
    expect(bucketsOfWindow("2026-10-30", "2026-11-02", "day").map((bucket) => bucket.key)).toEqual([
      "2026-10-30",
      "2026-10-31",
      "2026-11-01",
      "2026-11-02",
    ])
    expect(bucketsOfWindow("2026-12-15", "2027-02-15", "quarter", 2).map((bucket) => bucket.key)).toEqual([
      "2027-Q4",
      "2028-Q1",
    ])
  })
})
