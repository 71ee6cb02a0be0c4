/**
 * @module The target-list views in a real browser (Debian's chromium through playwright-core): the
 * manager's cadence grid, one row a seller and one cell a month; a seller's list, untouched longest
 * first; and the rep view's cadence and proactive pipeline — each showing the API's figures as
 * people read them, with no console error.
 */
import { mkdir } from "node:fs/promises"
import path from "node:path"
import { type Browser, chromium } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { serverBackends, startTestServer, type TestServer } from "./support/server.js"

const artifacts = path.resolve("test-artifacts")
const at = (occurredAt: string, type: string, data: Record<string, unknown>) => ({ type, occurredAt, data })
const targeted = (accountId: string, ownerRepId: string) =>
  at("2026-02-10T09:00:00Z", "AccountTargeted", {
    accountId,
    name: accountId.toUpperCase(),
    reason: "dream_client",
    ownerRepId,
  })
const touch = (touchId: string, repId: string, accountId: string, occurredAt: string) =>
  at(occurredAt, "TouchLogged", { touchId, repId, accountId, channel: "social" })

// ana owns acme, globex, initech, umbrella: March 3 of 4 worked (75.0%), April 1 (25.0%).
// ben owns hooli and wonka: March both (100.0%), April none (0.0%).
const history = [
  at("2026-01-05T09:00:00Z", "RepJoined", { repId: "ana", name: "Ana", role: "AE" }),
  at("2026-01-05T09:00:00Z", "RepJoined", { repId: "ben", name: "Ben", role: "AE" }),
  ...["acme", "globex", "initech", "umbrella"].map((id) => targeted(id, "ana")),
  ...["hooli", "wonka"].map((id) => targeted(id, "ben")),
  touch("t1", "ana", "acme", "2026-03-02T10:00:00Z"),
  touch("t2", "ana", "globex", "2026-03-04T10:00:00Z"),
  touch("t3", "ana", "initech", "2026-03-06T10:00:00Z"),
  touch("t4", "ana", "umbrella", "2026-04-06T10:00:00Z"),
  touch("t5", "ben", "hooli", "2026-03-02T10:00:00Z"),
  touch("t6", "ben", "wonka", "2026-03-03T10:00:00Z"),
  // ana's deals: outbound on acme after her March 2nd touch (created, 30k, won); inbound on
  // globex (found, 10k, lost). Proactive share 30 / 40 = 75.0%; created win 100.0%, found 0.0%.
  at("2026-03-10T10:00:00Z", "DealOpened", {
    dealId: "d1",
    repId: "ana",
    accountId: "acme",
    amount: 30_000,
    source: "outbound",
  }),
  at("2026-03-11T10:00:00Z", "DealOpened", {
    dealId: "d2",
    repId: "ana",
    accountId: "globex",
    amount: 10_000,
    source: "inbound",
  }),
  at("2026-04-10T10:00:00Z", "DealWon", { dealId: "d1" }),
  at("2026-04-11T10:00:00Z", "DealLost", { dealId: "d2" }),
]

describe("the target-list views in a real browser", () => {
  let server: TestServer
  let browser: Browser
  let readKey: string

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([
      startTestServer(serverBackends[0]!),
      chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] }),
    ])
    const answer = await server.append({ events: history })
    if (answer.status !== 201) throw new Error(`the history was refused: ${JSON.stringify(answer.body)}`)
    expect((await server.request("/v1/targets/cadence?from=2026-03&to=2026-04&consistency=strong")).status).toBe(200)
    readKey = await server.keyWith(["read"])
    await mkdir(artifacts, { recursive: true })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it("shows the cadence grid, a seller's list untouched longest first, and the rep's cadence and proactive share", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      timezoneId: "UTC",
    })
    const page = await context.newPage()
    const errors: string[] = []
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text())
    })
    page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`))
    await page.goto(server.url)
    await page.getByLabel("API key").fill(readKey)
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.locator("header.top").waitFor({ state: "visible" })

    await page.goto(`${server.url}/#/targets?toMonth=2026-04`)
    await page.locator("table.cadence-grid").waitFor()
    const rows = page.locator("table.cadence-grid tbody tr")
    // Six months to April: November to January had no list (—); February, the lists' first month,
    // none worked (0.0%); then March and April; the average of the three months with a list:
    // ana (0 + 0.75 + 0.25) / 3, ben (0 + 1 + 0) / 3.
    const cells = async (row: number) => (await rows.nth(row).locator("td, th").allTextContents()).map((t) => t.trim())
    expect(await cells(0)).toEqual(["Ana", "—", "—", "—", "0.0%", "75.0%", "25.0%", "33.3%"])
    expect(await cells(1)).toEqual(["Ben", "—", "—", "—", "0.0%", "100.0%", "0.0%", "33.3%"])
    await page.screenshot({ path: path.join(artifacts, "dashboard-cadence.png"), fullPage: true })

    await page.getByRole("link", { name: "Ana" }).click()
    await page.locator("table.target-list").waitFor()
    expect(await page.locator("h1").textContent()).toBe("Target list: Ana")
    const accounts = await page.locator("table.target-list tbody tr th").allTextContents()
    // April: umbrella worked; acme (Mar 2nd) untouched longest, then globex (4th), initech (6th).
    expect(accounts.map((t) => t.trim())).toEqual(["ACME", "GLOBEX", "INITECH", "UMBRELLA"])
    expect(await page.locator(".kpis").textContent()).toContain("25.0%")
    await page.screenshot({ path: path.join(artifacts, "dashboard-target-list.png"), fullPage: true })

    // The rep view: the target cadence (March 75%, April 25%: 50.0% on average) and the proactive
    // pipeline beside the win rate.
    await page.goto(`${server.url}/#/rep/ana?from=2026-03-01&to=2026-04-30&bucket=month`)
    const kpi = (label: string) => page.locator(".kpi", { hasText: label })
    await kpi("Proactive pipeline").waitFor()
    expect(await kpi("Target cadence").locator(".kpi-value").textContent()).toBe("50.0%")
    expect(await kpi("Proactive pipeline").locator(".kpi-value").textContent()).toBe("75.0%")
    expect(await kpi("Proactive pipeline").textContent()).toContain("created deals win 100.0% · found 0.0%")
    expect(errors).toEqual([])
    await context.close()
  })
})
