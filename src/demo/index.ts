/**
 * @module The demo team: a deterministic year of a sales team's events for demos, screenshots and
 * benchmarks — sprayers, focused reps, grinders, idle reps and BDRs whose scorecards tell the story
 * of the product — the loader that streams it into the store, and what keeps it current.
 *
 * @example
 * const loaded = await loadDemoTeam(db, { seed: 42 }) // ≈ 300,000 events, labelled source "demo"
 */

export { type Archetype, type Profile, profiles, type SellingArchetype } from "./archetypes.js"
export {
  type CarriedOn,
  carryDemoOn,
  type DemoStanding,
  demoStanding,
  type KeepCurrentOptions,
  type KeptCurrent,
  keepDemoCurrent,
} from "./currentDemo.js"
export { type DemoEvent, generateDemoTeam } from "./generateDemoTeam.js"
export {
  DemoDiverged,
  DemoLoadRejected,
  type DemoPlan,
  demoEventKey,
  demoProvenance,
  type LoadDemoOptions,
  loadDemoTeam,
} from "./loadDemo.js"
export { type DemoTeamOptions, demoDefaults, demoScaleFor, eventsPerRepMonth } from "./options.js"
export { type Random, seededRandom } from "./random.js"
export { archetypeCounts, type DemoRep, demoRoster } from "./roster.js"
