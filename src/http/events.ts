/**
 * @module `/v1/events` and `/v1/streams/{id}`: append events, read the global log, read a stream.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi"
import { Effect } from "effect"
import type { Context } from "hono"
import { Instant } from "../../events/fields.js"
import {
  type EventIssue,
  eventTypes,
  type IncomingEvent,
  incomingEventSchemas,
  parseEvent,
} from "../../events/index.js"
import { appendEvents } from "../ingest/appendEvents.js"
import { EventStore } from "../store/EventStore.js"
import { type Checkpoint, formatCheckpoint, parseCheckpoint, type RecordedEvent } from "../store/eventLog.js"
import { streamVersion } from "../store/readStream.js"
import type { DeliveryTally } from "../store/sources.js"
import type { SqlQueryable } from "../store/sql.js"
import { type AuthVariables, requireScope } from "./auth.js"
import { readJsonBody } from "./body.js"
import { cloudEventsMediaTypes, cloudEventsMode, readCloudEvents } from "./cloudEvents.js"
import { csvAnswer, formatQuery, wantsCsv } from "./csv.js"
import { eventFilterQuery, logFilterOf } from "./eventFilter.js"
import { problem, problemResponse } from "./problem.js"
import { knownQuery, queryInteger } from "./query.js"
import { type LedgerRuntime, respond } from "./runtime.js"
import { countApiDeliveries, noteAppended } from "./sources.js"
import { documentedBody, validationHook } from "./validation.js"

export const maxBatchSize = 5_000

export type EventRoutesDeps = {
  readonly runtime: LedgerRuntime
  readonly sql: SqlQueryable
  readonly bodyLimitBytes: number
  /** Where each `POST /v1/events` is counted (GET /v1/sources). */
  readonly deliveries: DeliveryTally
  /** Told after every append that stored something (the projection runner wakes up). */
  readonly onAppended?: () => void
}

