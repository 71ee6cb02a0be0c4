/**
 * CSV import, the pure parts: reading CSV as CRMs write it, mapping columns and stages, reading cells, and
 * turning rows into events — plus dry runs of whole files (no store involved: a dry run stores nothing).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Readable } from "node:stream"
import { afterAll, describe, expect, it } from "vitest"
import { amountOf, instantOf, secondsOf } from "../src/ingest/csv/cellValues.js"
import { CsvImportRefused, importCsv } from "../src/ingest/csv/csvImport.js"
import { CsvUnreadable, csvLine, csvRecords } from "../src/ingest/csv/csvRecords.js"
import {
  type ImportKind,
  type ImportOptions,
  type ImportSettings,
  importSettings,
  mappingFileOptions,
  rowEvents,
} from "../src/ingest/csv/importKinds.js"
import { locateColumns, parsePairs, rowCells } from "../src/ingest/csv/mapping.js"
import { silentProgress } from "../src/observability/progress.js"

const records = async (...chunks: string[]) => {
  const all = []
  for await (const record of csvRecords(Readable.from(chunks.map((chunk) => Buffer.from(chunk))))) all.push(record)
  return all
}

const settingsOf = (kind: ImportKind, options: ImportOptions = {}): ImportSettings => {
  const settings = importSettings(kind, options)
  if (!settings.ok) throw new Error(settings.reason)
  return settings.settings
}

/** The events (or problems) of `row` under `header`, as an import of `kind` with `options` reads them. */
const eventsOfRow = (kind: ImportKind, options: ImportOptions, header: string[], row: string[]) => {
  const settings = settingsOf(kind, options)
  const located = locateColumns(header, settings.fields, settings.columns, settings.namedColumns)
  if (!located.ok) throw new Error(located.reason)
  return rowEvents(settings, rowCells(located.columns, row))
}

describe("reading CSV as CRMs export it", () => {
  it("reads quoted fields holding commas, quotes and line breaks, and says on which line each record starts", async () => {
    const file = 'id,name,notes\n1,"Acme, Inc.","said ""maybe"""\n2,"Multi\nLine Corp",x\n3,Globex,y\n'
    expect(await records(file)).toEqual([
      { line: 1, cells: ["id", "name", "notes"] },
      { line: 2, cells: ["1", "Acme, Inc.", 'said "maybe"'] },
      { line: 3, cells: ["2", "Multi\nLine Corp", "x"] },
      // Record 2 spans lines 3 and 4: the next one starts on line 5.
      { line: 5, cells: ["3", "Globex", "y"] },
    ])
  })

  it("drops a byte-order mark, reads CRLF line ends, and counts blank lines it skips", async () => {
    const file = "\uFEFFid,name\r\n1,Acme\r\n\r\n\r\n2,Globex\r\n"
    expect(await records(file)).toEqual([
      { line: 1, cells: ["id", "name"] },
      { line: 2, cells: ["1", "Acme"] },
      { line: 5, cells: ["2", "Globex"] },
    ])
  })

  it("counts a CRLF inside a quoted field as one line break", async () => {
    expect(await records('id,name\r\n1,"Multi\r\nLine"\r\n2,B\r\n')).toEqual([
      { line: 1, cells: ["id", "name"] },
      { line: 2, cells: ["1", "Multi\r\nLine"] },
      { line: 4, cells: ["2", "B"] },
    ])
  })

  it("keeps empty cells empty, and trims the padding around cells", async () => {
    expect(await records("a,b,c\n1,, 3 \n")).toEqual([
      { line: 1, cells: ["a", "b", "c"] },
      { line: 2, cells: ["1", "", "3"] },
    ])
  })

  it("reads a record split across chunks (a stream delivers the file in pieces)", async () => {
    expect(await records("id,na", 'me\r\n1,"Acme,', ' Inc."\r', "\n2,B\r\n")).toEqual([
      { line: 1, cells: ["id", "name"] },
      { line: 2, cells: ["1", "Acme, Inc."] },
      { line: 3, cells: ["2", "B"] },
    ])
  })

  it("refuses a quote that is never closed, naming the line", async () => {
    const reading = records('id,name\n1,Acme\n2,"Globex\n3,Initech\n')
    await expect(reading).rejects.toBeInstanceOf(CsvUnreadable)
    await expect(records('id,name\n1,Acme\n2,"Globex\n3,Initech\n')).rejects.toThrow(/never closed/)
  })

  it("writes a rejected row back as CSV, quoting what needs it", () => {
    expect(csvLine(["006A", "Acme, Inc.", 'said "no"', "two\nlines", ""])).toBe(
      '006A,"Acme, Inc.","said ""no""","two\nlines",\r\n',
    )
  })
})

