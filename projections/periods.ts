/**
 * @module Periods of the team's calendar: ISO weeks, months, (fiscal) quarters, the instants they
 * start and end, and the buckets a window of days is cut into.
 *
 * Weeks are `2026-W45` (ISO 8601: weeks start on Monday and belong to the year of their Thursday),
 * months `2026-11`, quarters `2026-Q4`; days are the day keys of calendar.ts.
 *
 * Fiscal quarters: when the team's `fiscalYearStartMonth` is not January, a quarter label names the
 * fiscal year by the calendar year in which it ENDS (the Microsoft / Apple / Salesforce / US federal
 * convention). With a fiscal year starting in February, `2027-Q1` is February–April 2026 and
 * `2027-Q4` is November 2026–January 2027. With January (the default) labels are calendar quarters.
 *
 * A period reaching past the calendar's edges (0001-01-01, 9999-12-31) is clipped to them: ISO week
 * 9999-W52 is 9999-12-27 to 9999-12-31 (its Saturday and Sunday would fall in the year 10000), and
 * with a February start the fiscal year `10000`'s fourth quarter is 9999-11-01 to 9999-12-31. A
 * window is counted in closed form (`bucketCountOf`) and refused past `maxWindowBuckets` before any
 * bucket is built, so that no window costs more than that many.
 *
 * @example
 * isoWeekOf("2027-01-01")                              // "2026-W53"
 * quarterOf("2026-11-15", 2)                           // "2027-Q4"
 * daysOfPeriod("9999-W52")                             // { firstDay: "9999-12-27", lastDay: "9999-12-31" }
 * bucketsOfWindow("2026-11-20", "2026-12-10", "month") // 2026-11 (20th–30th), 2026-12 (1st–10th)
 */
import {
  civilOfDayNumber,
  dayKeyOfDayNumber,
  dayNumberOf,
  dayNumberOfCivil,
  firstDayNumber,
  isCalendarDay,
  isoWeekdayOf,
  lastDayNumber,
  onCalendar,
  pad2,
  pad4,
} from "./calendar.js"
import { endOfDay, startOfDay } from "./teamDays.js"

/** The granularities a window can be bucketed by. */
export type Granularity = "day" | "week" | "month" | "quarter"

/** One bucket of a window: its key and its first and last day (both inclusive). */
export type Bucket = { readonly key: string; readonly firstDay: string; readonly lastDay: string }

/** The most buckets a window may be cut into (`bucketsOfWindow` refuses more): about 2.7 years by day. */
export const maxWindowBuckets = 1_000

/** The ISO week (`2026-W45`) of a day: weeks start on Monday and belong to their Thursday's year. */
export const isoWeekOf = (dayKey: string): string => {
  const dayNumber = dayNumberOf(dayKey)
  const thursday = dayNumber + 4 - isoWeekdayOf(dayNumber)
  const year = civilOfDayNumber(thursday).year
  const week = Math.floor((thursday - dayNumberOfCivil(year, 1, 1)) / 7) + 1
  return `${pad4(year)}-W${pad2(week)}`
}

/** The month (`2026-11`) of a day. */
export const monthOf = (dayKey: string): string => {
  dayNumberOf(dayKey) // a key of the year 10000 must not lose its fifth digit here either
  return dayKey.slice(0, 7)
}

/**
 * The quarter of a day, fiscal when `fiscalYearStartMonth` is not 1 (labelled by the calendar year
 * in which the fiscal year ends: the last months of 9999 may be in the fiscal year `10000`).
 *
 * @example quarterOf("2026-11-15", 1) // "2026-Q4";  quarterOf("2026-11-15", 2) // "2027-Q4"
 */
export const quarterOf = (dayKey: string, fiscalYearStartMonth = 1): string => {
  const { year, month } = civilOfDayNumber(dayNumberOf(dayKey))
  const monthsIntoFiscalYear = (month - fiscalYearStartMonth + 12) % 12
  const fiscalYear = fiscalYearStartMonth === 1 || month < fiscalYearStartMonth ? year : year + 1
  return `${pad4(fiscalYear)}-Q${Math.floor(monthsIntoFiscalYear / 3) + 1}`
}

/** The key of the bucket of a given granularity that contains a day. */
export const bucketOf = (dayKey: string, granularity: Granularity, fiscalYearStartMonth = 1): string => {
  switch (granularity) {
    case "day":
      dayNumberOf(dayKey)
      return dayKey
    case "week":
      return isoWeekOf(dayKey)
    case "month":
      return monthOf(dayKey)
    case "quarter":
      return quarterOf(dayKey, fiscalYearStartMonth)
    default:
      return assertNever(granularity)
  }
}

