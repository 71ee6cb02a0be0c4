/**
 * @module Printing a benchmark's results: one table, each figure beside the limit or target it is judged against.
 */

export type Row = { readonly measure: string; readonly value: string; readonly limit: string; readonly verdict?: string }

/** Prints rows as an aligned Markdown table (so it can be pasted into the README as it is). */
export const printTable = (title: string, rows: ReadonlyArray<Row>): void => {
  const header = ["measure", "measured", "limit / target", ""]
  const cells = rows.map((r) => [r.measure, r.value, r.limit, r.verdict ?? ""])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)))
  const line = (cols: ReadonlyArray<string>) => `| ${cols.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`)
  for (const c of cells) console.log(line(c))
  console.log()
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}

export const perSecond = (count: number, ms: number): string => `${Math.round((count / ms) * 1000).toLocaleString("en-US")}/s`
export const ms = (value: number): string => `${value.toFixed(1)} ms`
export const verdict = (ok: boolean): string => (ok ? "met" : "MISSED")
