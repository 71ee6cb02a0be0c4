/**
 * @module Personal data kept apart from the log (README "Personal data"). At append, each personal
 * value of an event (events/personal.ts) is replaced in the stored event by a token,
 * `pd:<HMAC-SHA256 of the value under the store's key>`, and each vendor payload (`metadata.raw`) by
 * `pd:raw:<HMAC of its JSON>`; the values go to `ledger_personal_values`, filed under the keyed
 * hashes of the people they belong to (their subjects): a payload's are the people its connector's
 * declared fields name (`NewEvent.payloadSubjects`), the event's own, and every email address and
 * `+` phone number in it (src/ingest/webhooks/README.md "Personal data in vendor payloads"). An erasure deletes a subject's rows
 * (erasure.ts), retention deletes old payloads: the log itself is never rewritten, so positions,
 * idempotency keys, hashes and every fold stay as they were. Reads resolve tokens at the edge
 * (resolvePersonal.ts).
 *
 * One HMAC per personal value; the rows are inserted with the events, in the append's transaction.
 *
 * @example
 * const { appends, kept } = keepPersonalValuesApart(await personalKeyOf(db), appends)
 */
import { createHmac } from "node:crypto"
import { normalisedIdentifier, personalValuesOf, withPersonalValuesReplaced } from "../../events/index.js"
import type { NewEvent, StreamAppend } from "./eventLog.js"
import type { SqlDatabase, SqlQueryable } from "./sql.js"

/** A token in stored text: a field's value, or (`pd:raw:`) a vendor payload. */
export const tokenPattern = /pd:(?:raw:)?[0-9a-f]{64}/g
const wholeToken = /^pd:(?:raw:)?[0-9a-f]{64}$/

/** What an erased or expired token reads as: stable, and short of the keyed hash. */
export const erasedReading = (token: string): string => `erased:${token.slice(token.lastIndexOf(":") + 1, -52)}`

/** Keyed hashes under the store's own key (a random key made by the store's migration). */
export type PersonalKey = { readonly hash: (text: string) => string }

/** A value to keep apart: its token, the value (a payload as JSON), the subject keys it is filed under. */
export type KeptValue = {
  readonly token: string
  readonly value: string
  readonly subjects: ReadonlyArray<string>
  readonly raw: boolean
  /** When it was received, if not now: a restored payload keeps its event's recording instant (retention counts from it). */
  readonly keptAt?: string
}

const keys = new WeakMap<SqlQueryable, Promise<PersonalKey>>()

/** The store's key, read once per open database. */
export const personalKeyOf = (db: SqlQueryable): Promise<PersonalKey> => {
  let key = keys.get(db)
  if (key === undefined) {
    key = db.query<{ secret: string }>("select secret from ledger_personal_key").then((rows) => {
      const secret = rows[0]?.secret
      if (secret === undefined) throw new Error("the store has no personal-data key: run `ledger migrate`")
      return { hash: (text: string) => createHmac("sha256", secret).update(text).digest("hex") }
    })
    key.catch(() => keys.delete(db))
    keys.set(db, key)
  }
  return key
}

/** The key a subject is filed under: the keyed hash of its identifier, normalised. */
export const subjectKey = (key: PersonalKey, identifier: string): string =>
  `s:${key.hash(`subject\u0000${normalisedIdentifier(identifier)}`)}`

/** Text that is already a token or an erased reading: kept as it is (a store copy, an archive restored). */
const isKeptApart = (text: string): boolean => wholeToken.test(text) || /^erased:[0-9a-f]{12}$/.test(text)

/**
 * Email addresses and phone numbers anywhere in a vendor's payload: the net under the connectors'
 * declarations, for a field no connector declares yet (a vendor's new field) and for payloads that
 * come with none (an archive restored, the event API).
 */
const identifiersIn = (payload: unknown, found: Set<string>): void => {
  if (typeof payload === "string") {
    // A phone number here starts with its country code (`+33 6 12…`): a vendor's numeric ids do not.
    if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(payload) || /^\+[\d\s().-]{6,}$/.test(payload)) found.add(payload)
  } else if (Array.isArray(payload)) for (const item of payload) identifiersIn(item, found)
  else if (payload !== null && typeof payload === "object")
    for (const item of Object.values(payload)) identifiersIn(item, found)
}

const withoutPayloadSubjects = ({ payloadSubjects: _filedOnly, ...stored }: NewEvent): NewEvent => stored

