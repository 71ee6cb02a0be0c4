/**
 * The `ledger` command as a user runs it: `node src/cli/bin.mjs …` in a child process, on a PGlite data
 * directory of this file's own (one directory for the whole file: a new one takes seconds to start).
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(repoRoot, "src/cli/bin.mjs")
// Each command starts PGlite: about 5 s on an idle machine, measured at 20 s on a loaded two-core one.
const slow = { timeout: 120_000 }
/** A command still running by then is stopped, so that it does not hold the data directory for the next test. */
const commandTimeoutMs = 110_000

const workDir = mkdtempSync(path.join(tmpdir(), "ledger-cli-"))
const dataDir = path.join(workDir, "data")
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

/** The environment of a user whose store is `dataDir`: no DATABASE_URL of the test run leaks in. */
const storeEnv = (): NodeJS.ProcessEnv => {
  const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, ...env } = process.env
  return { ...env, LEDGER_DATA_DIR: dataDir }
}

type Run = { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs `ledger …args` to completion. */
const ledger = (...args: string[]): Promise<Run> => ledgerWith({}, ...args)

/** Runs `ledger …args` to completion, with more environment variables. */
const ledgerWith = (env: Record<string, string>, ...args: string[]): Promise<Run> =>
  new Promise((resolve) =>
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: repoRoot, env: { ...storeEnv(), ...env }, timeout: commandTimeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    ),
  )

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "")

describe("ledger, the command", () => {
  it("lists its subcommands on --help and exits 0", slow, async () => {
    const run = await ledger("--help")

    expect(run.code).toBe(0)
    for (const command of ["serve", "demo", "migrate", "keys", "events"])
      expect(run.stdout).toMatch(new RegExp(`^\\s+${command}\\s+\\S`, "m"))
  })

  it("has a --help, with a description, on its subcommands", slow, async () => {
    const commands = [["keys", "create"], ["migrate"], ["events", "import"]]

    // In parallel: help opens no store.
    const runs = await Promise.all(commands.map((command) => ledger(...command, "--help")))

    for (const [index, run] of runs.entries()) {
      expect(run.code, commands[index]!.join(" ")).toBe(0)
      expect(run.stdout).toMatch(/DESCRIPTION\n\s+\S/)
    }
    expect(runs[0]!.stdout).toContain("--scopes")
  })

  it("refuses an unknown flag with a one-line reason and a non-zero exit", slow, async () => {
    const run = await ledger("keys", "list", "--colour")

    expect(run.code).not.toBe(0)
    expect(lines(run.stderr)).toEqual([
      "ledger keys list: Unrecognized flag: --colour in command ledger keys list (see `ledger keys list --help`)",
    ])
    expect(run.stdout).toBe("")
  })

  it("refuses a scope it does not know, naming it", slow, async () => {
    const run = await ledger("keys", "create", "--name", "ops", "--scopes", "read,delete")

    expect(run.code).not.toBe(0)
    expect(lines(run.stderr)).toHaveLength(1)
    expect(run.stderr).toContain('"delete" is not a scope')
    expect(run.stderr).toContain("ingest, read, admin")
  })
})

describe("ledger migrate", () => {
  it("applies every migration to a new store, then says it is up to date", slow, async () => {
    const first = await ledger("migrate")
    const second = await ledger("migrate")

    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^Applied migration 1: event log$/m)
    expect(first.stdout).toMatch(/^Applied migration 2: api keys$/m)
    expect(second.code).toBe(0)
    expect(lines(second.stdout)).toHaveLength(1)
    expect(second.stdout).toMatch(/^The store at .* is up to date \(schema version \d+\)\.$/m)
  })
})

