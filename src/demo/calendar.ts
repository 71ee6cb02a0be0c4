/**
 * @module The demo team's working calendar: days as day numbers (days since 1970-01-01), weekends
 * and US holidays off, business hours in New York (the demo team's zone), calendar quarters.
 *
 * The New York offset is computed from the US rule (daylight time from the second Sunday of March
 * to the first Sunday of November), not read from Intl: it is exact for every day the demo uses,
 * and it keeps generation free of the ~6 µs an Intl lookup costs per call.
 */

export const dayMs = 86_400_000
const minuteMs = 60_000

/** The zone the demo team works in (sent in its first `TeamSettingsChanged`). */
export const demoTimeZone = "America/New_York"

/** The day number of a `YYYY-MM-DD` date. */
export const dayNumberOf = (date: string): number => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (match === null) throw new Error(`expected a date as YYYY-MM-DD, got "${date}"`)
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / dayMs
}

/** The `YYYY-MM-DD` date of a day number. */
export const dateOf = (day: number): string => new Date(day * dayMs).toISOString().slice(0, 10)

const isoDayPrefixes = new Map<number, string>()
const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * `new Date(instant).toISOString()`, about ten times faster: the date part is cached per day. The
 * generator formats an instant for every event (a million per benchmark run), and `toISOString`
 * was the single largest cost of generation (measured: ~0.7 s of 3 s for 300,000 events).
 */
export const isoInstant = (instant: number): string => {
  const day = Math.floor(instant / dayMs)
  let prefix = isoDayPrefixes.get(day)
  if (prefix === undefined) {
    prefix = new Date(day * dayMs).toISOString().slice(0, 11)
    isoDayPrefixes.set(day, prefix)
  }
  let rest = instant - day * dayMs
  const hours = Math.floor(rest / 3_600_000)
  rest -= hours * 3_600_000
  const minutes = Math.floor(rest / minuteMs)
  rest -= minutes * minuteMs
  const seconds = Math.floor(rest / 1000)
  const millis = rest - seconds * 1000
  return `${prefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7

/** The day number of the `nth` (1-based) `weekday` of a month; nth = -1 for the last one. */
const nthWeekday = (year: number, month: number, weekday: number, nth: number): number => {
  if (nth > 0) {
    const first = Date.UTC(year, month - 1, 1) / dayMs
    return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (nth - 1)
  }
  const last = Date.UTC(year, month, 0) / dayMs
  return last - ((weekdayOf(last) - weekday + 7) % 7)
}

type YearCalendar = { readonly dstStart: number; readonly dstEnd: number; readonly holidays: ReadonlySet<number> }
const years = new Map<number, YearCalendar>()

const yearCalendar = (year: number): YearCalendar => {
  let calendar = years.get(year)
  if (calendar === undefined) {
    // A fixed-date holiday on a weekend is observed on the nearest weekday.
    const observed = (month: number, date: number): number => {
      const day = Date.UTC(year, month - 1, date) / dayMs
      const weekday = weekdayOf(day)
      return weekday === 6 ? day - 1 : weekday === 0 ? day + 1 : day
    }
    const thanksgiving = nthWeekday(year, 11, 4, 4)
    calendar = {
      dstStart: nthWeekday(year, 3, 0, 2),
      dstEnd: nthWeekday(year, 11, 0, 1),
      holidays: new Set([
        observed(1, 1),
        nthWeekday(year, 5, 1, -1), // Memorial Day
        observed(7, 4),
        nthWeekday(year, 9, 1, 1), // Labor Day
        thanksgiving,
        thanksgiving + 1,
        observed(12, 25),
      ]),
    }
    years.set(year, calendar)
  }
  return calendar
}

// The generator asks for the year of a day for every instant it makes: remember the last year's bounds.
let cachedYear = { year: 1970, first: 0, next: 365 }
const yearOf = (day: number): number => {
  if (day >= cachedYear.first && day < cachedYear.next) return cachedYear.year
  const year = new Date(day * dayMs).getUTCFullYear()
  cachedYear = { year, first: Date.UTC(year, 0, 1) / dayMs, next: Date.UTC(year + 1, 0, 1) / dayMs }
  return year
}

/** New York's offset from UTC on a day, in minutes (-240 in daylight time, -300 otherwise). */
export const newYorkOffsetMinutes = (day: number): number => {
  const { dstStart, dstEnd } = yearCalendar(yearOf(day))
  return day >= dstStart && day < dstEnd ? -240 : -300
}

/** The instant (epoch ms) of a wall-clock time in New York, as minutes after midnight of a day. */
export const localInstant = (day: number, minuteOfDay: number): number =>
  day * dayMs + (minuteOfDay - newYorkOffsetMinutes(day)) * minuteMs

/** The New York day number of an instant (epoch ms). */
export const localDayOf = (instant: number): number => {
  const utcDay = Math.floor(instant / dayMs)
  return Math.floor((instant + newYorkOffsetMinutes(utcDay) * minuteMs) / dayMs)
}

/** A weekday that is not a holiday. */
export const isWorkingDay = (day: number): boolean => {
  const weekday = weekdayOf(day)
  return weekday !== 0 && weekday !== 6 && !yearCalendar(yearOf(day)).holidays.has(day)
}

/** The working day `count` working days after `day` (count ≥ 1), or the next one for 0 on a day off. */
export const addWorkingDays = (day: number, count: number): number => {
  let result = day
  let left = count
  while (left > 0 || !isWorkingDay(result)) {
    result++
    if (isWorkingDay(result)) left--
  }
  return result
}

/** The calendar quarter of a day, as `2026-Q4`. */
export const quarterOf = (day: number): string => {
  const date = new Date(day * dayMs)
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`
}

/** The first day of the calendar quarter after the one containing `day`. */
export const nextQuarterStart = (day: number): number => {
  const date = new Date(day * dayMs)
  const month = Math.floor(date.getUTCMonth() / 3) * 3 + 3
  return Date.UTC(date.getUTCFullYear(), month, 1) / dayMs
}

/** The first day of the quarter containing `day`. */
export const quarterStart = (day: number): number => {
  const date = new Date(day * dayMs)
  return Date.UTC(date.getUTCFullYear(), Math.floor(date.getUTCMonth() / 3) * 3, 1) / dayMs
}

/** Working days in [from, to), both day numbers. */
export const workingDaysBetween = (from: number, to: number): number => {
  let count = 0
  for (let day = from; day < to; day++) if (isWorkingDay(day)) count++
  return count
}

/** The day `months` calendar months before `day` (clamped to the month's last day). */
export const monthsBefore = (day: number, months: number): number => {
  const date = new Date(day * dayMs)
  const target = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - months, 1) / dayMs
  const lastOfMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() - months + 1, 0) / dayMs
  return Math.min(target + date.getUTCDate() - 1, lastOfMonth)
}
