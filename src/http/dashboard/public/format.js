/**
 * @module Numbers for people: the team's currency, percentages, multiples, and "—" for a metric
 * with no value (a ratio whose denominator is 0; shared/METRICS.md).
 *
 * @example
 * const f = formatters("EUR")
 * f.currency(864000) // "€864,000" (en-US)
 * f.percent(null)    // "—"
 */
export const none = "—"

const locale = () =>
  typeof navigator === "undefined" ? "en-US" : (navigator.languages?.[0] ?? navigator.language ?? "en-US")

/** Formatters for one currency in the visitor's locale. */
export const formatters = (currency = "USD") => {
  const at = locale()
  const cache = new Map()
  const nf = (key, options) => {
    if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(at, options))
    return cache.get(key)
  }
  const orNone = (format) => (value) =>
    value === null || value === undefined || !Number.isFinite(value) ? none : format(value)
  return {
    /** Counts: 1,040. */
    count: orNone((v) => nf("count", { maximumFractionDigits: 0 }).format(v)),
    /** Money, whole units: €864,000. */
    currency: orNone((v) =>
      nf("currency", { style: "currency", currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(v),
    ),
    /** Money, short, for axes and dense places: €864K. */
    currencyShort: orNone((v) =>
      nf("currencyShort", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(v),
    ),
    /** A share 0–1 as a percentage: 73.7%. */
    percent: orNone((v) =>
      nf("percent", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v),
    ),
    /** A plain figure with one decimal: 29.2 (meetings per 100 activities, days, activities per meeting). */
    decimal: orNone((v) => nf("decimal", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)),
    /** A multiple of quota: 8.6×. */
    multiple: orNone((v) => `${nf("multiple", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)}×`),
    /** A date as people read it: Nov 20, 2026. */
    day: (isoDay) =>
      isoDay
        ? new Intl.DateTimeFormat(at, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${isoDay}T00:00:00Z`))
        : none,
    /** A month as people read it: Aug 2026. */
    month: (isoDay) =>
      isoDay
        ? new Intl.DateTimeFormat(at, { month: "short", year: "numeric", timeZone: "UTC" }).format(
            new Date(`${isoDay}T00:00:00Z`),
          )
        : none,
    /** A day in a series: Nov 2. */
    shortDay: (isoDay) =>
      isoDay
        ? new Intl.DateTimeFormat(at, { month: "short", day: "numeric", timeZone: "UTC" }).format(
            new Date(`${isoDay}T00:00:00Z`),
          )
        : none,
    /** An instant, in the visitor's clock. */
    instant: (iso) =>
      iso ? new Intl.DateTimeFormat(at, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso)) : none,
  }
}

/** The words people read for each metric (the API keeps the METRICS.md names). */
export const metricLabel = {
  activities: "Activities",
  dials: "Dials",
  connects: "Connects",
  conversations: "Conversations",
  meetingsBooked: "Meetings booked",
  meetingsHeld: "Meetings held",
  secondMeetings: "Second meetings",
  dealsOpened: "Deals opened",
  dealsWon: "Deals won",
  dealsLost: "Deals lost",
  meetingYield: "Meetings per 100 activities",
  heldMeetingYield: "Held meetings per 100 activities",
  activitiesPerMeeting: "Activities per meeting",
  activitiesPerWin: "Activities per win",
  winRate: "Win rate",
  valueWinRate: "Value win rate",
  connectRate: "Connect rate",
  secondMeetingRate: "Second-meeting rate",
  targetFocus: "Target focus",
  badgeringShare: "Badgering share",
  wonValue: "Won value",
  avgWonDeal: "Average won deal",
  revenuePerActivity: "Revenue per activity",
  salesCycleDays: "Sales cycle (days)",
}
