/**
 * @module The ledger's calendar of days: day keys (`YYYY-MM-DD`) and the day numbers behind them
 * (days since 1970-01-01, proleptic Gregorian), without Date objects.
 *
 * The calendar holds the days 0001-01-01 to 9999-12-31 (`firstCalendarDay`, `lastCalendarDay`), the
 * years of every instant the ledger stores (events/fields.ts), so that every day key has four digits
 * and day keys sort as text. What happens at its edges is said where it happens: `addDays` stops at
 * them, `dayKeyOf` (teamDays.ts) counts an instant beyond them on the edge day, and `daysOfPeriod`
 * (periods.ts) clips a period reaching past them.
 *
 * @example
 * daysBetween("2026-01-01", "2026-12-31") // 364
 * addDays("9999-12-30", 5)                // "9999-12-31"
 */

/** The first day of the calendar. */
export const firstCalendarDay = "0001-01-01"
/** The last day of the calendar. */
export const lastCalendarDay = "9999-12-31"

export type CivilDate = { readonly year: number; readonly month: number; readonly day: number }

export const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/** Howard Hinnant's civil_from_days: proleptic Gregorian, exact for every day number. */
export const civilOfDayNumber = (dayNumber: number): CivilDate => {
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
export const pad4 = (year: number): string => String(year).padStart(4, "0")

const dayKeyOfCivil = (year: number, month: number, day: number): string => `${pad4(year)}-${pad2(month)}-${pad2(day)}`

/**
 * Howard Hinnant's days_from_civil, the inverse of `civilOfDayNumber`; `month` may run past 12 (the
 * next years' months) or below 1 (the previous years'). Not `Date.UTC`, which reads the years 0–99
 * as 1900–1999: `0050-01-01` was counted as 1950 (found by test/fuzz.e2e.test.ts, a window from
 * 0000-01-01 started in 1900).
 */
export const dayNumberOfCivil = (year: number, month: number, day: number): number => {
  const normalizedYear = year + Math.floor((month - 1) / 12)
  const normalizedMonth = ((((month - 1) % 12) + 12) % 12) + 1
  const y = normalizedMonth <= 2 ? normalizedYear - 1 : normalizedYear
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * ((normalizedMonth + 9) % 12) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  return era * 146_097 + dayOfEra - 719_468
}

export const firstDayNumber = dayNumberOfCivil(1, 1, 1)
export const lastDayNumber = dayNumberOfCivil(9999, 12, 31)

/** A day number moved onto the calendar: the edge day for a day before or after it. */
export const onCalendar = (dayNumber: number): number => Math.min(lastDayNumber, Math.max(firstDayNumber, dayNumber))

export const dayKeyOfDayNumber = (dayNumber: number): string => {
  const { year, month, day } = civilOfDayNumber(dayNumber)
  return dayKeyOfCivil(year, month, day)
}

const daysInMonth = (year: number, month: number): number =>
  dayNumberOfCivil(year, month + 1, 1) - dayNumberOfCivil(year, month, 1)

const dayKeyPattern = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The day number of a day key of the calendar. Anything else is a caller's bug (requests are
 * validated before they reach here), thrown as a RangeError rather than read as some other day:
 * a key of the year 10000 read by position as the year 0999 sent a loop 9,000 years back.
 */
export const dayNumberOf = (dayKey: string): number => {
  const match = dayKeyPattern.exec(dayKey)
  const year = Number(match?.[1])
  const month = Number(match?.[2])
  const day = Number(match?.[3])
  if (match === null || year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw new RangeError(
      `"${dayKey}" is not a day of the calendar (YYYY-MM-DD, ${firstCalendarDay} to ${lastCalendarDay})`,
    )
  return dayNumberOfCivil(year, month, day)
}

/** Whether a text is a day key of the calendar: `YYYY-MM-DD`, a real date, 0001-01-01 to 9999-12-31. */
export const isCalendarDay = (text: string): boolean => {
  const match = dayKeyPattern.exec(text)
  if (match === null) return false
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/** How many days `toDay` is after `fromDay` (negative when before): 0 for the same day. */
export const daysBetween = (fromDay: string, toDay: string): number => dayNumberOf(toDay) - dayNumberOf(fromDay)

/**
 * The day key `days` days after (or before, when negative) a day key, stopped at the calendar's
 * edges: `addDays("9999-12-31", 1)` is `9999-12-31`. For the instant a day ends, use `endOfDay`.
 */
export const addDays = (dayKey: string, days: number): string =>
  dayKeyOfDayNumber(onCalendar(dayNumberOf(dayKey) + days))

/** 1 for Monday … 7 for Sunday (1970-01-01, day 0, was a Thursday). */
export const isoWeekdayOf = (dayNumber: number): number => ((((dayNumber + 3) % 7) + 7) % 7) + 1
