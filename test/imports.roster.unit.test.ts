/**
 * A roster that names managers only in its manager column: each becomes a rep of role manager, once.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { importCsv } from "../src/ingest/csv/csvImport.js"
import { importSettings } from "../src/ingest/csv/importKinds.js"
import { silentProgress } from "../src/observability/progress.js"

const dir = mkdtempSync(path.join(tmpdir(), "ledger-roster-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const dryRun = (text: string) => {
  const file = path.join(dir, "team.csv")
  writeFileSync(file, text)
  const settings = importSettings("reps", {})
  if (!settings.ok) throw new Error(settings.reason)
  return importCsv({
    file,
    settings: settings.settings,
    mode: "dry-run",
    skipInvalid: false,
    append: () => Promise.reject(new Error("a dry run must not append")),
    progress: silentProgress,
  })
}

describe("managers named in a roster", () => {
  it("counts a RepJoined for each manager with no row of their own, and none for one with a row", async () => {
    // mia has a row; raj and sol are named only as managers (raj twice): two more RepJoined, six in all.
    const outcome = await dryRun(
      "repId,name,role,manager\nmia,Mia Ross,manager,\nana,Ana Lopez,AE,raj\nbo,Bo Chen,AE,raj\ncy,Cy Diaz,BDR,sol\n",
    )
    expect(outcome).toMatchObject({ rows: 4, rejected: 0, eventsByType: { RepJoined: 6 } })
  })

  it("names none when every manager has a row, wherever it is in the file", async () => {
    const outcome = await dryRun("repId,name,role,manager\nana,Ana Lopez,AE,mia\nmia,Mia Ross,manager,\n")
    expect(outcome.eventsByType).toEqual({ RepJoined: 2 })
  })
})

describe("a short row", () => {
  it('is reported as "short row: N cells, header has M", not as empty cells', async () => {
    // Line 3 was cut after its second cell: its role and manager are missing, not empty.
    const outcome = await dryRun("repId,name,role,manager\nmia,Mia Ross,manager,\nana,Ana Lopez\n").catch(
      (error: Error & { rejections?: unknown }) => error.rejections,
    )
    expect(outcome).toEqual([
      { line: 3, column: "(row)", reason: "short row: 2 cells, header has 4: a line broken or cut short?" },
    ])
  })
})
