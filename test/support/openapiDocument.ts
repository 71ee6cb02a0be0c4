/**
 * @module Writes the OpenAPI document the server serves at `/openapi.json` to a file, for
 * `npm run lint` (Redocly's recommended rules, redocly.yaml): the app is built on a throwaway
 * embedded store and asked for the document in process, no port opened.
 *
 * @example
 * tsx test/support/openapiDocument.ts /tmp/openapi.json
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, ManagedRuntime } from "effect"
import packageJson from "../../package.json" with { type: "json" }
import { buildApp } from "../../src/http/app.js"
import { startProjectionRunner } from "../../src/runtime/projectionRunner.js"
import { EventStore } from "../../src/store/EventStore.js"
import { deliveryTally } from "../../src/store/sources.js"

const out = process.argv[2]
if (out === undefined) {
  console.error("usage: tsx test/support/openapiDocument.ts <file>")
  process.exit(2)
}

const dataDir = await mkdtemp(path.join(tmpdir(), "ledger-openapi-"))
const runtime = ManagedRuntime.make(EventStore.layer({ dataDir, durability: "process" }))
try {
  const store = await runtime.runPromise(
    Effect.gen(function* () {
      return yield* EventStore
    }),
  )
  const runner = await startProjectionRunner(store.sql)
  const deliveries = deliveryTally(store.sql)
  try {
    const app = buildApp({
      runtime,
      sql: store.sql,
      runner,
      deliveries,
      bodyLimitBytes: 5 * 1024 * 1024,
      version: packageJson.version,
    })
    const answer = await app.request("/openapi.json")
    if (answer.status !== 200) throw new Error(`/openapi.json answered ${answer.status}: ${await answer.text()}`)
    await writeFile(out, `${JSON.stringify(await answer.json(), null, 2)}\n`)
  } finally {
    await deliveries.close()
    await runner.stop()
  }
} finally {
  await runtime.dispose()
  await rm(dataDir, { recursive: true, force: true })
}
// The app's timers (rate-limit sweeps, sessions' expiry) are not the script's to stop: it is done.
process.exit(0)
