/**
 * @module `POST /v1/imports/{kind}`: a CRM's CSV export (deals, activities, reps, accounts) sent as `text/csv`, imported
 * exactly as `ledger import` does (src/ingest/csv/csvImport.ts), with the same options as query parameters.
 *
 * The body is spooled to a temporary file first (streamed, up to `importLimitBytes`), because the import reads
 * it twice: every row is checked before anything is stored, and the file is refused as a whole when one row is
 * invalid, in constant memory whatever the file's size. The temporary file is removed once answered.
 */

import { OpenAPIHono, z } from "@hono/zod-openapi"
import {
  appendBatchEffect,
  CsvImportAbandoned,
  type CsvImportOutcome,
  CsvImportRefused,
  importCsv,
  maxListedRejections,
} from "../ingest/csv/csvImport.js"
import { type ImportKind, importKinds, importSettings } from "../ingest/csv/importKinds.js"
import { crmPresets } from "../ingest/csv/presets.js"
import { silentProgress } from "../observability/progress.js"
import { recordCsvImport } from "../store/csvImports.js"
import type { SqlQueryable } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import {
  abandonedAnswer,
  inQueryTerms,
  inQueryTermsRejection,
  refusedAnswer,
  rejectsCsvAnswer,
  wantsRejectsCsv,
} from "./importAnswers.js"
import { isUtf8Charset, mediaTypeOf } from "./mediaType.js"
import { problem, problemResponse } from "./problem.js"
import type { LedgerRuntime } from "./runtime.js"
import { openUpload, removeAbandonedUploads, spool } from "./uploadSpool.js"
import { fieldErrors, invalidRequest, validationHook } from "./validation.js"

/** The largest CSV body accepted by default: 256 MiB (a few million CRM rows). */
export const defaultImportLimitBytes = 256 * 1024 * 1024

export type ImportRoutesDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlQueryable
  readonly importLimitBytes?: number
  /** Told after an import that stored something (the projection runner wakes up). */
  readonly onAppended?: () => void
}

const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "")
  .describe("true or false")

const ImportQuery = z.object({
  preset: z
    .enum(crmPresets as [string, ...string[]])
    .optional()
    .describe("The CRM the file comes from: its default columns and stage names"),
  columns: z
    .string()
    .optional()
    .describe('Which column holds each field: "dealId=Opportunity ID,owner=Opportunity Owner"'),
  stages: z
    .string()
    .optional()
    .describe('What each stage means (open, won, lost): "Closed Won=won,Closed Lost=lost,*=open"'),
  types: z
    .string()
    .optional()
    .describe("What each activity type is (call, email, meeting, social, sms, in_person, other, skip)"),
  outcomes: z.string().optional().describe("What each call outcome is (connected, no_answer, voicemail, busy, failed)"),
  roles: z.string().optional().describe("What each role is (AE, BDR, manager, other)"),
  dates: z
    .enum(["mdy", "dmy"])
    .optional()
    .describe("How slashed dates read: 11/20/2026 (mdy, default) or 20/11/2026 (dmy)"),
  identitySource: z
    .string()
    .optional()
    .describe("The owner column holds this CRM's user names or ids (identity aliases)"),
  dealSource: z
    .enum(["outbound", "inbound", "referral"])
    .optional()
    .describe("Where the deals and meetings came from (default outbound)"),
  joinedOn: z
    .string()
    .optional()
    .describe(
      "When the roster's reps joined, without a start-date column; an accounts file's date, from which its owners hold their accounts (default 2000-01-01)",
    ),
  role: z
    .enum(["AE", "BDR", "manager", "other"])
    .optional()
    .describe("The role of reps whose row has none (default AE)"),
  openedAtDefault: z
    .string()
    .optional()
    .describe(
      "When deals without a creation date were opened (the export's date, say); without it such rows are rejected",
    ),
  dryRun: flag.describe("Check the file and answer what would be imported; store nothing"),
  skipInvalid: flag.describe("Import the valid rows and list the rejected ones, instead of refusing the file"),
})

const RowRejectionDoc = z.object({ line: z.number().int(), column: z.string(), reason: z.string() })

