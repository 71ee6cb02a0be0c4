/**
 * @module Reading the scorecard read model: a window's sums from SQL, every metric from the pure
 * formulas of `projections/` (never computed here). Windows are whole days in the team's zone.
 */
import { Data } from "effect"
import { defaultTeamSettings, identityAlias, type TeamSettings } from "../../events/index.js"
import {
  accountOutcomes,
  bucketOf,
  bucketsOfWindow,
  coverageAt,
  type DealRow,
  endOfDay,
  type Granularity,
  groupBy,
  metricsOf,
  monthOf,
  type RepRow,
  startOfDay,
  sumCounters,
  unlinkedIdentityOf,
} from "../../projections/index.js"
import type { SqlQueryable } from "../store/sql.js"
import { activeGeneration } from "./registry.js"
import {
  accountActivityOf,
  allReps,
  dealsOf,
  meetingsOf,
  repDaysOf,
  targetAccounts,
  teamSettings,
} from "./scorecardReads.js"
import { scorecardModel } from "./scorecardTables.js"
import { repProactive, windowTargetCadence } from "./targetFigures.js"

/** A window of whole days, both inclusive, in the team's time zone. */
export type DayWindow = { readonly from: string; readonly to: string }

/**
 * The window's instants: `start` (start of `from`), `end` (start of the day after `to`, exclusive:
 * for 9999-12-31, an instant of the year 10000, `+010000-…`) and `measuredAt`, its last instant,
 * where pipeline and coverage are measured ("at the window's end" must fall inside the window, in
 * the quota period of its last day).
 */
export const windowInstants = (window: DayWindow, settings: TeamSettings) => {
  const endMs = endOfDay(window.to, settings.timeZone)
  return {
    start: new Date(startOfDay(window.from, settings.timeZone)).toISOString(),
    end: new Date(endMs).toISOString(),
    measuredAt: new Date(endMs - 1).toISOString(),
  }
}

/** No generation of the scorecards is active yet: the first is being built. */
export class ReadModelNotReady extends Data.TaggedError("ReadModelNotReady") {
  override get message() {
    return "the scorecards are being built for the first time; retry in a few seconds"
  }
}

/** The active generation and the team settings it folded: the context of every read. */
export const readContext = async (q: SqlQueryable) => {
  const generation = await activeGeneration(q, scorecardModel)
  if (generation === undefined) throw new ReadModelNotReady()
  const settings = (await teamSettings(q, generation.generation)) ?? defaultTeamSettings
  return { generation, settings }
}

/** The deals won in [start, end). */
export const wonIn = (deals: ReadonlyArray<DealRow>, start: string, end: string) =>
  deals.filter((d) => d.status === "won" && d.closedAt !== null && d.closedAt >= start && d.closedAt < end)

/** A rep as every read names them. */
export const repSummary = (rep: RepRow) => ({
  repId: rep.repId,
  name: rep.name,
  role: rep.role,
  team: rep.team,
  managerRepId: rep.managerRepId,
  active: rep.leftAt === null,
  /** A rep credited by events before any RepJoined (e.g. an unlinked dialer identity). */
  known: rep.joinedAt !== null,
  /** The vendor identity this row stands for until someone links it to a rep (null for a rep). */
  unlinkedIdentity: unlinkedIdentityOf(rep) ?? null,
})

/** Every rep, with their quota in force at `at`. */
export const listReps = async (q: SqlQueryable, at: string) => {
  const { generation, settings } = await readContext(q)
  const reps = await allReps(q, generation.generation)
  const deals = await dealsOf(q, generation.generation)
  return reps.map((rep) => {
    const coverage = coverageAt({ deals, rep, repId: rep.repId, settings, at })
    return { ...repSummary(rep), quota: coverage.quota }
  })
}

