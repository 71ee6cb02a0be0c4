/**
 * The projection runner's fold thread (src/runtime/foldThread.ts): what it answers must be what the
 * same fold answers on this thread, pages split anywhere; a failure is reported, not swallowed.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { LedgerEvent } from "../events/index.js"
import { emptyLedgerState, foldAll } from "../projections/index.js"
import { nothingTouched, touchedStatements } from "../src/readModel/scorecardWrites.js"
import { foldInto } from "../src/runtime/batchFold.js"
import { openFold } from "../src/runtime/foldThread.js"
import { decodeFoldPage } from "../src/store/readFoldPage.js"
import { anyHistory } from "./support/histories.js"

/** Events as `readFoldPage` encodes them: `[position, transactionId, type, schemaVersion, data, occurredMs]`. */
const pageText = (events: ReadonlyArray<LedgerEvent>, from: number) =>
  JSON.stringify(events.map((e, i) => [from + i + 1, "1", e.type, 1, e.data, Date.parse(e.occurredAt)]))

describe("the fold thread", () => {
  it("answers the statements this thread computes for the same events, however the pages are cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        anyHistory(40),
        anyHistory(30),
        fc.integer({ min: 1, max: 12 }),
        async (before, batch, pageSize) => {
          // The state as a generation loaded it from the store, then one batch folded page by page.
          const fold = await openFold("scorecards", 7, foldAll(before))
          for (let i = 0; i < batch.length; i += pageSize) fold.add(pageText(batch.slice(i, i + pageSize), i))
          const answered = await fold.statements()
          fold.close()

          const state = foldAll(before)
          const touched = nothingTouched()
          foldInto(state, decodeFoldPage(pageText(batch, 0)), touched)
          expect(answered).toEqual(touchedStatements("scorecards", 7, state, touched))
          expect(answered.length).toBeGreaterThan(0)
        },
      ),
      { numRuns: 40 },
    )
  })

  it("starts each batch afresh: a second call answers only what was added since the first", async () => {
    const [first, second] = fc.sample(anyHistory(20), { numRuns: 2, seed: 3 }) as [LedgerEvent[], LedgerEvent[]]
    const fold = await openFold("scorecards", 1, emptyLedgerState())
    fold.add(pageText(first, 0))
    await fold.statements()
    fold.add(pageText(second, first.length))
    const answered = await fold.statements()
    fold.close()

    const state = foldAll(first)
    const touched = nothingTouched()
    foldInto(state, decodeFoldPage(pageText(second, first.length)), touched)
    expect(answered).toEqual(touchedStatements("scorecards", 1, state, touched))
  })

  it("reports a page it could not fold on the next statements, and keeps failing that fold", async () => {
    const fold = await openFold("scorecards", 1, emptyLedgerState())
    fold.add("[[1, not json")
    await expect(fold.statements()).rejects.toThrow(/the fold thread failed: SyntaxError/)
    fold.add(pageText(fc.sample(anyHistory(5), { numRuns: 1, seed: 1 })[0] as LedgerEvent[], 0))
    await expect(fold.statements()).rejects.toThrow(/SyntaxError/)
    fold.close()
    // Other folds on the thread are not affected.
    const other = await openFold("scorecards", 2, emptyLedgerState())
    expect(await other.statements()).toEqual([])
    other.close()
  })
})
