import { Client } from "pg"
import { describe, expect, it } from "vitest"
import { freshDatabase, postgresAvailable, postgresUrl, testDatabasePrefix } from "./postgres.js"

const databaseExists = async (name: string): Promise<boolean> => {
  const admin = new Client({ connectionString: postgresUrl })
  await admin.connect()
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
    return rowCount === 1
  } finally {
    await admin.end()
  }
}

if (postgresAvailable) {
  describe("a fresh PostgreSQL database for a test file", () => {
    it("is created empty on the TEST_DATABASE_URL server, answers queries, and is gone after drop", async () => {
      const database = await freshDatabase()
      expect(database.name.startsWith(testDatabasePrefix)).toBe(true)
      expect(new URL(database.url).pathname).toBe(`/${database.name}`)

      const client = new Client({ connectionString: database.url })
      await client.connect()
      const { rows } = await client.query<{ answer: number; database: string }>(
        "SELECT 1 AS answer, current_database() AS database",
      )
      // Left connected on purpose: drop() has to disconnect it. The server ends the session under it.
      client.on("error", () => undefined)

      expect(rows).toEqual([{ answer: 1, database: database.name }])
      await database.drop()
      expect(await databaseExists(database.name)).toBe(false)
      await database.drop()
      await client.end().catch(() => undefined)
    })

    it("is a different database each time", async () => {
      const [first, second] = await Promise.all([freshDatabase(), freshDatabase()])
      try {
        expect(first.name).not.toBe(second.name)
      } finally {
        await Promise.all([first.drop(), second.drop()])
      }
    })
  })
} else if (process.env.CI === "true") {
  describe("PostgreSQL in CI", () => {
    it("has TEST_DATABASE_URL set, since CI must never silently skip the PostgreSQL tests", () => {
      expect.fail("CI=true but TEST_DATABASE_URL is not set: run CI through .ci/run, which starts or finds PostgreSQL")
    })
  })
} else {
  describe("PostgreSQL", () => {
    it("PostgreSQL tests need TEST_DATABASE_URL (not set outside CI)", () => {
      expect(postgresUrl).toBeUndefined()
    })
  })
}
