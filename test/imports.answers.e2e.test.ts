/**
 * An import always answers, whatever the file: a header without the required columns, a stray quote, bytes that
 * are not UTF-8, a binary file — over HTTP against a listening server and from `ledger import` — and its spooled
 * upload is removed on every path: answered, refused, abandoned by its client, left behind by a killed process.
 * (Each of the first cases never answered while the first pass's early stop left the file's reader waiting.)
 */
import { execFile } from "node:child_process"
import { randomBytes } from "node:crypto"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import http from "node:http"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { uploadsFolder } from "../src/http/uploadSpool.js"
import { copyTemplateInto } from "./support/dataDirs.js"
import {
  expectNothingStored,
  expectProblem,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const bin = path.join(repoRoot, "src/cli/bin.mjs")
// A hang shows as this timeout; each answer is expected long before it (a CLI run starts PGlite: 20 s when loaded).
const slow = { timeout: 120_000 }

const workDir = mkdtempSync(path.join(tmpdir(), "ledger-imports-answers-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

const dealHeader = "dealId,owner,account,stage,openedAt,closeDate,amount"
const dealRow = (n: number) => `D${n},ana,Acme ${n},won,2026-01-05,2026-02-10,1000`
/** `count` valid deal rows after `header`, with `replace` putting other text at some lines (1 is the header). */
const dealsFile = (count: number, replace: Readonly<Record<number, string>> = {}, header = dealHeader): string => {
  const lines = [header, ...Array.from({ length: count }, (_, i) => dealRow(i + 1))]
  for (const [line, text] of Object.entries(replace)) lines[Number(line) - 1] = text
  return `${lines.join("\n")}\n`
}

// 20,000 rows (about 1 MB): far past the 16 KiB a reader buffers, where an early stop used to leave it waiting.
const badHeader = dealsFile(20_000, {}, "Opportunity,Owner,Account,Stage,Created,Closed,Amount")
const strayQuote = dealsFile(20_000, { 10001: 'D10000,ana,Ac"me,won,2026-01-05,2026-02-10,1000' })
/** A 737-byte file with a quote in the middle of its 12th line. */
const smallStrayQuote = (() => {
  const text = dealsFile(14, { 12: 'D11,ana,Ac"me,won,2026-01-05,2026-02-10,1000' })
  return text.padEnd(737, "\n")
})()
const notUtf8 = Buffer.concat([
  Buffer.from(dealsFile(3_000)),
  Buffer.from("D9,ana,Caf\xe9,won,2026-01-05,2026-02-10,1\n", "latin1"),
])

/** This process's uploads now (the folder holds every server's; ours are named by our pid). */
const ourUploads = () =>
  existsSync(uploadsFolder()) ? readdirSync(uploadsFolder()).filter((e) => e.startsWith(`${process.pid}-`)) : []

describe("an import answers whatever the file, from `ledger import`", () => {
  const file = (name: string, content: string | Buffer) => {
    const where = path.join(workDir, name)
    writeFileSync(where, content)
    return where
  }
  const ledger = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, ...inherited } = process.env
      execFile(
        process.execPath,
        [bin, ...args],
        { cwd: workDir, env: { ...inherited, ...env }, timeout: 100_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
      ).stdin?.end()
    })

  it("refuses a 20,000-row file whose header lacks the columns, on a real store, and exits 1", slow, async () => {
    const dataDir = path.join(workDir, "store")
    await copyTemplateInto(dataDir)
    const run = await ledger(["import", "deals", file("bad-header.csv", badHeader)], { LEDGER_DATA_DIR: dataDir })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/line 1: the header has no column "dealId"/)
    expect(run.stderr).toMatch(/nothing was imported/)
  })

  it("refuses a stray quote in a 20,000-row file and in a 737-byte one, naming the line", slow, async () => {
    expect(Buffer.byteLength(smallStrayQuote)).toBe(737)
    const large = await ledger(["import", "deals", file("stray.csv", strayQuote), "--dry-run"])
    expect(large.code).toBe(1)
    expect(large.stderr).toMatch(/line 10001: a quote in the middle of a field/)
    const small = await ledger(["import", "deals", file("stray-small.csv", smallStrayQuote), "--dry-run"])
    expect(small.code).toBe(1)
    expect(small.stderr).toMatch(/line 12: a quote in the middle of a field/)
  })

  it("refuses bytes that are not UTF-8 and a binary file, rather than reading U+FFFD", slow, async () => {
    const latin1 = await ledger(["import", "deals", file("latin1.csv", notUtf8), "--dry-run"])
    expect(latin1.code).toBe(1)
    // The é of "Café" on line 3,002, after 3,001 lines of the file.
    const offset = Buffer.byteLength(dealsFile(3_000)) + "D9,ana,Caf".length
    expect(latin1.stderr).toMatch(new RegExp(`line 3002: the file is not UTF-8 text: the byte at offset ${offset}`))
    const binary = await ledger(["import", "deals", file("binary.csv", randomBytes(200_000)), "--dry-run"])
    expect(binary.code).toBe(1)
    expect(binary.stderr).toMatch(/not UTF-8 text|NUL characters/)
    const utf16 = await ledger([
      "import",
      "deals",
      file("utf16.csv", Buffer.from(dealsFile(10), "utf16le")),
      "--dry-run",
    ])
    expect(utf16.code).toBe(1)
    expect(utf16.stderr).toMatch(/NUL characters.*UTF-16/)
  })
})

