/**
 * An accounts (companies) export onto the target list: customers buy what we sell, a competitor's are to win over.
 */
import { describe, expect, it } from "vitest"
import { type ImportOptions, importSettings, rowEvents } from "../src/ingest/csv/importKinds.js"
import { locateColumns, rowCells } from "../src/ingest/csv/mapping.js"

const eventsOf = (header: string[], row: string[], options: ImportOptions = {}) => {
  const settings = importSettings("accounts", options)
  if (!settings.ok) throw new Error(settings.reason)
  const { fields, columns, namedColumns } = settings.settings
  const located = locateColumns(header, fields, columns, namedColumns)
  if (!located.ok) throw new Error(located.reason)
  return rowEvents(settings.settings, rowCells(located.columns, row))
}

describe("an accounts import", () => {
  const salesforce = ["Account Name", "Industry", "Employees", "Type"]

  it("Salesforce: a Customer - Direct account is targeted as buying what we sell, with industry and size", () => {
    const row = eventsOf(salesforce, ["Acme", "Manufacturing", "1200", "Customer - Direct"], { preset: "salesforce" })
    expect(row.ok && row.events.map((e) => [e.type, e.occurredAt, e.data])).toEqual([
      [
        "AccountTargeted",
        "2000-01-01T12:00:00.000Z",
        { accountId: "Acme", name: "Acme", reason: "buys_what_we_sell", industry: "Manufacturing", size: "1200" },
      ],
    ])
    expect(row.ok && row.events[0]?.idempotencyKey).toMatch(/^csv:accounts:Acme:targeted:[0-9a-f]{16}$/)
  })

  it("Salesforce: a Prospect makes no event", () => {
    expect(eventsOf(salesforce, ["Globex", "Retail", "40", "Prospect"], { preset: "salesforce" })).toEqual({
      ok: true,
      events: [],
    })
  })

  it("HubSpot: the Lifecycle Stage Customer is a customer", () => {
    const header = ["Record ID", "Company name", "Industry", "Number of Employees", "Lifecycle Stage"]
    const row = eventsOf(header, ["901", "Initech", "Software", "51-200", "Customer"], { preset: "hubspot" })
    expect(row.ok && row.events[0]?.data).toEqual({
      accountId: "Initech",
      name: "Initech",
      reason: "buys_what_we_sell",
      industry: "Software",
      size: "51-200",
    })
  })

  it("a competitor's customer is to win over; the competitor's name is its incumbent", () => {
    const header = ["accountId", "customer", "competitorCustomer"]
    const named = eventsOf(header, ["hooli", "no", "Gong"])
    expect(named.ok && named.events[0]?.data).toEqual({ accountId: "hooli", reason: "displacement", incumbent: "Gong" })
    const flagged = eventsOf(header, ["umbrella", "", "yes"])
    expect(flagged.ok && flagged.events[0]?.data).toEqual({ accountId: "umbrella", reason: "displacement" })
    expect(eventsOf(header, ["x1", "0", "n"])).toEqual({ ok: true, events: [] })
  })

  it("a row without an id is rejected by name", () => {
    expect(eventsOf(["accountId", "customer"], ["", "yes"])).toEqual({
      ok: false,
      problems: [{ field: "accountId", reason: "is empty" }],
    })
  })
})
