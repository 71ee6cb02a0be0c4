/**
 * @module The four kinds of CSV import (deals, activities, reps, accounts) and the settings one import runs with:
 * a preset's columns and words, overridden by the options, checked once before the file is read.
 *
 * @example
 * const settings = importSettings("deals", { preset: "salesforce", stages: "Verbal=open" })
 * if (settings.ok) for (const cells of rows) console.log(rowEvents(settings.settings, cells))
 */
import { z } from "zod"
import type { IncomingEvent } from "../../../events/index.js"
import { accountFields, accountRowEvents } from "./accountRows.js"
import {
  type ActivityKind,
  activityFields,
  activityKinds,
  activityRowEvents,
  defaultActivityTypes,
  defaultCallOutcomes,
} from "./activityRows.js"
import { type DateOrder, dateOrders, instantOf } from "./cellValues.js"
import { type DealOutcome, dealFields, dealOutcomes, dealRowEvents } from "./dealRows.js"
import {
  type ColumnMapping,
  type FieldSpec,
  parsePairs,
  type RowCells,
  type ValueMapping,
  valueMapping,
} from "./mapping.js"
import { type CrmPreset, crmPresets, presets } from "./presets.js"
import { defaultRoles, type RepRole, repRoles, rosterFields, rosterRowEvents } from "./rosterRows.js"

export type ImportKind = "deals" | "activities" | "reps" | "accounts"
export const importKinds: ReadonlyArray<ImportKind> = ["deals", "activities", "reps", "accounts"]

export type DealSource = "outbound" | "inbound" | "referral"
const dealSources: ReadonlyArray<DealSource> = ["outbound", "inbound", "referral"]
export const callDispositions = ["connected", "no_answer", "voicemail", "busy", "failed"] as const
export type CallDisposition = (typeof callDispositions)[number]

/** A mapping as an option gives it: `a=b,c=d` text (command line, query string) or an object (a JSON mapping file). */
export type PairsOption = string | Readonly<Record<string, string>>

/** The options of an import, as the command line, the query string or a JSON mapping file give them. */
export type ImportOptions = {
  readonly preset?: string
  readonly columns?: PairsOption
  readonly stages?: PairsOption
  readonly types?: PairsOption
  readonly outcomes?: PairsOption
  readonly roles?: PairsOption
  readonly dates?: string
  readonly identitySource?: string
  readonly dealSource?: string
  readonly joinedOn?: string
  readonly role?: string
  readonly openedAtDefault?: string
}

/** Everything an import needs to turn a row into events, checked. */
export type ImportSettings = {
  readonly kind: ImportKind
  readonly preset?: CrmPreset
  readonly fields: ReadonlyArray<FieldSpec>
  readonly columns: ColumnMapping
  /** Fields whose column the user named: the file must have it, even for an optional field. */
  readonly namedColumns: ReadonlySet<string>
  readonly stages: ValueMapping<DealOutcome>
  readonly types: ValueMapping<ActivityKind>
  readonly outcomes: ValueMapping<CallDisposition>
  readonly roles: ValueMapping<RepRole>
  readonly dates: DateOrder
  /** The CRM whose user names or ids the owner column holds, recorded as identity aliases (events/identity.ts). */
  readonly identitySource?: string
  readonly dealSource: DealSource
  /** When a rep joined, for a roster without a start-date column (an ISO instant). */
  readonly joinedOn: string
  readonly defaultRole: RepRole
  /** When a deal without a creation date was opened (an ISO instant); without it such a row is rejected. */
  readonly openedAtDefault?: string
}

export type Settings =
  | { readonly ok: true; readonly settings: ImportSettings }
  | { readonly ok: false; readonly reason: string }

/** What a row of the file becomes: its events, or why it cannot be imported (by field). */
export type RowEvents =
  | { readonly ok: true; readonly events: ReadonlyArray<IncomingEvent> }
  | { readonly ok: false; readonly problems: ReadonlyArray<RowProblem> }

export type RowProblem = { readonly field: string; readonly reason: string }

export const fieldsOf = (kind: ImportKind): ReadonlyArray<FieldSpec> =>
  kind === "deals"
    ? dealFields
    : kind === "activities"
      ? activityFields
      : kind === "reps"
        ? rosterFields
        : accountFields

/** The events of one row of a file of `settings.kind`. */
export const rowEvents = (settings: ImportSettings, cells: RowCells): RowEvents => {
  switch (settings.kind) {
    case "deals":
      return dealRowEvents(cells, settings)
    case "activities":
      return activityRowEvents(cells, settings)
    case "reps":
      return rosterRowEvents(cells, settings)
    case "accounts":
      return accountRowEvents(cells, settings)
  }
}

