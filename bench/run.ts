/**
 * @module `npm run bench`: every benchmark there is, one table. PGlite always; PostgreSQL and the
 * comparison with Emmett when `DATABASE_URL` names a server (a role allowed to CREATE DATABASE).
 * `BENCH_RUNS` (default 3) runs per figure, `BENCH_SECONDS` (default 2) per measurement;
 * `BENCH_CATCHUP_EVENTS` (default 1,000,000) events in the catch-up against Emmett (one run of each).
 */
import { benchCsvImport } from "./csvImport.js"
import { benchEmmett, benchEmmettCatchUp } from "./emmett.js"
import { benchIngest } from "./ingest.js"
import { benchSettings, describeMachine, printTable, type Row } from "./support/report.js"

const settings = benchSettings()
console.log(`Benchmarks on ${describeMachine()}`)
console.log(
  `Each figure: the median of ${settings.runs} runs of ${settings.seconds} s; raw limits measured in the same runs.`,
)
const rows: Row[] = [...(await benchIngest("pglite", settings))]
if (process.env.DATABASE_URL) {
  rows.push(...(await benchIngest("postgres", settings)))
  rows.push(...(await benchEmmett(process.env.DATABASE_URL, settings)))
  rows.push(...(await benchEmmettCatchUp(process.env.DATABASE_URL)))
} else {
  console.log("DATABASE_URL is not set: PostgreSQL and the Emmett comparison are skipped.")
}
printTable("Ingest, appends and projection catch-up (against Emmett on PostgreSQL)", rows)
// A CSV import of 1,000,000 rows (BENCH_CSV_ROWS): rows/s and peak RSS, on PGlite (and PostgreSQL).
const csvRows = await benchCsvImport("pglite")
if (process.env.DATABASE_URL) csvRows.push(...(await benchCsvImport("postgres")))
printTable("CSV import (ledger import, POST /v1/imports)", csvRows)
