/**
 * @module The store on a PostgreSQL server (`DATABASE_URL`), through a pg connection pool.
 */
import pg from "pg"
import type { Lease, SqlDatabase, SqlQueryable } from "./sql.js"

/** Connects a pool to `url` and checks that the server answers. */
export const openPostgres = async (
  url: string,
  options: { readonly maxConnections?: number } = {},
): Promise<SqlDatabase> => {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10 })
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on("error", () => {})
  try {
    await pool.query("select 1")
  } catch (error) {
    await pool.end()
    throw error
  }
  const on = (q: Pick<pg.Pool | pg.PoolClient, "query">): SqlQueryable => ({
    backend: "postgres",
    query: async <Row>(text: string, params?: ReadonlyArray<unknown>) =>
      (await q.query(text, params as unknown[] | undefined)).rows as ReadonlyArray<Row>,
  })
  return {
    location: redact(url),
    ...on(pool),
    transaction: async (work) => {
      const client = await pool.connect()
      try {
        await client.query("begin")
        const result = await work(on(client))
        await client.query("commit")
        return result
      } catch (error) {
        await client.query("rollback").catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    exec: async (text) => {
      await pool.query(text)
    },
    tryLease: async (key) => {
      const client = new pg.Client({ connectionString: url })
      let held = false
      client.on("error", () => {
        held = false
      })
      client.on("end", () => {
        held = false
      })
      await client.connect()
      const granted =
        (await client.query("select pg_try_advisory_lock($1) as granted", [key])).rows[0]?.granted === true
      if (!granted) {
        await client.end()
        return undefined
      }
      held = true
      const lease: Lease = {
        held: () => held,
        release: async () => {
          held = false
          await client.end().catch(() => {})
        },
      }
      return lease
    },
    close: () => pool.end(),
  }
}

const redact = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = "***"
    return parsed.toString()
  } catch {
    return "(unparseable DATABASE_URL)"
  }
}
