/**
 * @module Tables as CSV: every read route that answers a table answers it as CSV too, on
 * `Accept: text/csv` or `format=csv`, with a header row and the same figures as its JSON (numbers
 * as JSON writes them, never rounded). A row's nested objects become dotted columns
 * (`metrics.winRate`), lists are joined with `;`, and null is an empty cell. Written by csv-stringify
 * (RFC 4180 quoting).
 *
 * @example
 * if (wantsCsv(c, query.format)) return csvAnswer(c, "team-comparison", answer.reps)
 */
import { z } from "@hono/zod-openapi"
import { stringify } from "csv-stringify/sync"
import type { Context } from "hono"

/** The `format` query parameter of a route that answers a table. */
export const formatQuery = z
  .enum(["json", "csv"])
  .optional()
  .describe("`csv`: the table as CSV with a header row (as `Accept: text/csv` does); default JSON")

/** Whether the request asks for CSV: `format=csv`, or an Accept header naming text/csv and not JSON first. */
export const wantsCsv = (c: Context, format: "json" | "csv" | undefined): boolean => {
  if (format !== undefined) return format === "csv"
  const accept = (c.req.header("accept") ?? "").toLowerCase()
  const csvAt = accept.indexOf("text/csv")
  if (csvAt === -1) return false
  const jsonAt = accept.indexOf("application/json")
  return jsonAt === -1 || csvAt < jsonAt
}

type Cell = string | number | boolean | null | undefined

const cellOf = (value: unknown): Cell => {
  if (value === null || value === undefined) return null
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value
  if (Array.isArray(value))
    return value.map((item) => (typeof item === "object" ? JSON.stringify(item) : item)).join(";")
  return JSON.stringify(value)
}

/** A row's cells by dotted column name: nested objects flattened, lists joined. */
export const flattenRow = (row: Readonly<Record<string, unknown>>, prefix = ""): Record<string, Cell> => {
  const cells: Record<string, Cell> = {}
  for (const [key, value] of Object.entries(row)) {
    const name = `${prefix}${key}`
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      Object.assign(cells, flattenRow(value as Record<string, unknown>, `${name}.`))
    else cells[name] = cellOf(value)
  }
  return cells
}

/** The rows as CSV text: the columns are every row's, in the order they first appear. */
export const csvOf = (rows: ReadonlyArray<Readonly<Record<string, unknown>>>): string => {
  const flat = rows.map((row) => flattenRow(row))
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))]
  return stringify(
    flat.map((row) => columns.map((column) => row[column] ?? null)),
    {
      header: true,
      columns,
      cast: { boolean: (value) => String(value), number: (value) => String(value) },
      record_delimiter: "windows",
    },
  )
}

/** A 200 answer of the rows as CSV, offered to be saved as `<name>.csv`. */
export const csvAnswer = (c: Context, name: string, rows: ReadonlyArray<Readonly<Record<string, unknown>>>) =>
  c.body(csvOf(rows), 200, {
    "content-type": "text/csv; charset=utf-8; header=present",
    "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9._-]+/g, "_")}.csv"`,
  })

/** The content of a route's 200 that answers JSON or, on request, CSV. */
export const tableAnswer = (description: string, schema: z.ZodType) => ({
  description: `${description}; on \`Accept: text/csv\` or \`format=csv\`, the table as CSV (nested fields as dotted columns)`,
  content: {
    "application/json": { schema },
    "text/csv": { schema: z.string().describe("CSV, RFC 4180, with a header row") },
  },
})
