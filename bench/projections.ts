/**
 * @module `npm run bench:projections`: the scorecard read model on 1,000,000 events (200 reps, a
 * year) in the embedded store — catch-up throughput beside the raw read rate of the same rows, and
 * the p50/p99 latency of a scorecard and of a full-team comparison for a quarter.
 *
 * Options (environment): BENCH_EVENTS (default 1000000), BENCH_REPS (200), BENCH_RUNS (3).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { demoScaleFor, loadDemoTeam } from "../src/demo/index.js"
import { activeGeneration, addGeneration, liveGenerations } from "../src/runtime/registry.js"
import { ensureGenerations, scorecardFoldVersion, scorecardModel, stepProjector } from "../src/runtime/projectionRunner.js"
import { createTables, dropTables, loadState } from "../src/runtime/scorecardTables.js"
import { allReps } from "../src/runtime/scorecardTables.js"
import { repScorecard, teamComparison } from "../src/runtime/scorecardQueries.js"
import { countEvents } from "../src/store/eventLog.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import { describeMachine, median, ms, percentile, perSecond, printTable } from "./support/report.js"

const targetEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const reps = Number(process.env.BENCH_REPS ?? 200)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const batchSize = 2_000

const dir = await mkdtemp(path.join(tmpdir(), "ledger-bench-projections-"))
const db = await openPglite(dir)
try {
  await migrate(db)
  console.log(`loading about ${targetEvents.toLocaleString("en-US")} demo events (${reps} reps, 12 months) into PGlite in ${dir}…`)
  const loadStarted = performance.now()
  const loaded = await loadDemoTeam(db, { seed: 1, reps, months: 12, scale: demoScaleFor({ events: targetEvents, reps, months: 12 }) })
  const loadMs = performance.now() - loadStarted
  const total = await countEvents(db)
  console.log(`loaded ${loaded.toLocaleString("en-US")} events in ${(loadMs / 1000).toFixed(1)} s`)

  // The raw read rate: the same rows, in the same order, in pages of the same size, with nothing done to them.
  const rawRates: number[] = []
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    let after = { tx: "0", pos: 0 }
    let rows = 0
    for (;;) {
      const page = await db.query<{ transaction_id: string; global_position: number; data: unknown }>(
        `select global_position, transaction_id::text as transaction_id, stream_id, stream_version, type, schema_version,
                data, metadata, occurred_at, recorded_at, idempotency_key
         from ledger_events where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
         order by ledger_events.transaction_id, ledger_events.global_position limit ${batchSize}`,
        [after.tx, after.pos],
      )
      const last = page.at(-1)
      if (last === undefined) break
      rows += page.length
      after = { tx: last.transaction_id, pos: Number(last.global_position) }
    }
    rawRates.push((rows / (performance.now() - started)) * 1000)
  }

  // Catch-up: a new generation folded from the start of the log, batch by batch, checkpoint by checkpoint.
  await ensureGenerations(db)
  const catchUpRates: number[] = []
  for (let run = 0; run < runs; run++) {
    const generation = await addGeneration(db, scorecardModel, scorecardFoldVersion)
    await createTables(db, generation.generation)
    const projector = { generation, state: await loadState(db, generation.generation), checkpoint: generation.checkpoint }
    const started = performance.now()
    let applied = 0
    for (let n = await stepProjector(db, projector, batchSize); n > 0; n = await stepProjector(db, projector, batchSize)) applied += n
    catchUpRates.push((applied / (performance.now() - started)) * 1000)
    if (run < runs - 1) {
      await db.query("delete from ledger_read_models where name = $1 and generation = $2", [scorecardModel, generation.generation])
      await dropTables(db, generation.generation)
    }
  }
  // Serve reads from the generation just built.
  const built = (await liveGenerations(db, scorecardModel)).at(-1)
  if (built !== undefined && (await activeGeneration(db, scorecardModel))?.generation !== built.generation) {
    await db.query("update ledger_read_models set status = 'retired' where name = $1 and status = 'active'", [scorecardModel])
    await db.query("update ledger_read_models set status = 'active' where name = $1 and generation = $2", [scorecardModel, built.generation])
  }

  const active = await activeGeneration(db, scorecardModel)
  const repIds = (await allReps(db, active?.generation as number)).map((r) => r.repId)
  const quarter = { from: "2026-07-01", to: "2026-09-30" }
  const scorecardMs: number[] = []
  for (let i = 0; i < 200; i++) {
    const started = performance.now()
    await repScorecard(db, repIds[i % repIds.length] as string, quarter, "week")
    scorecardMs.push(performance.now() - started)
  }
  const comparisonMs: number[] = []
  for (let i = 0; i < 50; i++) {
    const started = performance.now()
    await teamComparison(db, quarter, {})
    comparisonMs.push(performance.now() - started)
  }

  const raw = median(rawRates)
  const catchUp = median(catchUpRates)
  const ratio = catchUp / raw
  const p99Scorecard = percentile(scorecardMs, 99)
  const p99Comparison = percentile(comparisonMs, 99)
  const backend = "pglite"
  printTable(`Scorecard read model — ${total.toLocaleString("en-US")} events, ${repIds.length} reps, file-backed PGlite, median of ${runs} runs`, [
    { backend, measure: "raw read of the log (same rows, same pages)", figure: perSecond(raw) },
    { backend, measure: "catch-up: fold + write rows + checkpoint", figure: perSecond(catchUp), limit: perSecond(raw), ratio: `${Math.round(ratio * 100)}%`, target: "≥ 60% of raw", met: ratio >= 0.6 },
    { backend, measure: "scorecard, one rep, a quarter by week: p50", figure: ms(percentile(scorecardMs, 50)) },
    { backend, measure: "scorecard, one rep, a quarter by week: p99", figure: ms(p99Scorecard), target: "< 50 ms", met: p99Scorecard < 50 },
    { backend, measure: "team comparison, all reps, a quarter: p50", figure: ms(percentile(comparisonMs, 50)) },
    { backend, measure: "team comparison, all reps, a quarter: p99", figure: ms(p99Comparison), target: "< 50 ms", met: p99Comparison < 50 },
    { backend, measure: "loading the demo events (appends of 2,000)", figure: perSecond((loaded / loadMs) * 1000) },
  ])
  console.log(`
${describeMachine()}
`)
} finally {
  await db.close()
  await rm(dir, { recursive: true, force: true })
}
