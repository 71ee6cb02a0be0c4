/**
 * @module How `POST /v1/imports/{kind}` answers: a refusal as a problem with the counts, the rejected rows as CSV
 * (`Accept: text/csv`), and every message in the caller's language — query parameters, where the import's
 * messages (shared with `ledger import`) name its flags.
 *
 * @example
 * inQueryTerms('unknown stage "Won"; say what it means with --stages "Won=won"') // … with stages=Won=won
 */
import { createReadStream } from "node:fs"
import { Readable } from "node:stream"
import type { Context } from "hono"
import type { CsvImportRefused, RowRejection } from "../ingest/csv/csvImport.js"
import { problem } from "./problem.js"

/** The import's query parameters, by the flag that says the same on the command line. */
const parameters = [
  "preset",
  "columns",
  "stages",
  "types",
  "outcomes",
  "roles",
  "dates",
  "identitySource",
  "dealSource",
  "joinedOn",
  "role",
  "openedAtDefault",
  "dryRun",
  "skipInvalid",
]
const switches = new Set(["dryRun", "skipInvalid"])

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())

/**
 * `text` with each flag of `ledger import` written as its query parameter: `--skip-invalid` as `skipInvalid=true`,
 * `--stages "Won=won"` as `stages=Won=won`, `--dates dmy` as `dates=dmy`, a flag named alone as its parameter's name;
 * a message that begins with a flag (`--preset: …`) names it as `query.preset`.
 */
export const inQueryTerms = (text: string): string =>
  text
    .replace(/^--([a-z][a-z-]*):/, (whole, flag: string) =>
      parameters.includes(camel(flag)) ? `query.${camel(flag)}:` : whole,
    )
    .replace(/--([a-z][a-z-]*)(?: ("[^"]*"|[^\s"=]+=[^\s;]*|mdy|dmy))?/g, (whole, flag: string, value?: string) => {
      const name = camel(flag)
      if (!parameters.includes(name)) return whole
      if (switches.has(name)) return `${name}=true`
      if (value === undefined) return name
      return `${name}=${value.startsWith('"') ? value.slice(1, -1) : value}`
    })

/** A rejection with its reason in query terms. */
export const inQueryTermsRejection = (rejection: RowRejection): RowRejection => ({
  ...rejection,
  reason: inQueryTerms(rejection.reason),
})

/** Whether the client asks for the rejected rows as CSV rather than for the JSON report. */
export const wantsRejectsCsv = (c: Context): boolean =>
  /\b(text|application)\/csv\b/i.test(c.req.header("accept") ?? "")

/**
 * The rejects file as the answer (`text/csv`: the file's header and a `Rejected because` column, then each rejected
 * row as sent), with the status the JSON answer would have had; `done` is called once it has been sent or abandoned.
 */
export const rejectsCsvAnswer = (file: string, status: 200 | 201 | 409 | 422, done: () => void): Response => {
  const input = createReadStream(file)
  input.once("close", done)
  return new Response(Readable.toWeb(input) as ReadableStream<Uint8Array>, {
    status,
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": 'attachment; filename="rejects.csv"' },
  })
}

/** A refused import as a problem: 422 for the file's own faults (nothing stored), 409 when the ledger refused a row. */
export const refusedAnswer = (c: Context, error: CsvImportRefused): Response => {
  const conflict = error.refusedBy === "ledger"
  const counts = error.counts
  return problem(c, {
    title: conflict ? "Conflict with the ledger" : "Invalid CSV",
    status: conflict ? 409 : 422,
    detail: inQueryTerms(error.message),
    errors: error.rejections.map((r) => ({
      path: `line ${r.line}${r.column === "(row)" ? "" : `, column ${r.column}`}`,
      message: inQueryTerms(r.reason),
    })),
    appended: error.appended,
    ...(counts === undefined
      ? {}
      : {
          dryRun: counts.dryRun,
          rows: counts.rows,
          rejected: counts.rejected,
          eventsByType: counts.eventsByType,
          ...(counts.linesKept === undefined
            ? {}
            : {
                firstLineKept: counts.linesKept.first,
                lastLineKept: counts.linesKept.last,
                rowsKept: counts.linesKept.rows,
              }),
          ...(counts.rejected > 0
            ? { rejects: "every rejected row, with the reason: send the same request with Accept: text/csv" }
            : {}),
        }),
  })
}

/** The answer to an import whose client went away (it reads nothing, but the request ends cleanly). */
export const abandonedAnswer = (c: Context): Response =>
  problem(c, {
    title: "Client closed request",
    status: 400,
    detail: "the client went away before the import ended; the rows imported before then stay imported",
  })