/** The settings of an import: the preset's, with the options laid over them; a bad option is named. */
export const importSettings = (kind: ImportKind, options: ImportOptions): Settings => {
  const fail = (reason: string): Settings => ({ ok: false, reason })
  let preset: CrmPreset | undefined
  if (options.preset !== undefined) {
    preset = crmPresets.find((p) => p === options.preset?.toLowerCase())
    if (preset === undefined) return fail(`--preset: "${options.preset}" is not one of ${crmPresets.join(", ")}`)
  }
  const mapping = preset === undefined ? undefined : presets[preset][kind]
  if (preset !== undefined && mapping === undefined) {
    return fail(
      `--preset: ${preset} has no preset for ${kind}; name the columns with --columns (see the README, "Importing from a CRM")`,
    )
  }
  const fields = fieldsOf(kind)

  const columnPairs = pairsOf(options.columns, "--columns", "first")
  if (!columnPairs.ok) return columnPairs
  const unknownField = columnPairs.pairs.find(([field]) => !fields.some((f) => f.field === field))
  if (unknownField !== undefined) {
    return fail(
      `--columns: "${unknownField[0]}" is not a field of a ${kind} import; its fields are ${fields.map((f) => f.field).join(", ")}`,
    )
  }
  const columns = { ...mapping?.columns, ...Object.fromEntries(columnPairs.pairs) }

  const layered = <V extends string>(
    presetPairs: ReadonlyArray<readonly [string, string]> | undefined,
    option: PairsOption | undefined,
    name: string,
    builtIn: ReadonlyArray<readonly [string, string]>,
    allowed: ReadonlyArray<V>,
  ) => {
    const given = pairsOf(option, name, "last")
    if (!given.ok) return given
    return valueMapping<V>([builtIn, presetPairs ?? [], given.pairs], allowed, name)
  }
  const stages = layered(mapping?.stages, options.stages, "--stages", [], dealOutcomes)
  if (!stages.ok) return stages
  const types = layered(mapping?.types, options.types, "--types", defaultActivityTypes, activityKinds)
  if (!types.ok) return types
  const outcomes = layered(mapping?.outcomes, options.outcomes, "--outcomes", defaultCallOutcomes, callDispositions)
  if (!outcomes.ok) return outcomes
  const roles = layered(undefined, options.roles, "--roles", defaultRoles, repRoles)
  if (!roles.ok) return roles

  const dates = (options.dates ?? mapping?.dates ?? "mdy") as DateOrder
  if (!dateOrders.includes(dates)) return fail(`--dates: "${options.dates}" is not one of ${dateOrders.join(", ")}`)
  const dealSource = (options.dealSource ?? "outbound") as DealSource
  if (!dealSources.includes(dealSource))
    return fail(`--deal-source: "${options.dealSource}" is not one of ${dealSources.join(", ")}`)
  const defaultRole = repRoles.find((r) => r.toLowerCase() === (options.role ?? "AE").toLowerCase())
  if (defaultRole === undefined) return fail(`--role: "${options.role}" is not one of ${repRoles.join(", ")}`)
  let joinedOn = "2000-01-01T12:00:00.000Z"
  if (options.joinedOn !== undefined) {
    const instant = instantOf(options.joinedOn, dates)
    if (!instant.ok) return fail(`--joined-on: ${instant.reason}`)
    joinedOn = instant.value
  }
  let openedAtDefault: string | undefined
  if (options.openedAtDefault !== undefined) {
    const instant = instantOf(options.openedAtDefault, dates)
    if (!instant.ok) return fail(`--opened-at-default: ${instant.reason}`)
    openedAtDefault = instant.value
  }
  const identitySource = options.identitySource?.trim()
  if (identitySource !== undefined && !/^[a-z0-9][a-z0-9_.-]*$/i.test(identitySource)) {
    return fail(
      `--identity-source: "${options.identitySource}" must be a short name such as salesforce or hubspot (letters, digits, . _ -)`,
    )
  }
  if (kind === "reps" && columnPairs.pairs.some(([field]) => field === "identity") && identitySource === undefined) {
    return fail("--columns: an identity column needs --identity-source, the CRM whose user names or ids it holds")
  }
  return {
    ok: true,
    settings: {
      kind,
      ...(preset === undefined ? {} : { preset }),
      fields,
      columns,
      namedColumns: new Set(columnPairs.pairs.map(([field]) => field)),
      stages: stages.mapping,
      types: types.mapping,
      outcomes: outcomes.mapping,
      roles: roles.mapping,
      dates,
      ...(identitySource === undefined || identitySource === "" ? {} : { identitySource }),
      dealSource,
      joinedOn,
      defaultRole,
      ...(openedAtDefault === undefined ? {} : { openedAtDefault }),
    },
  }
}

const pairsSchema = z.union([z.string(), z.record(z.string(), z.string())])

/** A JSON mapping file: the options as members, mappings as objects (`"stages": { "Closed Won": "won" }`) or text. */
const MappingFile = z.strictObject({
  preset: z.string().optional(),
  columns: pairsSchema.optional(),
  stages: pairsSchema.optional(),
  types: pairsSchema.optional(),
  outcomes: pairsSchema.optional(),
  roles: pairsSchema.optional(),
  dates: z.string().optional(),
  identitySource: z.string().optional(),
  dealSource: z.string().optional(),
  joinedOn: z.string().optional(),
  role: z.string().optional(),
  openedAtDefault: z.string().optional(),
})

/** The options a JSON mapping file holds, or why it cannot be read (naming the member). */
export const mappingFileOptions = (
  text: string,
): { readonly ok: true; readonly options: ImportOptions } | { readonly ok: false; readonly reason: string } => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` }
  }
  const parsed = MappingFile.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return {
      ok: false,
      reason: `${issue?.path.join(".") || "(file)"}: ${issue?.message}; the members are ${Object.keys(MappingFile.shape).join(", ")}`,
    }
  }
  return {
    ok: true,
    options: Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as ImportOptions,
  }
}

const pairsOf = (option: PairsOption | undefined, name: string, splitAt: "first" | "last") => {
  if (option === undefined) return { ok: true as const, pairs: [] as ReadonlyArray<readonly [string, string]> }
  if (typeof option === "string") return parsePairs(option, name, splitAt)
  const bad = Object.entries(option).find(([, value]) => typeof value !== "string")
  if (bad !== undefined) return { ok: false as const, reason: `${name}: the value of "${bad[0]}" must be a string` }
  return { ok: true as const, pairs: Object.entries(option) }
}
