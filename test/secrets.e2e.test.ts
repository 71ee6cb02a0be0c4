/**
 * No webhook secret can be read back, by anyone, anywhere: a server with every connector configured
 * receives an authentic delivery from each vendor, on a store an older version left holding an
 * Aircall event stored with its token (the webhook's secret, which let any reader forge Aircall
 * calls). Then every read route (the OpenAPI document's GET routes with each stream and rep, the
 * what-if, the dashboard's session views, /metrics), every table of the store, `ledger events
 * export`, an archive written by the older version once imported, and a copy of the store into
 * PostgreSQL are searched for each configured secret: none is found. On each backend.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { importArchive } from "../src/cli/importArchive.js"
import { maskedSecret } from "../src/ingest/webhooks/keptPayload.js"
import type { RunningServer } from "../src/server.js"
import { startServer } from "../src/server.js"
import type { StoreLocation } from "../src/store/EventStore.js"
import { migrate } from "../src/store/migrations.js"
import { openPglite } from "../src/store/pglite.js"
import { openPostgres } from "../src/store/postgres.js"
import type { SqlDatabase } from "../src/store/sql.js"
import { copyStore } from "../src/store/storeCopy.js"
import { copyTemplateInto, freshDataDir } from "./support/dataDirs.js"
import { freshDatabase, postgresAvailable } from "./support/postgres.js"
import { serverBackends } from "./support/server.js"
import {
  aircallDelivery,
  calendlyDelivery,
  dialpadDelivery,
  ringcentralDelivery,
  type SignedDelivery,
  secretsByVariable,
  testSecrets,
  twilioDelivery,
} from "./support/signedDeliveries.js"

const repoRoot = fileURLToPath(new URL("..", import.meta.url))
const publicUrl = "https://ledger.example.com"
// A store, a server, a CLI run, a copy: minutes on a loaded two-core machine.
const slow = 240_000

const workDir = mkdtempSync(path.join(tmpdir(), "ledger-secrets-"))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

/** The configured secrets found in `text`, by variable: what every search below expects to be empty. */
const secretsIn = (text: string): string[] =>
  Object.entries(secretsByVariable)
    .filter(([, secret]) => text.includes(secret))
    .map(([variable]) => variable)

const openStore = (store: StoreLocation): Promise<SqlDatabase> =>
  "dataDir" in store ? openPglite(store.dataDir, { durability: "process" }) : openPostgres(store.databaseUrl)

/** Every row of every table of the ledger, as text. */
const everyRow = async (db: SqlDatabase): Promise<string> => {
  const tables = await db.query<{ name: string }>(
    "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
  )
  expect(tables.map((t) => t.name)).toContain("ledger_events")
  const rows = await Promise.all(
    tables.map(
      async ({ name }) =>
        (await db.query<{ rows: string | null }>(`select json_agg(t)::text as rows from "${name}" t`))[0]?.rows ?? "",
    ),
  )
  return rows.join("\n")
}

const t0 = Date.parse("2026-11-02T14:00:00Z")

/** An Aircall call.ended as an older version stored it: the whole payload in metadata.raw, token included. */
const storedBeforeTheFix = {
  streamId: "call-aircall-9001",
  type: "CallEventReceived",
  data: {
    callId: "aircall-9001",
    vendor: "aircall",
    vendorEvent: "call.ended",
    terminal: true,
    repId: "aircall:4021",
    direction: "outbound",
    disposition: "connected",
    durationSeconds: 60,
  },
  metadata: {
    source: "aircall",
    raw: {
      resource: "call",
      event: "call.ended",
      timestamp: t0 / 1000 + 90,
      token: testSecrets.aircallToken,
      data: { id: 9001, user: { id: 4021 } },
    },
  },
  occurredAt: new Date(t0 + 90_000).toISOString(),
  idempotencyKey: "aircall:9001:call.ended:1793628090",
}

/** Makes `store` a store as the version before the fix left it: migrated up to 5, one Aircall event with its token. */
const leaveAsAnOlderVersion = async (store: StoreLocation): Promise<void> => {
  const db = await openStore(store)
  try {
    await migrate(db)
    await db.query("delete from ledger_migrations where version >= 6")
    const e = storedBeforeTheFix
    await db.query(
      `insert into ledger_events (stream_id, stream_version, type, schema_version, data, metadata, occurred_at, idempotency_key)
       values ($1, 1, $2, 1, $3::jsonb, $4::jsonb, $5, $6)`,
      [e.streamId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt, e.idempotencyKey],
    )
  } finally {
    await db.close()
  }
}

