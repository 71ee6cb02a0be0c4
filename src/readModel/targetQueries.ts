/**
 * @module Reading the sellers' target lists for the routes: a seller's list for a month
 * (`GET /v1/reps/{repId}/targets`) and the cadence of every seller by month (the manager's grid,
 * `GET /v1/targets/cadence`).
 */
import {
  capWarnings,
  displacementOf,
  type TargetCadence,
  targetCadenceByMonth,
  targetListOf,
} from "../../projections/index.js"
import type { SqlQueryable } from "../store/sql.js"
import { readContext } from "./scorecardQueries.js"
import { allReps, dealsOf, repAccountsOf } from "./scorecardReads.js"
import { cadencesOf, sellerRows } from "./targetFigures.js"

/**
 * A seller's list for a month (`YYYY-MM`): each account untouched longest first, the month's cadence,
 * and the cap warning when the list is over the team's `targetListCap`; `undefined` for an unknown rep.
 */
export const sellerTargetList = async (q: SqlQueryable, repId: string, month: string) => {
  const { generation, settings } = await readContext(q)
  const rep = (await allReps(q, generation.generation)).find((r) => r.repId === repId)
  if (rep === undefined) return undefined
  const rows = await sellerRows(q, generation.generation, [repId])
  const deals = await dealsOf(q, generation.generation)
  const input = { ...rows, repId, timeZone: settings.timeZone }
  const accounts = targetListOf({ ...input, month, deals })
  const cadence = targetCadenceByMonth(input, [month])[0] as TargetCadence
  const over = capWarnings(rows.accounts, settings.targetListCap).find((w) => w.repId === repId)
  const listed = new Set(accounts.map((a) => a.accountId))
  const contested = rows.accounts.filter((a) => listed.has(a.accountId) && a.incumbent !== null)
  const campaigns = displacementOf(
    contested,
    deals,
    await repAccountsOf(
      q,
      generation.generation,
      contested.map((a) => a.accountId),
    ),
    settings.timeZone,
  )
  return {
    repId,
    name: rep.name,
    month,
    targetCadence: cadence.targetCadence,
    targetAccounts: cadence.targetAccounts,
    touchedAccounts: cadence.touchedAccounts,
    untouchedAccounts: cadence.targetAccounts - cadence.touchedAccounts,
    cap: {
      targetListCap: settings.targetListCap,
      accountsNow: rows.accounts.filter((a) => a.ownerRepId === repId).length,
      warning:
        over === undefined
          ? null
          : `${repId}'s list holds ${over.accounts} accounts, over the team's cap of ${over.cap}: reassign some (TargetAccountReassigned) or raise targetListCap (TeamSettingsChanged)`,
    },
    accounts,
    displacement: { campaigns, wonFromIncumbent: campaigns.filter((c) => c.won).length },
    readModel: { generation: generation.generation, eventsApplied: generation.eventsApplied },
  }
}

/**
 * The manager's cadence grid: every seller who owns or owned a target account, by month, with the
 * average of each seller's months; sellers by name (then id). A `team` keeps that team's sellers.
 */
export const cadenceGrid = async (q: SqlQueryable, months: ReadonlyArray<string>, team?: string) => {
  const { generation, settings } = await readContext(q)
  const reps = new Map((await allReps(q, generation.generation)).map((r) => [r.repId, r]))
  const rows = await sellerRows(q, generation.generation)
  const owners = new Set<string>()
  for (const account of rows.accounts)
    for (const owner of account.owners) if (owner.repId !== null) owners.add(owner.repId)
  const sellers = [...owners].filter((repId) => team === undefined || reps.get(repId)?.team === team)
  const cadences = cadencesOf(rows, sellers, months, settings)
  return {
    months,
    team: team ?? null,
    targetListCap: settings.targetListCap,
    capWarnings: capWarnings(rows.accounts, settings.targetListCap).filter((w) => sellers.includes(w.repId)),
    sellers: sellers
      .map((repId) => ({
        repId,
        name: reps.get(repId)?.name ?? null,
        team: reps.get(repId)?.team ?? null,
        months: cadences.get(repId)?.months ?? [],
        averageCadence: cadences.get(repId)?.averageCadence ?? null,
      }))
      // By rep id: a name is personal data, held here as its token (events/personal.ts), whose order is no one's.
      .sort((a, b) => a.repId.localeCompare(b.repId)),
    readModel: { generation: generation.generation, eventsApplied: generation.eventsApplied },
  }
}