const weekPattern = /^(\d{4})-W(\d{2})$/
const monthPattern = /^(\d{4})-(\d{2})$/
// A fiscal year that ends in the year 10000 (its label year) starts in 9999.
const quarterPattern = /^(\d{4}|10000)-Q([1-4])$/

/** The Monday that starts ISO week 1 of a year: the week holding January 4th. */
const mondayOfWeekOne = (year: number): number => {
  const jan4 = dayNumberOfCivil(year, 1, 4)
  return jan4 - isoWeekdayOf(jan4) + 1
}

/** The days of a span of day numbers that lie on the calendar, as keys; `undefined` when none do. */
const onCalendarSpan = (first: number, last: number) =>
  last < firstDayNumber || first > lastDayNumber
    ? undefined
    : { firstDay: dayKeyOfDayNumber(onCalendar(first)), lastDay: dayKeyOfDayNumber(onCalendar(last)) }

/**
 * The first and last day (inclusive) of a period given by its key: a day, an ISO week, a month or
 * a (fiscal) quarter, clipped to the calendar; `undefined` for a key that is none of those (a
 * 30th of February, a week 54, a 13th month) or a period wholly off the calendar.
 */
export const daysOfPeriod = (
  periodKey: string,
  fiscalYearStartMonth = 1,
): { readonly firstDay: string; readonly lastDay: string } | undefined => {
  if (isCalendarDay(periodKey)) return { firstDay: periodKey, lastDay: periodKey }
  const week = weekPattern.exec(periodKey)
  if (week !== null) {
    const year = Number(week[1])
    const weekNumber = Number(week[2])
    const monday = mondayOfWeekOne(year) + (weekNumber - 1) * 7
    const weeksInYear = (mondayOfWeekOne(year + 1) - mondayOfWeekOne(year)) / 7
    return year < 1 || weekNumber < 1 || weekNumber > weeksInYear ? undefined : onCalendarSpan(monday, monday + 6)
  }
  const month = monthPattern.exec(periodKey)
  if (month !== null) {
    const [year, monthNumber] = [Number(month[1]), Number(month[2])]
    return monthNumber < 1 || monthNumber > 12 ? undefined : monthSpan(year, monthNumber, 1)
  }
  const quarter = quarterPattern.exec(periodKey)
  if (quarter !== null) {
    const fiscalYear = Number(quarter[1])
    const startYear = fiscalYearStartMonth === 1 ? fiscalYear : fiscalYear - 1
    const monthIndex = fiscalYearStartMonth - 1 + 3 * (Number(quarter[2]) - 1)
    return monthSpan(startYear + Math.floor(monthIndex / 12), (monthIndex % 12) + 1, 3)
  }
  return undefined
}

const monthSpan = (year: number, month: number, months: number) =>
  onCalendarSpan(dayNumberOfCivil(year, month, 1), dayNumberOfCivil(year, month + months, 1) - 1)

/** The last day number of the bucket holding a day number, in closed form (off the calendar at its end). */
const lastDayNumberOfBucket = (dayNumber: number, granularity: Granularity, fiscalYearStartMonth: number): number => {
  switch (granularity) {
    case "day":
      return dayNumber
    case "week":
      return dayNumber + 7 - isoWeekdayOf(dayNumber)
    case "month": {
      const { year, month } = civilOfDayNumber(dayNumber)
      return dayNumberOfCivil(year, month + 1, 1) - 1
    }
    case "quarter": {
      const { year, month } = civilOfDayNumber(dayNumber)
      const monthsIntoQuarter = (((month - fiscalYearStartMonth) % 3) + 3) % 3
      return dayNumberOfCivil(year, month - monthsIntoQuarter + 3, 1) - 1
    }
    default:
      return assertNever(granularity)
  }
}

/** The index of a day's bucket among all buckets of its granularity (consecutive buckets differ by 1). */
const bucketIndexOf = (dayNumber: number, granularity: Granularity, fiscalYearStartMonth: number): number => {
  switch (granularity) {
    case "day":
      return dayNumber
    case "week":
      return (dayNumber - isoWeekdayOf(dayNumber) + 1 - 4) / 7 // Mondays, counted from 1970-01-05
    case "month": {
      const { year, month } = civilOfDayNumber(dayNumber)
      return year * 12 + month - 1
    }
    case "quarter": {
      const { year, month } = civilOfDayNumber(dayNumber)
      return Math.floor((year * 12 + month - fiscalYearStartMonth) / 3)
    }
    default:
      return assertNever(granularity)
  }
}