/** One rep's scorecard for a window: totals, coverage at the window's end, and a series by bucket. */
export const repScorecard = async (q: SqlQueryable, repId: string, window: DayWindow, bucket: Granularity) => {
  const { generation, settings } = await readContext(q)
  const reps = await allReps(q, generation.generation)
  const rep = reps.find((r) => r.repId === repId)
  if (rep === undefined) return undefined
  const { start, end, measuredAt } = windowInstants(window, settings)
  const days = await repDaysOf(q, generation.generation, repId, { fromDay: window.from, toDay: window.to })
  const deals = await dealsOf(q, generation.generation, [repId])
  const wonDeals = wonIn(deals, start, end)
  const byBucket = groupBy(days, (day) => bucketOf(day.day, bucket, settings.fiscalYearStartMonth))
  const cadence = (await windowTargetCadence(q, generation.generation, settings, window, [repId])).get(repId)
  const cadenceOfMonth = new Map(cadence?.months.map((m) => [m.month, m.targetCadence]))
  return {
    rep: repSummary(rep),
    window: { ...window, start, end, measuredAt, timeZone: settings.timeZone },
    metrics: metricsOf(sumCounters(days), wonDeals),
    coverage: coverageAt({ deals, rep, repId, settings, at: measuredAt }),
    bucket,
    series: bucketsOfWindow(window.from, window.to, bucket, settings.fiscalYearStartMonth).map((b) => {
      const instants = windowInstants({ from: b.firstDay, to: b.lastDay }, settings)
      return {
        bucket: b.key,
        from: b.firstDay,
        to: b.lastDay,
        metrics: metricsOf(sumCounters(byBucket.get(b.key) ?? []), wonIn(deals, instants.start, instants.end)),
        targetCadence: bucketCadence(b, bucket, cadenceOfMonth),
      }
    }),
    targets: { months: cadence?.months ?? [], averageCadence: cadence?.averageCadence ?? null },
    proactive: await repProactive(q, generation.generation, settings, deals, { start, end }),
    readModel: { generation: generation.generation, eventsApplied: generation.eventsApplied },
  }
}

/**
 * The target cadence of a scorecard bucket: a month's is its month's; a quarter's the average of its
 * months with a list; a day or a week has none (null): the cadence is a monthly promise, and a part
 * of a month would read as a month missed.
 */
const bucketCadence = (
  days: { readonly key: string; readonly firstDay: string; readonly lastDay: string },
  bucket: Granularity,
  cadenceOfMonth: ReadonlyMap<string, number | null>,
): number | null => {
  if (bucket === "month") return cadenceOfMonth.get(days.key) ?? null
  if (bucket !== "quarter") return null
  const [first, last] = [monthOf(days.firstDay), monthOf(days.lastDay)]
  const rated = [...cadenceOfMonth]
    .filter(([month, cadence]) => cadence !== null && month >= first && month <= last)
    .map(([, cadence]) => cadence as number)
  return rated.length === 0 ? null : rated.reduce((sum, c) => sum + c, 0) / rated.length
}

/**
 * The vendor identities the read model credits to a rep (the first link of each identity: see
 * projections/identities.ts), each with the alias its events may be recorded under; `undefined`
 * when the read model has no such rep.
 */
export const repIdentities = async (q: SqlQueryable, repId: string) => {
  const { generation } = await readContext(q)
  const rep = (await allReps(q, generation.generation)).find((r) => r.repId === repId)
  if (rep === undefined) return undefined
  return {
    repId,
    identities: rep.identities.map(({ source, externalId }) => ({
      source,
      externalId,
      alias: identityAlias(source, externalId),
    })),
    readModel: { generation: generation.generation, eventsApplied: generation.eventsApplied },
  }
}

/** The target list: each account with its activity (every rep's), meetings, deals and pipeline. */
export const targetAccountsView = async (q: SqlQueryable) => {
  const { generation } = await readContext(q)
  const accounts = await targetAccounts(q, generation.generation)
  const activity = new Map(
    (
      await accountActivityOf(
        q,
        generation.generation,
        accounts.map((a) => a.accountId),
      )
    ).map((row) => [row.accountId, row]),
  )
  const deals = groupBy(await dealsOf(q, generation.generation), (d) => d.accountId ?? "")
  const meetings = groupBy(await meetingsOf(q, generation.generation), (m) => m.accountId ?? "")
  return accounts.map((account) => ({
    ...account,
    activities: activity.get(account.accountId)?.activities ?? 0,
    lastActivityAt: activity.get(account.accountId)?.lastActivityAt ?? null,
    ...accountOutcomes(deals.get(account.accountId) ?? [], meetings.get(account.accountId) ?? []),
  }))
}
