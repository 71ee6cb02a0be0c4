/**
 * @module `ledger import deals|activities|reps <file>`: a CRM's CSV export into the ledger (src/ingest/csv/).
 *
 * The file is read twice, in constant memory: every row is checked first, and one invalid row refuses the
 * whole file (nothing stored) unless `--skip-invalid` imports the valid rows; every rejected row is written, with
 * the reason, to `<file name>.rejects.csv` in the current directory (or `--rejects`). `--dry-run` reports what would be imported. Importing the
 * same file again appends nothing.
 */
import { open, readFile } from "node:fs/promises"
import path from "node:path"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { appendBatchEffect, type CsvImportOutcome, importCsv } from "../ingest/csv/csvImport.js"
import {
  type ImportKind,
  type ImportOptions,
  importKinds,
  importSettings,
  mappingFileOptions,
} from "../ingest/csv/importKinds.js"
import { crmPresets } from "../ingest/csv/presets.js"
import { EventStore } from "../store/EventStore.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt, CommandFailed } from "./failure.js"
import { progressOn } from "./progress.js"

const optionalString = (name: string, description: string) =>
  Flag.String(name).pipe(Flag.withDescription(description), Flag.optional)

const importFlags = {
  file: Argument.String("file").pipe(Argument.withDescription("The CSV file, as the CRM exported it")),
  preset: optionalString(
    "preset",
    `The CRM the file comes from, for its default columns and stage names: ${crmPresets.join(", ")}`,
  ),
  mapping: optionalString(
    "mapping",
    "A JSON file of options: { preset, columns, stages, types, outcomes, roles, dates, … } (flags override it)",
  ),
  columns: optionalString(
    "columns",
    'Which column holds each field, e.g. "dealId=Opportunity ID,owner=Opportunity Owner"',
  ),
  stages: optionalString(
    "stages",
    'What each stage means: open, won or lost, e.g. "Closed Won=won,Closed Lost=lost,*=open"',
  ),
  types: optionalString(
    "types",
    'What each activity type is: call, email, meeting, social, sms, in_person, other or skip, e.g. "Task=skip"',
  ),
  outcomes: optionalString("outcomes", "What each call outcome is: connected, no_answer, voicemail, busy or failed"),
  roles: optionalString("roles", 'What each role is: AE, BDR, manager or other, e.g. "Account Manager=AE"'),
  dates: Flag.Literals("dates", ["mdy", "dmy"]).pipe(
    Flag.withDescription("How slashed dates read: 11/20/2026 (mdy) or 20/11/2026 (dmy); ISO dates always read"),
    Flag.optional,
  ),
  identitySource: optionalString(
    "identity-source",
    "The owner column holds this CRM's user names or ids (e.g. salesforce), linked to reps by the roster",
  ),
  dealSource: Flag.Literals("deal-source", ["outbound", "inbound", "referral"]).pipe(
    Flag.withDescription("Where the deals and meetings came from (default outbound)"),
    Flag.optional,
  ),
  joinedOn: optionalString(
    "joined-on",
    "When the roster's reps joined, for a roster without a start-date column; an accounts file's date, from which its owners hold their accounts (default 2000-01-01)",
  ),
  role: Flag.Literals("role", ["AE", "BDR", "manager", "other"]).pipe(
    Flag.withDescription("The role of reps whose row has none (default AE)"),
    Flag.optional,
  ),
  openedAtDefault: optionalString(
    "opened-at-default",
    "When deals without a creation date were opened (the export's date, say); without it such rows are rejected",
  ),
  dryRun: Flag.Boolean("dry-run").pipe(
    Flag.withDescription("Check the file and report what would be imported; store nothing"),
    Flag.withDefault(false),
  ),
  skipInvalid: Flag.Boolean("skip-invalid").pipe(
    Flag.withDescription("Import the valid rows; write the invalid ones, with the reason, to the rejects file"),
    Flag.withDefault(false),
  ),
  rejects: optionalString(
    "rejects",
    "Where the rejected rows go, with the reason (default <file name>.rejects.csv in the current directory)",
  ),
}

type ImportFlags = {
  readonly [K in keyof typeof importFlags]: (typeof importFlags)[K] extends Argument.Argument<infer A>
    ? A
    : (typeof importFlags)[K] extends Flag.Flag<infer A>
      ? A
      : never
}