/**
 * How many buckets `bucketsOfWindow` cuts the days `fromDay`..`toDay` into, in closed form (no list
 * built, whatever the window): 0 when `fromDay` is after `toDay`.
 *
 * @example bucketCountOf("2026-11-20", "2026-12-10", "month") // 2
 */
export const bucketCountOf = (
  fromDay: string,
  toDay: string,
  granularity: Granularity,
  fiscalYearStartMonth = 1,
): number => {
  const first = dayNumberOf(fromDay)
  const last = dayNumberOf(toDay)
  if (first > last) return 0
  return (
    bucketIndexOf(last, granularity, fiscalYearStartMonth) - bucketIndexOf(first, granularity, fiscalYearStartMonth) + 1
  )
}

/**
 * The buckets covering the days `fromDay`..`toDay` (both inclusive), in order, each clipped to the
 * window: a window from Nov 20 to Dec 10 by month gives `2026-11` (20th–30th) and `2026-12` (1st–10th).
 * Throws a RangeError, before building any, for a window of more than `maxWindowBuckets` buckets:
 * a request checks `windowIssue` (windowBounds.ts) first and answers with a 400.
 */
export const bucketsOfWindow = (
  fromDay: string,
  toDay: string,
  granularity: Granularity,
  fiscalYearStartMonth = 1,
): ReadonlyArray<Bucket> => {
  const count = bucketCountOf(fromDay, toDay, granularity, fiscalYearStartMonth)
  if (count > maxWindowBuckets)
    throw new RangeError(
      `${fromDay} to ${toDay} by ${granularity} is ${count} buckets, over the limit of ${maxWindowBuckets}`,
    )
  const buckets: Array<Bucket> = []
  const last = dayNumberOf(toDay)
  for (let day = dayNumberOf(fromDay); day <= last; ) {
    const firstDay = dayKeyOfDayNumber(day)
    const bucketLast = Math.min(lastDayNumberOfBucket(day, granularity, fiscalYearStartMonth), last)
    buckets.push({
      key: bucketOf(firstDay, granularity, fiscalYearStartMonth),
      firstDay,
      lastDay: dayKeyOfDayNumber(bucketLast),
    })
    day = bucketLast + 1
  }
  return buckets
}

/**
 * The days `fromDay`..`toDay` (both inclusive) as the whole months they contain and the days left
 * at either end (as inclusive ranges): a window's sums read month rows where they can, day rows
 * only at the edges.
 *
 * @example monthsWithin("2026-06-20", "2026-09-10")
 * // { months: ["2026-07", "2026-08"], edges: [{ fromDay: "2026-06-20", toDay: "2026-06-30" }, { fromDay: "2026-09-01", toDay: "2026-09-10" }] }
 */
export const monthsWithin = (
  fromDay: string,
  toDay: string,
): {
  readonly months: ReadonlyArray<string>
  readonly edges: ReadonlyArray<{ readonly fromDay: string; readonly toDay: string }>
} => {
  const months: string[] = []
  const edges: Array<{ fromDay: string; toDay: string }> = []
  for (const bucket of bucketsOfWindow(fromDay, toDay, "month")) {
    const whole = daysOfPeriod(bucket.key)
    if (whole !== undefined && whole.firstDay === bucket.firstDay && whole.lastDay === bucket.lastDay)
      months.push(bucket.key)
    else edges.push({ fromDay: bucket.firstDay, toDay: bucket.lastDay })
  }
  return { months, edges }
}

/** The instant (epoch ms) a period starts in a zone: the start of its first day (on the calendar). */
export const periodStart = (periodKey: string, timeZone: string, fiscalYearStartMonth = 1): number | undefined => {
  const days = daysOfPeriod(periodKey, fiscalYearStartMonth)
  return days === undefined ? undefined : startOfDay(days.firstDay, timeZone)
}

/** The instant (epoch ms) a period ends in a zone, exclusive: the end of its last day (on the calendar). */
export const periodEnd = (periodKey: string, timeZone: string, fiscalYearStartMonth = 1): number | undefined => {
  const days = daysOfPeriod(periodKey, fiscalYearStartMonth)
  return days === undefined ? undefined : endOfDay(days.lastDay, timeZone)
}

function assertNever(value: never): never {
  throw new Error(`unhandled granularity ${JSON.stringify(value)}`)
}