describe("options", () => {
  it("reads name=value pairs, a quoted pair holding a comma", () => {
    expect(parsePairs('"Won, signed"=won,Closed Lost=lost', "--stages", "last")).toEqual({
      ok: true,
      pairs: [
        ["Won, signed", "won"],
        ["Closed Lost", "lost"],
      ],
    })
  })

  it("names the option and the pair that is not name=value", () => {
    expect(parsePairs("dealId=Id,owner", "--columns")).toEqual({
      ok: false,
      reason: expect.stringMatching(/^--columns: "owner" is not a name=value pair/),
    })
  })

  it("refuses an unknown preset, an unknown field and a stage mapped to no outcome, naming each", () => {
    expect(importSettings("deals", { preset: "zoho" })).toEqual({
      ok: false,
      reason: expect.stringMatching(/--preset: "zoho" is not one of salesforce, hubspot, pipedrive/),
    })
    expect(importSettings("deals", { columns: "dealid=Id" })).toEqual({
      ok: false,
      reason: expect.stringMatching(/--columns: "dealid" is not a field of a deals import/),
    })
    expect(importSettings("deals", { stages: "Closed Won=closed" })).toEqual({
      ok: false,
      reason: expect.stringMatching(/--stages: "Closed Won=closed": "closed" is not one of open, won, lost/),
    })
    expect(importSettings("reps", { columns: "identity=SF User" })).toEqual({
      ok: false,
      reason: expect.stringMatching(/--identity-source/),
    })
  })

  it("reads a JSON mapping file, and names the member that is wrong", () => {
    expect(mappingFileOptions('{ "preset": "hubspot", "stages": { "Verbal Yes": "open" }, "dates": "dmy" }')).toEqual({
      ok: true,
      options: { preset: "hubspot", stages: { "Verbal Yes": "open" }, dates: "dmy" },
    })
    expect(mappingFileOptions('{ "stage": { "Won": "won" } }')).toEqual({
      ok: false,
      reason: expect.stringMatching(/Unrecognized key.*"stage".*the members are preset, columns, stages/),
    })
    expect(mappingFileOptions("{ preset: hubspot }")).toEqual({ ok: false, reason: expect.stringMatching(/^not JSON/) })
  })

  it("reads a JSON mapping file's objects as mappings", () => {
    const settings = settingsOf("deals", { preset: "hubspot", stages: { "Verbal Yes": "open" } })
    expect([settings.stages.get("verbal yes"), settings.stages.get("closed won")]).toEqual(["open", "won"])
  })
})

describe("cell values", () => {
  it("reads dates as CRMs write them; a date alone is noon UTC, on that day in every team time zone", () => {
    expect(instantOf("2026-11-20", "mdy")).toEqual({ ok: true, value: "2026-11-20T12:00:00.000Z" })
    expect(instantOf("11/20/2026", "mdy")).toEqual({ ok: true, value: "2026-11-20T12:00:00.000Z" })
    expect(instantOf("20/11/2026", "dmy")).toEqual({ ok: true, value: "2026-11-20T12:00:00.000Z" })
    expect(instantOf("2026-11-20 14:05", "mdy")).toEqual({ ok: true, value: "2026-11-20T14:05:00.000Z" })
    expect(instantOf("11/20/2026 2:05 PM", "mdy")).toEqual({ ok: true, value: "2026-11-20T14:05:00.000Z" })
    expect(instantOf("2026-11-20T14:05:00+01:00", "mdy")).toEqual({ ok: true, value: "2026-11-20T13:05:00.000Z" })
  })

  it("refuses a date that does not exist, saying how it was read", () => {
    expect(instantOf("20/11/2026", "mdy")).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a real date \(read as month\/day\/year: --dates dmy/),
    })
    expect(instantOf("2026-02-30", "mdy")).toEqual({ ok: false, reason: expect.stringMatching(/not a real date/) })
    expect(instantOf("next week", "mdy")).toEqual({
      ok: false,
      reason: expect.stringMatching(/"next week" is not a date/),
    })
  })

  it("reads amounts with thousands separators and a currency sign, and refuses what is no amount", () => {
    expect(amountOf("12,000.50")).toEqual({ ok: true, value: 12000.5 })
    expect(amountOf("$12,000")).toEqual({ ok: true, value: 12000 })
    expect(amountOf("EUR 7500")).toEqual({ ok: true, value: 7500 })
    expect(amountOf("12.000,50").ok).toBe(false)
    expect(amountOf("-5").ok).toBe(false)
  })

  it("reads call durations as seconds, m:ss or h:mm:ss", () => {
    expect([secondsOf("95"), secondsOf("1:35"), secondsOf("0:01:35")]).toEqual(
      [95, 95, 95].map((value) => ({ ok: true, value })),
    )
  })
})

