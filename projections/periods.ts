/**
 * @module The calendar of the ledger: day keys of instants in the team's time zone, ISO weeks,
 * months, (fiscal) quarters, and the instants where those periods start and end.
 *
 * Day keys are `YYYY-MM-DD`, weeks `2026-W45` (ISO 8601: weeks start on Monday and belong to the
 * year of their Thursday), months `2026-11`, quarters `2026-Q4`.
 *
 * Fiscal quarters: when the team's `fiscalYearStartMonth` is not January, a quarter label names the
 * fiscal year by the calendar year in which it ENDS (the Microsoft / Apple / Salesforce / US federal
 * convention). With a fiscal year starting in February, `2027-Q1` is February–April 2026 and
 * `2027-Q4` is November 2026–January 2027. With January (the default) labels are calendar quarters.
 *
 * @example
 * dayKeyOf(Date.parse("2026-11-02T23:30:00Z"), "Europe/Paris") // "2026-11-03"
 * isoWeekOf("2027-01-01")                                       // "2026-W53"
 * quarterOf("2026-11-15", 2)                                    // "2027-Q4"
 */

const dayMs = 86_400_000

/** The granularities a window can be bucketed by. */
export type Granularity = "day" | "week" | "month" | "quarter"

/** One bucket of a window: its key and its first and last day (both inclusive). */
export type Bucket = { readonly key: string; readonly firstDay: string; readonly lastDay: string }

// ---------------------------------------------------------------------------------------------
// Civil dates <-> day numbers (days since 1970-01-01), without Date objects.