describe("ledger keys", () => {
  let keyId: string

  it("creates a key and prints its token once, saying it will not be shown again", slow, async () => {
    const run = await ledger("keys", "create", "--name", "aircall webhook", "--scopes", "ingest,read")

    expect(run.code).toBe(0)
    const token = /^\s+(olk_([0-9a-f]{12})_\S+)$/m.exec(run.stdout)
    expect(token).not.toBeNull()
    keyId = token![2]!
    expect(run.stdout).toContain("will not be shown again")
  })

  it("prints only the token with --quiet", slow, async () => {
    const run = await ledger("keys", "create", "--name", "ci", "--scopes", "admin", "--quiet")

    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^olk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/)
  })

  it("lists the keys as a table and as JSON, without their secrets", slow, async () => {
    const table = await ledger("keys", "list")
    const json = await ledger("keys", "list", "--json")

    expect(table.code).toBe(0)
    expect(lines(table.stdout)[0]).toMatch(/^ID\s+NAME\s+SCOPES\s+CREATED\s+REVOKED$/)
    expect(table.stdout).toMatch(new RegExp(`^${keyId}\\s+aircall webhook\\s+ingest,read\\s+\\S+Z\\s+-$`, "m"))
    expect(table.stdout).not.toContain("olk_")
    expect(JSON.parse(json.stdout)).toEqual([
      { keyId, name: "aircall webhook", scopes: ["ingest", "read"], createdAt: expect.any(String), revokedAt: null },
      { keyId: expect.any(String), name: "ci", scopes: ["admin"], createdAt: expect.any(String), revokedAt: null },
    ])
  })

  it("revokes a key, which the list then shows revoked", slow, async () => {
    const revoke = await ledger("keys", "revoke", keyId)
    const list = await ledger("keys", "list", "--json")

    expect(revoke.code).toBe(0)
    expect(revoke.stdout).toContain(`Revoked API key ${keyId}`)
    const revoked = (JSON.parse(list.stdout) as Array<{ keyId: string; revokedAt: string | null }>).find(
      (k) => k.keyId === keyId,
    )
    expect(Date.parse(revoked!.revokedAt!)).not.toBeNaN()
  })

  it("refuses to revoke a key that is not active, saying why", slow, async () => {
    const again = await ledger("keys", "revoke", keyId)
    const unknown = await ledger("keys", "revoke", "0123456789ab")

    expect(again.code).not.toBe(0)
    expect(lines(again.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^ledger: API key ${keyId} \\("aircall webhook"\\) was already revoked at `)),
    ])
    expect(unknown.code).not.toBe(0)
    expect(lines(unknown.stderr)).toEqual([
      "ledger: no API key has the id 0123456789ab; `ledger keys list` shows the ids",
    ])
  })
})

describe("commands on a data directory that `ledger serve` holds", () => {
  // A directory of its own: the server's first start on it saves the admin key the commands use.
  const heldDir = path.join(workDir, "held")
  const held = { LEDGER_DATA_DIR: heldDir }
  const onHeld = (...args: string[]) => ledgerWith(held, ...args)
  let server: ChildProcessWithoutNullStreams
  let url: string

  beforeAll(async () => {
    server = spawn(process.execPath, [bin, "serve", "--port", "0", "--empty"], {
      cwd: repoRoot,
      env: { ...storeEnv(), ...held },
    })
    url = await new Promise<string>((resolve, reject) => {
      let output = ""
      server.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        output += chunk
        const listening = /listening on (http:\/\/\S+)/.exec(output)
        if (listening !== null) resolve(listening[1] as string)
      })
      server.on("exit", (code) => reject(new Error(`ledger serve exited (${code}) before listening: ${output}`)))
    })
  }, 120_000)
  afterAll(async () => {
    const exited = new Promise((resolve) => server.once("close", resolve))
    server.kill("SIGTERM")
    await exited
  })

  it("refuses one that opens the store, in one line naming the holder, with a non-zero exit", slow, async () => {
    const run = await onHeld("migrate")

    expect(run.code).not.toBe(0)
    expect(lines(run.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^ledger: cannot open the store: the data directory ${escaped(heldDir)} is in use by process ${server.pid} \\(started [^)]+\\); ` +
            "stop that process or point LEDGER_DATA_DIR at another directory$",
        ),
      ),
    ])
  })

  it("manages the keys through the server: create, list and revoke, with the saved admin key", slow, async () => {
    const created = await onHeld("keys", "create", "--name", "dashboard", "--scopes", "read", "--quiet")
    expect(created.stderr).toBe("")
    expect(created.code).toBe(0)
    const token = created.stdout.trim()
    expect(token).toMatch(/^olk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/)
    const keyId = token.slice(4, 16)
    // The server knows the key at once: it made it.
    expect((await fetch(`${url}/v1/reps`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)

    const listed = await onHeld("keys", "list", "--json")
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toContainEqual({
      keyId,
      name: "dashboard",
      scopes: ["read"],
      createdAt: expect.any(String),
      revokedAt: null,
    })

    const revoked = await onHeld("keys", "revoke", keyId)
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toContain(`Revoked API key ${keyId}`)
    expect((await fetch(`${url}/v1/reps`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
    const again = await onHeld("keys", "revoke", keyId)
    expect(lines(again.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^ledger: API key ${keyId} \\("dashboard"\\) was already revoked at `)),
    ])
  })

  it("says which key the server refused, and what to set instead", slow, async () => {
    const run = await ledgerWith({ ...held, LEDGER_ADMIN_KEY: `olk_000000000000_${"x".repeat(43)}` }, "keys", "list")

    expect(run.code).not.toBe(0)
    expect(lines(run.stderr)).toEqual([
      `ledger: the server at ${url} refused the admin key from LEDGER_ADMIN_KEY (the API key is unknown or revoked); set LEDGER_ADMIN_KEY to an active admin key`,
    ])
  })
})
