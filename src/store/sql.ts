/**
 * @module The one SQL interface the store speaks, implemented by PGlite (embedded) and pg (a PostgreSQL server).
 */

/** Something that runs a parameterised statement: a connection, or a transaction on one. */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>): Promise<ReadonlyArray<Row>>
  /** Which database answers: large reads take the shape each decodes fastest (see readLog.ts). */
  readonly backend: "pglite" | "postgres"
}

export interface SqlDatabase extends SqlQueryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<A>(work: (tx: SqlQueryable) => Promise<A>): Promise<A>
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(text: string): Promise<void>
  /**
   * Takes the exclusive lease `key` (one holder across every process on this database) or answers
   * `undefined` when another holder has it. On PostgreSQL it is a session advisory lock on a
   * connection of its own: if this process dies, the server releases it and another instance takes over.
   */
  tryLease(key: number): Promise<Lease | undefined>
  close(): Promise<void>
  /** Where the data lives, for messages: a directory or a URL without its password. */
  readonly location: string
}

/**
 * A value for a `$n::jsonb` parameter, as bytes in jsonb's binary form (a version byte, 1, then the
 * JSON text as UTF-8), which both drivers send as they are. Given as text, PGlite measures a
 * parameter's UTF-8 length twice, character by character in JavaScript, before encoding it: a
 * 1,000-event insert took 26.5 ms with its payload as text against 22.0 ms as bytes (medians of 70,
 * alternated, 2026-12-06). For large payloads (the append, the archive import); a small one gains nothing.
 */
export const jsonbBytes = (value: unknown): Uint8Array => {
  const json = JSON.stringify(value)
  const bytes = Buffer.allocUnsafe(1 + Buffer.byteLength(json))
  bytes[0] = 1
  bytes.write(json, 1)
  return bytes
}

/** A PostgreSQL error code, when the error came from the server (e.g. `23505`, unique violation). */
export const sqlErrorCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

export type Lease = {
  /** False once the lease's connection is gone: the holder must stop writing. */
  readonly held: () => boolean
  release(): Promise<void>
}

/**
 * Runs a select whose answer is large, answering its rows decoded the fastest way for the backend:
 * on PGlite as ONE json value (PGlite decodes rows field by field in JavaScript, about 2 µs a field:
 * the 46,576 rep days of the demo's million events took 2.8 s as rows, under 1 s as json), on a
 * PostgreSQL server as rows (there, building json costs the server more than the driver saves).
 * `orderBy` (columns of the select) orders the rows on both.
 *
 * Only for columns that json renders as the drivers do: text, numbers, booleans, json and jsonb. Not
 * timestamps (json renders them as text, the drivers as Dates); a bigint comes as a number from json
 * and as a string from pg: read it with `Number()`.
 */
export const selectMany = async <Row>(
  q: SqlQueryable,
  text: string,
  params: ReadonlyArray<unknown> = [],
  orderBy?: string,
): Promise<ReadonlyArray<Row>> => {
  if (q.backend === "postgres")
    return q.query<Row>(orderBy === undefined ? text : `select * from (${text}) as r order by ${orderBy}`, params)
  const rows = await q.query<{ rows: string | null }>(
    `select json_agg(r${orderBy === undefined ? "" : ` order by ${orderBy}`})::text as rows from (${text}) as r`,
    params,
  )
  return JSON.parse(rows[0]?.rows ?? "[]") as Row[]
}
