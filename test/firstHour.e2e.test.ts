/**
 * @module The first hour, as a new user lives it: `npm start` on an empty data directory (a real
 * process, as the README says), which answers every `/healthz` probe all through its demo load and
 * ends with the ready line, the whole demo stored and folded; a read-only key made with `ledger keys create` while it runs; that
 * key signing in to the dashboard in Chromium, which shows this quarter's demo team and a monthly
 * series whose last month is not empty; and a restart, which prints the ready line again.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { dayKeyOf } from "../projections/index.js"
import { dayNumberOf, isWorkingDay, localInstant } from "../src/demo/calendar.js"
import { generateDemoTeam } from "../src/demo/generateDemoTeam.js"
import type { DemoPlan } from "../src/demo/loadDemo.js"
import { freePort } from "./support/ledgerProcess.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const workDir = mkdtempSync(path.join(tmpdir(), "ledger-first-hour-"))
const dataDir = path.join(workDir, "data")

/** `npm start` as a user runs it, in its own process group (npm, and the server under it). */
type Started = { readonly child: ChildProcess; output: string; readonly exited: Promise<number | null> }

const npmStart = (port: number): Started => {
  const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, LEDGER_LOG_LEVEL: _level, ...env } = process.env
  const child = spawn("npm", ["start"], {
    cwd: repoRoot,
    env: { ...env, LEDGER_DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  })
  const started: Started = {
    child,
    output: "",
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
  }
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (started.output += chunk))
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (started.output += chunk))
  return started
}

/**
 * SIGTERM to npm and the server under it; resolves once the server has said it stopped (npm itself
 * exits at once, the server after its graceful shutdown), or after a minute.
 */
const stop = async (started: Started | undefined): Promise<void> => {
  if (started === undefined || started.child.exitCode !== null || started.child.signalCode !== null) return
  process.kill(-(started.child.pid as number), "SIGTERM")
  await started.exited
  for (const deadline = Date.now() + 60_000; !/"msg":"stopped"/.test(started.output) && Date.now() < deadline; )
    await new Promise((resolve) => setTimeout(resolve, 100))
}