const ImportAnswer = z
  .object({
    kind: z.enum(importKinds as [ImportKind, ...ImportKind[]]),
    dryRun: z.boolean(),
    rows: z.number().int().describe("Data rows in the file"),
    rowsWithoutEvents: z.number().int().describe("Rows that make no event by design (a type mapped to skip)"),
    notes: z.number().int().describe("Lines of one cell (a report's title or footer), ignored"),
    eventsByType: z
      .record(z.string(), z.number().int())
      .describe("The valid rows' events by type: imported, or to be imported in a dry run"),
    appended: z.number().int().describe("Events this request stored"),
    alreadyStored: z.number().int().describe("Events the ledger already held: the file was imported before"),
    openingsKept: z
      .number()
      .int()
      .describe("Deals an earlier import opened with other details: their opening kept, their close imported"),
    rejected: z.number().int().describe("Rows not imported (skipInvalid), or that would refuse the file (dry run)"),
    rejections: z
      .array(RowRejectionDoc)
      .describe(`The first ${maxListedRejections} rejected rows: line, column, reason`),
    linesKept: z
      .object({ first: z.number().int(), last: z.number().int(), rows: z.number().int() })
      .optional()
      .describe("The first and last line of the rows imported (stored now, or before), and how many"),
    rejects: z.string().optional().describe("How to have every rejected row: the same request with Accept: text/csv"),
  })
  .openapi("ImportAnswer")