const StoredEvent = z
  .object({
    position: z.number().int().describe("Global position (an identity, unique but not gap-free)"),
    transactionId: z
      .string()
      .describe("The appending transaction (xid8); the log is ordered by (transactionId, position)"),
    streamId: z.string(),
    streamVersion: z.number().int(),
    type: z.enum(eventTypes as [string, ...string[]]),
    schemaVersion: z.number().int(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    idempotencyKey: z.string(),
    data: z.record(z.string(), z.unknown()),
    metadata: z.record(z.string(), z.unknown()),
  })
  .openapi("StoredEvent")

const AppendAnswer = z
  .object({
    status: z.enum(["appended", "duplicate"]),
    appended: z.number().int().describe("How many events this request added (0 for a retry)"),
    events: z.array(StoredEvent).describe("The stored event for each event sent, in the order sent"),
  })
  .openapi("AppendAnswer")

/**
 * The envelope of each event type, its `data` the vocabulary's own schema: the OpenAPI document
 * shows every field's bounds (an amount's maximum, an id's length) as `GET /v1/event-types` does.
 */
const IncomingEventSchema = z
  .discriminatedUnion(
    "type",
    eventTypes.map((type) => incomingEventSchemas(type).openapi(`${type}Event`)) as unknown as [
      z.ZodObject<{ type: z.ZodLiteral<string> }>,
    ],
  )
  .openapi("Event")

const CloudEventDoc = z
  .object({
    specversion: z.literal("1.0"),
    id: z
      .string()
      .min(1)
      .describe("Unique for its source; `id` + `source` is the idempotency key, so a redelivery appends nothing"),
    source: z
      .string()
      .min(1)
      .describe("A URI-reference naming the producer, e.g. `/crm/hubspot`; kept in the event's metadata"),
    type: z
      .string()
      .describe(
        "A ledger event type, bare (`CallLogged`) or under `dev.outcome-ledger.` (`dev.outcome-ledger.CallLogged`)",
      ),
    time: z.string().describe("Required by the ledger: the event's `occurredAt` (RFC 3339)"),
    datacontenttype: z.string().optional().describe("JSON only (`application/json` or `*/*+json`); absent means JSON"),
    subject: z.string().optional(),
    dataschema: z.string().optional(),
    data: z.record(z.string(), z.unknown()).describe("The ledger event's data: see GET /v1/event-types"),
  })
  .catchall(
    z.union([z.string(), z.number().int(), z.boolean()]).describe("Extension attributes, kept in the event's metadata"),
  )
  .openapi("CloudEvent")

/** Builds the routes; `deps.sql` checks API keys. */
export const eventRoutes = ({ runtime, sql, bodyLimitBytes, deliveries, onAppended }: EventRoutesDeps) => {
  const app = new OpenAPIHono<{ Variables: AuthVariables }>({ defaultHook: validationHook })

  const append = createRoute({
    method: "post",
    operationId: "appendEvents",
    path: "/v1/events",
    summary: "Append one event, or a batch of up to 5,000 (all or nothing)",
    description:
      "An event is `{ type, occurredAt, idempotencyKey?, data }`; a batch is `{ events: [...] }`. One invalid event rejects the batch with a 400 naming its index and field. A retry whose idempotency keys are all stored appends nothing and answers 200 with the stored events.\n\n" +
      "CloudEvents 1.0 are taken too (HTTP binding): structured mode as `application/cloudevents+json`, a batch as `application/cloudevents-batch+json` (all or nothing, like a JSON batch), binary mode as `ce-specversion`, `ce-id`, `ce-source`, `ce-type`, `ce-time` headers (percent-encoded) with the JSON `data` as the body. `type` names the ledger event, `time` is its `occurredAt`, `id` + `source` its idempotency key; refusals name the attribute (`[2].time`, `ce-type`).",
    security: [{ bearer: [] }],
    middleware: [requireScope(sql, "ingest"), countApiDeliveries(deliveries)] as const,
    request: {
      body: documentedBody({
        "application/json": z.union([
          IncomingEventSchema,
          z.strictObject({ events: z.array(IncomingEventSchema).min(1).max(maxBatchSize) }),
        ]),
        [cloudEventsMediaTypes.structured]: CloudEventDoc,
        [cloudEventsMediaTypes.batched]: z.array(CloudEventDoc).min(1).max(maxBatchSize),
      }),
      headers: z.object({
        // Strings, as a header is: the CloudEvents reader (cloudEvents.ts) refuses another version in its own words.
        "ce-specversion": z
          .string()
          .optional()
          .describe(
            "Binary mode: `1.0`, with ce-id, ce-source, ce-type and ce-time; the body (application/json) is the event's data",
          ),
        "ce-id": z.string().optional(),
        "ce-source": z.string().optional(),
        "ce-type": z.string().optional(),
        "ce-time": z.string().optional().describe("Required in binary mode: the event's occurredAt"),
      }),
    },
    responses: {
      201: { description: "Appended", content: { "application/json": { schema: AppendAnswer } } },
      200: {
        description: "Every idempotency key was already stored: nothing appended",
        content: { "application/json": { schema: AppendAnswer } },
      },
      400: problemResponse("Malformed JSON, an unknown event type, an invalid field or CloudEvents attribute"),
      401: problemResponse("No valid API key"),
      403: problemResponse("The key lacks the ingest scope"),
      409: problemResponse(
        "A deal rule refuses the event (e.g. DealWon on a deal that is not open), or an idempotency key reused",
      ),
      413: problemResponse("Body over the size limit, or more than 5,000 events"),
      415: problemResponse("Not application/json, or a CloudEvents format other than JSON"),
    },
  })
  const appendRequest = async (c: Context): Promise<Response> => {
    const cloudEvents = cloudEventsMode(c.req.raw.headers)
    const batch =
      cloudEvents === undefined
        ? await readLedgerBatch(c, bodyLimitBytes)
        : await readCloudEvents(c, cloudEvents, { bodyLimitBytes, maxBatchSize })
    if (!batch.ok) return batch.response
    const source = cloudEvents === undefined ? "api" : "cloudevents"
    return respond(
      c,
      runtime,
      appendEvents(batch.events, { source, correlationId: c.get("requestId" as never) }),
      (stored) => {
        if (stored.appended > 0) onAppended?.()
        noteAppended(c, stored.appended)
        return c.json(
          { status: stored.status, appended: stored.appended, events: stored.events },
          stored.status === "appended" ? 201 : 200,
        )
      },
    )
  }
  // `as never`: the body readers answer their refusals as plain Responses, which the route types cannot name.
  app.openapi(append, (c) => appendRequest(c) as never)

  app.openapi(
    createRoute({
      method: "get",
      operationId: "readEvents",
      path: "/v1/events",
      summary: "Read the global log in order, from a cursor",
      description:
        "Events in `(transactionId, position)` order, showing only transactions older than any still in flight, so that polling with `next` never skips an event committed late. As-of bounds keep only what had happened (`occurredBy`) or been recorded (`recordedBy`) by an instant.",
      security: [{ bearer: [] }],
      middleware: [requireScope(sql, "read")] as const,
      request: {
        query: knownQuery({
          after: z
            .string()
            .refine((s) => parseCheckpoint(s) !== undefined, "must be a cursor returned as `next` by an earlier read")
            .optional(),
          limit: queryInteger({ min: 1, max: 5_000, default: 100 }),
          occurredBy: Instant.optional(),
          recordedBy: Instant.optional(),
          ...eventFilterQuery,
          format: formatQuery,
        }),
      },
      responses: {
        200: {
          description:
            "A page of the log; `next` is the cursor to read on from (the same cursor when the page is empty)",
          content: {
            "application/json": {
              schema: z.object({ events: z.array(StoredEvent), next: z.string() }).openapi("LogPage"),
            },
            "text/csv": {
              schema: z
                .string()
                .describe(
                  "The page as CSV (`format=csv` or `Accept: text/csv`): data fields as dotted columns; the cursor in the `x-next` header",
                ),
            },
          },
        },
        400: problemResponse("A bad cursor, limit or instant"),
        401: problemResponse("No valid API key"),
      },
    }),
    async (c) => {
      const q = c.req.valid("query")
      const after: Checkpoint | undefined = q.after === undefined ? undefined : parseCheckpoint(q.after)
      const filter = await logFilterOf(sql, q)
      const read = EventStore.use((store) =>
        store.readLog({
          filter,
          limit: q.limit,
          ...(after === undefined ? {} : { after }),
          asOf: {
            ...(q.occurredBy === undefined ? {} : { occurredAt: q.occurredBy }),
            ...(q.recordedBy === undefined ? {} : { recordedAt: q.recordedBy }),
          },
        }),
      )
      return respond(c, runtime, read, (events) => {
        const last = events.at(-1)
        const next = last === undefined ? (q.after ?? "0-0") : formatCheckpoint(last)
        if (wantsCsv(c, q.format)) {
          c.header("x-next", next)
          return csvAnswer(c, "events", events as ReadonlyArray<RecordedEvent & { data: Record<string, unknown> }>)
        }
        return c.json({ events: events as Array<RecordedEvent & { data: Record<string, unknown> }>, next }, 200)
      })
    },
  )

  app.openapi(
    createRoute({
      method: "get",
      operationId: "readStream",
      path: "/v1/streams/{streamId}",
      summary: "Read one stream (a deal, a call, a rep…) in version order",
      security: [{ bearer: [] }],
      middleware: [requireScope(sql, "read")] as const,
      request: {
        params: z.object({
          // PostgreSQL text cannot hold U+0000: a stream id with one names no stream (it was a 503).
          streamId: z
            .string()
            .min(1)
            .refine((id) => !id.includes("\u0000"), "must not contain the NUL character (%00)")
            .openapi({ example: "deal-42" }),
        }),
        query: z.object({ fromVersion: queryInteger({ min: 1, max: Number.MAX_SAFE_INTEGER, default: 1 }) }),
      },
      responses: {
        200: {
          description: "The stream's events",
          content: {
            "application/json": {
              schema: z
                .object({ streamId: z.string(), version: z.number().int(), events: z.array(StoredEvent) })
                .openapi("Stream"),
            },
          },
        },
        404: problemResponse("No such stream"),
        401: problemResponse("No valid API key"),
      },
    }),
    async (c) => {
      const { streamId } = c.req.valid("param")
      const { fromVersion } = c.req.valid("query")
      const read = EventStore.use((store) => store.readStream(streamId, { fromVersion })).pipe(
        // Past the stream's end there are no events to take the version from: ask the stream itself.
        Effect.flatMap((events) =>
          events.length > 0
            ? Effect.succeed({ events, version: (events.at(-1) as RecordedEvent).streamVersion })
            : Effect.promise(() => streamVersion(sql, streamId)).pipe(Effect.map((version) => ({ events, version }))),
        ),
      )
      return respond(c, runtime, read, ({ events, version }) =>
        version === 0
          ? (problem(c, {
              title: "Stream not found",
              status: 404,
              detail: `no events in stream "${streamId}"`,
            }) as never)
          : c.json(
              { streamId, version, events: events as Array<RecordedEvent & { data: Record<string, unknown> }> },
              200,
            ),
      )
    },
  )

  return app
}

type Batch =
  | { readonly ok: true; readonly events: ReadonlyArray<IncomingEvent> }
  | { readonly ok: false; readonly problem: Parameters<typeof problem>[1] }

/** The ledger's own JSON: one event or `{ events: [...] }`, or the problem answer that refuses it. */
const readLedgerBatch = async (
  c: Context,
  bodyLimitBytes: number,
): Promise<
  | { readonly ok: true; readonly events: ReadonlyArray<IncomingEvent> }
  | { readonly ok: false; readonly response: Response }
> => {
  const body = await readJsonBody(c, bodyLimitBytes)
  if (!body.ok) return body
  const cloudEvents = cloudEventsSentAsJson(body.value)
  if (cloudEvents !== undefined) {
    return {
      ok: false,
      response: problem(c, {
        title: "Invalid event",
        status: 400,
        detail: `the body is ${cloudEvents === "batched" ? "a batch of CloudEvents" : "a structured CloudEvent"} (it has \`specversion\`) sent as application/json, the media type of the ledger's own events: send it with Content-Type: ${cloudEventsMediaTypes[cloudEvents]}; nothing was stored`,
      }),
    }
  }
  const batch = parseBatch(body.value)
  return batch.ok ? batch : { ok: false, response: problem(c, batch.problem) }
}

/** One event or `{ events: [...] }`; every invalid field of every event, named by index and path. */
export const parseBatch = (body: unknown): Batch => {
  const isBatch =
    typeof body === "object" && body !== null && !Array.isArray(body) && "events" in body && !("type" in body)
  const items: ReadonlyArray<unknown> | undefined = isBatch ? asArray((body as { events: unknown }).events) : [body]
  if (items === undefined) {
    return invalid([{ path: "events", message: "must be an array of events" }])
  }
  if (items.length === 0) return invalid([{ path: "events", message: "must hold at least one event" }])
  if (items.length > maxBatchSize) {
    return {
      ok: false,
      problem: {
        title: "Payload too large",
        status: 413,
        detail: `a batch holds at most ${maxBatchSize} events (got ${items.length}); split it`,
      },
    }
  }
  const events: IncomingEvent[] = []
  const issues: EventIssue[] = []
  items.forEach((item, index) => {
    const parsed = parseEvent(item)
    if (parsed.ok) events.push(parsed.event)
    else
      issues.push(
        ...parsed.issues.map((i) => ({ path: isBatch ? `events[${index}].${i.path}` : i.path, message: i.message })),
      )
  })
  return issues.length === 0 ? { ok: true, events } : invalid(issues)
}

/** The CloudEvents mode of a JSON body whose (first) member has a `specversion`: a CloudEvent, not a ledger event. */
const cloudEventsSentAsJson = (value: unknown): "structured" | "batched" | undefined => {
  const first: unknown = Array.isArray(value) ? value[0] : value
  if (typeof first !== "object" || first === null || !("specversion" in first)) return undefined
  return Array.isArray(value) ? "batched" : "structured"
}

const asArray = (value: unknown): ReadonlyArray<unknown> | undefined => (Array.isArray(value) ? value : undefined)

const invalid = (issues: ReadonlyArray<EventIssue>): Batch => ({
  ok: false,
  problem: {
    title: "Invalid event",
    status: 400,
    detail: `${issues.length} invalid field${issues.length === 1 ? "" : "s"}, first ${issues[0]?.path}: ${issues[0]?.message}; nothing was stored`,
    errors: issues.slice(0, 100),
  },
})
