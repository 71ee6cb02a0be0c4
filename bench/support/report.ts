/**
 * @module What every benchmark prints: medians of several runs, and one table with the raw limit
 * measured in the same run beside each figure, and the target it is held to.
 */
import os from "node:os"

/** The middle value (the mean of the two middle values for an even count). */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0
    ? Number.NaN
    : sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The `p`-th percentile (0–100) by nearest rank. */
export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number)
}

export const perSecond = (n: number): string =>
  Number.isFinite(n) ? `${Math.round(n).toLocaleString("en-US")}/s` : "–"
export const ms = (n: number): string => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : "–")

export type Row = {
  readonly backend: string
  readonly measure: string
  readonly figure: string
  /** The raw limit it is compared with, measured in the same runs. */
  readonly limit?: string
  /** The figure against its limit (e.g. `81%`, `3.2×`). */
  readonly ratio?: string
  readonly target?: string
  /** Whether the target is met; `undefined` for figures without a target. */
  readonly met?: boolean
}

/** Prints rows as a Markdown table (pasteable into README.md). */
export const printTable = (title: string, rows: ReadonlyArray<Row>): void => {
  const header = ["backend", "measure", "figure (median)", "raw limit, same runs", "vs limit", "target", "met"]
  const cells = rows.map((r) => [
    r.backend,
    r.measure,
    r.figure,
    r.limit ?? "",
    r.ratio ?? "",
    r.target ?? "",
    r.met === undefined ? "" : r.met ? "yes" : "NO",
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (c: ReadonlyArray<string>) => `| ${c.map((s, i) => s.padEnd(widths[i] as number)).join(" | ")} |`
  console.log(`\n### ${title}\n`)
  console.log(line(header))
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
  for (const c of cells) console.log(line(c))
}

/** The machine a table was measured on: the figures mean little without it. */
export const describeMachine = (): string => {
  const cpus = os.cpus()
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; load average at start ${load}`
}

/** Bench knobs from the environment: runs per figure and seconds per measurement. */
export const benchSettings = () => ({
  runs: Math.max(1, Number(process.env.BENCH_RUNS ?? 3)),
  seconds: Math.max(0.5, Number(process.env.BENCH_SECONDS ?? 2)),
})
