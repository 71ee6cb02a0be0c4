/**
 * @module The one SQL interface the store speaks, implemented by PGlite (embedded) and pg (a PostgreSQL server).
 */

/** Something that runs a parameterised statement: a connection, or a transaction on one. */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>): Promise<ReadonlyArray<Row>>
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
  readonly backend: "pglite" | "postgres"
  /** Where the data lives, for messages: a directory or a URL without its password. */
  readonly location: string
}

/** A PostgreSQL error code, when the error came from the server (e.g. `23505`, unique violation). */
export const sqlErrorCode = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined

export type Lease = {
  /** False once the lease's connection is gone: the holder must stop writing. */
  readonly held: () => boolean
  release(): Promise<void>
}
