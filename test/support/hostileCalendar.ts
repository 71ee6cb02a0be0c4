/**
 * @module Windows of days for the fuzz test (test/fuzz.e2e.test.ts): days anywhere in the calendar
 * 0001-01-01 … 9999-12-31, as often near its edges as anywhere (a scorecard of 9999-12-27 by week
 * hung the server until it ran out of memory: issue 21, item 1), spans from one day to far past the
 * longest window, and days off the calendar or no days at all.
 */
import fc from "fast-check"

const dayMs = 86_400_000
const pad = (n: number, width: number) => String(n).padStart(width, "0")

/** A day number's key, by `Date` (its `setUTCFullYear` is the proleptic Gregorian calendar). */
export const dayKeyOfNumber = (dayNumber: number): string => {
  const date = new Date(dayNumber * dayMs)
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`
}

const dayNumberOfCivil = (year: number, month: number, day: number): number => {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date.getTime() / dayMs
}

export const firstDayNumber = dayNumberOfCivil(1, 1, 1)
export const lastDayNumber = dayNumberOfCivil(9999, 12, 31)

/** A day number of the calendar: anywhere, or within 400 days of either edge. */
const calendarDayNumber = fc.oneof(
  fc.integer({ min: firstDayNumber, max: lastDayNumber }),
  fc.integer({ min: firstDayNumber, max: firstDayNumber + 400 }),
  fc.integer({ min: lastDayNumber - 400, max: lastDayNumber }),
)

/** Texts a `from` or `to` may hold that are no day of the calendar. */
const offCalendar = fc.constantFrom("0000-12-31", "10000-01-01", "9999-12-32", "2026-02-30", "2026-13-01", "", "today")

/**
 * A window `{ from, to }`: mostly two days of the calendar a span of 0–4,000 days apart (past the
 * longest window, 3,660 days), sometimes any two days, or a day that is none.
 */
export const anyWindow: fc.Arbitrary<{ readonly from: string; readonly to: string }> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(calendarDayNumber, fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 4_000 })))
      .map(([last, span]) => ({
        from: dayKeyOfNumber(Math.max(firstDayNumber, last - span)),
        to: dayKeyOfNumber(last),
      })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(calendarDayNumber, calendarDayNumber).map(([a, b]) => ({
      from: dayKeyOfNumber(a),
      to: dayKeyOfNumber(b),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(offCalendar, calendarDayNumber, fc.boolean())
      .map(([off, day, offFirst]) =>
        offFirst ? { from: off, to: dayKeyOfNumber(day) } : { from: dayKeyOfNumber(day), to: off },
      ),
  },
)

/** The buckets a series may be cut into, and a few it may not. */
export const anyBucket = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("day", "week", "month", "quarter") },
  { weight: 1, arbitrary: fc.constantFrom("year", "DAY", "") },
)

/** Whether a text is a day of the calendar (what the routes must take), by `Date` as the oracle. */
export const isCalendarDayKey = (text: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (match === null) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return year >= 1 && dayKeyOfNumber(dayNumberOfCivil(year, month, day)) === text
}
