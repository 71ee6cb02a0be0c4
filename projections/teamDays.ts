/**
 * @module Days in the team's time zone: the day key of an instant (`dayKeyOf`), and the instants a
 * day starts and ends (`startOfDay`, `endOfDay`), daylight saving and odd historical offsets included.
 * An instant whose day in the zone falls off the calendar (an event in the last hours of 9999 UTC
 * seen from Tokyo, or the first hours of 0001 from New York) counts on the calendar's edge day; the
 * instant a day ends is exact even for 9999-12-31 (the start of the year 10000 in the zone, which
 * `Date` holds and `toISOString` writes `+010000-01-01T…`).
 *
 * @example
 * dayKeyOf(Date.parse("2026-11-02T23:30:00Z"), "Europe/Paris")    // "2026-11-03"
 * new Date(startOfDay("2026-11-03", "Europe/Paris")).toISOString() // "2026-11-02T23:00:00.000Z"
 */
import { dayKeyOfDayNumber, dayNumberOf, dayNumberOfCivil, onCalendar } from "./calendar.js"

const dayMs = 86_400_000

// The fold calls this once per event, so it must be cheap:
// one Intl.DateTimeFormat per zone (about 6 µs per formatToParts, measured on Node 20), and a
// cache of day keys per 15-minute bucket of UTC time, since every UTC offset and every offset
// transition in use since 1972 falls on a multiple of 15 minutes.

const bucketMs = 15 * 60_000
const maxCachedBuckets = 100_000

type ZoneClock = {
  readonly formatter: Intl.DateTimeFormat | undefined // undefined for UTC: pure arithmetic
  readonly dayKeys: Map<number, string>
  /** The first instant of each day number asked for (four Intl calls each: a team view asks it twice per rep). */
  readonly dayStarts: Map<number, number>
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
      // The era tells 1 BC (the year 0, where 0001-01-01 begins west of Greenwich) from 1 AD: the
      // year alone is "1" for both, which put the evening before 0001-01-01 a year later.
      era: "short",
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
    second = 0,
    beforeChrist = false
  for (const part of formatter.formatToParts(epochMs)) {
    switch (part.type) {
      case "era":
        beforeChrist = part.value === "BC"
        break
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
  // Astronomical years: 1 BC is the year 0, 2 BC the year -1.
  const astronomicalYear = beforeChrist ? 1 - year : year
  return dayNumberOfCivil(astronomicalYear, month, day) * dayMs + ((hour * 60 + minute) * 60 + second) * 1_000
}

/** The day number of an instant in a zone, on or off the calendar. */
const dayNumberAt = (clock: ZoneClock, epochMs: number): number =>
  Math.floor((clock.formatter === undefined ? epochMs : wallClockOf(clock.formatter, epochMs)) / dayMs)

const computeDayKey = (clock: ZoneClock, epochMs: number): string =>
  dayKeyOfDayNumber(onCalendar(dayNumberAt(clock, epochMs)))

/**
 * The team-calendar day (`YYYY-MM-DD`) of an instant (epoch milliseconds) in an IANA time zone; the
 * calendar's edge day for an instant whose day falls outside it (module doc).
 *
 * @example dayKeyOf(Date.parse("2026-11-02T23:30:00Z"), "Europe/Paris") // "2026-11-03"
 */
export const dayKeyOf = (epochMs: number, timeZone: string): string => {
  if (!Number.isFinite(epochMs)) throw new RangeError(`dayKeyOf needs an instant, got ${epochMs}`)
  const clock = clockOf(timeZone)
  if (clock.formatter === undefined) {
    const dayNumber = Math.floor(epochMs / dayMs)
    if (dayNumber === clock.lastBucket) return clock.lastDayKey
    clock.lastBucket = dayNumber
    clock.lastDayKey = dayKeyOfDayNumber(onCalendar(dayNumber))
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
 * The first instant of a day number in a zone: local midnight, or the end of a DST gap when
 * midnight does not exist that day (clocks jumping from 23:59:59 to 01:00). Day numbers off the
 * calendar are fine here: the day after 9999-12-31 starts where that day ends.
 */
const startOfDayNumber = (clock: ZoneClock, dayNumber: number): number => {
  const wallMidnight = dayNumber * dayMs
  const formatter = clock.formatter
  if (formatter === undefined) return wallMidnight
  const known = clock.dayStarts.get(dayNumber)
  if (known !== undefined) return known
  // Candidates: local midnight read with the offset in force a day before and a day after.
  const candidates = [-dayMs, dayMs].map(
    (shift) => wallMidnight - (wallClockOf(formatter, wallMidnight + shift) - (wallMidnight + shift)),
  )
  const valid = candidates.filter(
    (candidate) => dayNumberAt(clock, candidate) === dayNumber && dayNumberAt(clock, candidate - 1) !== dayNumber,
  )
  const start = Math.min(...(valid.length > 0 ? valid : candidates))
  if (clock.dayStarts.size >= maxCachedBuckets) clock.dayStarts.clear()
  clock.dayStarts.set(dayNumber, start)
  return start
}

/**
 * The first instant (epoch milliseconds) of a day in a zone: local midnight, or the end of a DST
 * gap when midnight does not exist that day (clocks jumping from 23:59:59 to 01:00).
 */
export const startOfDay = (dayKey: string, timeZone: string): number =>
  startOfDayNumber(clockOf(timeZone), dayNumberOf(dayKey))

/**
 * The instant (epoch milliseconds) a day ends in a zone, exclusive: the start of the next day,
 * exact even for 9999-12-31, whose next day is off the calendar.
 *
 * @example new Date(endOfDay("9999-12-31", "UTC")).toISOString() // "+010000-01-01T00:00:00.000Z"
 */
export const endOfDay = (dayKey: string, timeZone: string): number =>
  startOfDayNumber(clockOf(timeZone), dayNumberOf(dayKey) + 1)
