/**
 * @module Reading an archive file (NDJSON, see src/store/eventArchive.ts): its lines, numbered from 1, and each
 * line checked against the archive's fields and the event vocabulary, with an error naming the line and field.
 * A connector's payload in a line is read with its proof fields masked (an archive written before the ledger
 * masked them holds webhook secrets, which are never stored).
 *
 * @example
 * for await (const { lineNumber, text } of archiveLines("events.ndjson")) {
 *   const line = parseArchiveLine(text)
 *   if (!line.ok) console.error(`line ${lineNumber}, field ${line.field}: ${line.message}`)
 * }
 */
import { createReadStream } from "node:fs"
import { createInterface } from "node:readline"
import { z } from "zod"
import { Instant } from "../../events/fields.js"
import {
  currentSchemaVersion,
  eventSchemas,
  isEventType,
  type LedgerEvent,
  streamOf,
  upcast,
} from "../../events/index.js"
import { metadataWithoutProof, payloadSubjectsOfMetadata } from "../ingest/webhooks/index.js"
import { type ArchivedEvent, archiveFields } from "../store/eventArchive.js"

/** The non-blank lines of `file`, with their line numbers (counting blank lines too, as an editor does). */
export async function* archiveLines(
  file: string,
): AsyncGenerator<{ readonly lineNumber: number; readonly text: string }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity })
  let lineNumber = 0
  for await (const text of lines) {
    lineNumber++
    if (text.trim() !== "") yield { lineNumber, text }
  }
}

const ArchiveLine = z.strictObject({
  position: z.number().int().positive(),
  streamId: z.string().min(1),
  streamVersion: z.number().int().positive(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
  occurredAt: Instant,
  recordedAt: Instant,
  idempotencyKey: z.string().min(1).max(512),
})

export type ParsedLine =
  | { readonly ok: true; readonly event: ArchivedEvent }
  | { readonly ok: false; readonly field: string; readonly message: string }

/**
 * One archive line, checked: valid JSON; exactly the archive's fields; a known event type at a schema version
 * this ledger can read; `data` valid for that type (after upcasting); the stream the event belongs to.
 * The event is returned as written, but for a connector's proof fields in its metadata, masked
 * (`metadataWithoutProof`): no secret is stored, and a store that holds the archive's beginning compares equal.
 */
export const parseArchiveLine = (text: string): ParsedLine => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, field: "(line)", message: `not valid JSON: ${(error as Error).message}` }
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      ok: false,
      field: "(line)",
      message: "not a JSON object: each line is one event, as `ledger events export` writes it",
    }
  }
  const missing = archiveFields.find((field) => !(field in json))
  if (missing !== undefined) return { ok: false, field: missing, message: "is required" }
  const parsed = ArchiveLine.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue
    if (issue.code === "unrecognized_keys") {
      const field = issue.keys[0] ?? "?"
      return {
        ok: false,
        field,
        message:
          field === "transactionId"
            ? "is not part of an archive (it names a transaction of the exporting database); export with `ledger events export`"
            : `is not an archive field; the fields are ${archiveFields.join(", ")}`,
      }
    }
    return { ok: false, field: issue.path.join(".") || "(line)", message: issue.message }
  }
  const event = parsed.data as ArchivedEvent
  if (!isEventType(event.type)) return { ok: false, field: "type", message: `unknown event type "${event.type}"` }
  if (event.schemaVersion > currentSchemaVersion[event.type]) {
    return {
      ok: false,
      field: "schemaVersion",
      message: `${event.type} version ${event.schemaVersion} is newer than this ledger reads (${currentSchemaVersion[event.type]}); upgrade the ledger first`,
    }
  }
  let data: unknown
  try {
    data = upcast(event.type, event.schemaVersion, event.data)
  } catch (error) {
    return { ok: false, field: "schemaVersion", message: (error as Error).message }
  }
  const checked = eventSchemas[event.type].safeParse(data)
  if (!checked.success) {
    const issue = checked.error.issues[0]
    return {
      ok: false,
      field: ["data", ...(issue?.path ?? []).map(String)].join("."),
      message: issue?.message ?? "is invalid",
    }
  }
  const belongsTo = streamOf({ type: event.type, occurredAt: event.occurredAt, data: checked.data } as LedgerEvent)
  if (belongsTo !== event.streamId) {
    return {
      ok: false,
      field: "streamId",
      message: `a ${event.type} with this data belongs to stream "${belongsTo}", not "${event.streamId}"`,
    }
  }
  const payloadSubjects = payloadSubjectsOfMetadata(event.metadata)
  return {
    ok: true,
    event: {
      ...event,
      metadata: metadataWithoutProof(event.metadata),
      ...(payloadSubjects === undefined ? {} : { payloadSubjects }),
    },
  }
}
