/**
 * @module Erasing a person and answering their access request, on the values kept apart from the log
 * (personalValues.ts). An erasure deletes every kept value filed under the person's subject key: the
 * log's events keep their tokens, which then read as `erased:…` (resolvePersonal.ts).
 *
 * @example
 * const { subject, valuesErased } = await eraseSubject(db, "ana@example.com")
 */
import { erasedReading, personalKeyOf, subjectKey, tokenPattern } from "./personalValues.js"
import { type SqlDatabase, type SqlQueryable, selectMany } from "./sql.js"

/** What an erasure's identifier is: it says how the identifier was normalised (events/personal.ts). */
export type IdentifierKind = "email" | "phone" | "id"

export const identifierKindOf = (identifier: string): IdentifierKind =>
  /^[^@\s]+@[^@\s]+$/.test(identifier.trim()) ? "email" : /^\+?[\d\s().-]{6,}$/.test(identifier.trim()) ? "phone" : "id"

/** Deletes every kept value of the person `identifier` names, in one statement; answers their subject key and how many. */
export const eraseSubject = async (
  db: SqlDatabase,
  identifier: string,
): Promise<{ readonly subject: string; readonly valuesErased: number }> => {
  const subject = subjectKey(await personalKeyOf(db), identifier)
  const rows = await db.query<{ n: number | string }>(
    `with gone as (delete from ledger_personal_values where subjects ? $1 returning 1) select count(*) as n from gone`,
    [subject],
  )
  return { subject, valuesErased: Number(rows[0]?.n ?? 0) }
}

/** One place that holds a person's data: an event's field (`data.contactId`, `metadata.raw`) and what it holds now. */
export type PersonalDataItem = {
  readonly position: number
  readonly streamId: string
  readonly type: string
  readonly occurredAt: string
  readonly field: string
  readonly value: unknown
}

/**
 * Every event field that holds a kept value of the person `identifier` names, in log order, with the
 * value (a payload as the object it was). Reads the whole log for their tokens: an access request is
 * rare, and the log holds no index of tokens (it would hold what an erasure must forget).
 */
export const personalDataOf = async (
  db: SqlQueryable,
  identifier: string,
): Promise<{ readonly subject: string; readonly items: ReadonlyArray<PersonalDataItem> }> => {
  const subject = subjectKey(await personalKeyOf(db), identifier)
  const kept = await db.query<{ token: string; value: string; raw: boolean }>(
    "select token, value, raw from ledger_personal_values where subjects ? $1",
    [subject],
  )
  if (kept.length === 0) return { subject, items: [] }
  const values = new Map(kept.map((row) => [row.token, row]))
  const events = await selectMany<{
    position: number | string
    stream_id: string
    type: string
    occurred_at: string
    data: Record<string, unknown>
    metadata: Record<string, unknown>
  }>(
    db,
    `select global_position as position, stream_id, type, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
            data, metadata
     from ledger_events
     where exists (select 1 from unnest($1::text[]) as t(token)
                   where strpos(data::text, t.token) > 0 or metadata->>'raw' = t.token)`,
    [[...values.keys()]],
    "position",
  )
  const items: PersonalDataItem[] = []
  const readable = (text: string) =>
    text.replace(tokenPattern, (token) => values.get(token)?.value ?? erasedReading(token))
  for (const event of events) {
    const at = {
      position: Number(event.position),
      streamId: readable(event.stream_id),
      type: event.type,
      occurredAt: event.occurred_at,
    }
    for (const [field, value] of Object.entries(event.data)) {
      if (typeof value !== "string") continue
      const tokens = value.match(tokenPattern) ?? []
      if (tokens.some((token) => values.has(token)))
        items.push({ ...at, field: `data.${field}`, value: readable(value) })
    }
    const raw = event.metadata.raw
    const payload = typeof raw === "string" ? values.get(raw) : undefined
    if (payload?.raw === true) items.push({ ...at, field: "metadata.raw", value: JSON.parse(payload.value) as unknown })
  }
  return { subject, items }
}

const csvCell = (value: unknown): string => {
  const text = typeof value === "string" ? value : JSON.stringify(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The access answer as CSV: one row per field, the header first. */
export const personalDataCsv = (items: ReadonlyArray<PersonalDataItem>): string =>
  [
    "position,streamId,type,occurredAt,field,value",
    ...items.map((i) => [i.position, i.streamId, i.type, i.occurredAt, i.field, i.value].map(csvCell).join(",")),
  ]
    .map((line) => `${line}\r\n`)
    .join("")
