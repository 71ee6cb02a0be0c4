/**
 * @module CloudEvents 1.0 over `POST /v1/events` (HTTP protocol binding 1.0.2): which content mode a
 * request uses, and its events read, mapped and checked all at once, so that one bad event of a
 * batch refuses the batch with a problem naming it (`[2].time`, `ce-type`).
 */
import type { Context } from "hono"
import type { EventIssue } from "../../events/index.js"
import { cloudEventOfHeaders, isBinaryCloudEvent } from "../ingest/cloudEventHeaders.js"
import {
  binaryNames,
  type CloudLedgerEvent,
  isJsonMediaType,
  structuredNames,
  toLedgerEvent,
} from "../ingest/cloudEvents.js"
import { readJsonBody } from "./body.js"
import { type ProblemBody, problem } from "./problem.js"

/** `structured`: one event as `application/cloudevents+json`; `batched`: an array as `application/cloudevents-batch+json`; `binary`: `ce-*` headers. */
export type CloudEventsMode = "structured" | "batched" | "binary"

/** The media types of the JSON event format and of its batch format. */
export const cloudEventsMediaTypes = {
  structured: "application/cloudevents+json",
  batched: "application/cloudevents-batch+json",
} as const

/**
 * The content mode of a request, from its Content-Type first (binding §3), then from the `ce-*`
 * headers; `undefined` for the ledger's own JSON.
 */
export const cloudEventsMode = (headers: Headers): CloudEventsMode | undefined => {
  const contentType = (headers.get("content-type") ?? "").trim().toLowerCase()
  if (contentType.startsWith("application/cloudevents-batch")) return "batched"
  if (contentType.startsWith("application/cloudevents")) return "structured"
  return isBinaryCloudEvent(headers) ? "binary" : undefined
}

export type CloudEventsRead =
  | { readonly ok: true; readonly events: ReadonlyArray<CloudLedgerEvent> }
  | { readonly ok: false; readonly response: Response }

/** Reads the request's CloudEvents as ledger events, or the problem answer that refuses them all. */
export const readCloudEvents = async (
  c: Context,
  mode: CloudEventsMode,
  { bodyLimitBytes, maxBatchSize }: { readonly bodyLimitBytes: number; readonly maxBatchSize: number },
): Promise<CloudEventsRead> => {
  const contentType = c.req.header("content-type") ?? ""
  if (mode !== "binary" && !isJsonMediaType(contentType)) {
    return fail(c, {
      title: "Unsupported media type",
      status: 415,
      detail: `"${contentType}" is a CloudEvents format the ledger does not read: send ${cloudEventsMediaTypes.structured} or ${cloudEventsMediaTypes.batched}`,
    })
  }
  if (mode === "binary" && !isJsonMediaType(contentType)) {
    return fail(c, {
      title: "Unsupported media type",
      status: 415,
      detail: `in CloudEvents binary mode the body is the event's data and must be JSON: send Content-Type: application/json (got ${contentType === "" ? "no content type" : `"${contentType}"`})`,
    })
  }
  // Binary mode: the headers are refused before the body is read, so that a bad header is named even with a bad body.
  const headerAttributes = mode === "binary" ? cloudEventOfHeaders(c.req.raw.headers) : undefined
  if (headerAttributes !== undefined && !headerAttributes.ok) return invalid(c, headerAttributes.issues)

  const body = await readJsonBody(c, bodyLimitBytes)
  if (!body.ok) return body
  switch (mode) {
    case "structured":
      return mapped(c, [toLedgerEvent(body.value, structuredNames())])
    case "binary":
      return mapped(c, [
        toLedgerEvent(
          {
            ...(headerAttributes?.ok ? headerAttributes.attributes : {}),
            datacontenttype: contentType,
            data: body.value,
          },
          binaryNames,
        ),
      ])
    case "batched": {
      if (!Array.isArray(body.value)) {
        return invalid(c, [
          { path: "(body)", message: `a ${cloudEventsMediaTypes.batched} body is a JSON array of CloudEvents` },
        ])
      }
      // The binding allows an empty batch, but the ledger's batches are never empty: an empty one is surely a sender's bug.
      if (body.value.length === 0)
        return invalid(c, [{ path: "(body)", message: "the batch is empty: send at least one CloudEvent" }])
      if (body.value.length > maxBatchSize) {
        return fail(c, {
          title: "Payload too large",
          status: 413,
          detail: `a batch holds at most ${maxBatchSize} events (got ${body.value.length}); split it`,
        })
      }
      return mapped(
        c,
        body.value.map((item, index) => toLedgerEvent(item, structuredNames(index))),
      )
    }
  }
}

const mapped = (c: Context, results: ReadonlyArray<ReturnType<typeof toLedgerEvent>>): CloudEventsRead => {
  const issues = results.flatMap((result) => (result.ok ? [] : result.issues))
  if (issues.length > 0) return invalid(c, issues)
  return { ok: true, events: results.flatMap((result) => (result.ok ? [result.event] : [])) }
}

const invalid = (c: Context, issues: ReadonlyArray<EventIssue>): CloudEventsRead =>
  fail(c, {
    title: "Invalid CloudEvent",
    status: 400,
    detail: `${issues.length} invalid attribute${issues.length === 1 ? "" : "s"}, first ${issues[0]?.path}: ${issues[0]?.message}; nothing was stored`,
    errors: issues.slice(0, 100),
  })

const fail = (c: Context, body: ProblemBody): CloudEventsRead => ({ ok: false, response: problem(c, body) })
