/**
 * @module Moving off the embedded store: the whole log of a PGlite data directory copied into a
 * PostgreSQL database, in one streaming pass, then verified.
 *
 * What is copied, and how:
 * - every event, in log order, at its position, stream version, instants (to the microsecond),
 *   idempotency key and metadata: pages of the source's log written with `restoreBatch`
 *   (eventArchive.ts, the writer `ledger events import` restores with), which also moves the
 *   target's position sequence past the copy;
 * - the API keys (their hashes: the same tokens work on the target), the ingestion status
 *   (`ledger_sources`), and the personal values kept apart with the key of their tokens
 *   (personalValues.ts; those erased are gone from the source already), row for row;
 * - NOT the read models: a server started on the target finds none and its projection runner
 *   rebuilds them from the log.
 *
 * Resuming: the target's log must be a beginning of the source's (an empty one always is). Its
 * events are compared, in order, with the source's first ones, and the copy goes on after them;
 * anything else is refused before a row is written. An interrupted copy leaves whole batches
 * (one transaction each), so running it again resumes it.
 *
 * Verification, after the copy: the same number of events on both sides, and the same SHA-256 over
 * the canonical line of every event in log order (eventArchive.ts `archiveLine`, one line each,
 * `\n`-terminated). Without sub-millisecond instants that is the SHA-256 of `ledger events export`
 * on either store. The streams must be as many, their versions summing the same and without gaps;
 * every API key and source row must be on the target as it is on the source.
 *
 * The source's data directory is locked for the copy (dataDirLock.ts): a server on it must be
 * stopped first, so that the log cannot grow behind the copy's back.
 *
 * @example
 * const outcome = await copyStore({ from: "./data", to: "postgres://ledger@db/ledger", progress })
 * console.log(outcome.events.sha256)
 */
import { createHash } from "node:crypto"
import { existsSync, statSync } from "node:fs"
import path from "node:path"
import { DataDirLocked } from "./dataDirLock.js"
import type { Durability } from "./durability.js"
import { type ArchivedEvent, archiveLine, type RestoreExpectation, restoreBatch } from "./eventArchive.js"
import { type Checkpoint, logStart } from "./eventLog.js"
import type { EventRow } from "./logTable.js"
import { migrate } from "./migrations.js"
import { openPglite } from "./pglite.js"
import { openPostgres } from "./postgres.js"
import { resolvePersonal } from "./resolvePersonal.js"
import type { SqlDatabase, SqlQueryable } from "./sql.js"

/** Told where the copy is; `done` counts events out of the source's `total`. */
export type CopyProgress = (step: CopyStep, done: number, total: number) => void
export type CopyStep = "comparing" | "copying" | "verifying"

export type CopyOptions = {
  /** The PGlite data directory to copy (the source's LEDGER_DATA_DIR). */
  readonly from: string
  /** The PostgreSQL database to copy into (a `postgres://` URL). */
  readonly to: string
  readonly progress?: CopyProgress
  /** Events read, and written, per transaction. Default 2,000. */
  readonly pageSize?: number
  /** How the source directory is opened (the copy only reads it, after migrating it). */
  readonly sourceDurability?: Durability
}

export type CopyOutcome = {
  readonly events: {
    /** Events in the source, and now in the target. */
    readonly total: number
    /** Events the target held before (a resumed copy), checked equal to the source's first ones. */
    readonly alreadyThere: number
    readonly copied: number
    /** SHA-256 (hex) over every event's canonical line in log order, equal on both sides. */
    readonly sha256: string
  }
  readonly streams: number
  readonly apiKeys: number
  /** Ingestion-status rows copied; `undefined` when the source has no `ledger_sources` table. */
  readonly sources: number | undefined
}

/** The copy cannot start, or would overwrite something: nothing was written. */
export class CopyRefused extends Error {
  override readonly name = "CopyRefused"
}

/** The copy ran, but the target does not hold what the source holds; the message says what differs. */
export class CopyNotVerified extends Error {
  override readonly name = "CopyNotVerified"
}

export const defaultCopyPageSize = 2_000

