/**
 * @module A real PostgreSQL for tests: the store's contract runs on PGlite always, and on PostgreSQL whenever
 * `TEST_DATABASE_URL` is set (CI sets it, see .ci/run). Each test file gets a database of its own.
 *
 * @example
 * const backends = postgresAvailable ? ["pglite", "postgres"] : ["pglite"]
 * let database: FreshDatabase
 * beforeAll(async () => { database = await freshDatabase() })
 * afterAll(() => database.drop())
 */
import { randomBytes } from "node:crypto"
import { Client, escapeIdentifier } from "pg"

/** Where the tests' PostgreSQL server is; the role must be allowed to create databases. */
export const postgresUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined

export const postgresAvailable: boolean = postgresUrl !== undefined

const runId = process.env.LEDGER_TEST_RUN_ID
/** Prefix of every database `freshDatabase` creates; .ci/run drops its run's leftovers by this prefix. */
export const testDatabasePrefix = runId ? `ledger_test_${runId}_` : "ledger_test_"

export interface FreshDatabase {
  readonly name: string
  /** Same server, user and options as `TEST_DATABASE_URL`, another database. */
  readonly url: string
  /** Disconnects whoever is still connected and drops the database. Safe to call twice. */
  readonly drop: () => Promise<void>
}

/**
 * Creates an empty database `ledger_test_<random hex>` on the `TEST_DATABASE_URL` server.
 *
 * @example
 * const database = await freshDatabase()
 * const client = new Client({ connectionString: database.url })
 */
export const freshDatabase = async (): Promise<FreshDatabase> => {
  const serverUrl = requirePostgresUrl()
  const name = `${testDatabasePrefix}${randomBytes(8).toString("hex")}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  await asAdmin(serverUrl, `create the test database ${name}`, (admin) =>
    admin.query(`CREATE DATABASE ${escapeIdentifier(name)}`),
  )
  return {
    name,
    url: url.toString(),
    drop: () =>
      asAdmin(serverUrl, `drop the test database ${name}`, async (admin) => {
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [name],
        )
        await admin.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)}`)
      }),
  }
}

const requirePostgresUrl = (): string => {
  if (postgresUrl === undefined)
    throw new Error(
      "TEST_DATABASE_URL is not set: a test asked for PostgreSQL without checking postgresAvailable; " +
        "set TEST_DATABASE_URL=postgres://user@host:port/db (a role allowed to CREATE DATABASE) or run .ci/run",
    )
  return postgresUrl
}

const asAdmin = async (serverUrl: string, purpose: string, work: (admin: Client) => Promise<unknown>) => {
  const admin = new Client({ connectionString: serverUrl })
  try {
    await admin.connect()
    await work(admin)
  } catch (error) {
    throw new Error(`could not ${purpose} on ${withoutPassword(serverUrl)} (TEST_DATABASE_URL): ${String(error)}`, {
      cause: error,
    })
  } finally {
    await admin.end().catch(() => undefined)
  }
}

const withoutPassword = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return "(an unparsable URL)"
  }
}
