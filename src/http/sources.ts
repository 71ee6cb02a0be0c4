/**
 * @module Ingestion status over HTTP: `GET /v1/sources` (read scope) lists every connector and the
 * event API with what they delivered, when, and the last rejection's reason; `countApiDeliveries`
 * is the middleware that counts `POST /v1/events` requests as the source `api`, or `cloudevents`
 * for requests in a CloudEvents content mode.
 *
 * @example
 * curl -H "authorization: Bearer $KEY" http://127.0.0.1:8080/v1/sources
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import type { Context, MiddlewareHandler } from "hono"
import { type ImportKind, importKinds } from "../ingest/csv/importKinds.js"
import { connectors } from "../ingest/webhooks/index.js"
import { type CsvImportStatus, listCsvImports } from "../store/csvImports.js"
import {
  type DeliveryOutcome,
  type DeliveryTally,
  listSources,
  type SourceStatus,
  silentSource,
} from "../store/sources.js"
import type { SqlQueryable } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { cloudEventsMode } from "./cloudEvents.js"
import { Problem } from "./problem.js"
import { validationHook } from "./validation.js"

const SourceView = z
  .object({
    source: z
      .string()
      .describe(
        "`api` or `cloudevents` (POST /v1/events, the ledger's JSON or CloudEvents) or a connector: aircall, twilio, …",
      ),
    route: z.string().describe("Where the source delivers"),
    eventsReceived: z.number().int().describe("Events its deliveries added to the log"),
    deliveries: z.object({
      accepted: z.number().int(),
      duplicate: z.number().int().describe("Retries of a delivery already stored: nothing appended"),
      ignored: z.number().int().describe("Authentic, but nothing the ledger maps (e.g. an Aircall contact event)"),
      rejected: z.number().int().describe("Refused: bad signature or token, malformed payload, not configured"),
    }),
    lastSeenAt: z.string().nullable().describe("The last delivery that was not rejected"),
    lastEventAt: z.string().nullable().describe("The last delivery that added events"),
    lastRejection: z
      .object({ at: z.string(), status: z.number().int(), reason: z.string() })
      .nullable()
      .describe("The last refused delivery: its HTTP status and why"),
  })
  .openapi("Source")

const CsvImportView = z
  .object({
    kind: z.enum(importKinds as [ImportKind, ...ImportKind[]]),
    route: z.string().describe("Where the files are sent (or `ledger import <kind>`, which is not counted here)"),
    imports: z.number().int().describe("Imports of this kind over HTTP, dry runs aside, refused ones included"),
    lastImportAt: z.string().nullable().describe("When the last one started"),
    lastImport: z
      .object({
        rows: z.number().int().describe("Data rows in its file"),
        rowsStored: z.number().int().describe("Rows in the ledger after it (stored then, or by an earlier import)"),
        rowsRejected: z.number().int().describe("Rows it rejected, or that refused it"),
        eventsAppended: z.number().int(),
      })
      .nullable(),
  })
  .openapi("CsvImportSource")

/** Every kind of CSV import, those never used included. */
export const csvImportsView = (recorded: ReadonlyArray<CsvImportStatus>) =>
  importKinds.map((kind) => {
    const known = recorded.find((r) => r.kind === kind)
    return {
      kind,
      route: `POST /v1/imports/${kind}`,
      imports: known?.imports ?? 0,
      lastImportAt: known?.lastImportAt ?? null,
      lastImport: known?.lastImport ?? null,
    }
  })

const apiSources = ["api", "cloudevents"]
const routeOf = (source: string) => (apiSources.includes(source) ? "POST /v1/events" : `POST /v1/webhooks/${source}`)

/** Every connector and the API, silent ones included, then any other source the table knows. */
export const sourcesView = (recorded: ReadonlyArray<SourceStatus>) => {
  const known = new Map(recorded.map((s) => [s.source, s]))
  const expected = ["api", ...connectors.map((c) => c.source)]
  const names = [...expected, ...recorded.map((s) => s.source).filter((name) => !expected.includes(name))]
  return names.map((name) => ({ ...(known.get(name) ?? silentSource(name)), route: routeOf(name) }))
}

export const sourceRoutes = ({
  sql,
  deliveries,
}: {
  readonly sql: SqlQueryable
  readonly deliveries: DeliveryTally
}) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })
  app.openapi(
    createRoute({
      method: "get",
      operationId: "listSources",
      path: "/v1/sources",
      summary:
        "Ingestion status: each connector's deliveries, last event and last rejection; each CSV import kind's last import",
      description:
        "One entry for the event API and one per connector, whether or not it has sent anything: so that a webhook failing its signature check (e.g. a rotated Twilio auth token) shows as rejections with their reason.",
      security: [{ bearer: [] }],
      middleware: [requireScope(sql, "read")] as const,
      responses: {
        200: {
          description: "Every source",
          content: {
            "application/json": {
              schema: z.object({ sources: z.array(SourceView), csvImports: z.array(CsvImportView) }).openapi("Sources"),
            },
          },
        },
        401: { description: "No valid API key", content: { "application/problem+json": { schema: Problem } } },
      },
    }),
    async (c) => {
      await deliveries.flush()
      return c.json(
        { sources: sourcesView(await listSources(sql)), csvImports: csvImportsView(await listCsvImports(sql)) },
        200,
      )
    },
  )
  return app
}

const appendedVariable = "ingest.appended"

/**
 * Tells {@link countApiDeliveries} how many events the request appended. An accepted answer echoes
 * every stored event (up to 5,000): re-parsing it to count them would double the cost of a batch.
 */
export const noteAppended = (c: Context, appended: number): void => c.set(appendedVariable as never, appended as never)

/** A rejection's reason: the problem's detail (a small body, read only for refusals). */
const problemDetail = async (response: Response, status: number): Promise<string> => {
  const problem = (await response
    .clone()
    .json()
    .catch(() => ({}))) as { detail?: unknown }
  return typeof problem.detail === "string" ? problem.detail : `answered ${status}`
}

/**
 * Counts each `POST /v1/events` that got past authentication as a delivery of the source `api`
 * (`cloudevents` when the request is in a CloudEvents content mode):
 * by its answer (201 accepted, 200 duplicate, a problem rejected with the problem's detail).
 */
export const countApiDeliveries =
  (deliveries: DeliveryTally): MiddlewareHandler =>
  async (c, next) => {
    const receivedAt = new Date()
    await next()
    const status = c.res.status
    const outcome: DeliveryOutcome =
      status === 201
        ? { kind: "accepted", eventsAppended: (c.get(appendedVariable as never) as number | undefined) ?? 0 }
        : status === 200
          ? { kind: "duplicate" }
          : { kind: "rejected", status, reason: await problemDetail(c.res, status) }
    // The same name as the events' provenance (src/http/events.ts), so the two counts agree.
    const source = cloudEventsMode(c.req.raw.headers) === undefined ? "api" : "cloudevents"
    deliveries.record(source, outcome, receivedAt)
  }