/** Copies the log and its companions from a PGlite directory into PostgreSQL, then verifies the target. */
export const copyStore = async (options: CopyOptions): Promise<CopyOutcome> => {
  checkSourceDirectory(options.from)
  if (!/^postgres(ql)?:\/\//.test(options.to)) {
    throw new CopyRefused(`--to must be a PostgreSQL URL (postgres://user@host:port/database), not "${options.to}"`)
  }
  // The target is reached first (a wrong URL fails in a second, not after PGlite's start); nothing is written to
  // it until the source is open under its lock.
  const target = await openPostgres(options.to, { maxConnections: 2 }).catch((error: unknown) => {
    throw new CopyRefused(`cannot reach the target ${redacted(options.to)}: ${firstLine(error)}`)
  })
  try {
    const source = await openSource(options.from, options.sourceDurability)
    try {
      await migrate(source)
      await migrate(target)
      return await copyInto(source, target, options)
    } finally {
      await source.close()
    }
  } finally {
    await target.close()
  }
}

const checkSourceDirectory = (dir: string): void => {
  if (!existsSync(dir)) throw new CopyRefused(`--from ${dir}: no such directory`)
  if (!statSync(dir).isDirectory()) throw new CopyRefused(`--from ${dir}: not a directory`)
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    throw new CopyRefused(
      `--from ${dir} is not an embedded store (no PG_VERSION in it); point --from at the LEDGER_DATA_DIR of the ledger you are moving off`,
    )
  }
}

const openSource = async (dir: string, durability: Durability | undefined): Promise<SqlDatabase> => {
  try {
    return await openPglite(dir, durability === undefined ? {} : { durability })
  } catch (error) {
    if (!(error instanceof DataDirLocked)) throw error
    throw new CopyRefused(
      `cannot copy ${dir}: it is in use by process ${error.pid} on ${error.hostname} (started ${error.startedAt}); ` +
        `stop that server first, so that no event is appended behind the copy (then run the copy again)`,
    )
  }
}

const copyInto = async (source: SqlDatabase, target: SqlDatabase, options: CopyOptions): Promise<CopyOutcome> => {
  const pageSize = options.pageSize ?? defaultCopyPageSize
  const report = options.progress ?? (() => {})
  const total = await countEvents(source)
  const alreadyThere = await countEvents(target)

  const digest = createHash("sha256")
  const targetPrefix = exactEvents(target, pageSize)
  let compared = 0
  let copied = 0
  let expectation: RestoreExpectation = { highestPosition: 0, eventCount: alreadyThere }
  for await (const page of exactPages(source, pageSize)) {
    const rest: ArchivedEvent[] = []
    // The checksum is that of the export (values, not tokens: resolvePersonal.ts); the copy compares tokens.
    for (const event of await resolvePersonal(source, page)) digest.update(`${archiveLine(event)}\n`)
    for (const event of page) {
      const line = archiveLine(event)
      if (compared === alreadyThere) {
        rest.push(event)
        continue
      }
      const theirs = await targetPrefix.next()
      if (theirs.done === true || archiveLine(theirs.value) !== line) {
        throw new CopyRefused(
          `the target ${target.location} already holds events, and its event #${compared + 1} is not the source's ` +
            `(${theirs.done === true ? "missing" : describe(theirs.value)} on the target, ${describe(event)} in the source): ` +
            `it is not an earlier copy of this log; copy into an empty database. Nothing was written`,
        )
      }
      compared++
      expectation = { ...expectation, highestPosition: Math.max(expectation.highestPosition, event.position) }
      if (compared % pageSize === 0) report("comparing", compared, total)
    }
    for (const batch of ascendingRuns(rest)) {
      expectation = { highestPosition: await restoreBatch(target, batch, expectation) }
      copied += batch.length
    }
    if (rest.length > 0) report("copying", alreadyThere + copied, total)
  }
  if (compared < alreadyThere) {
    throw new CopyRefused(
      `the target ${target.location} holds ${alreadyThere} events, more than the source's ${total}: ` +
        `it is not an earlier copy of this log; copy into an empty database. Nothing was written`,
    )
  }

  // The same key and kept values: the copy's tokens are the source's, and read the same. An erased
  // person's values are not in the source's table, so not in the copy either.
  if (await hasTable(source, personalKeyTable.name)) {
    await copyRows(source, target, personalKeyTable)
    await copyRows(source, target, personalValuesTable)
  }
  const apiKeys = await copyRows(source, target, apiKeysTable)
  const sources = (await hasTable(source, sourcesTable.name)) ? await copyRows(source, target, sourcesTable) : undefined
  const sha256 = digest.digest("hex")
  const streams = await verify(source, target, { total, sha256, pageSize, report })
  return { events: { total, alreadyThere, copied, sha256 }, streams, apiKeys, sources }
}