const examples: Record<ImportKind, ReadonlyArray<{ command: string; description: string }>> = {
  deals: [
    {
      command: "ledger import deals opportunities.csv --preset salesforce --dry-run",
      description: "See what a Salesforce export would import",
    },
    {
      command: 'ledger import deals deals.csv --preset hubspot --stages "Verbal Yes=open"',
      description: "A HubSpot export with a stage of your own",
    },
    {
      command:
        'ledger import deals deals.csv --columns "dealId=Id,owner=Rep,account=Company,stage=Status,openedAt=Created,closeDate=Closed,amount=Value" --stages "Won=won,Lost=lost,*=open"',
      description: "Any other CRM",
    },
  ],
  activities: [
    {
      command: "ledger import activities activities.csv --preset pipedrive --identity-source pipedrive",
      description: "Pipedrive activities, owners by their Pipedrive name",
    },
  ],
  reps: [
    {
      command:
        'ledger import reps team.csv --columns "repId=Id,name=Name,team=Team,manager=Manager,identity=Salesforce User" --identity-source salesforce',
      description: "A roster that also says how Salesforce names each rep",
    },
  ],
  accounts: [
    {
      command: "ledger import accounts accounts.csv --preset salesforce",
      description: "A Salesforce Accounts report: its customers on the target list",
    },
    {
      command:
        "ledger import accounts accounts.csv --preset salesforce --identity-source salesforce --joined-on 2026-11-30",
      description: "The same, each on its Account Owner's list (by Salesforce name) from the export's date",
    },
    {
      command:
        'ledger import accounts companies.csv --columns "accountId=Id,name=Company,customer=Is Customer,competitorCustomer=Competitor"',
      description: "Any other CRM: a competitor's name marks an account to win over",
    },
  ],
}

const importKindCommand = (kind: ImportKind) =>
  Command.make(
    kind,
    importFlags,
    Effect.fn(`import.${kind}`)(function* (flags: ImportFlags) {
      const options = yield* optionsOf(flags)
      const settings = importSettings(kind, options)
      if (!settings.ok) return yield* new CommandFailed({ reason: settings.reason })
      // In the current directory, as any command's output: the input's folder may be one the user cannot write to.
      const rejectsFile = Option.getOrElse(flags.rejects, () => `${path.basename(flags.file)}.rejects.csv`)
      yield* checkReadable(flags.file)
      const run = (append: Parameters<typeof importCsv>[0]["append"]) =>
        importCsv({
          file: flags.file,
          settings: settings.settings,
          mode: flags.dryRun ? "dry-run" : "import",
          skipInvalid: flags.skipInvalid,
          rejectsFile,
          append,
          progress: progressOn(process.stdout),
        })
      const provenance = { source: "csv", extra: { import: kind, file: path.basename(flags.file) } }
      // A dry run stores nothing: it does not open the store (nor wait for a running server's lock).
      const outcome = flags.dryRun
        ? yield* attempt(() => run(() => Promise.reject(new Error("a dry run appends nothing"))))
        : yield* withConfiguredStore(
            EventStore.use((store) =>
              attempt(() =>
                run((events) =>
                  Effect.runPromise(
                    appendBatchEffect(events, provenance).pipe(Effect.provideService(EventStore, store)),
                  ),
                ),
              ),
            ),
          )
      yield* Console.log(importReport(outcome))
    }),
  ).pipe(Command.withDescription(descriptions[kind]), Command.withExamples(examples[kind]))

const descriptions: Record<ImportKind, string> = {
  deals:
    "Import a CRM's deal (opportunity) export: open deals become DealOpened, closed ones DealOpened and DealWon or DealLost",
  activities: "Import a CRM's activity export: calls, emails, meetings and other touches",
  reps: "Import a team roster (team, manager): every rep appears in every comparison, even with no activity",
  accounts:
    "Import a CRM's accounts export: customers (and a competitor's) go on the target list, with industry and size",
}

export const importCommand = Command.make("import").pipe(
  Command.withDescription(
    "Import a CRM's CSV export (deals, activities, reps or accounts). Every row is checked first: one invalid row and nothing is " +
      "imported, unless --skip-invalid. Importing the same file again appends nothing",
  ),
  Command.withShortDescription("Import a CRM's CSV export: deals, activities or reps"),
  Command.withSubcommands(importKinds.map(importKindCommand)),
)