export const importRoutes = ({
  runtime,
  sql,
  importLimitBytes = defaultImportLimitBytes,
  onAppended,
}: ImportRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  // The routes are made as a server starts: the uploads a killed server left behind go now.
  removeAbandonedUploads()

  app.openAPIRegistry.registerPath({
    method: "post",
    operationId: "importCsv",
    path: "/v1/imports/{kind}",
    summary: "Import a CRM's CSV export: deals, activities, a roster of reps or accounts",
    description:
      "The body is the file as the CRM exported it (`text/csv`; a BOM, CRLF line ends and quoted fields are fine). Every row is checked first: " +
      "one invalid row refuses the whole file with a 422 listing the rows (line, column, reason) and nothing is stored, unless `skipInvalid`. " +
      "Importing the same file again appends nothing (each row's events carry the row's own idempotency key). " +
      'See the README, "Importing from a CRM", for the fields of each kind and the presets.',
    security: [{ bearer: [] }],
    request: {
      params: z.object({ kind: z.enum(importKinds as [ImportKind, ...ImportKind[]]) }),
      query: ImportQuery,
      body: { required: true, content: { "text/csv": { schema: z.string().describe("The CSV file, header first") } } },
    },
    responses: {
      201: { description: "Imported", content: { "application/json": { schema: ImportAnswer } } },
      200: {
        description:
          "A dry run's report, or an import that stored nothing new (imported before); with Accept: text/csv, the rejected rows",
        content: {
          "application/json": { schema: ImportAnswer },
          "text/csv": { schema: z.string().describe("The rejected rows, as sent, with a Rejected because column") },
        },
      },
      400: problemResponse("An invalid option"),
      401: problemResponse("No valid API key"),
      403: problemResponse("The key lacks the ingest scope"),
      404: problemResponse("No such kind of import"),
      409: problemResponse(
        "A row is at odds with the ledger (a deal imported before with other details); the rows before it were imported",
      ),
      413: problemResponse("The body is over the import size limit"),
      415: problemResponse("Not text/csv"),
      422: problemResponse(
        "Invalid rows (in a dry run too, unless skipInvalid), a missing column or unreadable CSV: nothing was stored",
      ),
    },
  })

  app.post("/v1/imports/:kind", requireScope(sql, "ingest"), async (c) => {
    const kind = importKinds.find((k) => k === c.req.param("kind"))
    if (kind === undefined) {
      return problem(c, {
        title: "Not found",
        status: 404,
        detail: `no import of "${c.req.param("kind")}"; import one of ${importKinds.join(", ")}`,
      })
    }
    const contentType = c.req.header("content-type")
    if (contentType === undefined || !/^(text\/csv|application\/csv)\s*(;|$)/i.test(contentType)) {
      return problem(c, {
        title: "Unsupported media type",
        status: 415,
        detail: `send the file as text/csv (got ${contentType === undefined ? "no content type" : `"${contentType}"`})`,
      })
    }
    const charset = mediaTypeOf(contentType)?.charset
    if (charset !== undefined && !isUtf8Charset(charset)) {
      return problem(c, {
        title: "Unsupported media type",
        status: 415,
        detail: `the file is declared as charset "${charset}"; the ledger reads UTF-8 only: save the export as UTF-8 (CSV UTF-8 in Excel) and send it with charset=utf-8, or no charset`,
      })
    }
    const query = ImportQuery.safeParse(c.req.query())
    if (!query.success) return invalidRequest(c, fieldErrors("query", query.error.issues))
    const { dryRun, skipInvalid, ...options } = query.data
    const settings = importSettings(kind, options)
    if (!settings.ok)
      return problem(c, {
        title: "Invalid request",
        status: 400,
        detail: inQueryTerms(settings.reason),
      })

    // Aborted when the client goes away: the import stops at its next row, and the upload is removed at once,
    // rather than an abandoned import keeping the server (and a graceful stop) busy until it ends.
    const signal = c.req.raw.signal
    const upload = await openUpload(kind)
    const wantsCsv = wantsRejectsCsv(c)
    // The rejected rows, all of them, answered as CSV when asked for; else the JSON lists the first ones.
    const rejectsFile = `${upload.file}.rejects.csv`
    let answeredWithFile = false
    const rejectsAnswer = (status: 200 | 201 | 409 | 422) => {
      answeredWithFile = true
      return rejectsCsvAnswer(rejectsFile, status, () => void upload.remove())
    }
    try {
      const spooled = await spool(c.req.raw, upload.file, importLimitBytes)
      if (spooled.kind === "too large") {
        return problem(c, {
          title: "Payload too large",
          status: 413,
          detail: `the CSV body is over the import limit of ${importLimitBytes} bytes; split the file, or import it with \`ledger import ${kind}\``,
        })
      }
      if (spooled.kind === "not UTF-8") {
        return problem(c, {
          title: "Malformed text",
          status: 400,
          detail: `the CSV body is not valid UTF-8: the byte at offset ${spooled.offset} begins no UTF-8 character (another encoding, such as Windows-1252, or a damaged or binary file); save the export as UTF-8 (CSV UTF-8 in Excel); nothing was imported`,
        })
      }
      const provenance = {
        source: "csv",
        correlationId: c.get("requestId" as never) as string,
        extra: { import: kind },
      }
      let outcome: CsvImportOutcome
      const startedAt = new Date()
      try {
        outcome = await importCsv({
          file: upload.file,
          fileLabel: "the CSV body",
          settings: settings.settings,
          mode: dryRun ? "dry-run" : "import",
          skipInvalid,
          rejectsFile,
          keepEmptyRejects: wantsCsv,
          rejectsWording: inQueryTerms,
          append: (events) => runtime.runPromise(appendBatchEffect(events, provenance)),
          progress: silentProgress,
          signal,
        })
      } catch (error) {
        if (error instanceof CsvImportAbandoned) return abandonedAnswer(c)
        if (!(error instanceof CsvImportRefused)) throw error
        if (error.appended > 0) onAppended?.()
        if (!dryRun)
          await recordCsvImport(sql, {
            kind,
            at: startedAt,
            rows: error.counts?.rows ?? 0,
            rowsStored: error.counts?.linesKept?.rows ?? 0,
            rowsRejected: error.counts?.rejected ?? 0,
            eventsAppended: error.appended,
          })
        if (wantsCsv && error.counts !== undefined) return rejectsAnswer(error.refusedBy === "ledger" ? 409 : 422)
        return refusedAnswer(c, error)
      }
      if (outcome.appended > 0) onAppended?.()
      if (!dryRun)
        await recordCsvImport(sql, {
          kind,
          at: startedAt,
          rows: outcome.rows,
          rowsStored: outcome.linesKept?.rows ?? 0,
          rowsRejected: outcome.rejected,
          eventsAppended: outcome.appended,
        })
      const status = outcome.appended > 0 ? 201 : 200
      if (wantsCsv) return rejectsAnswer(status)
      const { rejectsFile: _file, ...answer } = outcome
      return c.json(
        {
          ...answer,
          rejections: answer.rejections.map(inQueryTermsRejection),
          ...(outcome.rejected > 0
            ? { rejects: "every rejected row, with the reason: send the same request with Accept: text/csv" }
            : {}),
        },
        status,
      )
    } catch (error) {
      // The client went away while its body was being read: nobody is left to answer.
      if (signal.aborted) return abandonedAnswer(c)
      throw error
    } finally {
      if (!answeredWithFile) await upload.remove()
    }
  })

  return app
}
