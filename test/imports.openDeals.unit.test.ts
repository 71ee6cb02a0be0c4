/**
 * A deals export as it comes: open deals without an amount, an account or a creation date, their stage kept.
 */
import { describe, expect, it } from "vitest"
import { type ImportOptions, importSettings, rowEvents } from "../src/ingest/csv/importKinds.js"
import { locateColumns, rowCells } from "../src/ingest/csv/mapping.js"

// A Salesforce Opportunities report, the columns in its order.
const header = ["Opportunity ID", "Opportunity Owner", "Account Name", "Stage", "Created Date", "Close Date", "Amount"]

const eventsOf = (row: string[], options: ImportOptions = {}) => {
  const settings = importSettings("deals", { preset: "salesforce", ...options })
  if (!settings.ok) throw new Error(settings.reason)
  const located = locateColumns(header, settings.settings.fields, settings.settings.columns, new Set())
  if (!located.ok) throw new Error(located.reason)
  return rowEvents(settings.settings, rowCells(located.columns, row))
}

describe("open deals as the export has them", () => {
  it("opens a deal without an amount or an account, its stage kept", () => {
    const row = eventsOf(["006P", "ana", "", "Prospecting", "11/3/2026", "12/31/2026", ""])
    expect(row.ok && row.events.map((e) => [e.type, e.occurredAt, e.data])).toEqual([
      [
        "DealOpened",
        "2026-11-03T12:00:00.000Z",
        { dealId: "006P", repId: "ana", source: "outbound", expectedCloseDate: "2026-12-31", stage: "Prospecting" },
      ],
    ])
  })

  it("opens a deal without a creation date at --opened-at-default", () => {
    const row = eventsOf(["006Q", "ana", "Acme", "Prospecting", "", "", ""], { openedAtDefault: "2026-11-30" })
    expect(row.ok && row.events.map((e) => [e.occurredAt, e.data])).toEqual([
      [
        "2026-11-30T12:00:00.000Z",
        { dealId: "006Q", repId: "ana", accountId: "Acme", source: "outbound", stage: "Prospecting" },
      ],
    ])
  })

  it("without --opened-at-default, rejects a row without a creation date, naming the option", () => {
    const row = eventsOf(["006Q", "ana", "Acme", "Prospecting", "", "", ""])
    expect(row).toEqual({
      ok: false,
      problems: [
        {
          field: "openedAt",
          reason: expect.stringContaining("give the date to open such deals at with --opened-at-default"),
        },
      ],
    })
  })

  it("a creation date that is there wins over the default; a bad default is refused by name", () => {
    const row = eventsOf(["006R", "ana", "Acme", "Prospecting", "11/3/2026", "", "900"], {
      openedAtDefault: "2026-11-30",
    })
    expect(row.ok && row.events[0]?.occurredAt).toBe("2026-11-03T12:00:00.000Z")
    const bad = importSettings("deals", { openedAtDefault: "soon" })
    expect(bad.ok || bad.reason).toMatch(/^--opened-at-default: /)
  })

  it("a won deal still needs its amount; a lost one may have none, and neither keeps a stage", () => {
    const won = eventsOf(["006W", "ana", "Acme", "Closed Won", "11/3/2026", "11/20/2026", ""])
    expect(won).toEqual({ ok: false, problems: [{ field: "amount", reason: "is empty" }] })
    const lost = eventsOf(["006L", "ana", "", "Closed Lost", "11/3/2026", "11/20/2026", ""])
    expect(lost.ok && lost.events.map((e) => [e.type, e.data])).toEqual([
      ["DealOpened", { dealId: "006L", repId: "ana", source: "outbound" }],
      ["DealLost", { dealId: "006L" }],
    ])
  })
})