/** The options of the mapping file, with the flags laid over them. */
const optionsOf = (flags: ImportFlags): Effect.Effect<ImportOptions, CommandFailed> =>
  Effect.gen(function* () {
    const fromFile: ImportOptions = Option.isNone(flags.mapping) ? {} : yield* readMappingFile(flags.mapping.value)
    const given = (option: Option.Option<string>) => Option.getOrUndefined(option)
    const flagged: Record<string, string | undefined> = {
      preset: given(flags.preset),
      columns: given(flags.columns),
      stages: given(flags.stages),
      types: given(flags.types),
      outcomes: given(flags.outcomes),
      roles: given(flags.roles),
      dates: given(flags.dates),
      identitySource: given(flags.identitySource),
      dealSource: given(flags.dealSource),
      joinedOn: given(flags.joinedOn),
      role: given(flags.role),
      openedAtDefault: given(flags.openedAtDefault),
    }
    return { ...fromFile, ...Object.fromEntries(Object.entries(flagged).filter(([, value]) => value !== undefined)) }
  })

const readMappingFile = (file: string): Effect.Effect<ImportOptions, CommandFailed> =>
  Effect.tryPromise({
    try: () => readFile(file, "utf8"),
    catch: (error) => new CommandFailed({ reason: `--mapping: cannot read ${file}: ${(error as Error).message}` }),
  }).pipe(
    Effect.flatMap((text) => {
      const options = mappingFileOptions(text)
      return options.ok
        ? Effect.succeed(options.options)
        : Effect.fail(new CommandFailed({ reason: `--mapping ${file}: ${options.reason}` }))
    }),
  )

const checkReadable = (file: string): Effect.Effect<void, CommandFailed> =>
  Effect.tryPromise({
    try: () => open(file).then((handle) => handle.close()),
    catch: (error) =>
      new CommandFailed({
        reason: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
      }),
  })

/** What an import did (or would do), in a few lines: events by type, rows rejected and where they went. */
export const importReport = (outcome: CsvImportOutcome): string => {
  const types = Object.entries(outcome.eventsByType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `  ${type}: ${count}`)
  const total = Object.values(outcome.eventsByType).reduce((sum, n) => sum + n, 0)
  const lines: string[] = []
  const rows = `${outcome.rows} row${outcome.rows === 1 ? "" : "s"}`
  if (outcome.dryRun) {
    lines.push(
      `Dry run: nothing was stored. ${rows}, ${total} event${total === 1 ? "" : "s"} to import${types.length > 0 ? ":" : "."}`,
      ...types,
    )
  } else {
    const already =
      outcome.alreadyStored === 0 ? "" : `, ${outcome.alreadyStored} already in the ledger (imported before)`
    const kept =
      outcome.linesKept === undefined || outcome.rejected === 0
        ? ""
        : ` (the rows of lines ${outcome.linesKept.first} to ${outcome.linesKept.last} are in the ledger)`
    lines.push(`Imported ${outcome.appended} event${outcome.appended === 1 ? "" : "s"} from ${rows}${already}${kept}.`)
    if (types.length > 0) lines.push("The rows' events:", ...types)
  }
  if (outcome.openingsKept > 0) {
    lines.push(
      `${outcome.openingsKept} deal(s) were opened by an earlier import with other details (an amount changed since): their opening is kept as first imported, their close imported.`,
    )
  }
  if (outcome.rowsWithoutEvents > 0)
    lines.push(`${outcome.rowsWithoutEvents} row(s) make no event by design (a type mapped to skip, an internal call).`)
  if (outcome.notes > 0) lines.push(`${outcome.notes} line(s) of one cell (a report's title or footer) were ignored.`)
  if (outcome.rejected > 0) {
    const listed = outcome.rejections
      .slice(0, 10)
      .map((r) => `  line ${r.line}${r.column === "(row)" ? "" : `, column "${r.column}"`}: ${r.reason}`)
    const more = outcome.rejected > listed.length ? [`  … and ${outcome.rejected - listed.length} more`] : []
    if (outcome.dryRun) {
      lines.push(
        `${outcome.rejected} invalid row(s), which --skip-invalid leaves out${outcome.rejectsFile === undefined ? "" : ` (written with the reason to ${outcome.rejectsFile})`}:`,
        ...listed,
        ...more,
      )
    } else
      lines.push(
        `${outcome.rejected} row(s) rejected${outcome.rejectsFile === undefined ? "" : `, written with the reason to ${outcome.rejectsFile}`}:`,
        ...listed,
        ...more,
      )
  }
  return lines.join("\n")
}