describe("deal rows", () => {
  const header = ["Id", "Owner", "Account", "Stage", "Created", "Closed", "Amount"]
  const options: ImportOptions = {
    columns: "dealId=Id,owner=Owner,account=Account,stage=Stage,openedAt=Created,closeDate=Closed,amount=Amount",
    stages: "Won=won,Lost=lost,*=open",
  }

  it("a won deal is a DealOpened at its creation and a DealWon at its close date, keyed by the deal's id", () => {
    expect(
      eventsOfRow("deals", options, header, ["D1", "ana", "acme", "Won", "2026-10-01", "2026-11-20", "12,000"]),
    ).toEqual({
      ok: true,
      events: [
        {
          type: "DealOpened",
          occurredAt: "2026-10-01T12:00:00.000Z",
          idempotencyKey: "csv:deals:D1:opened",
          data: { dealId: "D1", repId: "ana", accountId: "acme", amount: 12000, source: "outbound" },
        },
        {
          type: "DealWon",
          occurredAt: "2026-11-20T12:00:00.000Z",
          idempotencyKey: "csv:deals:D1:won",
          data: { dealId: "D1", amount: 12000 },
        },
      ],
    })
  })

  it("an open deal is a DealOpened whose expected close date is the close date column", () => {
    const row = eventsOfRow("deals", options, header, [
      "D2",
      "ana",
      "acme",
      "Negotiation",
      "2026-10-01",
      "2026-12-15",
      "5000",
    ])
    expect(row).toMatchObject({ ok: true, events: [{ type: "DealOpened", data: { expectedCloseDate: "2026-12-15" } }] })
    expect(row.ok && row.events.length).toBe(1)
  })

  it("a deal closed before it was created in the CRM is opened at its close date", () => {
    const row = eventsOfRow("deals", options, header, ["D3", "ana", "acme", "Lost", "2026-11-05", "2026-11-01", "5000"])
    expect(row.ok && row.events.map((e) => [e.type, e.occurredAt])).toEqual([
      ["DealOpened", "2026-11-01T12:00:00.000Z"],
      ["DealLost", "2026-11-01T12:00:00.000Z"],
    ])
  })

  it("an unknown stage is the stage column's problem, and says how to map it", () => {
    const row = eventsOfRow("deals", { ...options, stages: "Won=won,Lost=lost" }, header, [
      "D4",
      "ana",
      "acme",
      "Verbal",
      "2026-10-01",
      "",
      "5000",
    ])
    expect(row).toEqual({
      ok: false,
      problems: [{ field: "stage", reason: expect.stringContaining('--stages "Verbal=open"') }],
    })
  })

  it("reports every problem of the row: empty required cells, an amount that is none", () => {
    const row = eventsOfRow("deals", options, header, ["D5", "", "acme", "Won", "2026-10-01", "", "lots"])
    expect(row).toEqual({
      ok: false,
      problems: [
        { field: "owner", reason: "is empty" },
        { field: "closeDate", reason: "is empty" },
        { field: "amount", reason: expect.stringContaining('"lots" is not an amount') },
      ],
    })
  })

  it("checks the events against the vocabulary: an invalid currency is the currency column's problem", () => {
    const row = eventsOfRow(
      "deals",
      { ...options, columns: `${options.columns},currency=Cur` },
      [...header, "Cur"],
      ["D6", "ana", "acme", "Won", "2026-10-01", "2026-11-01", "5", "dollars"],
    )
    expect(row).toEqual({ ok: false, problems: [{ field: "currency", reason: expect.stringContaining("ISO 4217") }] })
  })

  it("with --identity-source, the owner is the CRM user's identity alias", () => {
    const row = eventsOfRow("deals", { ...options, identitySource: "salesforce" }, header, [
      "D7",
      "Ana Lopez",
      "acme",
      "Won",
      "2026-10-01",
      "2026-11-01",
      "5",
    ])
    expect(row.ok && row.events[0]?.data).toMatchObject({ repId: "salesforce:Ana Lopez" })
  })

  it("a header without a required column is refused, naming the column and listing the file's", () => {
    const settings = settingsOf("deals", options)
    const located = locateColumns(
      ["Id", "Owner", "Account", "Created", "Closed", "Amount"],
      settings.fields,
      settings.columns,
      settings.namedColumns,
    )
    expect(located).toEqual({
      ok: false,
      reason: expect.stringMatching(/the header has no column "Stage" \(stage\); its columns are "Id", "Owner"/),
    })
  })
})

