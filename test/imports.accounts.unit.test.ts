/**
 * An accounts (companies) export onto the target list: customers buy what we sell, a competitor's are to win over.
 */
import { describe, expect, it } from "vitest"
import type { IncomingEvent } from "../events/index.js"
import { foldAll, ownerAt } from "../projections/index.js"
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

describe("an accounts import with the account's owner", () => {
  const salesforce = ["Account Name", "Industry", "Employees", "Type", "Account Owner"]
  const acme = (owner: string) => ["Acme", "Manufacturing", "1200", "Customer - Direct", owner]
  const eventOf = (header: string[], row: string[], options: ImportOptions): IncomingEvent => {
    const events = eventsOf(header, row, options)
    if (!events.ok || events.events.length !== 1) throw new Error(JSON.stringify(events))
    return events.events[0] as IncomingEvent
  }
  // The key of Acme's row before the owner column existed: the first 16 hex digits of the SHA-256 of
  // {"data":{"accountId":"Acme","industry":"Manufacturing","name":"Acme","reason":"buys_what_we_sell","size":"1200"},
  //  "occurredAt":"2000-01-01T12:00:00.000Z","type":"AccountTargeted"} (keys sorted, as contentKey writes them).
  const keyWithoutOwner = "csv:accounts:Acme:targeted:a70e891eb153c6a1"

  it("Salesforce: the Account Owner is the account's ownerRepId, as the deals import reads its owner", () => {
    expect(eventOf(salesforce, acme("ana"), { preset: "salesforce" }).data).toEqual({
      accountId: "Acme",
      name: "Acme",
      reason: "buys_what_we_sell",
      industry: "Manufacturing",
      size: "1200",
      ownerRepId: "ana",
    })
  })

  it("with --identity-source, the owner is the CRM user's identity alias, and the rep linked to it owns the list", () => {
    const targeted = eventOf(salesforce, acme("Ana Lopez"), { preset: "salesforce", identitySource: "salesforce" })
    expect(targeted.data).toMatchObject({ ownerRepId: "salesforce:Ana Lopez" })
    // The CRM user linked to ana after the account was imported: the alias is ana's, and so is Acme, from --joined-on.
    const state = foldAll([
      { type: "RepJoined", occurredAt: "2026-01-05T09:00:00Z", data: { repId: "ana", name: "Ana Lopez", role: "AE" } },
      targeted,
      {
        type: "RepIdentityLinked",
        occurredAt: "2026-02-01T09:00:00Z",
        data: { repId: "ana", source: "salesforce", externalId: "Ana Lopez" },
      },
    ])
    const account = state.accounts.get("Acme")
    expect(account?.ownerRepId).toBe("ana")
    expect(account && ownerAt(account, "2026-03-31T23:59:59Z")).toBe("ana")
  })

  it("HubSpot: the Company owner, with the deals export's identity alias", () => {
    const header = ["Record ID", "Company name", "Industry", "Number of Employees", "Lifecycle Stage", "Company owner"]
    const row = ["901", "Initech", "Software", "51-200", "Customer", "ana@example.com"]
    expect(eventOf(header, row, { preset: "hubspot", identitySource: "hubspot" }).data).toMatchObject({
      accountId: "Initech",
      ownerRepId: "hubspot:ana@example.com",
    })
  })

  it("an empty owner cell names no owner, and the row keeps the key it had before the owner column", () => {
    const empty = eventOf(salesforce, acme(""), { preset: "salesforce" })
    expect(empty.data).not.toHaveProperty("ownerRepId")
    expect(empty.idempotencyKey).toBe(keyWithoutOwner)
    const withoutColumn = eventOf(salesforce.slice(0, 4), acme("").slice(0, 4), { preset: "salesforce" })
    expect(withoutColumn.idempotencyKey).toBe(keyWithoutOwner)
  })

  it("the owner is in the key: the same owner appends nothing again, a changed owner appends its AccountTargeted", () => {
    const ana = eventOf(salesforce, acme("ana"), { preset: "salesforce" })
    expect(ana.idempotencyKey).toMatch(/^csv:accounts:Acme:targeted:[0-9a-f]{16}$/)
    expect(ana.idempotencyKey).not.toBe(keyWithoutOwner)
    expect(eventOf(salesforce, acme("ana"), { preset: "salesforce" }).idempotencyKey).toBe(ana.idempotencyKey)
    const bo = eventOf(salesforce, acme("bo"), { preset: "salesforce" })
    expect(bo.idempotencyKey).not.toBe(ana.idempotencyKey)
    // The later export's event, at the same --joined-on, goes after ana's: Acme is bo's list now (and from that date).
    const state = foldAll([ana, bo])
    expect(state.accounts.get("Acme")?.ownerRepId).toBe("bo")
    // Dated by --joined-on (the later export's date), the change takes effect from that date on.
    const boInMarch = eventOf(salesforce, acme("bo"), { preset: "salesforce", joinedOn: "2026-03-01" })
    const dated = foldAll([ana, boInMarch]).accounts.get("Acme")
    expect(dated && [ownerAt(dated, "2026-02-28T23:59:59Z"), ownerAt(dated, "2026-03-31T23:59:59Z")]).toEqual([
      "ana",
      "bo",
    ])
  })

  it("an owner the vocabulary refuses is the owner column's problem", () => {
    expect(eventsOf(salesforce, acme(" ana "), { preset: "salesforce" })).toEqual({
      ok: false,
      problems: [{ field: "owner", reason: expect.stringContaining("must not start or end with spaces") }],
    })
  })
})
