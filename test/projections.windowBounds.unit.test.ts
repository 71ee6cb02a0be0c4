/**
 * How large a window a read may ask for (projections/windowBounds.ts), and the calendar at the far
 * ends of the years 0001–9999 (projections/periods.ts), where `Date.UTC` read the years 0–99 as
 * 1900–1999: both found by test/fuzz.e2e.test.ts.
 */
import { describe, expect, it } from "vitest"
import {
  addDays,
  bucketsOfWindow,
  daysBetween,
  daysOfPeriod,
  isoWeekOf,
  maxWindowBuckets,
  maxWindowDays,
  windowIssue,
} from "../projections/index.js"

describe("windowIssue", () => {
  it("answers a window within the bounds", () => {
    expect(windowIssue({ from: "2026-10-01", to: "2026-12-31" }, "week")).toBeUndefined()
    // 2017-01-01 to 2026-12-31: ten years holding two leap days (2020, 2024), less the first day.
    expect(daysBetween("2017-01-01", "2026-12-31")).toBe(10 * 365 + 2 - 1)
    expect(windowIssue({ from: "2017-01-01", to: "2026-12-31" }, "month")).toBeUndefined()
  })

  it("names `from` when it is after `to`", () => {
    expect(windowIssue({ from: "2026-12-31", to: "2026-10-01" })).toMatchObject({
      parameter: "from",
      message: expect.stringContaining("on or before `to`"),
    })
  })

  it("names `to` past the longest span, whatever the bucket", () => {
    expect(maxWindowDays).toBe(3_660)
    expect(windowIssue({ from: "2026-01-01", to: addDays("2026-01-01", 3_660) })).toBeUndefined()
    expect(windowIssue({ from: "2026-01-01", to: addDays("2026-01-01", 3_661) })).toMatchObject({
      parameter: "to",
      message: expect.stringContaining("3660 days"),
    })
    // The window the fuzz test sent: answered at once, not after building 520,000 weekly buckets.
    expect(windowIssue({ from: "0001-01-01", to: "9999-12-31" }, "day")).toMatchObject({
      parameter: "to",
      message: expect.stringContaining("spans 3652058"),
    })
  })

  it("names `bucket` when the series would have more than maxWindowBuckets buckets", () => {
    expect(maxWindowBuckets).toBe(1_000)
    // 1,000 days from 2024-01-01 end on 2026-09-26 (366 + 365 + 269 days).
    expect(addDays("2024-01-01", 999)).toBe("2026-09-26")
    expect(windowIssue({ from: "2024-01-01", to: "2026-09-26" }, "day")).toBeUndefined()
    expect(windowIssue({ from: "2024-01-01", to: "2026-09-27" }, "day")).toMatchObject({
      parameter: "bucket",
      message: expect.stringContaining("1001 buckets"),
    })
    expect(windowIssue({ from: "2024-01-01", to: "2026-09-27" }, "week")).toBeUndefined()
  })
})

describe("the calendar in the years 0001–0099", () => {
  it("counts days across year 100 as the proleptic Gregorian calendar does, not from 1900", () => {
    // Year 100 is not a leap year (divisible by 100, not by 400): 0099-12-31 + 60 days is 0100-03-01.
    expect(addDays("0099-12-31", 60)).toBe("0100-03-01")
    expect(daysBetween("0001-01-01", "0002-01-01")).toBe(365)
    // 0004 is a leap year: 366 days to 0005-01-01.
    expect(daysBetween("0004-01-01", "0005-01-01")).toBe(366)
  })

  it("writes day keys with a four-digit year, and buckets them", () => {
    expect(bucketsOfWindow("0001-01-30", "0001-02-02", "month")).toEqual([
      { key: "0001-01", firstDay: "0001-01-30", lastDay: "0001-01-31" },
      { key: "0001-02", firstDay: "0001-02-01", lastDay: "0001-02-02" },
    ])
    expect(daysOfPeriod("0050-Q1")).toEqual({ firstDay: "0050-01-01", lastDay: "0050-03-31" })
  })

  it("finds the ISO week of an early day: 0001-01-01 was a Monday, so it opens week 1", () => {
    expect(isoWeekOf("0001-01-01")).toBe("0001-W01")
    expect(bucketsOfWindow("0001-01-01", "0001-01-14", "week").map((b) => b.key)).toEqual(["0001-W01", "0001-W02"])
    expect(bucketsOfWindow("0050-02-15", "0050-05-01", "quarter").map((b) => b.key)).toEqual(["0050-Q1", "0050-Q2"])
  })
})
