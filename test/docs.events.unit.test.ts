/**
 * events/README.md is the vocabulary's documentation for users: its tables must say what the zod
 * schemas accept. Every event type has a section, every field of its schema a row and no row names
 * a field the schema lacks; a row's requirement, its value (checked by what the field's schema
 * accepts and refuses), its stream and its schema version are the code's.
 */
import { describe, expect, it } from "vitest"
import type { z } from "zod"
import {
  currentSchemaVersion,
  defaultTeamSettings,
  EventEnvelope,
  type EventType,
  eventSchemas,
  eventTypes,
  type LedgerEvent,
  parseEvent,
  streamOf,
} from "../events/index.js"
import { plainText, readDoc, records, section, sections, tableWith } from "./support/markdown.js"

const doc = readDoc("events/README.md")

/**
 * What each word of the "value" column promises, as values the field must accept and refuse.
 * A value listed as `a` | `b` is an enumeration, checked apart.
 */
const valueKinds: Readonly<
  Record<string, { readonly accepts: ReadonlyArray<unknown>; readonly refuses: ReadonlyArray<unknown> }>
> = {
  id: { accepts: ["ana", "005Dn00000Fx1", "x".repeat(200)], refuses: ["", "x".repeat(201), " ana", 42] },
  text: { accepts: ["", "went with a competitor"], refuses: [42, null] },
  "non-empty text": { accepts: ["x", "x".repeat(201)], refuses: ["", 42] },
  email: { accepts: ["ana@example.com"], refuses: ["ana", "ana@"] },
  instant: {
    accepts: ["2026-11-02T14:05:00Z", "2026-11-02T15:05:00+01:00"],
    refuses: ["2026-11-02", "2026-11-02T14:05:00", "0000-06-01T00:00:00Z"],
  },
  date: { accepts: ["2026-11-02"], refuses: ["2026-11-02T14:05:00Z", "2026-02-30", "0000-01-01"] },
  amount: { accepts: [0, 12_000.5], refuses: [-1, "12000", Number.POSITIVE_INFINITY] },
  currency: { accepts: ["USD", "EUR"], refuses: ["usd", "DOLLAR"] },
  "quota period": { accepts: ["2026-Q4", "2026-11"], refuses: ["2026-Q5", "2026-13", "Q4 2026"] },
  "time zone": { accepts: ["Europe/Paris", "UTC"], refuses: ["Mars/Olympus_Mons", 42] },
  "integer ≥ 0": { accepts: [0, 90], refuses: [-1, 1.5, "90"] },
  "integer ≥ 1": { accepts: [1, 60], refuses: [0, 1.5] },
  "integer 1–12": { accepts: [1, 12], refuses: [0, 13, 2.5] },
  boolean: { accepts: [true, false], refuses: ["true", 1] },
  "event type": { accepts: ["CallLogged"], refuses: ["", 42] },
  key: { accepts: ["k", "x".repeat(512)], refuses: ["", "x".repeat(513)] },
  object: { accepts: [{ callId: "c-1" }], refuses: [] },
  "subject key": { accepts: [`s:${"0a".repeat(32)}`], refuses: ["ana@example.com", "s:0a", `s:${"0A".repeat(32)}`] },
}

