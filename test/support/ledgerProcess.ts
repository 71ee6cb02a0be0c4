/**
 * @module The real server as a separate process — `node src/cli/bin.mjs serve --empty`, as an
 * operator runs it — so that a test can SIGKILL it mid-request and start it again on the same store.
 * Ready means `GET /healthz` answers (not a line of its output, whose wording is the CLI's business).
 *
 * @example
 * const server = await spawnLedger({ store: { dataDir } })
 * await server.kill() // SIGKILL: no shutdown code runs
 * const again = await spawnLedger({ store: { dataDir } })
 */
import { type ChildProcess, spawn } from "node:child_process"
import { readFile } from "node:fs/promises"
import { createServer } from "node:net"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { createApiKey } from "../../src/store/apiKeys.js"
import type { StoreLocation } from "../../src/store/EventStore.js"
import { migrate } from "../../src/store/migrations.js"
import { openPostgres } from "../../src/store/postgres.js"

const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url))

export type LedgerProcess = {
  readonly url: string
  readonly pid: number
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string
  /** SIGKILL: no shutdown code runs, like a crash or the OOM killer. Resolves once it has exited. */
  kill(): Promise<void>
  /** Whether it is still running. */
  alive(): boolean
}

const everyProcess = new Set<ChildProcess>()

/**
 * SIGKILLs every server this process started that still runs: for `afterAll`, so that a test that
 * fails or times out (even mid-start) leaves no server holding a port, a data directory or a database.
 */
export const killEveryLedger = async (): Promise<void> => {
  const exits = [...everyProcess].map(
    (child) =>
      new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once("exit", resolve),
      ),
  )
  for (const child of everyProcess) child.kill("SIGKILL")
  await Promise.all(exits)
}
process.once("exit", () => {
  for (const child of everyProcess) child.kill("SIGKILL")
})

/** A port nobody listens on now, from the kernel (bound to 0, then released). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once("error", reject)
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port")),
      )
    })
  })

/**
 * Starts `ledger serve --empty` on `store` and resolves once it answers `/healthz`, or rejects with
 * its output when it exits first or is not up within `readyWithinMs`.
 */
export const spawnLedger = async (options: {
  readonly store: StoreLocation
  /** More settings, e.g. `LEDGER_DURABILITY`. */
  readonly env?: Readonly<Record<string, string>>
  readonly readyWithinMs?: number
}): Promise<LedgerProcess> => {
  const port = await freePort()
  const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, ...inherited } = process.env
  const child = spawn(process.execPath, ["src/cli/bin.mjs", "serve", "--empty"], {
    cwd: repositoryRoot,
    env: {
      ...inherited,
      PORT: String(port),
      HOST: "127.0.0.1",
      ...("dataDir" in options.store
        ? { LEDGER_DATA_DIR: options.store.dataDir }
        : { DATABASE_URL: options.store.databaseUrl }),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  })
  everyProcess.add(child)
  let printed = ""
  child.stdout?.on("data", (chunk: Buffer) => (printed += chunk.toString()))
  child.stderr?.on("data", (chunk: Buffer) => (printed += chunk.toString()))
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    child.once("exit", () => {
      everyProcess.delete(child)
      resolve()
    })
  })
  const url = `http://127.0.0.1:${port}`
  const server: LedgerProcess = {
    url,
    pid: child.pid as number,
    output: () => printed,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: async () => {
      if (server.alive()) child.kill("SIGKILL")
      await exited
    },
  }
  const deadline = Date.now() + (options.readyWithinMs ?? 180_000)
  for (;;) {
    if (!server.alive()) throw new Error(`the server (pid ${server.pid}) exited before it was ready:\n${printed}`)
    const healthy = await fetch(`${url}/healthz`).then(
      (answer) => answer.ok,
      () => false,
    )
    if (healthy) return server
    if (Date.now() > deadline) {
      await server.kill()
      throw new Error(
        `the server (pid ${server.pid}) did not answer ${url}/healthz within ${options.readyWithinMs ?? 180_000} ms:\n${printed}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The admin key a first start of the embedded store saved beside its data. */
export const savedAdminKey = async (dataDir: string): Promise<string> =>
  (await readFile(path.join(dataDir, "admin-key.txt"), "utf8")).trim()

/**
 * Prepares a PostgreSQL database for servers started by a test: migrated, with an admin key made
 * as `ledger keys create` would. (A first start would print one, but several instances starting
 * together on an empty database may each print one of their own.)
 */
export const preparePostgres = async (databaseUrl: string): Promise<string> => {
  const db = await openPostgres(databaseUrl)
  try {
    await migrate(db)
    return (await createApiKey(db, { name: "test admin", scopes: ["admin"] })).token
  } finally {
    await db.close()
  }
}
