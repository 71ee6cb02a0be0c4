/**
 * Erasing a person without rewriting history (README "Personal data"). Given a rep, ana, and one
 * prospect, bo (bo@acme.example, +33 6 12 34 56 78), who booked a meeting through Calendly and was
 * called through Aircall and Twilio: the subject access route lists each field holding bo; then bo is
 * erased by email and by phone number, and bo is in no read route, the what-if, the dashboard's views,
 * the store's own tables, `ledger events export`, an archive restored, nor a store copied to
 * PostgreSQL — while ana's scorecard is byte for byte what it was, and a retried delivery is still a
 * duplicate. Raw payloads past their retention read as erased, their events still counted. On each backend.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importArchive } from "../src/cli/importArchive.js"
import type { RunningServer } from "../src/server.js"
import { startServer } from "../src/server.js"
import type { StoreLocation } from "../src/store/EventStore.js"
import { migrate } from "../src/store/migrations.js"
import { pruneRawPayloads } from "../src/store/personalValues.js"
import { openPglite } from "../src/store/pglite.js"
import { openPostgres } from "../src/store/postgres.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { copyStore } from "../src/store/storeCopy.js"
import { freshDataDir } from "./support/dataDirs.js"
import { freshDatabase, postgresAvailable } from "./support/postgres.js"
import { serverBackends } from "./support/server.js"
import { aircallDelivery, calendlyDelivery, testSecrets, twilioDelivery } from "./support/signedDeliveries.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const publicUrl = "https://ledger.example.com"
const slow = 240_000
const workDir = mkdtempSync(path.join(tmpdir(), "ledger-personal-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

/** Every spelling of bo the vendors used, and bo's name: none may be read back once erased. */
const bo = ["bo@acme.example", "Bo@Acme.example", "+33612345678", "+33 6 12 34 56 78", "33612345678", "Bo Durand"]
const boIn = (text: string): string[] => bo.filter((spelling) => text.includes(spelling))

const t0 = Date.parse("2026-11-02T14:00:00Z")
const window = "from=2026-11-01&to=2026-11-30&consistency=strong"

const calendlyBooking = (now: Date) =>
  calendlyDelivery(
    {
      event: "invitee.created",
      created_at: "2026-11-02T14:05:00.000000Z",
      payload: {
        uri: "https://api.calendly.com/scheduled_events/E1/invitees/I1",
        email: "Bo@Acme.example",
        name: "Bo Durand",
        created_at: "2026-11-02T14:05:00.000000Z",
        scheduled_event: {
          start_time: "2026-11-09T15:00:00.000000Z",
          event_memberships: [{ user_email: "ana@ledger.example" }],
        },
      },
    },
    now,
  )

/** An Aircall call by user 4021 (ana) to `digits`, ended after two minutes of talk. */
const aircallCall = (id: number, digits: string, name: string, email: string, at: number) =>
  aircallDelivery({
    resource: "call",
    event: "call.ended",
    timestamp: at / 1000 + 140,
    data: {
      id,
      user: { id: 4021, email: "ana@ledger.example" },
      direction: "outbound",
      raw_digits: digits,
      contact: { first_name: name, emails: [{ label: "work", value: email }] },
      started_at: at / 1000,
      answered_at: at / 1000 + 10,
      ended_at: at / 1000 + 130,
    },
  })

const twilioCall = twilioDelivery(publicUrl, [
  ["CallSid", "CA42"],
  ["AccountSid", "AC1"],
  ["CallStatus", "completed"],
  ["CallDuration", "64"],
  ["Direction", "outbound-api"],
  ["From", "+14155550100"],
  ["To", "+33612345678"],
  ["Timestamp", "Mon, 02 Nov 2026 15:00:00 +0000"],
])

const openStore = (store: StoreLocation): Promise<SqlDatabase> =>
  "dataDir" in store ? openPglite(store.dataDir, { durability: "process" }) : openPostgres(store.databaseUrl)

/** Every row of every table of the ledger, as text. */
const everyRow = async (db: SqlDatabase): Promise<string> => {
  const tables = await db.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
  )
  const rows = await Promise.all(
    tables.map(
      async ({ name }) =>
        (await db.query<{ rows: string | null }>(`select json_agg(t)::text as rows from "${name}" t`))[0]?.rows ?? "",
    ),
  )
  return rows.join("\n")
}