const waitFor = async (started: Started, pattern: RegExp, withinMs: number): Promise<RegExpExecArray> => {
  const deadline = Date.now() + withinMs
  for (;;) {
    const match = pattern.exec(started.output)
    if (match !== null) return match
    if (started.child.exitCode !== null) throw new Error(`npm start exited before ${pattern}:\n${started.output}`)
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${withinMs} ms:\n${started.output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * A GET, sent again once when the server closed the kept-alive connection as it was reused (an idle
 * connection's timeout racing the next request: "other side closed", not a refusal to answer).
 */
const get = async (url: string, init: RequestInit): Promise<Response> => {
  try {
    return await fetch(url, init)
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code !== "UND_ERR_SOCKET") throw error
    return fetch(url, init)
  }
}

/** Working days (the demo team's New York calendar) from `from` to `to`, both included. */
const workingDays = (from: string, to: string): number => {
  let count = 0
  for (let day = dayNumberOf(from); day <= dayNumberOf(to); day++) if (isWorkingDay(day)) count++
  return count
}

describe("the first hour: npm start on an empty data directory", () => {
  let port: number
  let url: string
  let first: Started
  let restarted: Started | undefined
  let readKey: string
  let browser: Browser | undefined

  beforeAll(async () => {
    port = await freePort()
    url = `http://127.0.0.1:${port}`
    first = npmStart(port)
  })
  afterAll(async () => {
    await browser?.close()
    await stop(restarted)
    await stop(first)
    rmSync(workDir, { recursive: true, force: true })
  })

  it("answers every /healthz probe all through the first start's demo load, and is ready with the whole demo folded", async () => {
    await waitFor(first, /listening on http:\/\/127\.0\.0\.1:\d+/, 180_000)
    // A probe every 250 ms, each timed on its own: a stalled event loop shows as a slow answer. The
    // bound is generous (the machine may be busy with other tests): a server that stops answering
    // while it loads took 15–22 s; how fast it answers is bench/responsiveness.ts's business.
    const answers: Array<{ readonly ms: number; readonly status: number | string }> = []
    const probes: Array<Promise<void>> = []
    const probe = async () => {
      const sent = performance.now()
      const status = await get(`${url}/healthz`, { signal: AbortSignal.timeout(60_000) }).then(
        (answer) => answer.status,
        (error: Error) => error.name,
      )
      answers.push({ ms: performance.now() - sent, status })
    }
    const timer = setInterval(() => probes.push(probe()), 250)
    try {
      await waitFor(first, /^Ready: .*$/m, 900_000)
    } finally {
      clearInterval(timer)
      await Promise.all(probes)
    }

    const loaded = /Loaded the demo team \(seed 7\): ([\d,]+) events from \d{4}-\d{2}-\d{2} to today/.exec(first.output)
    expect(loaded, first.output).not.toBeNull()
    expect(answers.length).toBeGreaterThan(20)
    const unanswered = answers.filter((answer) => answer.status !== 200 || answer.ms >= 5_000)
    expect(unanswered, `of ${answers.length} probes`).toEqual([])
    const ready = (await waitFor(first, /^Ready: .*$/m, 0))[0]
    expect(ready).toContain(`the dashboard is at ${url}/`)
    expect(ready).toContain(`the admin key in ${path.join(dataDir, "admin-key.txt")}`)
    expect(ready).toContain("ledger keys create --name dashboard --scopes read")

    // The whole demo is in and folded: the plan kept in its first event, generated again here, makes
    // as many events as the start loaded and as the scorecards applied.
    const adminKey = readFileSync(path.join(dataDir, "admin-key.txt"), "utf8").trim()
    const asAdmin = { headers: { authorization: `Bearer ${adminKey}` } }
    const firstPage = await (await get(`${url}/v1/events?limit=1`, asAdmin)).json()
    const plan = firstPage.events[0].metadata.demoPlan as DemoPlan
    const until = localInstant(dayNumberOf(plan.endDate) + 1, 0)
    let generated = 0
    for (const _ of generateDemoTeam({ seed: 7, ...plan, until })) generated++
    expect(Number(loaded?.[1]?.replaceAll(",", ""))).toBe(generated)
    const { generations } = await (await get(`${url}/v1/admin/read-models`, asAdmin)).json()
    expect(generations).toEqual([expect.objectContaining({ status: "active", eventsApplied: generated })])
  }, 960_000)

  it("makes a read-only key with `ledger keys create` while the server runs", async () => {
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["src/cli/bin.mjs", "keys", "create", "--name", "dashboard", "--scopes", "read", "--quiet"],
        { cwd: repoRoot, env: { ...process.env, LEDGER_DATA_DIR: dataDir, DATABASE_URL: "" }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, stdout, stderr }),
      ),
    )

    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    readKey = run.stdout.trim()
    expect(readKey).toMatch(/^olk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
  }, 150_000)

  it("signs in with that key in Chromium and sees this quarter's demo team, its last month not empty", async () => {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"] })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" })
    const page = await context.newPage()
    const errors: string[] = []
    page.on("pageerror", (error) => errors.push(error.message))
    await page.goto(url)
    await page.getByLabel("API key").fill(readKey)
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.getByRole("heading", { name: "Team: effort against yield" }).waitFor()

    const ledgerContext = await (
      await fetch(`${url}/ui/context`, { headers: { authorization: `Bearer ${readKey}` } })
    ).json()
    const today: string = ledgerContext.today
    expect(today).toBe(dayKeyOf(Date.now(), "America/New_York"))
    expect(ledgerContext.demo).toBe(true)
    const quarter = ledgerContext.presets.thisQuarter as { from: string; to: string }

    // The team view opens on this quarter's AEs, with a tab per cohort: the whole team (25 selling
    // reps and their managers) is listed across the tabs, each AE in the ranked table, and a point
    // per AE compared (on the team all quarter, 100 activities: a few working days of the demo's).
    const rows = page.locator("table.ranking tbody tr")
    await rows.first().waitFor()
    const listed = await page
      .locator(".cohort-tabs [data-cohort]")
      .evaluateAll((tabs) => tabs.map((tab) => Number((tab as HTMLElement).dataset.count)))
    expect(listed.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(25)
    const aes = listed[0] ?? 0
    expect(aes).toBeGreaterThan(15)
    expect(await rows.count()).toBe(aes)
    const plotted = Number(
      await page.locator("#team-scatter").evaluate((canvas) => canvas.closest("figure")?.dataset.points),
    )
    if (workingDays(quarter.from, today) >= 5) expect(plotted).toBeGreaterThan(aes / 2)
    mkdirSync(path.join(repoRoot, "test-artifacts"), { recursive: true })
    await page.screenshot({ path: path.join(repoRoot, "test-artifacts", "first-hour-team.png"), fullPage: true })

    // A rep's series by month over the last twelve months ends with this month, and it has activity.
    const repLink = rows.first().locator("a")
    const repId = decodeURIComponent(
      ((await repLink.getAttribute("href")) ?? "").split("?")[0]?.split("/").at(-1) ?? "",
    )
    const last12 = ledgerContext.presets.last12Months as { from: string; to: string }
    const scorecard = await (
      await fetch(
        `${url}/v1/reps/${encodeURIComponent(repId)}/scorecard?from=${last12.from}&to=${today}&bucket=month`,
        {
          headers: { authorization: `Bearer ${readKey}` },
        },
      )
    ).json()
    const months = scorecard.series as Array<{ from: string; to: string; metrics: { activities: number } }>
    expect(months).toHaveLength(12)
    expect(months.at(-1)?.to).toBe(today)
    const thisMonth = `${today.slice(0, 8)}01`
    if (workingDays(thisMonth, today) > 1)
      expect(months.at(-1)?.metrics.activities, `${repId}'s activities in ${thisMonth}…${today}`).toBeGreaterThan(0)
    // The month before is whole, and the demo's: no collapse at the end.
    expect(months.at(-2)?.metrics.activities).toBeGreaterThan(0)
    await page.goto(`${url}/#/rep/${encodeURIComponent(repId)}?from=${last12.from}&to=${today}&bucket=month`)
    await page.locator("#rep-series").waitFor()
    expect(await page.locator("#rep-series").getAttribute("aria-label")).toMatch(/over 12 months/)
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it("restarts: stopped with SIGTERM, npm start again prints the ready line, and leaves the demo as it is", async () => {
    await stop(first)
    // Stopped gracefully: the server said so, and its data directory's lock and address are gone.
    expect(first.output).toMatch(/"msg":"stopped"/)
    restarted = npmStart(port)

    const ready = (await waitFor(restarted, /^Ready: .*$/m, 300_000))[0]

    expect(ready).toContain(`the dashboard is at ${url}/`)
    expect(ready).toContain(`the admin key in ${path.join(dataDir, "admin-key.txt")}`)
    expect(restarted.output).not.toMatch(/First start|Loaded the demo team/)
    expect((await fetch(`${url}/v1/reps`, { headers: { authorization: `Bearer ${readKey}` } })).status).toBe(200)
  }, 330_000)
})
