/**
 * @module The demo team generator: a year of a sales team's events, deterministic from a seed,
 * streamed in time order (a generator: a million events never sit in memory at once), and, past
 * the year when asked (`until`), the same team carrying on.
 *
 * The simulation walks the calendar day by day: each working day every rep does their outreach
 * (see outreach.ts), and the agenda (timeline.ts) emits the day's events and takes the decisions
 * that fall due: meetings held or missed, deals opened, slipping, won or lost (pipeline.ts). Events
 * come out in occurredAt order, except a few dialer syncs that arrive a day late, as they do.
 *
 * @example
 * for (const event of generateDemoTeam({ seed: 42 })) console.log(event.type, event.occurredAt)
 * // a million events from 200 reps: generateDemoTeam({ seed: 42, reps: 200, scale: demoScaleFor({ events: 1e6, reps: 200 }) })
 */
import type { IncomingEvent } from "../../events/index.js"
import { isWorkingDay, localInstant } from "./calendar.js"
import { type DemoTeamOptions, resolveDemoOptions } from "./options.js"
import { workDay } from "./outreach.js"
import { planTeam } from "./team.js"
import { createWorld } from "./world.js"

/** A demo event: a ledger event with its deterministic idempotency key, `demo-<seed>-<n>`. */
export type DemoEvent = IncomingEvent & { readonly idempotencyKey: string }

/** The demo team's events, in time order; the same options always give the same events. */
export const generateDemoTeam = function* (options: DemoTeamOptions): Generator<DemoEvent, number, undefined> {
  const resolved = resolveDemoOptions(options)
  const world = createWorld(resolved)
  const { timeline } = world
  let count = 0
  const keyPrefix = `demo-${resolved.seed}-`
  const due = function* (until: number): Generator<DemoEvent, void, undefined> {
    for (let entry = timeline.next(until); entry !== undefined; entry = timeline.next(until)) {
      if (entry.run !== undefined) entry.run()
      else {
        entry.event.idempotencyKey = `${keyPrefix}${++count}`
        yield entry.event
      }
    }
  }
  planTeam(world)
  // Nothing below reads `until` but this loop: what comes out before an instant is the same
  // whatever the end, which is what lets a loaded demo be carried on later (currentDemo.ts).
  const end = resolved.until
  for (let day = resolved.firstDay; localInstant(day, 0) < end; day++) {
    // What fell due overnight happens before the day's work is planned.
    yield* due(localInstant(day, 0))
    if (isWorkingDay(day)) workDay(world, day)
    yield* due(Math.min(localInstant(day + 1, 0), end))
  }
  return count
}