/** The target against the source: events (count and checksum) and streams. Throws `CopyNotVerified`. */
const verify = async (
  source: SqlDatabase,
  target: SqlDatabase,
  expected: {
    readonly total: number
    readonly sha256: string
    readonly pageSize: number
    readonly report: CopyProgress
  },
): Promise<number> => {
  const digest = createHash("sha256")
  let count = 0
  for await (const page of exactPages(target, expected.pageSize)) {
    for (const event of await resolvePersonal(target, page)) digest.update(`${archiveLine(event)}\n`)
    count += page.length
    expected.report("verifying", count, expected.total)
  }
  const sha256 = digest.digest("hex")
  if (count !== expected.total || sha256 !== expected.sha256) {
    throw new CopyNotVerified(
      `the target ${target.location} does not hold the source's log: ${count} events (source ${expected.total}), ` +
        `SHA-256 ${sha256} (source ${expected.sha256}); was something appended to the target during the copy?`,
    )
  }
  const [theirs, ours] = [await streamHeads(target), await streamHeads(source)]
  if (theirs.withGaps > 0 || theirs.streams !== ours.streams || theirs.versions !== ours.versions) {
    throw new CopyNotVerified(
      `the target's streams do not match: ${theirs.streams} streams summing to version ${theirs.versions} ` +
        `(source ${ours.streams}, ${ours.versions}), ${theirs.withGaps} whose versions are not 1 to their last`,
    )
  }
  return theirs.streams
}

/**
 * The log a page at a time in `(transaction_id, global_position)` order, read unfenced: the source is
 * locked by the copy, and a target with another writer fails the restore's expectation anyway.
 * Instants keep their microseconds (the log's reads take them through JavaScript dates, to the millisecond).
 */
async function* exactPages(db: SqlQueryable, pageSize: number): AsyncGenerator<ReadonlyArray<ArchivedEvent>> {
  let after: Checkpoint = logStart
  for (;;) {
    const rows = await db.query<ExactRow>(
      `select global_position, transaction_id::text as transaction_id, stream_id, stream_version, type, schema_version,
              data, metadata, occurred_at, recorded_at, idempotency_key,
              extract(microseconds from occurred_at)::int % 1000 as occurred_micros,
              extract(microseconds from recorded_at)::int % 1000 as recorded_micros
       from ledger_events
       where (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
       order by ledger_events.transaction_id, ledger_events.global_position
       limit $3`,
      [after.transactionId, after.position, pageSize],
    )
    if (rows.length === 0) return
    yield rows.map(toArchived)
    const last = rows[rows.length - 1] as ExactRow
    after = { transactionId: last.transaction_id, position: Number(last.global_position) }
  }
}

async function* exactEvents(db: SqlQueryable, pageSize: number): AsyncGenerator<ArchivedEvent, void, undefined> {
  for await (const page of exactPages(db, pageSize)) yield* page
}

/** An event row with its instants' microseconds, which the log reader's millisecond instants drop. */
type ExactRow = EventRow & { occurred_micros: number; recorded_micros: number }

const toArchived = (row: ExactRow): ArchivedEvent => ({
  position: Number(row.global_position),
  streamId: row.stream_id,
  streamVersion: Number(row.stream_version),
  type: row.type,
  schemaVersion: row.schema_version,
  data: row.data,
  metadata: row.metadata,
  occurredAt: exactInstant(row.occurred_at, row.occurred_micros),
  recordedAt: exactInstant(row.recorded_at, row.recorded_micros),
  idempotencyKey: row.idempotency_key,
})

/** `2026-11-02T14:05:00.123Z`, or `…00.123456Z` when the instant has microseconds beyond the millisecond. */
export const exactInstant = (instant: Date, microsBeyondMillis: number): string => {
  const iso = instant.toISOString()
  return microsBeyondMillis === 0 ? iso : `${iso.slice(0, -1)}${String(microsBeyondMillis).padStart(3, "0")}Z`
}

