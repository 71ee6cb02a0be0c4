/**
 * @module The dashboard end to end: a real server on a small demo team (8 reps, 6 months), driven
 * in Debian's chromium through playwright-core. Signing in and out; the team scatter drawing one
 * point per rep; the ranked table showing the API's numbers as people read them; the rep's funnel
 * with its conversions; the what-if answering a new coverage target; the target accounts and the
 * ingestion status; a phone's width; no console error anywhere. Each view's screenshot is saved
 * in test-artifacts/. Last, the session store itself on a real store, with a clock the test moves:
 * revocation, expiry, sign-out.
 */
import { mkdir, rm } from "node:fs/promises"
import path from "node:path"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { loadDemoTeam } from "../src/demo/index.js"
import { createSessionStore, idleLimitMs, lifetimeMs } from "../src/http/dashboard/session.js"
import { createApiKey, revokeApiKey } from "../src/store/apiKeys.js"
import { openDatabase } from "../src/store/EventStore.js"
import { migrate } from "../src/store/migrations.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { freshDataDir } from "./support/dataDirs.js"
import { type ServerBackend, startTestServer, type TestServer } from "./support/server.js"

const artifacts = path.resolve("test-artifacts")
// The demo's history ends on 2026-11-20 (its default end date); the views look at its last three months.
const window = { from: "2026-08-21", to: "2026-11-20" }
const windowQuery = `from=${window.from}&to=${window.to}`

/** A fresh PGlite directory holding the demo team, loaded before the server opens it. */
const demoBackend: ServerBackend = {
  name: "pglite",
  prepare: async () => {
    const dataDir = await freshDataDir("ledger-dashboard-")
    const discard = () => rm(dataDir, { recursive: true, force: true })
    try {
      const db = await openDatabase({ dataDir })
      try {
        await migrate(db)
        await loadDemoTeam(db, { seed: 7, reps: 8, months: 6, scale: 0.2, batchSize: 5_000 })
      } finally {
        await db.close()
      }
    } catch (error) {
      await discard()
      throw error
    }
    return { store: { dataDir }, discard }
  },
}

// Numbers as a person reads them in en-US (the browser's locale below): worked out here, not taken from the page's code.
const none = "—"
const count = (v: number | null) =>
  v === null ? none : new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(v)
const oneDecimal = (v: number | null) =>
  v === null ? none : new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)
const percent = (v: number | null) =>
  v === null
    ? none
    : new Intl.NumberFormat("en-US", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)
const money = (currency: string) => (v: number | null) =>
  v === null
    ? none
    : new Intl.NumberFormat("en-US", {
        style: "currency",
        currency,
        minimumFractionDigits: 0,
        maximumFractionDigits: 0,
      }).format(v)
const quadrantWords: Record<string, string> = {
  focused: "Focused",
  grinding: "Grinding",
  spraying: "Spraying",
  idle: "Idle",
}

