/**
 * @module `npm run bench`: every benchmark there is, one table. PGlite always; PostgreSQL and the
 * comparison with Emmett when `DATABASE_URL` names a server (a role allowed to CREATE DATABASE).
 * `BENCH_RUNS` (default 3) runs per figure, `BENCH_SECONDS` (default 2) per measurement.
 */
import { benchEmmett } from "./emmett.js"
import { benchIngest } from "./ingest.js"
import { benchSettings, describeMachine, printTable, type Row } from "./support/report.js"

const settings = benchSettings()
console.log(`Benchmarks on ${describeMachine()}`)
console.log(`Each figure: the median of ${settings.runs} runs of ${settings.seconds} s; raw limits measured in the same runs.`)
const rows: Row[] = [...(await benchIngest("pglite", settings))]
if (process.env.DATABASE_URL) {
  rows.push(...(await benchIngest("postgres", settings)))
  rows.push(...(await benchEmmett(process.env.DATABASE_URL, settings)))
} else {
  console.log("DATABASE_URL is not set: PostgreSQL and the Emmett comparison are skipped.")
}
printTable("Ingest and appends (catch-up against Emmett not measured yet)", rows)