const enumerationOf = (value: string): ReadonlyArray<string> | undefined => {
  const words = value.split("|").map((word) => word.trim())
  return words.every((word) => /^`[^`]+`$/.test(word)) ? words.map((word) => word.slice(1, -1)) : undefined
}

type FieldSchema = z.ZodType
type ObjectSchema = { readonly shape: Readonly<Record<string, FieldSchema>> }

const fieldRows = (body: string) =>
  records(tableWith(body, ["field", "required", "value", "meaning"])).map((row) => ({
    field: plainText(row["field"]!),
    required: row["required"]!,
    value: row["value"]!,
    meaning: row["meaning"]!,
  }))

/**
 * Expects each documented row to describe `schema.shape[field]`, and every field to be documented.
 * A field is required when its schema refuses it absent, or when `isRequired` (the envelope's rule,
 * checked by `parseEvent`) says so.
 */
const expectRowsDescribe = (
  body: string,
  schema: ObjectSchema,
  isRequired: (field: string) => boolean = (field) => !schema.shape[field]!.safeParse(undefined).success,
) => {
  const rows = fieldRows(body)
  expect(rows.map((row) => row.field).sort(), "the fields documented are the schema's").toEqual(
    Object.keys(schema.shape).sort(),
  )
  for (const row of rows) {
    const field = schema.shape[row.field]!
    expect(row.required, `${row.field}: required`).toBe(isRequired(row.field) ? "yes" : "no")
    const enumeration = enumerationOf(row.value)
    if (enumeration !== undefined) {
      const options = (field as unknown as { unwrap?: () => FieldSchema }).unwrap?.() ?? field
      expect([...(options as unknown as { options: ReadonlyArray<string> }).options].sort(), row.field).toEqual(
        [...enumeration].sort(),
      )
      expect(field.safeParse("not-one-of-them").success, `${row.field} refuses other words`).toBe(false)
      continue
    }
    const kind = valueKinds[row.value]
    expect(kind, `${row.field}: "${row.value}" is a value the document defines`).toBeDefined()
    for (const value of kind!.accepts)
      expect(field.safeParse(value).success, `${row.field} (${row.value}) accepts ${JSON.stringify(value)}`).toBe(true)
    for (const value of kind!.refuses)
      expect(field.safeParse(value).success, `${row.field} (${row.value}) refuses ${JSON.stringify(value)}`).toBe(false)
  }
}

describe("events/README.md", () => {
  const typeSections = sections(section(doc, 2, "Event types").body, 3)

  it("has a section for every event type, and for no other", () => {
    expect(typeSections.map((s) => s.title).sort()).toEqual([...eventTypes].sort())
  })

  it("defines every value its tables use", () => {
    const defined = records(tableWith(doc, ["value", "what is accepted"])).map((row) => row["value"]!)
    expect(defined.filter((value) => enumerationOf(value) === undefined && value !== "`a` | `b`").sort()).toEqual(
      Object.keys(valueKinds).sort(),
    )
  })

  it("documents the envelope a client sends", () => {
    const valid = { type: "RepLeft", occurredAt: "2026-11-02T14:05:00Z", idempotencyKey: "k-1", data: { repId: "ana" } }
    expect(parseEvent(valid).ok).toBe(true)
    const isRequired = (field: string) => !parseEvent({ ...valid, [field]: undefined }).ok
    expectRowsDescribe(section(doc, 2, "The envelope").body, EventEnvelope, isRequired)
  })

  for (const { title, body } of typeSections) {
    const type = title as EventType
    describe(type, () => {
      it("documents exactly the fields of its schema, with their requirement and values", () => {
        expectRowsDescribe(body, eventSchemas[type] as unknown as ObjectSchema)
      })

      it("names its stream and schema version", () => {
        const line = /^Stream: `([^`]+)` · schema version: (\d+)$/m.exec(body)
        expect(line, "a line `Stream: `…` · schema version: N`").not.toBeNull()
        const [, template, version] = line!
        expect(Number(version)).toBe(currentSchemaVersion[type])
        // The stream of an event whose id fields hold sample values, as the document spells it.
        const data = Object.fromEntries([...template!.matchAll(/<(\w+)>/g)].map(([, field]) => [field!, `x-${field}`]))
        const event = { type, occurredAt: "2026-11-02T14:05:00.000Z", data } as unknown as LedgerEvent
        expect(streamOf(event)).toBe(template!.replace(/<(\w+)>/g, (_, field: string) => `x-${field}`))
      })
    })
  }

  it("gives the team settings' defaults", () => {
    const rows = fieldRows(section(section(doc, 2, "Event types").body, 3, "TeamSettingsChanged").body)
    for (const row of rows) {
      const stated = /default `([^`]+)`/.exec(row.meaning)?.[1]
      expect(stated, `${row.field}: its default`).toBe(
        String(defaultTeamSettings[row.field as keyof typeof defaultTeamSettings]),
      )
    }
  })
})