/**
 * `events` cut where positions stop ascending: `restoreBatch` stores a batch in position order, and the log
 * is ordered by transaction first (a later transaction may hold a lower position).
 */
export const ascendingRuns = (events: ReadonlyArray<ArchivedEvent>): ReadonlyArray<ReadonlyArray<ArchivedEvent>> => {
  const runs: ArchivedEvent[][] = []
  for (const event of events) {
    const run = runs.at(-1)
    const previous = run?.at(-1)
    if (run !== undefined && previous !== undefined && event.position > previous.position) run.push(event)
    else runs.push([event])
  }
  return runs
}

const describe = (event: ArchivedEvent): string =>
  `${event.type} at position ${event.position}, ${event.streamId} version ${event.streamVersion}, key "${event.idempotencyKey}"`

const countEvents = async (db: SqlQueryable): Promise<number> =>
  Number((await db.query<{ n: number | string }>("select count(*) as n from ledger_events"))[0]?.n ?? 0)

/** How many streams, the sum of their versions, and how many have a gap in their versions (none, in a sound log). */
const streamHeads = async (db: SqlQueryable) => {
  const [row] = await db.query<{
    streams: number | string
    versions: number | string | null
    with_gaps: number | string
  }>(
    `select count(*) as streams, sum(version) as versions, count(*) filter (where version <> events) as with_gaps
     from (select max(stream_version) as version, count(*) as events from ledger_events group by stream_id) as s`,
  )
  return {
    streams: Number(row?.streams ?? 0),
    versions: Number(row?.versions ?? 0),
    withGaps: Number(row?.with_gaps ?? 0),
  }
}

/** A small table copied row for row, by its key: API keys, ingestion status (tens of rows, not millions). */
type CopiedTable = { readonly name: string; readonly key: string; readonly what: string }
const apiKeysTable: CopiedTable = { name: "ledger_api_keys", key: "key_id", what: "API keys" }
const sourcesTable: CopiedTable = { name: "ledger_sources", key: "source", what: "ingestion sources" }
const personalKeyTable: CopiedTable = { name: "ledger_personal_key", key: "id", what: "personal-data keys" }
const personalValuesTable: CopiedTable = { name: "ledger_personal_values", key: "token", what: "kept personal values" }

const hasTable = async (db: SqlQueryable, table: string): Promise<boolean> =>
  (await db.query<{ present: boolean }>("select to_regclass($1) is not null as present", [table]))[0]?.present === true

/**
 * Replaces the target's rows that have a source row's key with the source's rows (the target keeps rows of its
 * own, e.g. an admin key its first start created), in one transaction, then checks that every source row is on
 * the target exactly (EXCEPT compares every column, NULLs as equal). Rows travel as `to_jsonb`: every column,
 * timestamps to the microsecond. Answers the number of source rows.
 */
const copyRows = async (source: SqlQueryable, target: SqlDatabase, table: CopiedTable): Promise<number> => {
  const rows = (
    await source.query<{ row: Record<string, unknown> }>(
      `select to_jsonb(t) as row from ${table.name} t order by ${table.key}`,
    )
  ).map((r) => r.row)
  const json = JSON.stringify(rows)
  await target.transaction(async (tx) => {
    await tx.query(
      `delete from ${table.name} where ${table.key} in (select ${table.key} from jsonb_populate_recordset(null::${table.name}, $1::jsonb))`,
      [json],
    )
    await tx.query(`insert into ${table.name} select * from jsonb_populate_recordset(null::${table.name}, $1::jsonb)`, [
      json,
    ])
  })
  const [missing] = await target.query<{ n: number | string }>(
    `select count(*) as n from (select * from jsonb_populate_recordset(null::${table.name}, $1::jsonb)
                                except select * from ${table.name}) as missing`,
    [json],
  )
  if (Number(missing?.n ?? 0) > 0) {
    throw new CopyNotVerified(
      `${missing?.n} of the source's ${rows.length} ${table.what} are not on the target as they are on the source`,
    )
  }
  return rows.length
}

const redacted = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = "***"
    return parsed.toString()
  } catch {
    return "(an unparsable URL)"
  }
}

const firstLine = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? ""
