/**
 * @module The dashboard's team view and unlinked vendor identities, in Debian's chromium through
 * playwright-core: the work of `aircall:77` shows as one unattributed line (and a small table) until
 * the identity is linked, then it is gone and counts for the rep. A screenshot of each state goes to
 * test-artifacts/.
 */
import { mkdir } from "node:fs/promises"
import path from "node:path"
import { type Browser, chromium, type Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OutgoingEvent, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const artifacts = path.resolve("test-artifacts")
const windowQuery = "from=2026-11-01&to=2026-11-30"

const repJoined = (repId: string, name: string): OutgoingEvent => ({
  type: "RepJoined",
  occurredAt: "2026-09-01T08:00:00Z",
  data: { repId, name, role: "AE", team: "east" },
})
const call = (callId: string, repId: string, at: string): OutgoingEvent => ({
  type: "CallLogged",
  occurredAt: at,
  data: { callId, repId, direction: "outbound", disposition: "no_answer", durationSeconds: 0 },
})

describe("unattributed work in the dashboard's team view", () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([
      startTestServer(serverBackends[0]!),
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
    await mkdir(artifacts, { recursive: true })
    // ana dials twice herself; her Aircall user 77 dials three times, not yet linked.
    const appended = await server.append({
      events: [
        repJoined("ana", "Ana"),
        repJoined("bo", "Bo"),
        call("a1", "ana", "2026-11-02T09:00:00Z"),
        call("a2", "ana", "2026-11-02T10:00:00Z"),
        call("b1", "bo", "2026-11-02T11:00:00Z"),
        ...["x1", "x2", "x3"].map((id, i) => call(id, "aircall:77", `2026-11-03T0${i + 1}:00:00Z`)),
      ],
    })
    expect(appended.status).toBe(201)
  }, 300_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const teamView = async (): Promise<Page> => {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "en-US", timezoneId: "UTC" })
    ).newPage()
    const errors: string[] = []
    page.on("pageerror", (error) => errors.push(error.message))
    await page.goto(server.url)
    await page.getByLabel("API key").fill(await server.keyWith(["read"]))
    await page.getByRole("button", { name: "Sign in" }).click()
    await page.locator("header.top").waitFor({ state: "visible" })
    await page.goto(`${server.url}/#/team?${windowQuery}`)
    await page.locator(".ranking").waitFor({ state: "visible" })
    expect(errors).toEqual([])
    return page
  }

  it("shows the identity's 3 activities in one line, apart from the ranked reps", async () => {
    expect((await server.request(`/v1/team/comparison?${windowQuery}&consistency=strong`)).status).toBe(200)
    const page = await teamView()

    await expect
      .poll(() => page.locator("#unattributed .headline").textContent())
      .toBe("3 activities from unlinked identity: aircall:77.")
    await page.locator("#unattributed summary").click()
    expect(await page.locator('#unattributed tr[data-row="aircall:77"] td[data-col="activities"]').textContent()).toBe(
      "3",
    )
    expect(
      await page.locator(".ranking tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-row"))),
    ).toEqual(["ana", "bo"])
    await page.screenshot({ path: path.join(artifacts, "dashboard-team-unattributed.png"), fullPage: true })
    await page.context().close()
  }, 120_000)

  it("shows nothing unattributed once the identity is linked, and ana's 5 activities", async () => {
    expect(
      (
        await server.request("/v1/reps/ana/identities", {
          method: "POST",
          json: { source: "aircall", externalId: "77" },
        })
      ).status,
    ).toBe(201)
    expect((await server.request(`/v1/team/comparison?${windowQuery}&consistency=strong`)).status).toBe(200)
    const page = await teamView()

    expect(await page.locator('.ranking tr[data-row="ana"] td[data-col="activities"]').textContent()).toBe("5")
    expect(await page.locator("#unattributed").count()).toBe(0)
    await page.context().close()
  }, 120_000)
})
