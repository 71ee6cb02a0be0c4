/**
 * @module `npx tsx bench/csvImport.ts` (and part of `npm run bench`): `ledger import`'s engine on a CSV export of
 * 1,000,000 deal rows (`BENCH_CSV_ROWS`), into a fresh PGlite store (PostgreSQL too with `DATABASE_URL`): the
 * check pass alone (a dry run) and the whole import, in rows/s, with the process's peak RSS, which must stay flat
 * whatever the file's size (the import reads the file twice, in constant memory).
 */
import { once } from "node:events"
import { createWriteStream } from "node:fs"
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { Effect, ManagedRuntime } from "effect"
import { appendBatchEffect, importCsv } from "../src/ingest/csv/csvImport.js"
import { importSettings } from "../src/ingest/csv/importKinds.js"
import { silentProgress } from "../src/observability/progress.js"
import { EventStore } from "../src/store/EventStore.js"
import { freshPostgresDatabase, type Place, pgliteDirectory } from "./support/places.js"
import type { Row } from "./support/report.js"

const rowCount = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000)
/** Peak RSS allowed over the RSS before the import: the file is never held in memory. */
const rssBudgetMiB = 300

const rowsPerSecond = (n: number) => `${Math.round(n).toLocaleString("en-US")} rows/s`

/** Deals as a CRM exports them: open ones (one DealOpened each), with quoted accounts holding commas. */
const writeDeals = async (file: string) => {
  const out = createWriteStream(file)
  out.write("Deal ID,Owner,Account,Stage,Created,Expected Close,Amount\r\n")
  for (let i = 0; i < rowCount; i++) {
    const day = String(1 + (i % 28)).padStart(2, "0")
    const line = `deal-${i},rep-${i % 200},"Account ${i % 5_000}, Inc.",Proposal,2026-03-${day},2026-06-${day},"${1_000 + (i % 90_000)}.00"\r\n`
    if (!out.write(line)) await once(out, "drain")
  }
  out.end()
  await once(out, "finish")
}

/** Runs `work`, sampling the RSS every 20 ms: its peak over the RSS before it, in MiB. */
const withPeakRss = async <A>(work: () => Promise<A>): Promise<{ result: A; seconds: number; peakMiB: number }> => {
  const before = process.memoryUsage.rss()
  let peak = before
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss())
  }, 20)
  const started = performance.now()
  try {
    const result = await work()
    peak = Math.max(peak, process.memoryUsage.rss())
    return { result, seconds: (performance.now() - started) / 1_000, peakMiB: (peak - before) / 2 ** 20 }
  } finally {
    clearInterval(timer)
  }
}

export const benchCsvImport = async (backend: "pglite" | "postgres"): Promise<Row[]> => {
  const dir = await mkdtemp(path.join(tmpdir(), "ledger-bench-csv-"))
  const file = path.join(dir, "deals.csv")
  let place: Place | undefined
  try {
    await writeDeals(file)
    const size = (await stat(file)).size
    const settings = importSettings("deals", {
      columns:
        "dealId=Deal ID,owner=Owner,account=Account,stage=Stage,openedAt=Created,closeDate=Expected Close,amount=Amount",
      stages: "*=open",
    })
    if (!settings.ok) throw new Error(settings.reason)
    place =
      backend === "pglite"
        ? await pgliteDirectory()
        : await freshPostgresDatabase(process.env.DATABASE_URL as string, "ledger_bench_csv")
    const runtime = ManagedRuntime.make(EventStore.layer(place.store))
    try {
      // The store opened before measuring: its own memory (PGlite's WebAssembly heap) is not the import's.
      await runtime.runPromise(EventStore.use(() => Effect.void))
      const request = {
        file,
        settings: settings.settings,
        skipInvalid: false,
        progress: silentProgress,
        append: (events: Parameters<Parameters<typeof importCsv>[0]["append"]>[0]) =>
          runtime.runPromise(appendBatchEffect(events, { source: "csv" })),
      }
      const check = await withPeakRss(() => importCsv({ ...request, mode: "dry-run" }))
      const whole = await withPeakRss(() => importCsv({ ...request, mode: "import" }))
      if (whole.result.appended !== rowCount) throw new Error(`appended ${whole.result.appended} of ${rowCount}`)
      const label = `${rowCount.toLocaleString("en-US")} CSV rows (${Math.round(size / 2 ** 20)} MiB)`
      return [
        {
          backend,
          measure: `${label}: the check pass (a dry run)`,
          figure: `${rowsPerSecond(rowCount / check.seconds)}, peak RSS +${Math.round(check.peakMiB)} MiB`,
          target: `RSS ≤ +${rssBudgetMiB} MiB`,
          met: check.peakMiB <= rssBudgetMiB,
        },
        {
          backend,
          measure: `${label}: the whole import (both passes, appends of 1,000)`,
          figure: `${rowsPerSecond(rowCount / whole.seconds)}, peak RSS +${Math.round(whole.peakMiB)} MiB`,
          target: `RSS ≤ +${rssBudgetMiB} MiB`,
          met: whole.peakMiB <= rssBudgetMiB,
        },
      ]
    } finally {
      await runtime.dispose()
    }
  } finally {
    await place?.discard()
    await rm(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { printTable } = await import("./support/report.js")
  const rows = await benchCsvImport("pglite")
  if (process.env.DATABASE_URL) rows.push(...(await benchCsvImport("postgres")))
  printTable("CSV import", rows)
}