/** `ledger events export` on `store`, as a user runs it: the archive's text. */
const exported = (store: StoreLocation, file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const { DATABASE_URL: _url, LEDGER_DATA_DIR: _dir, ...env } = process.env
    const where = "dataDir" in store ? { LEDGER_DATA_DIR: store.dataDir } : { DATABASE_URL: store.databaseUrl }
    execFile(
      process.execPath,
      [path.join(repoRoot, "src/cli/bin.mjs"), "events", "export", "--output", file],
      { cwd: repoRoot, env: { ...env, ...where }, timeout: slow - 10_000 },
      (error, _stdout, stderr) => (error === null ? resolve(readFileSync(file, "utf8")) : reject(new Error(stderr))),
    )
  })

describe.each(serverBackends)("erasing a person, on $name", (backend) => {
  let place: Awaited<ReturnType<typeof backend.prepare>>
  let server: RunningServer
  let key: string
  const discards: Array<() => Promise<unknown>> = []

  const send = async (delivery: { path: string; headers: Record<string, string>; body: string }) =>
    (await fetch(`${server.url}${delivery.path}`, { method: "POST", headers: delivery.headers, body: delivery.body }))
      .status
  const call = async (method: string, pathAndQuery: string, body?: unknown, accept = "application/json") => {
    const response = await fetch(`${server.url}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    return { status: response.status, text: await response.text() }
  }

  /** Every read a client has: the log, each stream, the reps, the scorecard, the what-if, the dashboard. */
  const readEverything = async (): Promise<string> => {
    const log = await call("GET", "/v1/events?limit=5000")
    const streams = [...new Set((JSON.parse(log.text).events as Array<{ streamId: string }>).map((e) => e.streamId))]
    const reads = [log]
    for (const stream of streams) reads.push(await call("GET", `/v1/streams/${encodeURIComponent(stream)}`))
    for (const route of [
      "/v1/reps",
      `/v1/reps/ana/scorecard?${window}`,
      "/v1/reps/ana/identities",
      `/v1/team/comparison?${window}`,
      "/v1/accounts/targets",
      "/v1/sources",
    ])
      reads.push(await call("GET", route))
    reads.push(
      await call("POST", "/v1/what-if/coverage", {
        coverageTarget: 3,
        from: "2026-10-01",
        to: "2026-12-31",
        period: "quarter",
      }),
    )
    const signIn = await fetch(`${server.url}/ui/session`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ key }),
    })
    const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string
    for (const view of ["/ui/session", "/ui/context", "/ui/ingestion", "/"]) {
      const response = await fetch(`${server.url}${view}`, { headers: { cookie } })
      reads.push({ status: response.status, text: await response.text() })
    }
    expect(reads.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([])
    return reads.map((r) => r.text).join("\n")
  }

  let scorecardBefore: string
  let readsBefore: string

  beforeAll(async () => {
    place = await backend.prepare()
    server = await startServer({
      port: 0,
      host: "127.0.0.1",
      store: place.store,
      bodyLimitBytes: 1024 * 1024,
      webhooks: { ...testSecrets, publicUrl },
    })
    key = server.firstAdminKey as string
    const joined = await call("POST", "/v1/events", {
      type: "RepJoined",
      occurredAt: "2026-10-01T09:00:00Z",
      data: { repId: "ana", name: "Ana Lima", email: "ana@ledger.example", role: "BDR" },
    })
    expect(joined.status).toBe(201)
    for (const [source, externalId] of [
      ["aircall", "4021"],
      ["twilio", "+14155550100"],
      ["calendly", "ana@ledger.example"],
    ])
      expect((await call("POST", "/v1/reps/ana/identities", { source, externalId })).status).toBe(201)
    expect(await send(calendlyBooking(new Date()))).toBe(200)
    expect(await send(aircallCall(812, "+33 6 12 34 56 78", "Bo", "bo@acme.example", t0))).toBe(200)
    expect(await send(twilioCall)).toBe(200)
    await server.scorecardsCaughtUp(60_000)
    scorecardBefore = (await call("GET", `/v1/reps/ana/scorecard?${window}&bucket=day`)).text
    readsBefore = await readEverything()
  }, slow)

  afterAll(async () => {
    await server?.close()
    await place?.discard()
    await Promise.all(discards.map((discard) => discard()))
  })

  it("credits ana with bo's meeting and two calls, and shows bo before the erasure", () => {
    // One Calendly booking, one Aircall call (120 s of talk) and one Twilio call (64 s): 2 dials, 2 connects.
    expect(JSON.parse(scorecardBefore).metrics).toMatchObject({ dials: 2, connects: 2, meetingsBooked: 1 })
    expect(boIn(readsBefore)).toEqual(expect.arrayContaining(["bo@acme.example", "+33 6 12 34 56 78", "+33612345678"]))
  })

  it("holds no personal value in the log itself: tokens only", async () => {
    const log = (
      await server.sql.query<{ row: string }>("select (data::text || metadata::text) as row from ledger_events")
    )
      .map((r) => r.row)
      .join("\n")
    expect(boIn(log)).toEqual([])
    expect(log).not.toContain("ana@ledger.example")
    expect(log).toMatch(/pd:[0-9a-f]{64}/)
  })

  it("lists every field holding bo (subject access), as JSON and CSV", async () => {
    const byEmail = await call("GET", `/v1/people/${encodeURIComponent("BO@acme.example")}`)
    expect(byEmail.status).toBe(200)
    const items = JSON.parse(byEmail.text).items as Array<{ type: string; field: string; value: unknown }>
    // The booking's contactId and the Aircall payload (which names bo's email as the contact's).
    expect(items.map((i) => `${i.type} ${i.field}`)).toEqual(
      expect.arrayContaining(["MeetingBooked data.contactId", "CallEventReceived metadata.raw"]),
    )
    expect(items.find((i) => i.field === "data.contactId")?.value).toBe("bo@acme.example")
    const byPhone = await call("GET", `/v1/people/${encodeURIComponent("+33 6 12 34 56 78")}`, undefined, "text/csv")
    expect(byPhone.status).toBe(200)
    const rows = byPhone.text.trimEnd().split("\r\n")
    expect(rows[0]).toBe("position,streamId,type,occurredAt,field,value")
    // The Aircall and the Twilio payloads each name bo's number.
    expect(rows.filter((row) => row.includes("metadata.raw")).length).toBe(2)
    expect((await call("GET", "/v1/people/bo%40acme.example?verbose=1")).status).toBe(400)
  })

  it("erases bo by email and by phone: bo is in no read, ana's scorecard is byte for byte the same", async () => {
    const byEmail = await call("POST", "/v1/people/erasures", { identifier: "bo@acme.example" })
    expect(byEmail.status).toBe(201)
    // contactId and accountless values: the booking's contactId, the Aircall payload.
    expect(JSON.parse(byEmail.text)).toMatchObject({ valuesErased: 2, event: { type: "PersonErased" } })
    expect(boIn(byEmail.text)).toEqual([])
    const byPhone = await call("POST", "/v1/people/erasures", { identifier: "+33612345678" })
    // The Twilio payload (the Aircall one went with the email).
    expect(JSON.parse(byPhone.text)).toMatchObject({ valuesErased: 1 })
    await server.scorecardsCaughtUp(60_000)

    const reads = await readEverything()
    expect(boIn(reads)).toEqual([])
    expect(reads).toMatch(/erased:[0-9a-f]{12}/)
    expect(reads).toContain("Ana Lima") // only bo was erased
    // Every figure, byte for byte; only the read model's own progress moved on, by the two erasures' events.
    const figures = (scorecard: string) => scorecard.replace(/,"readModel":\{[^}]*\}/, "")
    const scorecardAfter = (await call("GET", `/v1/reps/ana/scorecard?${window}&bucket=day`)).text
    expect(figures(scorecardAfter)).toBe(figures(scorecardBefore))
    expect(scorecardAfter).not.toBe(figures(scorecardAfter))
    expect(JSON.parse((await call("GET", "/v1/people/bo%40acme.example")).text).items).toEqual([])
    expect(boIn(await everyRow(server.sql))).toEqual([])
  })

  it("takes a vendor's retry of bo's delivery as a duplicate: bo does not come back", async () => {
    const before = (await call("GET", "/v1/events?limit=5000")).text
    expect(await send(calendlyBooking(new Date()))).toBe(200)
    expect(await send(twilioCall)).toBe(200)
    const after = (await call("GET", "/v1/events?limit=5000")).text
    expect(after).toBe(before)
    expect(boIn(after)).toEqual([])
  })

  it("refuses an erasure without an identifier, or without the admin scope, erasing nothing", async () => {
    const empty = await call("POST", "/v1/people/erasures", { identifier: " " })
    expect(empty.status).toBe(400)
    expect(empty.text).toContain("body.identifier")
    const unknownMember = await call("POST", "/v1/people/erasures", { identifier: "x", why: "asked" })
    expect(unknownMember.status).toBe(400)
    const reader = await fetch(`${server.url}/v1/people/erasures`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identifier: "ana" }),
    })
    expect(reader.status).toBe(401)
    expect((await call("GET", "/v1/reps")).text).toContain("Ana Lima")
  })

  it("makes payloads past their retention unreadable, while their calls still count", async () => {
    expect(await send(aircallCall(813, "+33 7 00 00 00 01", "Cy", "cy@acme.example", t0 + 3_600_000))).toBe(200)
    expect(await send(aircallCall(814, "+33 7 00 00 00 02", "Di", "di@acme.example", t0 + 7_200_000))).toBe(200)
    await server.scorecardsCaughtUp(60_000)
    // The first arrived 91 days ago, the second now: a 90-day retention deletes the first alone.
    await server.sql.query(
      `update ledger_personal_values set kept_at = now() - interval '91 days'
       where raw and value like '%"id":813%'`,
    )
    expect(await pruneRawPayloads(server.sql, 90)).toBe(1)
    const log = await call("GET", "/v1/events?limit=5000")
    const raws = (JSON.parse(log.text).events as Array<{ data: { callId?: string }; metadata: { raw?: unknown } }>)
      .filter((e) => e.data.callId?.startsWith("aircall-81") === true && e.metadata.raw !== undefined)
      .map((e) => [e.data.callId, typeof e.metadata.raw === "string" ? e.metadata.raw.slice(0, 7) : "kept"])
    expect(raws).toEqual([
      ["aircall-812", "erased:"],
      ["aircall-813", "erased:"],
      ["aircall-814", "kept"],
    ])
    expect(log.text).not.toContain("+33 7 00 00 00 01")
    expect(log.text).toContain("+33 7 00 00 00 02")
    await server.scorecardsCaughtUp(60_000)
    // 2 calls of bo, and the two calls since: every one still counts.
    const scorecard = JSON.parse((await call("GET", `/v1/reps/ana/scorecard?${window}`)).text)
    expect(scorecard.metrics).toMatchObject({ dials: 4, connects: 4 })
  })

  it(
    "exports no trace of bo (`ledger events export`), and a restored archive holds none",
    async () => {
      await server.close()
      const file = path.join(workDir, `${backend.name}-export.ndjson`)
      const archive = await exported(place.store, file)
      expect(archive.split("\n").filter(Boolean).length).toBeGreaterThan(8)
      expect(boIn(archive)).toEqual([])
      expect(archive).toContain("Ana Lima")
      let restoredInto: StoreLocation
      if (backend.name === "pglite") {
        const dataDir = await freshDataDir("ledger-personal-restore-")
        discards.push(() => rm(dataDir, { recursive: true, force: true }))
        restoredInto = { dataDir, durability: "process" }
      } else {
        const database = await freshDatabase()
        discards.push(database.drop)
        restoredInto = { databaseUrl: database.url }
      }
      const db = await openStore(restoredInto)
      try {
        await migrate(db)
        const silently = { update: () => {}, done: () => {} }
        expect(await importArchive(db, file, silently)).toMatchObject({ how: "restored" })
        const rows = await everyRow(db)
        expect(boIn(rows)).toEqual([])
        expect(rows).toContain("Ana Lima") // kept apart again, under the restored store's key
      } finally {
        await db.close()
      }
    },
    slow,
  )

  it.runIf(backend.name === "pglite" && postgresAvailable)(
    "copies no trace of bo into PostgreSQL (`ledger store copy`)",
    async () => {
      await server.close()
      const target = await freshDatabase()
      try {
        const copied = await copyStore({ from: (place.store as { dataDir: string }).dataDir, to: target.url })
        expect(copied.events.total).toBeGreaterThan(8)
        const db = await openPostgres(target.url)
        try {
          const rows = await everyRow(db)
          expect(boIn(rows)).toEqual([])
          expect(rows).toContain("Ana Lima")
        } finally {
          await db.close()
        }
      } finally {
        await target.drop()
      }
    },
    slow,
  )
})