describe("the presets read each CRM's own export header", () => {
  it("Salesforce: an Opportunities report, US dates, Closed Won", () => {
    const header = [
      "Opportunity Owner",
      "Account Name",
      "Opportunity Name",
      "Stage",
      "Amount",
      "Opportunity Currency",
      "Close Date",
      "Created Date",
      "Opportunity ID",
    ]
    const row = eventsOfRow("deals", { preset: "salesforce" }, header, [
      "Ana Lopez",
      "Acme",
      "Acme renewal",
      "Closed Won",
      "12,000.00",
      "USD",
      "11/20/2026",
      "10/1/2026",
      "0065g00000AbCdE",
    ])
    expect(row.ok && row.events).toEqual([
      {
        type: "DealOpened",
        occurredAt: "2026-10-01T12:00:00.000Z",
        idempotencyKey: "csv:deals:0065g00000AbCdE:opened",
        data: {
          dealId: "0065g00000AbCdE",
          repId: "Ana Lopez",
          accountId: "Acme",
          amount: 12000,
          currency: "USD",
          source: "outbound",
        },
      },
      {
        type: "DealWon",
        occurredAt: "2026-11-20T12:00:00.000Z",
        idempotencyKey: "csv:deals:0065g00000AbCdE:won",
        data: { dealId: "0065g00000AbCdE", amount: 12000 },
      },
    ])
  })

  it("Salesforce: an open stage of the default sales process, without a currency column", () => {
    const header = [
      "Opportunity ID",
      "Opportunity Owner",
      "Account Name",
      "Stage",
      "Created Date",
      "Close Date",
      "Amount",
    ]
    const row = eventsOfRow("deals", { preset: "salesforce" }, header, [
      "006X",
      "ana",
      "Acme",
      "Id. Decision Makers",
      "10/1/2026",
      "12/31/2026",
      "5000",
    ])
    expect(row.ok && row.events.map((e) => [e.type, e.data])).toEqual([
      [
        "DealOpened",
        {
          dealId: "006X",
          repId: "ana",
          accountId: "Acme",
          amount: 5000,
          source: "outbound",
          expectedCloseDate: "2026-12-31",
          stage: "Id. Decision Makers",
        },
      ],
    ])
  })

  it("HubSpot: a deals export, its default pipeline's Closed Lost with the reason", () => {
    const header = [
      "Record ID",
      "Deal Name",
      "Deal Stage",
      "Close Date",
      "Deal owner",
      "Amount",
      "Create Date",
      "Associated Company",
      "Closed lost reason",
    ]
    const row = eventsOfRow("deals", { preset: "hubspot" }, header, [
      "1234567890",
      "Globex pilot",
      "Closed Lost",
      "2026-11-02 16:30",
      "Bo Berg",
      "3000",
      "2026-10-07 09:15",
      "Globex",
      "Budget",
    ])
    expect(row.ok && row.events).toEqual([
      {
        type: "DealOpened",
        occurredAt: "2026-10-07T09:15:00.000Z",
        idempotencyKey: "csv:deals:1234567890:opened",
        data: { dealId: "1234567890", repId: "Bo Berg", accountId: "Globex", amount: 3000, source: "outbound" },
      },
      {
        type: "DealLost",
        occurredAt: "2026-11-02T16:30:00.000Z",
        idempotencyKey: "csv:deals:1234567890:lost",
        data: { dealId: "1234567890", reason: "Budget" },
      },
    ])
  })

  it("HubSpot: every stage of the default sales pipeline is known", () => {
    const header = [
      "Record ID",
      "Deal Stage",
      "Close Date",
      "Deal owner",
      "Amount",
      "Create Date",
      "Associated Company",
    ]
    const stages = [
      "Appointment Scheduled",
      "Qualified To Buy",
      "Presentation Scheduled",
      "Decision Maker Bought-In",
      "Contract Sent",
      "Closed Won",
      "Closed Lost",
    ]
    const outcomes = stages.map((stage) => {
      const row = eventsOfRow("deals", { preset: "hubspot" }, header, [
        "1",
        stage,
        "2026-11-02",
        "bo",
        "1",
        "2026-10-01",
        "Globex",
      ])
      return row.ok ? row.events.map((e) => e.type).join("+") : "invalid"
    })
    expect(outcomes).toEqual([
      "DealOpened",
      "DealOpened",
      "DealOpened",
      "DealOpened",
      "DealOpened",
      "DealOpened+DealWon",
      "DealOpened+DealLost",
    ])
  })

  it("Pipedrive: a deals export, where won and lost are the Status and the expected close date has its own column", () => {
    const header = [
      "Deal - ID",
      "Deal - Title",
      "Deal - Owner",
      "Deal - Value",
      "Deal - Currency",
      "Deal - Organization",
      "Deal - Stage",
      "Deal - Status",
      "Deal - Deal created",
      "Deal - Deal closed on",
      "Deal - Expected close date",
    ]
    const won = eventsOfRow("deals", { preset: "pipedrive" }, header, [
      "42",
      "Initech deal",
      "Cy Chen",
      "7500",
      "EUR",
      "Initech",
      "Negotiations Started",
      "Won",
      "2026-09-15 10:00:00",
      "2026-11-10 15:00:00",
      "2026-11-30",
    ])
    expect(won.ok && won.events.map((e) => [e.type, e.occurredAt, e.data])).toEqual([
      [
        "DealOpened",
        "2026-09-15T10:00:00.000Z",
        { dealId: "42", repId: "Cy Chen", accountId: "Initech", amount: 7500, currency: "EUR", source: "outbound" },
      ],
      ["DealWon", "2026-11-10T15:00:00.000Z", { dealId: "42", amount: 7500 }],
    ])
    const open = eventsOfRow("deals", { preset: "pipedrive" }, header, [
      "43",
      "Umbrella",
      "Cy Chen",
      "100",
      "EUR",
      "Umbrella",
      "Proposal Made",
      "Open",
      "2026-09-15 10:00:00",
      "",
      "2026-12-20",
    ])
    expect(open.ok && open.events.map((e) => e.data)).toEqual([
      {
        dealId: "43",
        repId: "Cy Chen",
        accountId: "Umbrella",
        amount: 100,
        currency: "EUR",
        source: "outbound",
        expectedCloseDate: "2026-12-20",
        stage: "Proposal Made",
      },
    ])
  })

  it("Pipedrive: an activities export, tasks skipped, a meeting not done only booked", () => {
    const header = [
      "Activity - ID",
      "Activity - Type",
      "Activity - Subject",
      "Activity - Assigned to user",
      "Activity - Due date",
      "Activity - Organization",
      "Activity - Duration",
      "Activity - Done",
    ]
    const options = { preset: "pipedrive" }
    const call = eventsOfRow("activities", options, header, [
      "7",
      "Call",
      "Intro",
      "Cy Chen",
      "2026-11-03",
      "Initech",
      "00:04:10",
      "Done",
    ])
    expect(call.ok && call.events).toEqual([
      {
        type: "CallLogged",
        occurredAt: "2026-11-03T12:00:00.000Z",
        idempotencyKey: "csv:activities:7:call",
        data: {
          callId: "7",
          repId: "Cy Chen",
          accountId: "Initech",
          direction: "outbound",
          disposition: "connected",
          durationSeconds: 250,
        },
      },
    ])
    expect(
      eventsOfRow("activities", options, header, ["8", "Task", "Send deck", "Cy Chen", "2026-11-03", "", "", "To do"]),
    ).toEqual({ ok: true, events: [] })
    const meeting = eventsOfRow("activities", options, header, [
      "9",
      "Meeting",
      "Demo",
      "Cy Chen",
      "2026-11-04 14:00",
      "Initech",
      "",
      "To do",
    ])
    expect(meeting.ok && meeting.events.map((e) => e.type)).toEqual(["MeetingBooked"])
  })

  it("HubSpot: an activities export, the call outcome read through HubSpot's outcomes", () => {
    const header = [
      "Record ID",
      "Activity type",
      "Activity date",
      "Activity assigned to",
      "Call direction",
      "Call duration",
      "Call outcome",
      "Associated Company",
    ]
    const row = eventsOfRow("activities", { preset: "hubspot" }, header, [
      "55",
      "Call",
      "2026-11-03 09:30",
      "Bo Berg",
      "Outbound",
      "0",
      "Left voicemail",
      "Globex",
    ])
    expect(row.ok && row.events[0]?.data).toEqual({
      callId: "55",
      repId: "Bo Berg",
      accountId: "Globex",
      direction: "outbound",
      disposition: "voicemail",
      durationSeconds: 0,
    })
  })

  it("Salesforce: a Tasks and Events report, an internal call skipped", () => {
    const header = [
      "Activity ID",
      "Assigned",
      "Subject",
      "Type",
      "Date",
      "Account",
      "Call Type",
      "Call Duration",
      "Call Result",
    ]
    expect(
      eventsOfRow("activities", { preset: "salesforce" }, header, [
        "00T1",
        "ana",
        "Sync",
        "Call",
        "11/3/2026",
        "",
        "Internal",
        "60",
        "",
      ]),
    ).toEqual({ ok: true, events: [] })
    const email = eventsOfRow("activities", { preset: "salesforce" }, header, [
      "00T2",
      "ana",
      "Follow-up",
      "Email",
      "11/3/2026",
      "Acme",
      "",
      "",
      "",
    ])
    expect(email.ok && email.events.map((e) => [e.type, e.data])).toEqual([
      ["EmailSent", { emailId: "00T2", repId: "ana", accountId: "Acme", kind: "follow_up" }],
    ])
  })
})