describe("the dashboard in a real browser", () => {
  let server: TestServer
  let browser: Browser
  let readKey: string
  let currency: (v: number | null) => string

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([
      startTestServer(demoBackend),
      chromium.launch({
        executablePath: "/usr/bin/chromium",
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      }),
    ])
    readKey = await server.keyWith(["read"])
    await mkdir(artifacts, { recursive: true })
    // The scorecards are built from the log on the first start: wait until they answer.
    for (let tries = 0; ; tries++) {
      const answer = await server.request(`/v1/team/comparison?${windowQuery}&consistency=strong`)
      if (answer.status === 200) break
      if (tries > 120) throw new Error(`the scorecards never became ready: ${JSON.stringify(answer.body)}`)
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    const context = await server.request("/ui/context")
    expect(context.body).toMatchObject({ demo: true, currency: expect.stringMatching(/^[A-Z]{3}$/) })
    currency = money(context.body.currency)
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  /** A browser tab at 1280×800 in en-US, recording every console error and uncaught exception. */
  const openPage = async (
    viewport = { width: 1280, height: 800 },
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }> => {
    const context = await browser.newContext({ viewport, locale: "en-US", timezoneId: "UTC" })
    const page = await context.newPage()
    const errors: string[] = []
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text())
    })
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`))
    return { context, page, errors }
  }

  const signIn = async (page: Page, key = readKey) => {
    await page.goto(server.url)
    await page.getByLabel("API key").fill(key)
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.locator("header.top").waitFor({ state: "visible" })
  }

  const shoot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(artifacts, `dashboard-${name}.png`), fullPage: true })

  describe("signing in", () => {
    it("refuses a wrong key and a key without the read scope, each with its reason", async () => {
      const { context, page, errors } = await openPage()
      await page.goto(server.url)
      await expect(page.getByRole("heading", { name: "Outcome Ledger" }).isVisible()).resolves.toBe(true)
      await shoot(page, "sign-in")

      await page.getByLabel("API key").fill(`olk_000000000000_${"x".repeat(43)}`)
      await page.getByRole("button", { name: "Sign in" }).click()
      await expect.poll(() => page.locator("#sign-in-error").textContent()).toMatch(/unknown or revoked/)
      await shoot(page, "sign-in-refused")

      await page.getByLabel("API key").fill(await server.keyWith(["ingest"]))
      await page.getByRole("button", { name: "Sign in" }).click()
      await expect.poll(() => page.locator("#sign-in-error").textContent()).toMatch(/"read" scope/)

      expect(await context.cookies()).toEqual([])
      // The browser reports each refused request (401, 403) on its console; nothing else may appear.
      expect(errors.filter((e) => !/status of (401|403)/.test(e))).toEqual([])
      await context.close()
    })

    it("keeps the session in an HttpOnly, SameSite=Strict cookie that is not the key, and signs out", async () => {
      const { context, page, errors } = await openPage()
      await signIn(page)

      const cookies = await context.cookies()
      expect(cookies).toHaveLength(1)
      expect(cookies[0]).toMatchObject({
        name: "ledger_session",
        httpOnly: true,
        sameSite: "Strict",
        path: "/",
        secure: false,
      })
      expect(cookies[0]?.value).not.toContain(readKey.slice(4, 16))
      expect(cookies[0]?.value).not.toContain(readKey.slice(-20))
      // Neither the page's script nor its storage holds the key or the session.
      expect(await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length])).toEqual([
        "",
        0,
        0,
      ])
      expect(await page.evaluate(async () => (await fetch("/v1/reps")).status)).toBe(200)

      await page.getByRole("button", { name: "Sign out" }).click()
      await page.getByLabel("API key").waitFor()
      expect(await page.locator("header.top").isHidden()).toBe(true)
      expect(await context.cookies()).toEqual([])
      expect(await page.evaluate(async () => (await fetch("/v1/reps")).status)).toBe(401)
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([])
      await context.close()
    })

    it("goes back to the sign-in form when the API answers 401", async () => {
      const { context, page, errors } = await openPage()
      await signIn(page)
      await context.clearCookies()

      await page.getByRole("link", { name: "Target accounts" }).click()

      await page.getByLabel("API key").waitFor()
      expect(await page.locator(".notice").textContent()).toMatch(/session ended/)
      expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([])
      await context.close()
    })
  })

  describe("the API keys, for an admin", () => {
    it("lets an admin create a key (its token shown once) and revoke it; a reader sees no Keys view", async () => {
      const { context, page, errors } = await openPage()
      page.on("dialog", (dialog) => dialog.accept())
      await signIn(page, server.adminKey)
      await page.getByRole("link", { name: "Keys" }).click()
      await page.getByRole("heading", { name: "API keys" }).waitFor()

      await page.getByLabel("Name").fill("wallboard")
      await page.getByRole("button", { name: "Create key" }).click()
      const token = (await page.locator("#created-token").textContent()) ?? ""
      expect(token).toMatch(/^olk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/)
      expect(await page.locator("#created-key").textContent()).toMatch(/will not be shown again/)
      expect((await server.request("/v1/reps", { key: token })).status).toBe(200)
      const row = page.locator("tr", { hasText: "wallboard" })
      await expect.poll(() => row.textContent()).toMatch(/read/)
      await shoot(page, "keys")

      await row.getByRole("button", { name: /^Revoke wallboard/ }).click()
      await expect.poll(() => row.textContent()).toMatch(/Revoked/)
      expect((await server.request("/v1/reps", { key: token })).status).toBe(401)
      expect(errors).toEqual([])
      await context.close()

      const reader = await openPage()
      await signIn(reader.page)
      expect(await reader.page.getByRole("link", { name: "Keys" }).isHidden()).toBe(true)
      await reader.page.goto(`${server.url}/#/keys`)
      await reader.page.getByRole("heading", { name: "Team: effort against yield" }).waitFor()
      expect(reader.errors).toEqual([])
      await reader.context.close()
    })
  })

  describe("the session cookie on the API", () => {
    const openSession = async () => {
      const answer = await fetch(`${server.url}/ui/session`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ key: readKey }),
      })
      expect(answer.status).toBe(200)
      const cookie = /ledger_session=([^;]+)/.exec(answer.headers.get("set-cookie") ?? "")?.[1]
      expect(cookie).toBeDefined()
      return {
        cookie: `ledger_session=${cookie}`,
        session: (await answer.json()) as { csrfToken: string; key: { scopes: string[] } },
      }
    }

    it("reads GET routes, but writes nothing: a POST needs the CSRF token, and a session may only read", async () => {
      const { cookie, session } = await openSession()
      expect(session.key.scopes).toEqual(["read"])

      expect((await server.request("/v1/reps", { key: null, headers: { cookie } })).status).toBe(200)
      const event = { type: "RepLeft", occurredAt: "2026-11-20T12:00:00Z", data: { repId: "nobody" } }
      const withoutToken = await server.request("/v1/events", { key: null, headers: { cookie }, json: event })
      expect(withoutToken.status).toBe(403)
      expect(withoutToken.body.detail).toMatch(/x-ledger-csrf/)
      const withToken = await server.request("/v1/events", {
        key: null,
        headers: { cookie, "x-ledger-csrf": session.csrfToken },
        json: event,
      })
      expect(withToken.status).toBe(403)
      expect(withToken.body.detail).toMatch(/needs "ingest"/)
    })

    it("leaves bearer keys as they were: a bad bearer key is refused even beside a good cookie", async () => {
      const { cookie } = await openSession()

      const answer = await server.request("/v1/reps", {
        key: `olk_000000000000_${"x".repeat(43)}`,
        headers: { cookie },
      })

      expect(answer.status).toBe(401)
      expect(answer.body.detail).toBe("the API key is unknown or revoked")
    })

    it("refuses to open or close a session for a page of another origin", async () => {
      const answer = await fetch(`${server.url}/ui/session`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://elsewhere.example" },
        body: JSON.stringify({ key: readKey }),
      })
      expect(answer.status).toBe(403)
      expect(answer.headers.get("set-cookie")).toBeNull()
      const asForm = await fetch(`${server.url}/ui/session`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `key=${readKey}`,
      })
      expect(asForm.status).toBe(415)
    })
  })

  describe("the views", () => {
    it("team: one point per rep on the scatter, the API's numbers in the ranked table, the demo labelled", async () => {
      const { context, page, errors } = await openPage()
      await signIn(page)
      const comparison = (await server.request(`/v1/team/comparison?${windowQuery}`)).body
      const reps: Array<any> = comparison.reps

      await page.goto(`${server.url}/#/team?${windowQuery}`)
      await page.locator("table.ranking tbody tr").first().waitFor()
      await page.waitForFunction(
        () => (window as any).Chart?.getChart(document.getElementById("team-scatter")) !== undefined,
      )

      expect(await page.locator("#demo-badge").isVisible()).toBe(true)
      expect(await page.locator("#demo-badge").textContent()).toBe("Demo data")
      // The AE cohort by default: only its compared (eligible) reps are plotted; the others are named under the chart.
      expect(comparison.cohort).toBe("AE")
      const withYield = reps.filter((rep) => rep.eligible && rep.metrics.meetingYield !== null)
      expect(withYield.length).toBeGreaterThanOrEqual(4)
      // The points the chart drew, read from the chart itself: one per rep with a yield, labelled with the rep's name.
      const drawn = await page.evaluate(() => {
        const chart = (window as any).Chart.getChart(document.getElementById("team-scatter"))
        return chart.getSortedVisibleDatasetMetas().flatMap((meta: any) =>
          meta.data
            .map((point: any, index: number) => ({ point, label: chart.data.datasets[meta.index].data[index].label }))
            .filter(({ point }: any) => !point.skip && Number.isFinite(point.x) && Number.isFinite(point.y))
            .map(({ label }: any) => label),
        )
      })
      expect([...drawn].sort()).toEqual(withYield.map((rep) => rep.name).sort())
      expect(await page.locator("figure.chart-scatter").getAttribute("data-points")).toBe(String(withYield.length))
      // Reps not compared, or without a yield, are named under the chart with the reason rather than dropped silently.
      for (const rep of reps.filter((r) => !r.eligible || r.metrics.meetingYield === null))
        expect(await page.locator("#unplotted").textContent()).toContain(rep.name)
      // A tab per cohort, each with the number of reps it lists.
      for (const role of ["AE", "BDR", "manager", "other"]) {
        const listed = (await server.request(`/v1/team/comparison?${windowQuery}&role=${role}`)).body.reps.length
        expect(await page.locator(`.cohort-tabs [data-cohort="${role}"]`).getAttribute("data-count")).toBe(
          String(listed),
        )
      }

      const rows = page.locator("table.ranking tbody tr")
      expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.row))).toEqual(
        reps.map((rep) => rep.repId),
      )
      for (const rep of reps) {
        const row = page.locator(`table.ranking tr[data-row="${rep.repId}"]`)
        const cell = (column: string) => row.locator(`[data-col="${column}"]`).textContent()
        expect({
          rank: await cell("rank"),
          rep: await cell("rep"),
          team: await cell("team"),
          activities: await cell("activities"),
          meetingsBooked: await cell("meetingsBooked"),
          meetingYield: await cell("meetingYield"),
          winRate: await cell("winRate"),
          wonValue: await cell("wonValue"),
          revenuePerActivity: await cell("revenuePerActivity"),
          quadrant: (await cell("quadrant"))?.replace(/^[●◆▲■]\s*/, ""),
        }).toEqual({
          rank: rep.rank === null ? none : String(rep.rank),
          rep: rep.name,
          team: rep.team ?? none,
          activities: count(rep.metrics.activities),
          meetingsBooked: count(rep.metrics.meetingsBooked),
          meetingYield: oneDecimal(rep.metrics.meetingYield),
          winRate: percent(rep.metrics.winRate),
          wonValue: currency(rep.metrics.wonValue),
          revenuePerActivity: currency(rep.metrics.revenuePerActivity),
          quadrant: rep.quadrant === null ? none : quadrantWords[rep.quadrant],
        })
      }
      const contrast = page.locator(".contrast tbody tr").filter({ hasText: "Activities per rep" })
      expect(await contrast.locator('[data-col="top"]').textContent()).toBe(
        count(comparison.contrast.top.activitiesPerRep),
      )
      expect(await contrast.locator('[data-col="rest"]').textContent()).toBe(
        count(comparison.contrast.rest.activitiesPerRep),
      )
      // Each rep's 95% interval of the ranking metric (meetings per 100 activities, one decimal).
      expect(comparison.rankBy).toBe("meetingYield")
      for (const rep of reps) {
        const interval = rep.intervals.meetingYield
        expect(
          await page.locator(`table.ranking tr[data-row="${rep.repId}"] [data-col="interval"]`).textContent(),
        ).toBe(interval ? `${oneDecimal(interval.low)}–${oneDecimal(interval.high)}` : none)
      }
      // The export button downloads the same table as CSV: a header and a row per rep listed.
      const href = (await page.locator("#export-csv").getAttribute("href")) ?? ""
      expect(href).toContain("format=csv")
      const csv = await page.evaluate(async (url) => {
        const answer = await fetch(url)
        return { type: answer.headers.get("content-type"), text: await answer.text() }
      }, href)
      expect(csv.type).toMatch(/^text\/csv/)
      const lines = csv.text.trim().split("\r\n")
      expect(lines[0]?.split(",").slice(0, 2)).toEqual(["repId", "name"])
      expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(reps.map((rep) => rep.repId))
      await shoot(page, "team")

      // The other yield: revenue per activity, its own quadrants.
      await page.getByRole("button", { name: "Revenue per activity" }).click()
      await page.waitForFunction(() =>
        (window as any).Chart?.getChart(
          document.getElementById("team-scatter"),
        )?.options.scales.y.title.text.startsWith("Revenue per activity"),
      )
      const byRevenue = (await server.request(`/v1/team/comparison?${windowQuery}&yield=revenuePerActivity`)).body
      const scatterPoints = await page.evaluate(() => {
        const chart = (window as any).Chart.getChart(document.getElementById("team-scatter"))
        return chart.data.datasets.reduce((n: number, d: any) => n + d.data.length, 0)
      })
      expect(scatterPoints).toBe(
        byRevenue.reps.filter((rep: any) => rep.eligible && rep.metrics.revenuePerActivity !== null).length,
      )
      // The BDR tab: the BDRs' own comparison, ranked by held meetings per 100 activities.
      await page.locator('.cohort-tabs [data-cohort="BDR"]').click()
      await page.waitForFunction(
        () => document.querySelector('.cohort-tabs [data-cohort="BDR"]')?.getAttribute("aria-selected") === "true",
      )
      await page.locator("table.ranking tbody tr").first().waitFor()
      const bdrs = (await server.request(`/v1/team/comparison?${windowQuery}&role=BDR`)).body
      expect(bdrs.rankBy).toBe("heldMeetingYield")
      expect(
        await page
          .locator("table.ranking tbody tr")
          .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.row)),
      ).toEqual(bdrs.reps.map((rep: any) => rep.repId))
      expect(errors).toEqual([])
      await context.close()
    }, 60_000)

    it("rep: reached from the table by keyboard, shows the funnel with the conversion at each step", async () => {
      const { context, page, errors } = await openPage()
      await signIn(page)
      const comparison = (await server.request(`/v1/team/comparison?${windowQuery}`)).body
      const top = comparison.reps[0]
      await page.goto(`${server.url}/#/team?${windowQuery}`)

      await page.getByRole("link", { name: top.name, exact: true }).focus()
      await page.keyboard.press("Enter")

      await page.locator("#funnel").waitFor()
      expect(page.url()).toContain(`#/rep/${encodeURIComponent(top.repId)}`)
      expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(top.name)
      const scorecard = (await server.request(`/v1/reps/${encodeURIComponent(top.repId)}/scorecard?${windowQuery}`))
        .body
      const m = scorecard.metrics
      const steps = [
        "dials",
        "connects",
        "conversations",
        "meetingsBooked",
        "meetingsHeld",
        "secondMeetings",
        "dealsOpened",
        "dealsWon",
      ]
      const shown = await page.locator("#funnel li").evaluateAll((items) =>
        items.map((li) => ({
          step: (li as HTMLElement).dataset.step,
          count: li.querySelector(".funnel-count")?.textContent,
          conversion: li.querySelector(".funnel-conversion")?.textContent,
        })),
      )
      expect(shown.map((s) => s.step)).toEqual(steps)
      steps.forEach((step, index) => {
        const previous = steps[index - 1]
        const expected = previous === undefined ? "" : m[previous] === 0 ? none : `${percent(m[step] / m[previous])} of`
        expect(shown[index]?.count).toBe(count(m[step]))
        expect(shown[index]?.conversion?.startsWith(expected)).toBe(true)
      })
      // e.g. "24.1% of dials": the connect rate, by its METRICS.md definition connects / dials.
      if (m.dials > 0) expect(shown[1]?.conversion).toBe(`${percent(m.connectRate)} of dials`)
      expect(await page.locator("#coverage dd").nth(4).textContent()).toBe(
        scorecard.coverage.requiredCoverage === null ? none : `${oneDecimal(scorecard.coverage.requiredCoverage)}×`,
      )
      await page.waitForFunction(
        () => (window as any).Chart?.getChart(document.getElementById("rep-series")) !== undefined,
      )
      await shoot(page, "rep")
      expect(errors).toEqual([])
      await context.close()
    })

    it("what-if: a new coverage target, set from the keyboard, changes the figures to the replay's", async () => {
      const { context, page, errors } = await openPage()
      await signIn(page)
      const replay = async (coverageTarget: number) =>
        (
          await server.request("/v1/what-if/coverage", {
            json: {
              coverageTarget,
              ...window,
              period: "quarter",
              rules: { qualifiedOnly: false, excludeBadgering: false },
            },
          })
        ).body
      const totalsShown = async () =>
        Object.fromEntries(
          await page
            .locator("#what-if-totals .kpi")
            .evaluateAll((kpis) =>
              kpis.map((k) => [k.querySelector(".kpi-label")?.textContent, k.querySelector(".kpi-value")?.textContent]),
            ),
        )

      await page.goto(`${server.url}/#/what-if?${windowQuery}&target=3`)
      await page.locator('[data-coverage-target="3"] #what-if-totals').waitFor({ timeout: 120_000 })
      const atThree = await replay(3)
      expect(await totalsShown()).toMatchObject({
        "Pipeline gap": currency(atThree.totals.mandate.gap),
        "Extra activities demanded": count(atThree.totals.mandate.extraActivities),
        "Expected lost value": currency(atThree.totals.mandate.expectedLostValue),
      })

      await page.locator("#coverage-target").focus()
      await page.keyboard.press("End")
      await page.locator('[data-coverage-target="10"] #what-if-totals').waitFor({ timeout: 120_000 })

      const atTen = await replay(10)
      const shown = await totalsShown()
      expect(shown).toMatchObject({
        "Pipeline gap": currency(atTen.totals.mandate.gap),
        "Extra activities demanded": count(atTen.totals.mandate.extraActivities),
        "Expected lost value": currency(atTen.totals.mandate.expectedLostValue),
      })
      expect(shown["Pipeline gap"]).not.toBe(currency(atThree.totals.mandate.gap))
      expect(await page.locator("#target-value").textContent()).toBe("10×")
      expect(await page.locator(".headline.lead").textContent()).toContain(`plans to lose ${percent(0.9)}`)
      expect(await page.locator("#back-test").textContent()).toContain("Back-test")
      const lastPeriod = atTen.periods.at(-1)
      expect(await page.locator("table.what-if-table tbody tr").count()).toBe(
        lastPeriod.reps.filter((r: any) => r.quota !== null).length,
      )
      await page.waitForFunction(
        () => (window as any).Chart?.getChart(document.getElementById("what-if-bars")) !== undefined,
      )
      await shoot(page, "what-if")
      expect(errors).toEqual([])
      await context.close()
    }, 240_000)

    it("target accounts and ingestion status", async () => {
      const { context, page, errors } = await openPage()
      await signIn(page)
      const { accounts } = (await server.request("/v1/accounts/targets")).body

      await page.getByRole("link", { name: "Target accounts" }).click()
      await page.locator("table.accounts").waitFor()
      expect(await page.locator("table.accounts tbody tr").count()).toBe(accounts.length)
      await shoot(page, "accounts")

      await page.getByRole("link", { name: "Ingestion" }).click()
      await page.getByRole("table", { name: "Sources" }).waitFor()
      const sourceRow = page.getByRole("table", { name: "Sources" }).locator("tbody tr")
      expect(await sourceRow.locator("th").allTextContents()).toEqual(["demo"])
      // The connectors' table comes first: the event API and every webhook, each with its route.
      const connectors = page.getByRole("table", { name: /^Connectors/ })
      expect(await connectors.locator("tbody th").allTextContents()).toEqual(
        expect.arrayContaining(["api", "aircall", "twilio"]),
      )
      expect(await page.locator("table").nth(2).locator("tbody tr").count()).toBe(10)
      await shoot(page, "ingestion")
      expect(errors).toEqual([])
      await context.close()
    })

    it("fits a phone: nothing wider than the screen but the tables, which scroll in their own box", async () => {
      const { context, page, errors } = await openPage({ width: 390, height: 844 })
      await signIn(page)
      await page.goto(`${server.url}/#/team?${windowQuery}`)
      await page.locator("table.ranking").waitFor()
      await page.waitForFunction(
        () => (window as any).Chart?.getChart(document.getElementById("team-scatter")) !== undefined,
      )

      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await shoot(page, "team-phone")
      expect(errors).toEqual([])
      await context.close()
    })
  })
})