/** One authentic delivery from every vendor (a RingCentral handshake first), signed now. */
const deliveries = async (now: Date): Promise<SignedDelivery[]> => {
  const party = (uuid: string, code: string, eventTime: string) => ({
    uuid,
    event: "/restapi/v1.0/account/1/extension/101/telephony/sessions",
    timestamp: eventTime,
    subscriptionId: "sub-1",
    ownerId: "101",
    body: {
      telephonySessionId: "s-1",
      eventTime,
      parties: [{ extensionId: "101", direction: "Outbound", status: { code } }],
    },
  })
  return [
    aircallDelivery({
      resource: "call",
      event: "call.created",
      timestamp: t0 / 1000,
      data: { id: 812, user: { id: 4021 } },
    }),
    aircallDelivery({
      resource: "call",
      event: "call.ended",
      timestamp: t0 / 1000 + 140,
      data: {
        id: 812,
        user: { id: 4021 },
        started_at: t0 / 1000,
        answered_at: t0 / 1000 + 10,
        ended_at: t0 / 1000 + 130,
      },
    }),
    twilioDelivery(publicUrl, [
      ["CallSid", "CA42"],
      ["AccountSid", "AC1"],
      ["CallStatus", "completed"],
      ["CallDuration", "64"],
      ["Direction", "outbound-api"],
      ["From", "+14155550100"],
      ["To", "+14155550199"],
    ]),
    { ...ringcentralDelivery(undefined, ""), headers: { "validation-token": "handshake-1" } },
    ringcentralDelivery(party("u-1", "Setup", "2026-11-02T14:00:00.000Z")),
    ringcentralDelivery(party("u-2", "Answered", "2026-11-02T14:00:05.000Z")),
    ringcentralDelivery(party("u-3", "Disconnected", "2026-11-02T14:01:05.000Z")),
    await dialpadDelivery({
      call_id: 5738148658520064,
      state: "hangup",
      direction: "outbound",
      event_timestamp: t0 + 100_000,
      date_started: t0,
      date_connected: t0 + 4_000,
      date_ended: t0 + 99_400,
      duration: 95_400,
      target: { id: 4567890123456789, type: "user" },
    }),
    calendlyDelivery(
      {
        event: "invitee.created",
        created_at: "2026-11-02T14:05:00.000000Z",
        payload: {
          uri: "https://api.calendly.com/scheduled_events/E1/invitees/I1",
          email: "bo@acme.example",
          created_at: "2026-11-02T14:05:00.000000Z",
          scheduled_event: {
            start_time: "2026-11-09T15:00:00.000000Z",
            event_memberships: [{ user_email: "ana@ledger.example" }],
          },
        },
      },
      now,
    ),
  ]
}

type Read = { readonly what: string; readonly status: number; readonly text: string }

/** Every read the server offers: the GET routes of its OpenAPI document for each stream and rep, the what-if, the dashboard. */
const readEverything = async (server: RunningServer, key: string): Promise<Read[]> => {
  const get = async (
    pathAndQuery: string,
    headers: Record<string, string> = { authorization: `Bearer ${key}` },
  ): Promise<Read> => {
    const response = await fetch(`${server.url}${pathAndQuery}`, { headers })
    return { what: `GET ${pathAndQuery}`, status: response.status, text: await response.text() }
  }
  const events = JSON.parse((await get("/v1/events?limit=5000")).text).events as Array<{ streamId: string }>
  const reps = JSON.parse((await get("/v1/reps")).text) as unknown
  const repIds = [...new Set([...JSON.stringify(reps).matchAll(/"repId":"([^"]+)"/g)].map((m) => m[1] as string))]
  const values: Record<string, ReadonlyArray<string>> = {
    streamId: [...new Set(events.map((e) => e.streamId))],
    repId: [...repIds, "aircall:4021", "ana"],
  }
  const document = JSON.parse((await get("/openapi.json")).text) as { paths: Record<string, Record<string, unknown>> }
  const paths = Object.entries(document.paths)
    .filter(([, operations]) => "get" in operations)
    .flatMap(([template]) => {
      const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)
      return names.reduce<string[]>(
        (filled, name) =>
          filled.flatMap((p) => (values[name] ?? []).map((v) => p.replace(`{${name}}`, encodeURIComponent(v)))),
        [template],
      )
    })
  const reads = await Promise.all(
    [...paths, "/v1/events?limit=5000", "/metrics", "/healthz", "/readyz", "/docs"].map((p) => get(p)),
  )
  const whatIf = await fetch(`${server.url}/v1/what-if/coverage`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ coverageTarget: 3, from: "2026-10-01", to: "2026-12-31", period: "quarter" }),
  })
  reads.push({ what: "POST /v1/what-if/coverage", status: whatIf.status, text: await whatIf.text() })
  const signIn = await fetch(`${server.url}/ui/session`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ key }),
  })
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] as string
  expect(signIn.status).toBe(200)
  for (const view of ["/ui/session", "/ui/context", "/ui/ingestion", "/"]) reads.push(await get(view, { cookie }))
  return reads
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

const silently = { update: () => {}, done: () => {} }

/** Stores made by the tests beside the server's, thrown away at the end. */
const discards: Array<() => Promise<unknown>> = []
afterAll(async () => {
  await Promise.all(discards.map((discard) => discard()))
})

