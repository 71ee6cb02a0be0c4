/**
 * @module The managers a roster names only in its `manager` column: each becomes a rep of role `manager`
 * (a `RepJoined` named by their id), so that they are reps and the heads of their rollup groups.
 *
 * Decisions:
 * - Known only once the whole file has been read (the first pass): a manager with a row of their own in the
 *   file is that row, never this.
 * - The `RepJoined` goes with the first row that names the manager, before that row's own, so that the rows
 *   kept by a refused import hold every manager they name.
 * - Its key is the manager's alone (`csv:reps:<repId>:manager`): appended once, whatever the roster imported
 *   later. A roster with the manager's own row, imported after, fills in their details (a later `RepJoined`
 *   updates a rep); imported before, its details are replaced by this one's, so import it last.
 *
 * @example
 * const managers = rosterManagers()
 * for (const row of rows) managers.see(row.events)          // pass 1
 * const pending = managers.namedOnly(settings)            // e.g. RepJoined of "mia", role manager
 * for (const row of rows) withManagersNamed(row.events, pending) // pass 2
 */
import { type IncomingEvent, parseEvent } from "../../../events/index.js"
import type { ImportSettings } from "./importKinds.js"

export type RosterManagers = {
  /** Takes note of a valid row's events: the rep it joins, the manager it names. */
  see(events: ReadonlyArray<IncomingEvent>): void
  /** The RepJoined of each manager named but with no row of their own, by their id. */
  namedOnly(settings: ImportSettings): Map<string, IncomingEvent>
}

export const rosterManagers = (): RosterManagers => {
  const reps = new Set<string>()
  const managers = new Set<string>()
  return {
    see: (events) => {
      for (const event of events) {
        if (event.type !== "RepJoined") continue
        reps.add(event.data.repId)
        if (event.data.managerRepId !== undefined) managers.add(event.data.managerRepId)
      }
    },
    namedOnly: (settings) => {
      const joined = new Map<string, IncomingEvent>()
      for (const repId of managers) {
        if (reps.has(repId)) continue
        const parsed = parseEvent({
          type: "RepJoined",
          occurredAt: settings.joinedOn,
          idempotencyKey: `csv:reps:${repId}:manager`,
          data: { repId, name: repId, role: "manager" },
        })
        // The id was checked as the row's managerRepId, by the same schema.
        if (parsed.ok) joined.set(repId, parsed.event)
      }
      return joined
    },
  }
}

/** The row's events, with the RepJoined of a manager it is the first to name (taken from `pending`) first. */
export const withManagersNamed = (
  events: ReadonlyArray<IncomingEvent>,
  pending: Map<string, IncomingEvent>,
): ReadonlyArray<IncomingEvent> => {
  if (pending.size === 0) return events
  const managers: IncomingEvent[] = []
  for (const event of events) {
    const manager = event.type === "RepJoined" ? event.data.managerRepId : undefined
    const joined = manager === undefined ? undefined : pending.get(manager)
    if (manager === undefined || joined === undefined) continue
    managers.push(joined)
    pending.delete(manager)
  }
  return managers.length === 0 ? events : [...managers, ...events]
}
