/**
 * @module Keeping the demo current: where a demo stands in the store (its plan, how many of its
 * events are in, up to when), and carrying it on to a later instant — the same team, the events it
 * would have made since, appended after the others. Nothing else is read or changed: the demo's own
 * events are found by their idempotency keys (`demo-<seed>-<n>`, numbered in the order the
 * generator makes them), every other event of the log is left alone.
 *
 * Why carry on rather than load a new year: the log is append-only, and a new year of the same
 * seed would be another team under the same keys. The generator makes the same events up to any
 * instant whatever its end (options.ts `until`), so the store's demo is a prefix of a longer run:
 * the run is generated again from the demo's first day (a year in about 3 s) and what follows the
 * prefix is appended. The prefix is checked first: its last event must be the one the run makes at
 * its place, or nothing is appended.
 *
 * @example
 * const standing = await demoStanding(db, 7)
 * if (standing._tag === "Loaded" && standing.throughDay < today) await carryDemoOn(db, standing, { until })
 */
import { isDeepStrictEqual } from "node:util"
import type { RecordedEvent } from "../store/eventLog.js"
import { readByIdempotencyKey } from "../store/readByIdempotencyKey.js"
import { resolvePersonal } from "../store/resolvePersonal.js"
import type { SqlDatabase, SqlQueryable } from "../store/sql.js"
import { dateOf, localDayOf, localInstant, monthsBefore } from "./calendar.js"
import type { DemoEvent } from "./generateDemoTeam.js"
import { DemoDiverged, type DemoPlan, demoEventKey, loadDemoTeam } from "./loadDemo.js"
import { type DemoTeamOptions, demoDefaults, eventsPerRepMonth } from "./options.js"

/** Where the demo of a seed stands in the store. */
export type DemoStanding =
  | { readonly _tag: "Absent"; readonly seed: number }
  /** Loaded without its plan (by an earlier version of the loader): it cannot be generated again. */
  | { readonly _tag: "Unplanned"; readonly seed: number; readonly events: number }
  | {
      readonly _tag: "Loaded"
      readonly seed: number
      readonly plan: DemoPlan
      /** How many of its events the store holds: the first `events` the generator makes. */
      readonly events: number
      /** The last of them. */
      readonly last: RecordedEvent
      /** The New York day (day number) of the last one: the demo's history reaches that day. */
      readonly throughDay: number
    }

/** The demo of `seed` in the store: absent, or its plan and how far it was loaded. */
export const demoStanding = async (db: SqlQueryable, seed: number): Promise<DemoStanding> => {
  const first = await readByIdempotencyKey(db, demoEventKey(seed, 1))
  if (first === undefined) return { _tag: "Absent", seed }
  const events = await loadedCount(db, seed)
  const plan = planOf(first.metadata.demoPlan)
  if (plan === undefined) return { _tag: "Unplanned", seed, events }
  // As sent: the store keeps the demo's personal values (names, contacts) apart, under tokens.
  const last = await resolvePersonal(db, (await readByIdempotencyKey(db, demoEventKey(seed, events))) as RecordedEvent)
  return { _tag: "Loaded", seed, plan, events, last, throughDay: localDayOf(Date.parse(last.occurredAt)) }
}

/** The demo carried on: how many events were appended, or why none could be. */
export type CarriedOn =
  | { readonly _tag: "Appended"; readonly events: number }
  /** The store's demo is not what its plan generates (another version of the generator): nothing appended. */
  | { readonly _tag: "Diverged"; readonly atEvent: number }

/**
 * Appends the demo's events from where the store's stop up to `until` (epoch ms, exclusive), in
 * batches that leave the event loop a turn (loadDemo.ts).
 */
export const carryDemoOn = async (
  db: SqlDatabase,
  standing: Extract<DemoStanding, { _tag: "Loaded" }>,
  options: { readonly until: number; readonly onProgress?: (eventsLoaded: number) => void },
): Promise<CarriedOn> => {
  try {
    const events = await loadDemoTeam(db, {
      seed: standing.seed,
      ...standing.plan,
      until: options.until,
      after: { events: standing.events, isStored: (event) => sameEvent(standing.last, event) },
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    })
    return { _tag: "Appended", events }
  } catch (error) {
    if (error instanceof DemoDiverged) return { _tag: "Diverged", atEvent: error.atEvent }
    throw error
  }
}

