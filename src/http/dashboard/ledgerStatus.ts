/**
 * @module What the dashboard needs to know about the ledger besides the scorecards: whether it
 * holds demo data, the team's currency and calendar (for formatting and the window presets), and
 * the ingestion status (events per source, the latest events).
 * The log's figures come from the store (src/store/logSummary.ts).
 */
import { defaultTeamSettings, type TeamSettings } from "../../../events/index.js"
import { addDays, dayKeyOf, daysOfPeriod, quarterOf } from "../../../projections/index.js"
import { ReadModelNotReady, readContext } from "../../readModel/scorecardQueries.js"
import { eventsBySource, holdsEventsFrom, latestEvents } from "../../store/logSummary.js"
import type { SqlQueryable } from "../../store/sql.js"

/** The metadata `source` the demo loader (src/demo/loadDemo.ts) stamps on every demo event. */
export const demoSource = "demo"

/** Whether any event in the store came from the demo loader: the UI then says "Demo data". */
export const holdsDemoEvents = (db: SqlQueryable): Promise<boolean> => holdsEventsFrom(db, demoSource)

export type DayWindow = { readonly from: string; readonly to: string }

/**
 * The windows the picker offers, in the team's calendar: this and last (fiscal) quarter, the last 12
 * months, and the last four finished quarters (the what-if's default: its back-test needs periods
 * that are over).
 */
export const windowPresets = (today: string, fiscalYearStartMonth: number) => {
  const thisQuarter = daysOfPeriod(quarterOf(today, fiscalYearStartMonth), fiscalYearStartMonth) as {
    firstDay: string
    lastDay: string
  }
  const lastQuarterDay = addDays(thisQuarter.firstDay, -1)
  const lastQuarter = daysOfPeriod(quarterOf(lastQuarterDay, fiscalYearStartMonth), fiscalYearStartMonth) as {
    firstDay: string
    lastDay: string
  }
  let fourQuartersBack = lastQuarter.firstDay
  for (let back = 0; back < 3; back++)
    fourQuartersBack = (
      daysOfPeriod(quarterOf(addDays(fourQuartersBack, -1), fiscalYearStartMonth), fiscalYearStartMonth) as {
        firstDay: string
      }
    ).firstDay
  const [year, month] = today.split("-").map(Number) as [number, number]
  // Twelve whole months, this one included: the first day of the month 11 months back.
  const monthsBack = year * 12 + (month - 1) - 11
  const twelveMonthsFrom = `${Math.floor(monthsBack / 12)}-${String((monthsBack % 12) + 1).padStart(2, "0")}-01`
  return {
    thisQuarter: { from: thisQuarter.firstDay, to: today },
    lastQuarter: { from: lastQuarter.firstDay, to: lastQuarter.lastDay },
    last12Months: { from: twelveMonthsFrom, to: today },
    lastFourQuarters: { from: fourQuartersBack, to: lastQuarter.lastDay },
  } satisfies Record<string, DayWindow>
}

/** The context every view of the dashboard starts from. */
export const dashboardContext = async (db: SqlQueryable, now: number) => {
  let settings: TeamSettings = defaultTeamSettings
  let readModelReady = true
  try {
    settings = (await readContext(db)).settings
  } catch (error) {
    if (!(error instanceof ReadModelNotReady)) throw error
    readModelReady = false
  }
  const today = dayKeyOf(now, settings.timeZone)
  return {
    demo: await holdsDemoEvents(db),
    readModelReady,
    currency: settings.currency,
    timeZone: settings.timeZone,
    fiscalYearStartMonth: settings.fiscalYearStartMonth,
    today,
    presets: windowPresets(today, settings.fiscalYearStartMonth),
  }
}

/**
 * Ingestion status: per source (`metadata.source`: api, demo, an importer…) how many events and
 * the latest one, and the last `limit` events of the log. The ledger stores no rejected request,
 * so there is no "last rejection" to show: a rejection is answered to its sender and logged.
 */
export const ingestionStatus = async (db: SqlQueryable, limit = 10) => ({
  sources: (await eventsBySource(db)).map((s) => ({ ...s, source: s.source ?? "unknown" })),
  latestEvents: (await latestEvents(db, limit)).map((e) => ({ ...e, source: e.source ?? "unknown" })),
})
