/**
 * @module `npm run bench:projections`: the scorecard read model on 1,000,000 events (200 reps, a
 * year) in the embedded store — catch-up throughput beside the raw read rate of the same rows, and
 * the p50/p99 latency of a scorecard and of a full-team comparison for a quarter.
 *
 * The raw read is the catch-up's own read of the log (`readLogToFold`: the same events, the same
 * pages, what the folds read of them, one json value a page on PGlite) with nothing done to the
 * events: the target is measured against it. Whole events (`readLog`, what a client's read of the
 * log gets) and whole rows decoded as rows (how the log was read before) are shown beside it.
 * Each run reads, then catches up; the target is judged on the median of the runs' own ratios.
 *
 * Options (environment): BENCH_EVENTS (default 1000000), BENCH_REPS (200), BENCH_RUNS (3), and
 * BENCH_DATA_DIR to keep the store in a directory and reuse it (loaded only if it holds no events).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { demoScaleFor, loadDemoTeam } from "../src/demo/index.js"
import { activeGeneration, addGeneration, liveGenerations } from "../src/readModel/registry.js"
import { repScorecard } from "../src/readModel/scorecardQueries.js"
import { allReps } from "../src/readModel/scorecardReads.js"
import { createTables, dropTables, scorecardFoldVersion, scorecardModel } from "../src/readModel/scorecardTables.js"
import { cohortComparisonView, teamRollupView } from "../src/readModel/teamViews.js"
import {
  closeProjector,
  defaultStep,
  ensureGenerations,
  openProjector,
  stepProjector,
} from "../src/runtime/projectionRunner.js"
import { countEvents } from "../src/store/logHead.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import { readFoldPage, readLogToFold } from "../src/store/readFoldPage.js"
import { readLog } from "../src/store/readLog.js"
import { pagesReadRate, rawReadRate } from "./support/logReads.js"
import { describeMachine, median, ms, percentile, perSecond, printTable } from "./support/report.js"

const targetEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const reps = Number(process.env.BENCH_REPS ?? 200)
const runs = Number(process.env.BENCH_RUNS ?? 3)
const kept = process.env.BENCH_DATA_DIR
const pageSize = defaultStep.pageSize

const dir = kept ?? (await mkdtemp(path.join(tmpdir(), "ledger-bench-projections-")))
const db = await openPglite(dir, { durability: "process" })
try {
  await migrate(db)
  let loadRate: number | undefined
  if ((await countEvents(db)) === 0) {
    console.log(
      `loading about ${targetEvents.toLocaleString("en-US")} demo events (${reps} reps, 12 months) into PGlite in ${dir}…`,
    )
    const started = performance.now()
    const loaded = await loadDemoTeam(db, {
      seed: 1,
      reps,
      months: 12,
      scale: demoScaleFor({ events: targetEvents, reps, months: 12 }),
    })
    loadRate = (loaded / (performance.now() - started)) * 1000
    console.log(`loaded ${loaded.toLocaleString("en-US")} events at ${perSecond(loadRate)}`)
  }
  const total = await countEvents(db)

  // Catch-up: a new generation folded from the start of the log, batch by batch, as the runner does.
  await ensureGenerations(db)
  // A batch's write is one transaction: on PGlite the store answers nothing else meanwhile (its
  // reads, a page at a time, let other work in between).
  let longestWrite = 0
  const timedDb: typeof db = {
    ...db,
    transaction: async (work) => {
      const started = performance.now()
      try {
        return await db.transaction(work)
      } finally {
        longestWrite = Math.max(longestWrite, performance.now() - started)
      }
    },
  }
  /** Builds a new generation from the start of the log; answers its rate and the generation. */
  const catchUp = async (): Promise<{ readonly rate: number; readonly generation: number }> => {
    const generation = await addGeneration(db, scorecardModel, scorecardFoldVersion)
    await createTables(db, generation.generation)
    const projector = await openProjector(db, generation)
    const started = performance.now()
    let applied = 0
    for (;;) {
      const n = await stepProjector(timedDb, projector, defaultStep)
      applied += n
      if (n < defaultStep.batchSize) break
    }
    closeProjector(projector)
    return { rate: (applied / (performance.now() - started)) * 1000, generation: generation.generation }
  }
  const dropGeneration = async (generation: number) => {
    await db.query("delete from ledger_read_models where name = $1 and generation = $2", [scorecardModel, generation])
    await dropTables(db, generation)
  }

  // Each run reads the log (the catch-up's own read, pages of the same size, nothing done to the
  // events; then whole events; then rows) and catches up right after, and its ratio is taken within
  // the run: this machine's speed drifts between minutes (measured: the same read at 87k and at
  // 145k events/s on one day), and a limit measured in one phase against catch-ups in another
  // judged the drift, not the catch-up.
  const rawRates: number[] = []
  const textRates: number[] = []
  const textRatios: number[] = []
  const wholeRates: number[] = []
  const rowRates: number[] = []
  const catchUpRates: number[] = []
  const ratios: number[] = []
  const longestWrites: number[] = []
  for (let run = 0; run < runs; run++) {
    const read = await rawReadRate((after) => readLogToFold(db, { after, limit: pageSize }))
    rawRates.push(read)
    textRates.push(await pagesReadRate((after) => readFoldPage(db, { after, limit: pageSize })))
    wholeRates.push(await rawReadRate((after) => readLog(db, { after, limit: pageSize })))
    rowRates.push(
      await rawReadRate(async (after) =>
        (
          await db.query<{ transaction_id: string; global_position: number }>(
            `select global_position, transaction_id::text as transaction_id, stream_id, stream_version, type, schema_version,
                    data, metadata, occurred_at, recorded_at, idempotency_key
             from ledger_events where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
               and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             order by ledger_events.transaction_id, ledger_events.global_position limit ${pageSize}`,
            [after.transactionId, after.position],
          )
        ).map((row) => ({ transactionId: row.transaction_id, position: Number(row.global_position) })),
      ),
    )
    longestWrite = 0
    const caughtUp = await catchUp()
    catchUpRates.push(caughtUp.rate)
    longestWrites.push(longestWrite)
    ratios.push(caughtUp.rate / read)
    textRatios.push(caughtUp.rate / (textRates.at(-1) as number))
    process.stderr.write(
      `  run ${run + 1}/${runs}: read ${perSecond(read)}, catch-up ${perSecond(caughtUp.rate)} (${Math.round((100 * caughtUp.rate) / read)}%)\n`,
    )
    if (run < runs - 1) await dropGeneration(caughtUp.generation)
  }

  // Serve reads from the generation just built; the others go.
  const built = (await liveGenerations(db, scorecardModel)).at(-1)
  if (built !== undefined && (await activeGeneration(db, scorecardModel))?.generation !== built.generation) {
    const others = (await liveGenerations(db, scorecardModel)).filter((g) => g.generation !== built.generation)
    await db.query("delete from ledger_read_models where name = $1 and generation <> $2", [
      scorecardModel,
      built.generation,
    ])
    await db.query("update ledger_read_models set status = 'active' where name = $1 and generation = $2", [
      scorecardModel,
      built.generation,
    ])
    for (const other of others) await dropTables(db, other.generation)
  }

  const active = await activeGeneration(db, scorecardModel)
  const repIds = (await allReps(db, active?.generation as number)).map((r) => r.repId)
  const quarter = { from: "2026-07-01", to: "2026-09-30" }
  const timed = async (times: number, read: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 5; i++) await read(i) // warm-up: JIT, caches
    const taken: number[] = []
    for (let i = 0; i < times; i++) {
      const started = performance.now()
      await read(i)
      taken.push(performance.now() - started)
    }
    return taken
  }
  const scorecardMs = await timed(200, (i) => repScorecard(db, repIds[i % repIds.length] as string, quarter, "week"))
  const comparisonMs = await timed(200, () => cohortComparisonView(db, quarter, { cohort: "AE" }))
  const rollupMs = await timed(200, () => teamRollupView(db, quarter, { groupBy: "manager" }))

  const raw = median(rawRates)
  const catchUpRate = median(catchUpRates)
  const ratio = median(ratios)
  const p99Scorecard = percentile(scorecardMs, 99)
  const p99Comparison = percentile(comparisonMs, 99)
  const p99Rollup = percentile(rollupMs, 99)
  const backend = "pglite"
  printTable(
    `Scorecard read model — ${total.toLocaleString("en-US")} events, ${repIds.length} reps, file-backed PGlite, median of ${runs} runs`,
    [
      {
        backend,
        measure: `raw read of the log: readLogToFold, pages of ${pageSize.toLocaleString("en-US")} (json), the catch-up's own read`,
        figure: perSecond(raw),
      },
      {
        backend,
        measure:
          "the same pages' text, not decoded (readFoldPage): the runner's thread's part of the read (its fold thread decodes)",
        figure: perSecond(median(textRates)),
        ratio: `catch-up: ${Math.round(median(textRatios) * 100)}% of it (runs ${Math.round(Math.min(...textRatios) * 100)}–${Math.round(Math.max(...textRatios) * 100)}%)`,
      },
      { backend, measure: "whole events: readLog (json), what a client reads", figure: perSecond(median(wholeRates)) },
      { backend, measure: "whole rows decoded as rows (the former read)", figure: perSecond(median(rowRates)) },
      {
        backend,
        measure: `catch-up: read + fold + write rows + checkpoint, batches of ${defaultStep.batchSize.toLocaleString("en-US")}`,
        figure: perSecond(catchUpRate),
        limit: perSecond(raw),
        ratio: `${Math.round(ratio * 100)}% (runs ${Math.round(Math.min(...ratios) * 100)}–${Math.round(Math.max(...ratios) * 100)}%)`,
        target: "≥ 60% of raw (median of the runs' ratios)",
        met: ratio >= 0.6,
      },
      {
        backend,
        measure: "catch-up: the longest batch's write (one transaction: the store answers nothing else meanwhile)",
        figure: ms(median(longestWrites)),
      },
      { backend, measure: "scorecard, one rep, a quarter by week: p50", figure: ms(percentile(scorecardMs, 50)) },
      {
        backend,
        measure: "scorecard, one rep, a quarter by week: p99",
        figure: ms(p99Scorecard),
        target: "< 50 ms",
        met: p99Scorecard < 50,
      },
      { backend, measure: "team comparison, the AE cohort, a quarter: p50", figure: ms(percentile(comparisonMs, 50)) },
      {
        backend,
        measure: "team comparison, the AE cohort, a quarter: p99",
        figure: ms(p99Comparison),
        target: "< 50 ms",
        met: p99Comparison < 50,
      },
      { backend, measure: "rollup by manager, a quarter: p50", figure: ms(percentile(rollupMs, 50)) },
      {
        backend,
        measure: "rollup by manager, a quarter: p99",
        figure: ms(p99Rollup),
        target: "< 50 ms",
        met: p99Rollup < 50,
      },
      ...(loadRate === undefined
        ? []
        : [{ backend, measure: "loading the demo events (appends of 2,000)", figure: perSecond(loadRate) }]),
    ],
  )
  console.log(`\n${describeMachine()}\n`)
} finally {
  await db.close()
  if (kept === undefined) await rm(dir, { recursive: true, force: true })
}