const sameEvent = (stored: RecordedEvent, generated: DemoEvent): boolean =>
  stored.idempotencyKey === generated.idempotencyKey &&
  stored.type === generated.type &&
  Date.parse(stored.occurredAt) === Date.parse(generated.occurredAt) &&
  // jsonb drops undefined members and normalises numbers: compare what the database would store.
  isDeepStrictEqual(stored.data, JSON.parse(JSON.stringify(generated.data)))

/**
 * How many of the seed's events the store holds. They are `demo-<seed>-1` … `demo-<seed>-n`, each
 * batch of the loader committed whole and in order: the largest n present, found by doubling then
 * halving (about 40 lookups by the unique index for a year), never by a scan of the log.
 */
const loadedCount = async (db: SqlQueryable, seed: number): Promise<number> => {
  const present = async (n: number) => (await readByIdempotencyKey(db, demoEventKey(seed, n))) !== undefined
  let low = 1 // present
  let high = 2
  while (await present(high)) {
    low = high
    high *= 2
  }
  // low is present, high is not.
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (await present(middle)) low = middle
    else high = middle
  }
  return low
}

const planOf = (value: unknown): DemoPlan | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const { reps, months, scale, endDate } = value as Record<string, unknown>
  return typeof reps === "number" &&
    typeof months === "number" &&
    typeof scale === "number" &&
    typeof endDate === "string"
    ? { reps, months, scale, endDate }
    : undefined
}

/** What keeping the demo current did. */
export type KeptCurrent =
  | { readonly _tag: "Loaded"; readonly events: number; readonly firstDay: string; readonly lastDay: string }
  | { readonly _tag: "CarriedOn"; readonly events: number; readonly fromDay: string; readonly lastDay: string }
  | { readonly _tag: "AlreadyCurrent"; readonly lastDay: string }
  /** A demo the generator cannot carry on (loaded by another version of it): left as it is. */
  | { readonly _tag: "CannotCarryOn"; readonly throughDay: string }

export type KeepCurrentOptions = Omit<DemoTeamOptions, "endDate" | "until"> & {
  /** The instant it is now (epoch ms): the demo's history ends with the New York day it falls on. */
  readonly now: number
  /** After each batch: events sent so far, and about how many there will be. */
  readonly onProgress?: (eventsLoaded: number, expected: number) => void
}

/**
 * The demo of `options.seed` made current: loaded, its year ending today (New York), when the
 * store has none; carried on to the end of today when it stops before today; left alone when it
 * reaches today. `reps`, `months` and `scale` choose a new demo; a loaded one keeps its plan.
 */
export const keepDemoCurrent = async (db: SqlDatabase, options: KeepCurrentOptions): Promise<KeptCurrent> => {
  const today = localDayOf(options.now)
  const until = localInstant(today + 1, 0)
  const standing = await demoStanding(db, options.seed)
  const progress = (expected: number) =>
    options.onProgress === undefined ? {} : { onProgress: (loaded: number) => options.onProgress?.(loaded, expected) }
  switch (standing._tag) {
    case "Absent": {
      const { seed, reps = demoDefaults.reps, months = demoDefaults.months, scale = demoDefaults.scale } = options
      const events = await loadDemoTeam(db, {
        seed,
        reps,
        months,
        scale,
        endDate: dateOf(today),
        until,
        ...progress(eventsPerRepMonth * reps * months * scale),
      })
      return { _tag: "Loaded", events, firstDay: dateOf(monthsBefore(today, months) + 1), lastDay: dateOf(today) }
    }
    case "Unplanned": {
      const last = await readByIdempotencyKey(db, demoEventKey(options.seed, standing.events))
      return {
        _tag: "CannotCarryOn",
        throughDay: last === undefined ? "?" : dateOf(localDayOf(Date.parse(last.occurredAt))),
      }
    }
    case "Loaded": {
      if (standing.throughDay >= today) return { _tag: "AlreadyCurrent", lastDay: dateOf(standing.throughDay) }
      const { reps, scale } = standing.plan
      const expected = Math.ceil((eventsPerRepMonth * reps * scale * (today - standing.throughDay)) / 30.4)
      const carried = await carryDemoOn(db, standing, { until, ...progress(expected) })
      return carried._tag === "Diverged"
        ? { _tag: "CannotCarryOn", throughDay: dateOf(standing.throughDay) }
        : { _tag: "CarriedOn", events: carried.events, fromDay: dateOf(standing.throughDay), lastDay: dateOf(today) }
    }
    default:
      return assertNever(standing)
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled demo standing ${JSON.stringify(value)}`)
}