describe.each(serverBackends)("no webhook secret can be read back, on $name", (backend) => {
  let place: Awaited<ReturnType<typeof backend.prepare>>
  let server: RunningServer
  let adminKey: string
  let answers: Array<{ readonly path: string; readonly status: number }>

  beforeAll(async () => {
    place = await backend.prepare()
    await leaveAsAnOlderVersion(place.store)
    server = await startServer({
      port: 0,
      host: "127.0.0.1",
      store: place.store,
      bodyLimitBytes: 1024 * 1024,
      webhooks: { ...testSecrets, publicUrl },
    })
    adminKey = server.firstAdminKey as string
    answers = []
    for (const delivery of await deliveries(new Date())) {
      const response = await fetch(`${server.url}${delivery.path}`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      })
      answers.push({ path: delivery.path, status: response.status })
    }
    await server.scorecardsCaughtUp(60_000)
  }, slow)

  afterAll(async () => {
    await server?.close()
    await place?.discard()
  })

  it("took every delivery as authentic", () => {
    expect(answers.filter((a) => a.status !== 200)).toEqual([])
  })

  it("answers no secret on any read route, the dashboard's views or the what-if", async () => {
    const reads = await readEverything(server, adminKey)
    expect(reads.length).toBeGreaterThan(20)
    expect(reads.filter((r) => r.status >= 500)).toEqual([])
    expect(
      reads.map((r) => ({ what: r.what, secrets: secretsIn(r.text) })).filter((r) => r.secrets.length > 0),
    ).toEqual([])
    // The payloads are there to read, proof masked: the old event by the migration, the new ones on arrival.
    const log = reads.find((r) => r.what === "GET /v1/events?limit=5000")?.text ?? ""
    const raws = (
      JSON.parse(log).events as Array<{ streamId: string; type: string; metadata: { raw?: { token?: string } } }>
    )
      .filter((e) => e.streamId.startsWith("call-aircall-") && e.type === "CallEventReceived")
      .map((e) => e.metadata.raw?.token)
    expect(raws).toEqual([maskedSecret, maskedSecret, maskedSecret])
  })

  it("holds no secret in any table of the store", async () => {
    expect(secretsIn(await everyRow(server.sql))).toEqual([])
  })

  it(
    "exports no secret (`ledger events export`), and imports an older version's archive without its secret",
    async () => {
      await server.close()
      const archive = await exported(place.store, path.join(workDir, `${backend.name}-export.ndjson`))
      expect(archive.split("\n").filter(Boolean).length).toBeGreaterThan(10)
      expect(secretsIn(archive)).toEqual([])

      // An archive the older version exported: its Aircall line holds the token.
      const olderArchive = path.join(workDir, `${backend.name}-older.ndjson`)
      const { streamId, type, data, metadata, occurredAt, idempotencyKey } = storedBeforeTheFix
      const line = { position: 1, streamId, streamVersion: 1, type, schemaVersion: 1, data, metadata, occurredAt }
      writeFileSync(olderArchive, `${JSON.stringify({ ...line, recordedAt: occurredAt, idempotencyKey })}\n`)
      expect(secretsIn(readFileSync(olderArchive, "utf8"))).toEqual(["LEDGER_AIRCALL_TOKEN"])
      let restoredInto: StoreLocation
      if (backend.name === "pglite") {
        const dataDir = await freshDataDir("ledger-secrets-restore-")
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
        expect(await importArchive(db, olderArchive, silently)).toMatchObject({ how: "restored", imported: 1 })
        // Imported again (a resumed import): the store's line and the archive's compare equal.
        expect(await importArchive(db, olderArchive, silently)).toMatchObject({ imported: 0, alreadyStored: 1 })
        expect(secretsIn(await everyRow(db))).toEqual([])
      } finally {
        await db.close()
      }
    },
    slow,
  )

  it.runIf(backend.name === "pglite" && postgresAvailable)(
    "copies no secret into PostgreSQL (`ledger store copy`)",
    async () => {
      await server.close()
      const target = await freshDatabase()
      try {
        const copied = await copyStore({ from: (place.store as { dataDir: string }).dataDir, to: target.url })
        expect(copied.events.total).toBeGreaterThan(10)
        const db = await openPostgres(target.url)
        try {
          expect(secretsIn(await everyRow(db))).toEqual([])
        } finally {
          await db.close()
        }
      } finally {
        await target.drop()
      }
    },
    slow,
  )

  it.runIf(backend.name === "pglite" && postgresAvailable)(
    "copies an older version's store into PostgreSQL without its secret",
    async () => {
      const dataDir = path.join(workDir, "older-store")
      await copyTemplateInto(dataDir)
      await leaveAsAnOlderVersion({ dataDir, durability: "process" })
      const target = await freshDatabase()
      try {
        await copyStore({ from: dataDir, to: target.url })
        const db = await openPostgres(target.url)
        try {
          const rows = await everyRow(db)
          expect(secretsIn(rows)).toEqual([])
          expect(rows).toContain(maskedSecret)
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