type CivilDate = { readonly year: number; readonly month: number; readonly day: number }

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/** Howard Hinnant's civil_from_days: proleptic Gregorian, exact for every day number. */
const civilOfDayNumber = (dayNumber: number): CivilDate => {
  const z = dayNumber + 719_468
  const era = Math.floor(z / 146_097)
  const dayOfEra = z - era * 146_097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const mp = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/** Years in keys have four digits, as in `YYYY-MM-DD`: the year 50 is `0050`. */
const pad4 = (year: number): string => String(year).padStart(4, "0")

const dayKeyOfCivil = (year: number, month: number, day: number): string => `${pad4(year)}-${pad2(month)}-${pad2(day)}`

/**
 * Howard Hinnant's days_from_civil, the inverse of `civilOfDayNumber`; `month` may run past 12 (the
 * next years' months). Not `Date.UTC`, which reads the years 0–99 as 1900–1999: `0050-01-01` was
 * counted as 1950 (found by test/fuzz.e2e.test.ts, a window from 0000-01-01 started in 1900).
 */
const dayNumberOfCivil = (year: number, month: number, day: number): number => {
  const normalizedYear = year + Math.floor((month - 1) / 12)
  const normalizedMonth = ((((month - 1) % 12) + 12) % 12) + 1
  const y = normalizedMonth <= 2 ? normalizedYear - 1 : normalizedYear
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * ((normalizedMonth + 9) % 12) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

/** The day key of a day number (days since 1970-01-01). */
export const dayKeyOfDayNumber = (dayNumber: number): string => {
  const { year, month, day } = civilOfDayNumber(dayNumber)
  return dayKeyOfCivil(year, month, day)
}

const parseDayKey = (dayKey: string): CivilDate => ({
  year: Number(dayKey.slice(0, 4)),
  month: Number(dayKey.slice(5, 7)),
  day: Number(dayKey.slice(8, 10)),
})

/** The day number (days since 1970-01-01) of a day key: `dayNumberOf("1970-01-02")` is 1. */
export const dayNumberOf = (dayKey: string): number => {
  const { year, month, day } = parseDayKey(dayKey)
  return dayNumberOfCivil(year, month, day)
}

/** How many days `toDay` is after `fromDay` (negative when before): 0 for the same day. */
export const daysBetween = (fromDay: string, toDay: string): number => dayNumberOf(toDay) - dayNumberOf(fromDay)

/** The day key `days` days after (or before, when negative) a day key. */
export const addDays = (dayKey: string, days: number): string => dayKeyOfDayNumber(dayNumberOf(dayKey) + days)

// ---------------------------------------------------------------------------------------------
// Day keys of instants in a time zone. The fold calls this once per event, so it must be cheap:
// one Intl.DateTimeFormat per zone (about 6 µs per formatToParts, measured on Node 20), and a
// cache of day keys per 15-minute bucket of UTC time, since every UTC offset and every offset
// transition in use since 1972 falls on a multiple of 15 minutes.

const bucketMs = 15 * 60_000
const maxCachedBuckets = 100_000

type ZoneClock = {
  readonly formatter: Intl.DateTimeFormat | undefined // undefined for UTC: pure arithmetic
  readonly dayKeys: Map<number, string>
  /** The first instant of each day key asked for (four Intl calls each: a team view asks it twice per rep). */
  readonly dayStarts: Map<string, number>
  lastBucket: number
  lastDayKey: string
}

const clocks = new Map<string, ZoneClock>()

const clockOf = (timeZone: string): ZoneClock => {
  let clock = clocks.get(timeZone)
  if (clock === undefined) {
    clock = {
      formatter: formatterOf(timeZone),
      dayKeys: new Map(),
      dayStarts: new Map(),
      lastBucket: Number.NaN,
      lastDayKey: "",
    }
    clocks.set(timeZone, clock)
  }
  return clock
}

const formatterOf = (timeZone: string): Intl.DateTimeFormat | undefined => {
  if (timeZone === "UTC") return undefined
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
  } catch {
    // The event schema only admits valid IANA zones; should an invalid one reach the fold anyway,
    // counting in UTC keeps the fold total instead of failing every later event.
    return undefined
  }
}

/** The wall-clock reading of an instant in a zone, as if that reading were a UTC instant. */
const wallClockOf = (formatter: Intl.DateTimeFormat, epochMs: number): number => {
  let year = 0,
    month = 0,
    day = 0,
    hour = 0,
    minute = 0,
    second = 0
  for (const part of formatter.formatToParts(epochMs)) {
    switch (part.type) {
      case "year":
        year = Number(part.value)
        break
      case "month":
        month = Number(part.value)
        break
      case "day":
        day = Number(part.value)
        break
      case "hour":
        hour = Number(part.value)
        break
      case "minute":
        minute = Number(part.value)
        break
      case "second":
        second = Number(part.value)
        break
      default:
        break
    }
  }
  return dayNumberOfCivil(year, month, day) * dayMs + ((hour * 60 + minute) * 60 + second) * 1_000
}

const computeDayKey = (clock: ZoneClock, epochMs: number): string =>
  dayKeyOfDayNumber(
    Math.floor((clock.formatter === undefined ? epochMs : wallClockOf(clock.formatter, epochMs)) / dayMs),
  )

/**
 * The team-calendar day (`YYYY-MM-DD`) of an instant (epoch milliseconds) in an IANA time zone.
 *
 * @example dayKeyOf(Date.parse("2026-11-02T23:30:00Z"), "Europe/Paris") // "2026-11-03"
 */
export const dayKeyOf = (epochMs: number, timeZone: string): string => {
  const clock = clockOf(timeZone)
  if (clock.formatter === undefined) {
    const dayNumber = Math.floor(epochMs / dayMs)
    if (dayNumber === clock.lastBucket) return clock.lastDayKey
    clock.lastBucket = dayNumber
    clock.lastDayKey = dayKeyOfDayNumber(dayNumber)
    return clock.lastDayKey
  }
  const bucket = Math.floor(epochMs / bucketMs)
  if (bucket === clock.lastBucket) return clock.lastDayKey
  let dayKey = clock.dayKeys.get(bucket)
  if (dayKey === undefined) {
    const first = computeDayKey(clock, bucket * bucketMs)
    // A bucket whose ends disagree straddles a day boundary at an odd offset: never cached.
    if (first !== computeDayKey(clock, bucket * bucketMs + bucketMs - 1)) return computeDayKey(clock, epochMs)
    if (clock.dayKeys.size >= maxCachedBuckets) clock.dayKeys.clear()
    clock.dayKeys.set(bucket, first)
    dayKey = first
  }
  clock.lastBucket = bucket
  clock.lastDayKey = dayKey
  return dayKey
}

/**
 * The first instant (epoch milliseconds) of a day in a zone: local midnight, or the end of a DST
 * gap when midnight does not exist that day (clocks jumping from 23:59:59 to 01:00).
 */
export const startOfDay = (dayKey: string, timeZone: string): number => {
  const clock = clockOf(timeZone)
  const wallMidnight = dayNumberOf(dayKey) * dayMs
  if (clock.formatter === undefined) return wallMidnight
  const known = clock.dayStarts.get(dayKey)
  if (known !== undefined) return known
  const formatter = clock.formatter
  // Candidates: local midnight read with the offset in force a day before and a day after.
  const candidates = [-dayMs, dayMs].map(
    (shift) => wallMidnight - (wallClockOf(formatter, wallMidnight + shift) - (wallMidnight + shift)),
  )
  const valid = candidates.filter(
    (candidate) => computeDayKey(clock, candidate) === dayKey && computeDayKey(clock, candidate - 1) !== dayKey,
  )
  const start = Math.min(...(valid.length > 0 ? valid : candidates))
  if (clock.dayStarts.size >= maxCachedBuckets) clock.dayStarts.clear()
  clock.dayStarts.set(dayKey, start)
  return start
}

// ---------------------------------------------------------------------------------------------
// Buckets of day keys.

/** The ISO week (`2026-W45`) of a day: weeks start on Monday and belong to their Thursday's year. */
export const isoWeekOf = (dayKey: string): string => {
  const dayNumber = dayNumberOf(dayKey)
  const isoWeekday = ((((dayNumber + 3) % 7) + 7) % 7) + 1 // 1970-01-01 was a Thursday (4)
  const thursday = dayNumber + 4 - isoWeekday
  const year = civilOfDayNumber(thursday).year
  const week = Math.floor((thursday - dayNumberOfCivil(year, 1, 1)) / 7) + 1
  return `${pad4(year)}-W${pad2(week)}`
}

/** The month (`2026-11`) of a day. */
export const monthOf = (dayKey: string): string => dayKey.slice(0, 7)

/**
 * The quarter of a day, fiscal when `fiscalYearStartMonth` is not 1 (labelled by the calendar year
 * in which the fiscal year ends).
 *
 * @example quarterOf("2026-11-15", 1) // "2026-Q4";  quarterOf("2026-11-15", 2) // "2027-Q4"
 */
export const quarterOf = (dayKey: string, fiscalYearStartMonth = 1): string => {
  const { year, month } = parseDayKey(dayKey)
  const monthsIntoFiscalYear = (month - fiscalYearStartMonth + 12) % 12
  const fiscalYear = fiscalYearStartMonth === 1 || month < fiscalYearStartMonth ? year : year + 1
  return `${pad4(fiscalYear)}-Q${Math.floor(monthsIntoFiscalYear / 3) + 1}`
}

/** The key of the bucket of a given granularity that contains a day. */
export const bucketOf = (dayKey: string, granularity: Granularity, fiscalYearStartMonth = 1): string => {
  switch (granularity) {
    case "day":
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

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/
const weekPattern = /^(\d{4})-W(\d{2})$/
const monthPattern = /^(\d{4})-(\d{2})$/
const quarterPattern = /^(\d{4})-Q([1-4])$/

/**
 * The first and last day (inclusive) of a period given by its key: a day, an ISO week, a month or
 * a (fiscal) quarter; `undefined` for a key that is none of those.
 */
export const daysOfPeriod = (
  periodKey: string,
  fiscalYearStartMonth = 1,
): { readonly firstDay: string; readonly lastDay: string } | undefined => {
  if (dayPattern.test(periodKey)) return { firstDay: periodKey, lastDay: periodKey }
  const week = weekPattern.exec(periodKey)
  if (week !== null) {
    const year = Number(week[1])
    const jan4 = dayNumberOfCivil(year, 1, 4) // January 4th is always in week 1
    const mondayOfWeek1 = jan4 - ((((jan4 + 3) % 7) + 7) % 7)
    const monday = mondayOfWeek1 + (Number(week[2]) - 1) * 7
    return { firstDay: dayKeyOfDayNumber(monday), lastDay: dayKeyOfDayNumber(monday + 6) }
  }
  const month = monthPattern.exec(periodKey)
  if (month !== null) return monthSpan(Number(month[1]), Number(month[2]), 1)
  const quarter = quarterPattern.exec(periodKey)
  if (quarter !== null) {
    const fiscalYear = Number(quarter[1])
    const startYear = fiscalYearStartMonth === 1 ? fiscalYear : fiscalYear - 1
    const monthIndex = fiscalYearStartMonth - 1 + 3 * (Number(quarter[2]) - 1)
    return monthSpan(startYear + Math.floor(monthIndex / 12), (monthIndex % 12) + 1, 3)
  }
  return undefined
}

const monthSpan = (year: number, month: number, months: number) => ({
  firstDay: dayKeyOfCivil(year, month, 1),
  lastDay: dayKeyOfDayNumber(dayNumberOfCivil(year, month + months, 1) - 1),
})

/**
 * The buckets covering the days `fromDay`..`toDay` (both inclusive), in order, each clipped to the
 * window: a window from Nov 20 to Dec 10 by month gives `2026-11` (20th–30th) and `2026-12` (1st–10th).
 */
export const bucketsOfWindow = (
  fromDay: string,
  toDay: string,
  granularity: Granularity,
  fiscalYearStartMonth = 1,
): ReadonlyArray<Bucket> => {
  const buckets: Array<Bucket> = []
  const last = dayNumberOf(toDay)
  for (let day = dayNumberOf(fromDay); day <= last; ) {
    const firstDay = dayKeyOfDayNumber(day)
    const key = bucketOf(firstDay, granularity, fiscalYearStartMonth)
    const bucketLast = Math.min(dayNumberOf(daysOfPeriod(key, fiscalYearStartMonth)?.lastDay ?? firstDay), last)
    buckets.push({ key, firstDay, lastDay: dayKeyOfDayNumber(bucketLast) })
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

/** The instant (epoch ms) a period starts in a zone: the start of its first day. */
export const periodStart = (periodKey: string, timeZone: string, fiscalYearStartMonth = 1): number | undefined => {
  const days = daysOfPeriod(periodKey, fiscalYearStartMonth)
  return days === undefined ? undefined : startOfDay(days.firstDay, timeZone)
}

/** The instant (epoch ms) a period ends in a zone, exclusive: the start of the day after its last day. */
export const periodEnd = (periodKey: string, timeZone: string, fiscalYearStartMonth = 1): number | undefined => {
  const days = daysOfPeriod(periodKey, fiscalYearStartMonth)
  return days === undefined ? undefined : startOfDay(addDays(days.lastDay, 1), timeZone)
}

function assertNever(value: never): never {
  throw new Error(`unhandled granularity ${JSON.stringify(value)}`)
}