describe.each(serverBackends)("POST /v1/imports/{kind} answers whatever the file on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
  }, 180_000)
  afterAll(() => server?.close())

  const post = (pathAndQuery: string, body: BodyInit) =>
    server.request(pathAndQuery, { method: "POST", body, headers: { "content-type": "text/csv" } })

  it("refuses a 20,000-row body whose header lacks the columns, and keeps no upload", slow, async () => {
    const answer = await expectNothingStored(server, () => post("/v1/imports/deals", badHeader))
    expectProblem(answer, 422, [/line 1: the header has no column "dealId"/])
    expect(ourUploads()).toEqual([])
  })

  it("refuses a stray quote in a 20,000-row body and in a 737-byte one, naming the line", slow, async () => {
    const large = await expectNothingStored(server, () => post("/v1/imports/deals", strayQuote))
    expectProblem(large, 422, [/line 10001: a quote in the middle of a field/])
    const small = await expectNothingStored(server, () => post("/v1/imports/deals?dryRun=true", smallStrayQuote))
    expectProblem(small, 422, [/line 12: a quote in the middle of a field/])
    expect(ourUploads()).toEqual([])
  })

  it("refuses a binary body and a UTF-16 one", slow, async () => {
    expectProblem(await post("/v1/imports/deals", new Uint8Array(randomBytes(300_000))), 400, [/not valid UTF-8/])
    const utf16 = await post("/v1/imports/deals", new Uint8Array(Buffer.from(dealsFile(10), "utf16le")))
    expectProblem(utf16, 422, [/NUL characters/])
    expect(ourUploads()).toEqual([])
  })

  it(
    "removes the upload of a client that goes away while sending, and of one that goes away while it imports",
    slow,
    async () => {
      const target = new URL("/v1/imports/deals", server.url)
      const send = (body: string, options: { declared: number; leaveAfterMs: number }) =>
        new Promise<void>((resolve) => {
          const request = http.request(target, {
            method: "POST",
            headers: {
              authorization: `Bearer ${server.adminKey}`,
              "content-type": "text/csv",
              "content-length": String(options.declared),
            },
          })
          request.on("error", () => resolve())
          request.on("response", (response) => {
            response.resume()
            resolve()
          })
          request.write(body)
          setTimeout(() => {
            request.destroy()
            resolve()
          }, options.leaveAfterMs)
        })
      // Half a body: the server waits for the rest, its upload open, until the client leaves.
      const half = dealsFile(5_000)
      await send(half, { declared: Buffer.byteLength(half) * 2, leaveAfterMs: 1_500 })
      await until(() => ourUploads().length === 0)
      // A whole body of 20,000 rows to import, left while importing: the import stops, its upload goes.
      const whole = dealsFile(20_000)
      await send(whole, { declared: Buffer.byteLength(whole), leaveAfterMs: 300 })
      await until(() => ourUploads().length === 0)
      // The server answers on: the import that was left does not hold it.
      expect((await server.request("/healthz")).status).toBe(200)
    },
  )
})

describe("a server's start", () => {
  it("removes the uploads of processes no longer running, and keeps those of live ones", slow, async () => {
    const folder = uploadsFolder()
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    // A pid past any the kernel hands out (pid_max is at most 2^22) is no running process.
    const dead = path.join(folder, "4194999-1700000000000-abc123")
    const live = path.join(folder, `${process.ppid}-1700000000000-def456`)
    for (const dir of [dead, live]) {
      mkdirSync(dir, { recursive: true })
      writeFileSync(path.join(dir, "deals.csv"), dealsFile(10))
    }
    const [backend] = serverBackends
    const server = await startTestServer(backend as (typeof serverBackends)[number])
    try {
      expect(existsSync(dead)).toBe(false)
      expect(existsSync(live)).toBe(true)
    } finally {
      rmSync(live, { recursive: true, force: true })
      await server.close()
    }
  })
})

const until = async (condition: () => boolean, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("the condition did not hold in time")
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
