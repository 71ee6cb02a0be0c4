/**
 * Every date helper of the calendar (projections/calendar.ts, teamDays.ts, periods.ts,
 * windowBounds.ts), property-tested over the whole calendar, 0001-01-01 to 9999-12-31, against
 * `Date` as the oracle (its `setUTCFullYear` is the proleptic Gregorian calendar for every year,
 * unlike `Date.UTC`, which reads 0–99 as 1900–1999). Windows are drawn near the calendar's edges as
 * often as anywhere: a day key of the year 10000 read as 0999 sent a scorecard's bucket loop 9,000
 * years back until the server ran out of memory (issue 21, item 1).
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { CalendarDate, Instant } from "../events/fields.js"
import {
  addDays,
  bucketCountOf,
  bucketOf,
  bucketsOfWindow,
  dayKeyOf,
  daysBetween,
  daysOfPeriod,
  endOfDay,
  firstCalendarDay,
  type Granularity,
  isCalendarDay,
  isoWeekOf,
  lastCalendarDay,
  maxWindowBuckets,
  maxWindowDays,
  monthOf,
  monthsWithin,
  periodEnd,
  periodStart,
  quarterOf,
  startOfDay,
  windowIssue,
} from "../projections/index.js"
import { instantOf } from "../src/ingest/csv/cellValues.js"

const dayMs = 86_400_000
const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** The oracle: a civil date's day number (days since 1970-01-01) by `Date`. */
const oracleDayNumber = (year: number, month: number, day: number): number => {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getTime() / dayMs
}
/** The oracle: the day key of a day number by `Date`. */
const oracleKey = (dayNumber: number): string => {
  const date = new Date(dayNumber * dayMs)
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`
}
/** The oracle: the ISO week of a day, by the textbook algorithm over `Date`. */
const oracleIsoWeek = (dayNumber: number): string => {
  const date = new Date(dayNumber * dayMs)
  const thursday = new Date(date.getTime() + (3 - ((date.getUTCDay() + 6) % 7)) * dayMs)
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday.getTime() / dayMs - oracleDayNumber(year, 1, 1)) / 7)
  return `${pad(year, 4)}-W${pad(week, 2)}`
}

const firstDayNumber = oracleDayNumber(1, 1, 1)
const lastDayNumber = oracleDayNumber(9999, 12, 31)

/** A day number of the calendar: anywhere, or within 800 days of either edge. */
const calendarDayNumber = fc.oneof(
  fc.integer({ min: firstDayNumber, max: lastDayNumber }),
  fc.integer({ min: firstDayNumber, max: firstDayNumber + 800 }),
  fc.integer({ min: lastDayNumber - 800, max: lastDayNumber }),
)
const calendarDay = calendarDayNumber.map(oracleKey)
const granularity = fc.constantFrom<Granularity>("day", "week", "month", "quarter")
const fiscalYearStartMonth = fc.integer({ min: 1, max: 12 })
/** A window of the calendar with up to `maxSpan` days. */
const calendarWindow = (maxSpan: number) =>
  fc
    .tuple(calendarDayNumber, fc.integer({ min: 0, max: maxSpan }))
    .map(([first, span]) => {
      const last = Math.min(lastDayNumber, first + span)
      return { from: oracleKey(last - span < firstDayNumber ? first : last - span), to: oracleKey(last) }
    })
    .filter(({ from, to }) => from <= to)

describe("day keys and day numbers, 0001-01-01 to 9999-12-31", () => {
  it("count days as Date does, and addDays inverts daysBetween", () => {
    fc.assert(
      fc.property(calendarDayNumber, (dayNumber) => {
        const key = oracleKey(dayNumber)
        expect(isCalendarDay(key)).toBe(true)
        expect(daysBetween(firstCalendarDay, key)).toBe(dayNumber - firstDayNumber)
        expect(addDays(firstCalendarDay, dayNumber - firstDayNumber)).toBe(key)
        expect(addDays(key, lastDayNumber - dayNumber)).toBe(lastCalendarDay)
      }),
      { numRuns: 2_000 },
    )
  })

  it("stop at the calendar's edges: addDays never leaves it, and round-trips inside it", () => {
    fc.assert(
      fc.property(calendarDayNumber, fc.integer({ min: -4_000_000, max: 4_000_000 }), (dayNumber, days) => {
        const key = oracleKey(dayNumber)
        const moved = addDays(key, days)
        const expected = Math.min(lastDayNumber, Math.max(firstDayNumber, dayNumber + days))
        expect(moved).toBe(oracleKey(expected))
        expect(isCalendarDay(moved)).toBe(true)
        if (expected === dayNumber + days) expect(addDays(moved, -days)).toBe(key)
      }),
      { numRuns: 2_000 },
    )
  })

  it("know a day key of the calendar from anything else: a 30th of February, the year 0000, the year 10000", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const key = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
          const real =
            year >= 1 &&
            year <= 9999 &&
            month >= 1 &&
            month <= 12 &&
            day >= 1 &&
            oracleKey(oracleDayNumber(year, month, day)) === key
          expect(isCalendarDay(key)).toBe(real)
          if (!real) expect(() => daysBetween(key, firstCalendarDay)).toThrow(RangeError)
        },
      ),
      { numRuns: 2_000 },
    )
    expect(isCalendarDay("10000-01-01")).toBe(false)
    // The key that looped: read by position, "10000-01-02" was the year 0999.
    expect(() => addDays("10000-01-02", 1)).toThrow(/not a day of the calendar/)
  })
})

describe("weeks, months and quarters of every day of the calendar", () => {
  it("give each day the ISO week Date gives it, and the week's days hold the day (clipped at 9999-12-31)", () => {
    fc.assert(
      fc.property(calendarDayNumber, (dayNumber) => {
        const key = oracleKey(dayNumber)
        const week = isoWeekOf(key)
        expect(week).toBe(oracleIsoWeek(dayNumber))
        const days = daysOfPeriod(week)
        const monday = dayNumber - ((new Date(dayNumber * dayMs).getUTCDay() + 6) % 7)
        expect(days).toEqual({ firstDay: oracleKey(monday), lastDay: oracleKey(Math.min(monday + 6, lastDayNumber)) })
      }),
      { numRuns: 2_000 },
    )
    expect(daysOfPeriod("9999-W52")).toEqual({ firstDay: "9999-12-27", lastDay: "9999-12-31" })
    expect(daysOfPeriod("0001-W01")).toEqual({ firstDay: "0001-01-01", lastDay: "0001-01-07" })
    // 2026 has 53 weeks, 2027 has 52.
    expect(daysOfPeriod("2026-W53")).toBeDefined()
    expect(daysOfPeriod("2027-W53")).toBeUndefined()
  })

  it("give each day its month, whose days hold it", () => {
    fc.assert(
      fc.property(calendarDayNumber, (dayNumber) => {
        const key = oracleKey(dayNumber)
        const date = new Date(dayNumber * dayMs)
        const month = monthOf(key)
        expect(month).toBe(key.slice(0, 7))
        const next = oracleDayNumber(date.getUTCFullYear(), date.getUTCMonth() + 2, 1)
        expect(daysOfPeriod(month)).toEqual({
          firstDay: `${month}-01`,
          lastDay: oracleKey(Math.min(next - 1, lastDayNumber)),
        })
      }),
      { numRuns: 1_000 },
    )
    expect(daysOfPeriod("2026-13")).toBeUndefined()
    expect(daysOfPeriod("2026-00")).toBeUndefined()
  })

  it("give each day its (fiscal) quarter, labelled by the year the fiscal year ends, whose days hold it", () => {
    fc.assert(
      fc.property(calendarDayNumber, fiscalYearStartMonth, (dayNumber, startMonth) => {
        const key = oracleKey(dayNumber)
        const date = new Date(dayNumber * dayMs)
        const [year, month] = [date.getUTCFullYear(), date.getUTCMonth() + 1]
        const quarter = quarterOf(key, startMonth)
        // The quarter starts on the first of a month 0, 3, 6 or 9 months after the fiscal year's.
        const monthsIn = (month - startMonth + 12) % 12
        const firstMonthOffset = monthsIn - (monthsIn % 3)
        const first = oracleDayNumber(year, month - (monthsIn % 3), 1)
        const last = oracleDayNumber(year, month - (monthsIn % 3) + 3, 1) - 1
        const fiscalYear = startMonth === 1 || month < startMonth ? year : year + 1
        expect(quarter).toBe(`${pad(fiscalYear, 4)}-Q${firstMonthOffset / 3 + 1}`)
        expect(daysOfPeriod(quarter, startMonth)).toEqual({
          firstDay: oracleKey(Math.max(first, firstDayNumber)),
          lastDay: oracleKey(Math.min(last, lastDayNumber)),
        })
      }),
      { numRuns: 2_000 },
    )
    // A February fiscal year: the last quarter of fiscal 10000 is Nov 9999–Jan 10000, clipped.
    expect(quarterOf("9999-12-31", 2)).toBe("10000-Q4")
    expect(daysOfPeriod("10000-Q4", 2)).toEqual({ firstDay: "9999-11-01", lastDay: "9999-12-31" })
    // A July fiscal year: fiscal 0001's first quarter is July–September of the year 0, off the calendar.
    expect(daysOfPeriod("0001-Q1", 7)).toBeUndefined()
    expect(daysOfPeriod("10000-Q1", 1)).toBeUndefined()
  })

  it("start and end periods at the team's midnights, the end of 9999 an instant of the year 10000", () => {
    expect(new Date(periodEnd("9999-Q4", "UTC") as number).toISOString()).toBe("+010000-01-01T00:00:00.000Z")
    expect(new Date(periodEnd("9999-W52", "America/Los_Angeles") as number).toISOString()).toBe(
      "+010000-01-01T08:00:00.000Z",
    )
    expect(new Date(periodStart("0001-01", "Asia/Tokyo") as number).toISOString()).toBe("0000-12-31T14:41:01.000Z") // LMT +9:18:59
  })
})

describe("the buckets of a window", () => {
  it("cut any window of up to 1,000 buckets into consecutive buckets, counted in closed form", () => {
    fc.assert(
      fc.property(calendarWindow(1_200), granularity, fiscalYearStartMonth, (window, by, startMonth) => {
        const count = bucketCountOf(window.from, window.to, by, startMonth)
        if (count > maxWindowBuckets) {
          expect(() => bucketsOfWindow(window.from, window.to, by, startMonth)).toThrow(RangeError)
          return
        }
        const buckets = bucketsOfWindow(window.from, window.to, by, startMonth)
        expect(buckets).toHaveLength(count)
        expect(buckets[0]?.firstDay).toBe(window.from)
        expect(buckets.at(-1)?.lastDay).toBe(window.to)
        for (const [index, bucket] of buckets.entries()) {
          expect(bucket.firstDay <= bucket.lastDay).toBe(true)
          if (index > 0) expect(daysBetween(buckets[index - 1]?.lastDay as string, bucket.firstDay)).toBe(1)
          expect(bucketOf(bucket.firstDay, by, startMonth)).toBe(bucket.key)
          expect(bucketOf(bucket.lastDay, by, startMonth)).toBe(bucket.key)
          const period = daysOfPeriod(bucket.key, startMonth)
          expect(period !== undefined && period.firstDay <= bucket.firstDay && bucket.lastDay <= period.lastDay).toBe(
            true,
          )
        }
        expect(new Set(buckets.map((b) => b.key)).size).toBe(count)
      }),
      { numRuns: 250 },
    )
  })

  it("cut a window of the last days of 9999 by week into the clipped week 9999-W52, not 9,000 years of buckets", () => {
    expect(bucketsOfWindow("9999-12-27", "9999-12-27", "week")).toEqual([
      { key: "9999-W52", firstDay: "9999-12-27", lastDay: "9999-12-27" },
    ])
    expect(bucketsOfWindow("9999-12-20", "9999-12-31", "quarter", 2)).toEqual([
      { key: "10000-Q4", firstDay: "9999-12-20", lastDay: "9999-12-31" },
    ])
  })

  it("counts the whole calendar by day in closed form, and refuses to build it", () => {
    expect(bucketCountOf(firstCalendarDay, lastCalendarDay, "day")).toBe(lastDayNumber - firstDayNumber + 1)
    expect(bucketCountOf(firstCalendarDay, lastCalendarDay, "month")).toBe(9999 * 12)
    // 3,652,059 days from a Monday: 521,722 whole weeks (3,652,054 days), then Monday to Friday of one more.
    expect(bucketCountOf(firstCalendarDay, lastCalendarDay, "week")).toBe(521_723)
    expect(() => bucketsOfWindow(firstCalendarDay, lastCalendarDay, "day")).toThrow(/over the limit of 1000/)
  })

  it("splits any window into whole months and edge days that cover it exactly", () => {
    fc.assert(
      fc.property(calendarWindow(maxWindowDays), (window) => {
        const { months, edges } = monthsWithin(window.from, window.to)
        const days =
          months.reduce((sum, month) => {
            const whole = daysOfPeriod(month) as { firstDay: string; lastDay: string }
            return sum + daysBetween(whole.firstDay, whole.lastDay) + 1
          }, 0) + edges.reduce((sum, edge) => sum + daysBetween(edge.fromDay, edge.toDay) + 1, 0)
        expect(days).toBe(daysBetween(window.from, window.to) + 1)
      }),
      { numRuns: 300 },
    )
  })

  it("bounds every window a read may ask for: windowIssue answers at once, and what it lets through is built", () => {
    fc.assert(
      fc.property(
        calendarDay,
        calendarDay,
        fc.option(granularity, { nil: undefined }),
        fiscalYearStartMonth,
        (from, to, by, startMonth) => {
          const issue = windowIssue({ from, to }, by, startMonth)
          if (issue !== undefined || by === undefined) return
          expect(bucketsOfWindow(from, to, by, startMonth).length).toBeLessThanOrEqual(maxWindowBuckets)
        },
      ),
      { numRuns: 1_000 },
    )
  })
})

/** Zones with extreme, half- and quarter-hour, and daylight-saving offsets (none that skipped a whole day). */
const zones = [
  "UTC",
  "Europe/Paris",
  "America/New_York",
  "America/Los_Angeles",
  "Asia/Tokyo",
  "Asia/Kathmandu",
  "America/St_Johns",
  "Australia/Lord_Howe",
  "Etc/GMT-14",
  "Etc/GMT+12",
]
const firstInstant = Date.parse("0001-01-01T00:00:00.000Z")
const lastInstant = Date.parse("9999-12-31T23:59:59.999Z")

describe("days in the team's time zone, across the calendar", () => {
  it("start and end every day of the calendar where dayKeyOf turns, in every zone", () => {
    fc.assert(
      fc.property(calendarDay, fc.constantFrom(...zones), (day, zone) => {
        const start = startOfDay(day, zone)
        const end = endOfDay(day, zone)
        expect(end - start).toBeGreaterThanOrEqual(22 * 3_600_000)
        expect(end - start).toBeLessThanOrEqual(26 * 3_600_000)
        expect(dayKeyOf(start, zone)).toBe(day)
        expect(dayKeyOf(end - 1, zone)).toBe(day)
        if (day !== firstCalendarDay) expect(dayKeyOf(start - 1, zone)).toBe(addDays(day, -1))
        if (day !== lastCalendarDay) {
          expect(dayKeyOf(end, zone)).toBe(addDays(day, 1))
          expect(startOfDay(addDays(day, 1), zone)).toBe(end)
        }
      }),
      { numRuns: 1_500 },
    )
  })

  it("puts every instant of the years 0001–9999 on a calendar day: its own, or the edge day when its own is off it", () => {
    const instant = fc.oneof(
      fc.integer({ min: firstInstant, max: lastInstant }),
      fc.integer({ min: firstInstant, max: firstInstant + 2 * dayMs }),
      fc.integer({ min: lastInstant - 2 * dayMs, max: lastInstant }),
    )
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (at, zone) => {
        const day = dayKeyOf(at, zone)
        expect(isCalendarDay(day)).toBe(true)
        if (at < startOfDay(firstCalendarDay, zone)) expect(day).toBe(firstCalendarDay)
        else if (at >= endOfDay(lastCalendarDay, zone)) expect(day).toBe(lastCalendarDay)
        else expect(startOfDay(day, zone) <= at && at < endOfDay(day, zone)).toBe(true)
      }),
      { numRuns: 3_000 },
    )
  })

  it("reads the evening before 0001-01-01 in New York as the year 0, not 0001-12-31", () => {
    // 02:00 UTC is 21:03:58 on Dec 31 of 1 BC in New York (local mean time, −4:56:02): off the calendar.
    expect(dayKeyOf(Date.parse("0001-01-01T02:00:00Z"), "America/New_York")).toBe("0001-01-01")
    expect(dayKeyOf(Date.parse("0001-12-31T12:00:00Z"), "America/New_York")).toBe("0001-12-31")
    // An event in the last hours of 9999 UTC is on the first of the year 10000 in Tokyo: the edge day.
    expect(dayKeyOf(Date.parse("9999-12-31T20:00:00Z"), "Asia/Tokyo")).toBe("9999-12-31")
    expect(new Date(endOfDay("9999-12-31", "Asia/Tokyo")).toISOString()).toBe("9999-12-31T15:00:00.000Z")
  })
})

describe("the other readers of days: the vocabulary's dates and instants, a CSV export's dates", () => {
  it("take as a CalendarDate exactly the days of the calendar", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9_999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (year, month, day) => {
          const key = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
          expect(CalendarDate.safeParse(key).success).toBe(isCalendarDay(key))
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it("take as an Instant exactly the instants of the years 0001–9999 in UTC, whatever the offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: firstDayNumber - 2, max: lastDayNumber + 2 }),
        fc.integer({ min: 0, max: dayMs - 1 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (dayNumber, msOfDay, offsetMinutes) => {
          const wall = new Date(dayNumber * dayMs + msOfDay).toISOString()
          fc.pre(/^\d{4}-/.test(wall)) // a wall time of the years 0000–9999, written as Instant reads it
          const sign = offsetMinutes < 0 ? "-" : "+"
          const offset = `${sign}${pad(Math.floor(Math.abs(offsetMinutes) / 60), 2)}:${pad(Math.abs(offsetMinutes) % 60, 2)}`
          const text = `${wall.slice(0, 23)}${offset}`
          const utcYear = new Date(Date.parse(text)).getUTCFullYear()
          expect(Instant.safeParse(text).success).toBe(utcYear >= 1 && utcYear <= 9999)
        },
      ),
      { numRuns: 2_000 },
    )
  })

  it("read a CSV export's date of any day of the calendar as noon UTC that day, ISO or slashed", () => {
    fc.assert(
      fc.property(calendarDayNumber, (dayNumber) => {
        const key = oracleKey(dayNumber)
        const [year, month, day] = key.split("-") as [string, string, string]
        expect(instantOf(key, "mdy")).toEqual({ ok: true, value: `${key}T12:00:00.000Z` })
        expect(instantOf(`${Number(month)}/${Number(day)}/${year}`, "mdy")).toEqual({
          ok: true,
          value: `${key}T12:00:00.000Z`,
        })
        expect(instantOf(`${day}/${month}/${year} 14:05`, "dmy")).toEqual({ ok: true, value: `${key}T14:05:00.000Z` })
      }),
      { numRuns: 1_000 },
    )
  })
})
