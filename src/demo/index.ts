/**
 * @module The demo team: a deterministic year of a sales team's events for demos, screenshots and
 * benchmarks — sprayers, focused reps, grinders, idle reps and BDRs whose scorecards tell the story
 * of shared/DOMAIN.md — and the loader that streams it into the store.
 *
 * @example
 * const loaded = await loadDemoTeam(db, { seed: 42 }) // ≈ 300,000 events, labelled source "demo"
 */
export { archetypeCounts, demoRoster, type DemoRep } from "./roster.js"
export { profiles, type Archetype, type Profile, type SellingArchetype } from "./archetypes.js"
export { generateDemoTeam, type DemoEvent } from "./generateDemoTeam.js"
export { demoDefaults, demoScaleFor, type DemoTeamOptions } from "./options.js"
export { DemoLoadRejected, demoProvenance, loadDemoTeam, type LoadDemoOptions } from "./loadDemo.js"
export { seededRandom, type Random } from "./random.js"
