import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DemoLoadRejected, type DemoTeamOptions, generateDemoTeam, loadDemoTeam } from "../src/demo/index.js"
import { countEvents } from "../src/store/logHead.js"
import { readLog } from "../src/store/readLog.js"
import { readStream } from "../src/store/readStream.js"
import { backends, type OpenedStore } from "./support/stores.js"

// A small team over two months: every kind of event, a few thousand of them, loaded in seconds.
const options: DemoTeamOptions = { seed: 11, reps: 6, months: 2 }

for (const backend of backends) {
  describe(`loading the demo team (${backend.name})`, () => {
    let store: OpenedStore
    let generated: number
    beforeAll(async () => {
      store = await backend.open()
      generated = 0
      for (const _ of generateDemoTeam(options)) generated++
    })
    afterAll(async () => {
      await store.close()
    })

    it("appends every generated event, batch by batch, labelled as demo data", async () => {
      const progress: Array<number> = []
      const loaded = await loadDemoTeam(store.db, { ...options, batchSize: 500, onProgress: (n) => progress.push(n) })
      expect(loaded).toBe(generated)
      expect(await countEvents(store.db)).toBe(generated)
      expect(progress.at(-1)).toBe(generated)
      expect(progress.length).toBe(Math.ceil(generated / 500))
      expect(progress).toEqual([...progress].sort((a, b) => a - b))
      const [first] = await readLog(store.db, { limit: 1 })
      expect(first).toMatchObject({
        type: "TeamSettingsChanged",
        idempotencyKey: "demo-11-1",
        metadata: { source: "demo", demoSeed: 11 },
      })
    }, 120_000)

    it("keeps each deal's history in its own stream, in order", async () => {
      let dealId: string | undefined
      for (const event of generateDemoTeam(options)) {
        if (event.type !== "DealOpened") continue
        dealId = event.data.dealId
        break
      }
      expect(dealId).toBeDefined()
      const stream = await readStream(store.db, `deal-${dealId}`)
      expect(stream[0]?.type).toBe("DealOpened")
      expect(stream.map((e) => e.streamVersion)).toEqual(stream.map((_, i) => i + 1))
    })

    it("appends nothing when loaded again", async () => {
      const loaded = await loadDemoTeam(store.db, options)
      expect(loaded).toBe(generated)
      expect(await countEvents(store.db)).toBe(generated)
    }, 120_000)

    it("refuses, saying why, a demo of the same seed with other options", async () => {
      const attempt = loadDemoTeam(store.db, { ...options, reps: 7 })
      await expect(attempt).rejects.toBeInstanceOf(DemoLoadRejected)
      await expect(loadDemoTeam(store.db, { ...options, reps: 7 })).rejects.toThrow(/same seed but other options/)
      expect(await countEvents(store.db)).toBe(generated)
    }, 120_000)
  })
}