/** One event with its personal values and its vendor payload replaced by tokens, and what to keep. */
export const keepEventApart = (key: PersonalKey, event: NewEvent): { event: NewEvent; kept: KeptValue[] } => {
  const kept: KeptValue[] = []
  const subjects = new Set<string>()
  for (const personal of personalValuesOf(event.type, event.data)) {
    if (isKeptApart(personal.value)) continue
    const valueSubjects = personal.subjects.map((s) => subjectKey(key, s))
    for (const s of valueSubjects) subjects.add(s)
    kept.push({ token: `pd:${key.hash(personal.value)}`, value: personal.value, subjects: valueSubjects, raw: false })
  }
  const tokens = new Map(kept.map((k) => [k.value, k.token]))
  const data =
    kept.length === 0 ? event.data : withPersonalValuesReplaced(event.type, event.data, (v) => tokens.get(v) ?? v)
  let metadata = event.metadata
  const raw = metadata.raw
  if (raw !== undefined && !(typeof raw === "string" && isKeptApart(raw))) {
    const json = JSON.stringify(raw)
    // The declared fields name the payload's people (what the net below misses too: a number
    // without its `+`, `client:alice`); the net catches what a declaration does not cover yet.
    const inPayload = new Set<string>(event.payloadSubjects)
    identifiersIn(raw, inPayload)
    for (const identifier of inPayload) subjects.add(subjectKey(key, identifier))
    const token = `pd:raw:${key.hash(json)}`
    kept.push({ token, value: json, subjects: [...subjects], raw: true })
    metadata = { ...metadata, raw: token }
  }
  const stored = event.payloadSubjects === undefined ? event : withoutPayloadSubjects(event)
  return kept.length === 0 ? { event: stored, kept } : { event: { ...stored, data, metadata }, kept }
}

/**
 * The appends with every event kept apart, and the values to keep by idempotency key (inserted only
 * for the events the append stores: a duplicate keeps nothing again). A stream id that holds a
 * personal value (`contact-<contactId>`) holds its token instead.
 */
export const keepPersonalValuesApart = (
  key: PersonalKey,
  appends: ReadonlyArray<StreamAppend>,
): { appends: ReadonlyArray<StreamAppend>; kept: ReadonlyMap<string, ReadonlyArray<KeptValue>> } => {
  const kept = new Map<string, ReadonlyArray<KeptValue>>()
  const apart = appends.map((append) => {
    let streamId = append.streamId
    const events = append.events.map((sent) => {
      const { event, kept: values } = keepEventApart(key, sent)
      if (values.length > 0) kept.set(event.idempotencyKey, values)
      streamId = streamIdApart(streamId, values)
      return event
    })
    return { ...append, streamId, events }
  })
  return { appends: apart, kept }
}

/** A stream id that ends with a personal value (`contact-<contactId>`), with its token instead. */
export const streamIdApart = (streamId: string, values: ReadonlyArray<KeptValue>): string => {
  let apart = streamId
  for (const value of values)
    if (!value.raw && apart.endsWith(`-${value.value}`)) apart = `${apart.slice(0, -value.value.length)}${value.token}`
  return apart
}

/**
 * Files the values of the events just stored, in the append's transaction: one statement. A value
 * already kept gains the subjects it lacked. Parameters travel as text (the PGlite thread clones them).
 */
export const insertKeptValues = async (tx: SqlQueryable, values: ReadonlyArray<KeptValue>): Promise<void> => {
  if (values.length === 0) return
  // One row per token: a statement may not update the same row twice.
  const byToken = new Map<string, KeptValue>()
  for (const value of values) {
    const before = byToken.get(value.token)
    byToken.set(
      value.token,
      before === undefined ? value : { ...value, subjects: [...new Set([...before.subjects, ...value.subjects])] },
    )
  }
  await tx.query(
    `insert into ledger_personal_values (token, value, subjects, raw, kept_at)
     select token, value, subjects, raw, coalesce("keptAt", now()) from jsonb_to_recordset($1::text::jsonb)
       as r(token text, value text, subjects jsonb, raw boolean, "keptAt" timestamptz)
     on conflict (token) do update set subjects = (
       select jsonb_agg(distinct s) from jsonb_array_elements_text(ledger_personal_values.subjects || excluded.subjects) as s)`,
    [JSON.stringify([...byToken.values()])],
  )
}

/**
 * A rep id as the log holds it: a vendor alias whose id is personal (`twilio:+14155550100`) names
 * its token (`twilio:pd:…`), so that a read asked by the alias finds the alias's events.
 */
export const repIdAsKept = async (db: SqlQueryable, repId: string): Promise<string> => {
  const key = await personalKeyOf(db)
  const kept = withPersonalValuesReplaced("CallLogged", { repId }, (value) => `pd:${key.hash(value)}`)
  return (kept as { repId: string }).repId
}

/** Deletes the vendor payloads kept longer than `days` days; answers how many. */
export const pruneRawPayloads = async (db: SqlDatabase, days: number): Promise<number> => {
  const rows = await db.query<{ n: number | string }>(
    `with gone as (delete from ledger_personal_values where raw and kept_at < now() - make_interval(days => $1::int)
                   returning 1) select count(*) as n from gone`,
    [days],
  )
  return Number(rows[0]?.n ?? 0)
}