describe("activity and roster rows", () => {
  const header = ["id", "owner", "type", "date", "account"]
  const columns = "activityId=id,occurredAt=date"

  it("a meeting needs an account", () => {
    expect(eventsOfRow("activities", { columns }, header, ["m1", "ana", "Meeting", "2026-11-03", ""])).toEqual({
      ok: false,
      problems: [{ field: "account", reason: "is empty" }],
    })
  })

  it("an unknown activity type says how to map it", () => {
    expect(eventsOfRow("activities", { columns }, header, ["x1", "ana", "Webinar", "2026-11-03", "acme"])).toEqual({
      ok: false,
      problems: [{ field: "type", reason: expect.stringContaining('--types "Webinar=call"') }],
    })
  })

  it("a roster row is a RepJoined with team and manager, and the CRM identity linked", () => {
    const row = eventsOfRow(
      "reps",
      {
        columns: "repId=Id,name=Name,role=Title,team=Team,manager=Manager,identity=Salesforce user",
        identitySource: "salesforce",
      },
      ["Id", "Name", "Title", "Team", "Manager", "Salesforce user"],
      ["ana", "Ana Lopez", "SDR", "East", "mia", "Ana Lopez"],
    )
    expect(row.ok && row.events.map((e) => [e.type, e.occurredAt, e.data])).toEqual([
      [
        "RepJoined",
        "2000-01-01T12:00:00.000Z",
        { repId: "ana", name: "Ana Lopez", role: "BDR", team: "East", managerRepId: "mia" },
      ],
      [
        "RepIdentityLinked",
        "2000-01-01T12:00:00.000Z",
        { repId: "ana", source: "salesforce", externalId: "Ana Lopez" },
      ],
    ])
  })

  it("a rep's changed team makes a new RepJoined key; the same row the same key", () => {
    const keyOf = (team: string) => {
      const row = eventsOfRow("reps", {}, ["repId", "team"], ["ana", team])
      return row.ok ? row.events[0]?.idempotencyKey : undefined
    }
    expect(keyOf("East")).toBe(keyOf("East"))
    expect(keyOf("East")).not.toBe(keyOf("West"))
    expect(keyOf("East")).toMatch(/^csv:reps:ana:joined:[0-9a-f]{16}$/)
  })
})