describe("dashboard sessions, on a real store with a clock the test moves", () => {
  let db: SqlDatabase
  let dataDir: string
  let now = Date.parse("2026-11-20T09:00:00Z")
  const sessions = () => createSessionStore(db, { now: () => now })

  beforeAll(async () => {
    dataDir = await freshDataDir("ledger-sessions-")
    db = await openDatabase({ dataDir })
    await migrate(db)
  })
  afterAll(async () => {
    await db?.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it("stands for its key with the read scope, and admin for an admin key (the Keys view), never ingest", async () => {
    const { token } = await createApiKey(db, { name: "boss", scopes: ["admin"] })
    const { token: writer } = await createApiKey(db, { name: "importer", scopes: ["ingest", "read"] })
    const store = sessions()

    const opened = await store.open(token)
    const reading = await store.open(writer)

    expect(opened).toMatchObject({ ok: true, key: { name: "boss", scopes: ["read", "admin"] } })
    expect(reading).toMatchObject({ ok: true, key: { name: "importer", scopes: ["read"] } })
    if (!opened.ok) return
    expect(opened.sessionId).not.toContain(token.slice(4))
    expect(await store.resolve(opened.sessionId)).toEqual({ key: opened.key, csrfToken: opened.csrfToken })
  })

  it("ends when its key is revoked, on the very next request", async () => {
    const { key, token } = await createApiKey(db, { name: "reader", scopes: ["read"] })
    const store = sessions()
    const opened = await store.open(token)
    if (!opened.ok) throw new Error("the session should open")

    await revokeApiKey(db, key.keyId)

    expect(await store.resolve(opened.sessionId)).toBeUndefined()
  })

  it("ends after 12 hours without a request, and 7 days after sign-in whatever the use", async () => {
    const { token } = await createApiKey(db, { name: "reader", scopes: ["read"] })
    const store = sessions()
    const idle = await store.open(token)
    const busy = await store.open(token)
    if (!idle.ok || !busy.ok) throw new Error("the sessions should open")
    const openedAt = now

    // 11 h later both live; 2 h after that, only the one used at 11 h does.
    now = openedAt + idleLimitMs - 3_600_000
    expect(await store.resolve(busy.sessionId)).toBeDefined()
    now = openedAt + idleLimitMs + 3_600_000
    expect(await store.resolve(idle.sessionId)).toBeUndefined()
    expect(await store.resolve(busy.sessionId)).toBeDefined()

    // Used every few hours, it still ends 7 days after sign-in.
    while (now < openedAt + lifetimeMs - 6 * 3_600_000) {
      now += 6 * 3_600_000
      expect(await store.resolve(busy.sessionId)).toBeDefined()
    }
    now = openedAt + lifetimeMs + 1
    expect(await store.resolve(busy.sessionId)).toBeUndefined()
  })

  it("refuses keys that cannot read, and forgets a session once it is ended", async () => {
    const { token: ingestOnly } = await createApiKey(db, { name: "webhook", scopes: ["ingest"] })
    const { token } = await createApiKey(db, { name: "reader", scopes: ["read"] })
    const store = sessions()

    expect(await store.open(ingestOnly)).toMatchObject({ ok: false, reason: "missing_read_scope" })
    expect(await store.open("olk_not_a_key")).toEqual({ ok: false, reason: "unknown_key" })
    const opened = await store.open(token)
    if (!opened.ok) throw new Error("the session should open")
    store.end(opened.sessionId)
    expect(await store.resolve(opened.sessionId)).toBeUndefined()
  })
})
