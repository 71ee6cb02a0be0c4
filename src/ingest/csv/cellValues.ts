/**
 * @module The values in a CRM export's cells, as the ledger records them: instants, money, durations, yes/no.
 *
 * Decisions:
 * - A date without a time (`2026-11-20`, `11/20/2026`) is taken at 12:00 UTC: it then falls on that calendar
 *   day in every team time zone from UTC−11 to UTC+11, where midnight UTC would be the day before in the Americas.
 * - A date and time without a zone (`2026-11-20 14:05`, as HubSpot and Pipedrive export them) is taken as UTC.
 * - Slashed dates are ambiguous (`03/04/2026`): their order is an option, `mdy` (the US default of
 *   Salesforce and HubSpot) or `dmy`; ISO dates (`2026-04-03`) are read whatever the option.
 * - Money is digits with `,` or spaces between thousands and `.` before cents; a currency symbol or code
 *   around it (`$12,000.00`, `12000 EUR`) is ignored (the currency comes from its own column); at most
 *   `maxAmount` (10^12), the vocabulary's bound.
 */
import { maxAmount } from "../../../events/fields.js"

export type DateOrder = "mdy" | "dmy"
export const dateOrders: ReadonlyArray<DateOrder> = ["mdy", "dmy"]

export type CellValue<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string }

const ok = <A>(value: A): CellValue<A> => ({ ok: true, value })
const invalid = <A>(reason: string): CellValue<A> => ({ ok: false, reason })

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/
const slashDate = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/
const localDateTime = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/
const slashDateTime = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}),? (\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp][Mm]))?$/
const zonedInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i

/** A cell as an ISO 8601 instant (UTC). */
export const instantOf = (cell: string, order: DateOrder): CellValue<string> => {
  const text = cell.trim()
  if (zonedInstant.test(text)) {
    const at = new Date(text)
    return Number.isNaN(at.getTime()) ? invalid(`"${cell}" is not a real instant`) : ok(at.toISOString())
  }
  let match = isoDate.exec(text)
  if (match !== null) return utc(Number(match[1]), Number(match[2]), Number(match[3]), 12, 0, 0, cell)
  match = localDateTime.exec(text)
  if (match !== null)
    return utc(
      Number(match[1]),
      Number(match[2]),
      Number(match[3]),
      Number(match[4]),
      Number(match[5]),
      Number(match[6] ?? 0),
      cell,
    )
  match = slashDate.exec(text)
  if (match !== null) {
    const [first, second] = [Number(match[1]), Number(match[2])]
    const [month, day] = order === "mdy" ? [first, second] : [second, first]
    return utc(Number(match[3]), month, day, 12, 0, 0, cell, order)
  }
  match = slashDateTime.exec(text)
  if (match !== null) {
    const [first, second] = [Number(match[1]), Number(match[2])]
    const [month, day] = order === "mdy" ? [first, second] : [second, first]
    let hour = Number(match[4])
    const meridiem = match[7]?.toLowerCase()
    if (meridiem !== undefined && (hour < 1 || hour > 12))
      return invalid(`"${cell}" has hour ${hour} with ${meridiem.toUpperCase()}`)
    if (meridiem === "pm" && hour < 12) hour += 12
    if (meridiem === "am" && hour === 12) hour = 0
    return utc(Number(match[3]), month, day, hour, Number(match[5]), Number(match[6] ?? 0), cell, order)
  }
  return invalid(
    `"${cell}" is not a date; write 2026-11-20, 2026-11-20 14:05, an ISO 8601 instant, or ${order === "mdy" ? "11/20/2026" : "20/11/2026"} (--dates ${order})`,
  )
}

const utc = (
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  cell: string,
  order?: DateOrder,
): CellValue<string> => {
  // Not Date.UTC, which reads the years 0–99 as 1900–1999 (a date of 0050 was refused as not real).
  const at = new Date(0)
  at.setUTCFullYear(year, month - 1, day)
  at.setUTCHours(hour, minute, second)
  const real =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === month - 1 &&
    at.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  if (!real) {
    const hint =
      order === undefined
        ? ""
        : order === "mdy"
          ? " (read as month/day/year: --dates dmy reads day/month/year)"
          : " (read as day/month/year: --dates mdy reads month/day/year)"
    return invalid(`"${cell}" is not a real date${hint}`)
  }
  return ok(at.toISOString())
}

/** The calendar day (`YYYY-MM-DD`) of an instant as `instantOf` reads a cell. */
export const calendarDayOf = (instant: string): string => instant.slice(0, 10)

/** A cell as an amount of money. */
export const amountOf = (cell: string): CellValue<number> => {
  const text = cell
    .trim()
    .replace(/^[A-Za-z]{3}\s*|\s*[A-Za-z]{3}$/g, "")
    .replace(/^[$€£¥]\s*|\s*[$€£¥]$/g, "")
  if (!/^-?\d{1,3}([, \u00a0\u202f]?\d{3})*(\.\d+)?$/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) {
    return invalid(`"${cell}" is not an amount; write digits such as 12000 or 12,000.50`)
  }
  const amount = Number(text.replace(/[, \u00a0\u202f]/g, ""))
  if (amount < 0) return invalid(`"${cell}" is negative; an amount is 0 or more`)
  if (!(amount <= maxAmount))
    return invalid(`"${cell}" is over the largest amount the ledger holds, ${maxAmount} (10^12, a trillion)`)
  return ok(amount)
}

/** A cell as a whole number of seconds: `95`, `95.4`, `1:35` or `0:01:35`. */
export const secondsOf = (cell: string): CellValue<number> => {
  const text = cell.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return ok(Math.round(Number(text)))
  const clock = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(text)
  if (clock !== null) return ok(Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]))
  return invalid(
    `"${cell}" is not a duration; write seconds (95) or minutes:seconds (1:35) or hours:minutes:seconds (0:01:35)`,
  )
}

const yes = new Set(["true", "yes", "y", "1", "done", "completed", "complete", "held", "x"])
const no = new Set(["false", "no", "n", "0", "to do", "not done", "open", "pending", "scheduled", "planned"])

/** A cell as yes or no (`true`/`false`, `yes`/`no`, `1`/`0`, `Done`/`To do`…). */
export const yesNoOf = (cell: string): CellValue<boolean> => {
  const word = cell.trim().toLowerCase()
  if (yes.has(word)) return ok(true)
  if (no.has(word)) return ok(false)
  return invalid(`"${cell}" is neither yes nor no; write true/false, yes/no, 1/0 or Done/To do`)
}