describe("a dry run of a whole file", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "ledger-csv-unit-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const fileWith = (name: string, text: string) => {
    const file = path.join(dir, name)
    writeFileSync(file, text)
    return file
  }
  // A dry run that skips invalid rows lists them; without skipping, it is refused as the import would be.
  const dryRun = (file: string, kind: ImportKind, options: ImportOptions, skipInvalid = true) =>
    importCsv({
      file,
      settings: settingsOf(kind, options),
      mode: "dry-run",
      skipInvalid,
      append: () => Promise.reject(new Error("a dry run must not append")),
      progress: silentProgress,
    })

  it("counts the events by type and lists each invalid row with its line and column", async () => {
    const file = fileWith(
      "sf.csv",
      '\uFEFF"Opportunity ID","Opportunity Owner","Account Name","Stage","Created Date","Close Date","Amount"\r\n' +
        '006A,ana,"Acme, Inc.",Closed Won,10/1/2026,11/20/2026,"12,000.00"\r\n' +
        '006B,bo,"Multi\r\nLine Corp",Prospecting,10/5/2026,,5000\r\n' +
        "006C,bo,Globex,Verbal,10/7/2026,11/2/2026,3000\r\n" +
        "006D,bo,Initech,Closed Lost,10/7/2026,,3000\r\n" +
        '\r\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\r\n',
    )
    const outcome = await dryRun(file, "deals", { preset: "salesforce" })
    expect(outcome).toMatchObject({
      dryRun: true,
      rows: 4,
      notes: 1,
      eventsByType: { DealOpened: 2, DealWon: 1 },
      rejected: 2,
      appended: 0,
      rejections: [
        // 006B spans lines 3 and 4: 006C is on line 5.
        { line: 5, column: "Stage", reason: expect.stringContaining('unknown stage "Verbal"') },
        { line: 6, column: "Close Date", reason: "is empty" },
      ],
    })
  })

  it("refuses a dry run with an invalid row, as the import would, with the counts", async () => {
    const file = fileWith("reps.csv", "repId,name,role\nana,Ana,AE\nbo,Bo,Juggler\n")
    const refused = await dryRun(file, "reps", {}, false).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(CsvImportRefused)
    expect((refused as CsvImportRefused).message).toMatch(
      /line 3, column "role".*a dry run: nothing was stored, and the import would be refused/,
    )
    expect((refused as CsvImportRefused).counts).toMatchObject({ dryRun: true, rows: 2, rejected: 1 })
  })

  it("refuses a file whose header lacks a column, naming it", async () => {
    const file = fileWith(
      "missing.csv",
      "Opportunity ID,Opportunity Owner,Stage,Created Date,Close Date,Amount\n006A,ana,Closed Won,10/1/2026,11/20/2026,1\n",
    )
    await expect(dryRun(file, "deals", { preset: "salesforce" })).rejects.toThrow(CsvImportRefused)
    await expect(dryRun(file, "deals", { preset: "salesforce" })).rejects.toThrow(
      /line 1: the header has no column "Account Name" \(account\)/,
    )
  })

  it("rejects a row with more cells than the header (a comma not quoted)", async () => {
    const file = fileWith("wide.csv", "repId,name\nana,Ana\nbo,Berg, Bo\n")
    expect((await dryRun(file, "reps", {})).rejections).toEqual([
      { line: 3, column: "(row)", reason: expect.stringContaining("has 3 cells where the header has 2 columns") },
    ])
  })
})
