/**
 * @module `ledger events export|import`: the whole event log as NDJSON, one event a line, and back.
 *
 * The export line is the stored event without `transactionId` (the id of the appending transaction in the
 * exporting database, meaningless in another), members in a fixed order: see src/store/eventArchive.ts.
 * Importing an export into an empty store restores it exactly; exporting that store gives the same bytes.
 */
import { once } from "node:events"
import { createWriteStream } from "node:fs"
import { mkdtemp, rename, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { pipeline } from "node:stream/promises"
import { Console, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type Progress, silentProgress } from "../observability/progress.js"
import { EventStore } from "../store/EventStore.js"
import { archiveLine, archivePages } from "../store/eventArchive.js"
import type { SqlDatabase } from "../store/sql.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt, CommandFailed } from "./failure.js"
import { type ImportOutcome, importArchive } from "./importArchive.js"
import { progressOn } from "./progress.js"

const exportCommand = Command.make(
  "export",
  {
    output: Flag.String("output").pipe(
      Flag.withAlias("o"),
      Flag.withDescription("Write to this file instead of stdout (written aside, then renamed: never half a file)"),
      Flag.optional,
    ),
  },
  Effect.fn("events.export")(function* ({ output }) {
    if (Option.isNone(output)) {
      // stdout carries the events: progress and summary go to stderr, and only when a person watches it while the
      // events go elsewhere (on one terminal, they would be written in the middle of the events).
      const watched = process.stderr.isTTY && !process.stdout.isTTY
      const exported = yield* withConfiguredStore(
        EventStore.use((store) =>
          attempt(() => exportLog(store.sql, process.stdout, watched ? progressOn(process.stderr) : silentProgress)),
        ),
      )
      if (watched) yield* Console.error(`Exported ${events(exported)}.`)
      return
    }
    const file = output.value
    const exported = yield* withConfiguredStore(
      EventStore.use((store) => attempt(() => exportToFile(store.sql, file, progressOn(process.stdout)))),
    )
    yield* Console.log(`Exported ${events(exported)} to ${file}.`)
  }),
).pipe(
  Command.withDescription(
    "Write the whole event log as NDJSON (one event a line, in log order), to stdout or --output",
  ),
  Command.withExamples([
    { command: "ledger events export --output backup.ndjson", description: "Back up the log" },
    { command: "ledger events export | gzip > backup.ndjson.gz", description: "Stream it elsewhere" },
  ]),
)

const importCommand = Command.make(
  "import",
  {
    file: Argument.String("file").pipe(
      Argument.withDescription("An NDJSON file from `ledger events export`, or - for stdin"),
    ),
  },
  Effect.fn("events.import")(function* ({ file }) {
    const outcome = yield* withReadableArchive(file, (readable) =>
      withConfiguredStore(
        EventStore.use((store) => attempt(() => importArchive(store.sql, readable, progressOn(process.stdout)))),
      ),
    )
    yield* Console.log(importSummary(outcome))
  }),
).pipe(
  Command.withDescription(
    "Import an NDJSON export: into an empty store exactly as exported; into a store with events of its own, " +
      "appending those it lacks. Every line is checked first: one invalid line and nothing is imported",
  ),
  Command.withExamples([
    { command: "ledger events import backup.ndjson", description: "Restore a backup into a new store" },
    { command: "gunzip -c backup.ndjson.gz | ledger events import -", description: "Import from stdin" },
  ]),
)

export const eventsCommand = Command.make("events").pipe(
  Command.withDescription("Export the event log as NDJSON, or import such a file"),
  Command.withSubcommands([exportCommand, importCommand]),
)

export const importSummary = (outcome: ImportOutcome): string => {
  if (outcome.events === 0) return "The file holds no events: nothing to import."
  if (outcome.imported === 0)
    return `Nothing imported: the store already holds all ${events(outcome.events)} of the file.`
  const skipped = outcome.alreadyStored === 0 ? "" : `, ${outcome.alreadyStored} skipped as already stored`
  return outcome.how === "restored"
    ? `Imported ${events(outcome.imported)} as exported (same positions, stream versions and instants)${skipped}.`
    : `Imported ${events(outcome.imported)} after the store's own events, with new positions${skipped}.`
}

const events = (count: number): string => `${count} event${count === 1 ? "" : "s"}`

/**
 * The log, as archive lines, to `out`, a page at a time, waiting for `out` to drain: bounded memory whatever
 * the log's size. Returns the number of events written.
 */
const exportLog = async (db: SqlDatabase, out: NodeJS.WritableStream, progress: Progress): Promise<number> => {
  let exported = 0
  let failed: Error | undefined
  const onError = (error: Error) => (failed = error)
  out.on("error", onError)
  try {
    for await (const page of archivePages(db)) {
      if (failed !== undefined) break
      const chunk = page.map((event) => `${archiveLine(event)}\n`).join("")
      if (!out.write(chunk)) await drainedOrFailed(out)
      exported += page.length
      progress.update(`exporting: ${exported} events`)
    }
  } finally {
    out.off("error", onError)
    progress.done()
  }
  if (failed !== undefined) {
    const code = (failed as NodeJS.ErrnoException).code
    throw new CommandFailed({
      reason:
        code === "EPIPE"
          ? `the reader of the export stopped reading after ${exported} events`
          : `could not write the export after ${exported} events: ${failed.message}`,
    })
  }
  return exported
}

/** Resolves when `out` can take more, or has failed (the caller's "error" listener keeps the error). */
const drainedOrFailed = (out: NodeJS.WritableStream): Promise<void> =>
  new Promise((resolve) => {
    const settle = () => {
      out.off("drain", settle)
      out.off("error", settle)
      resolve()
    }
    out.on("drain", settle)
    out.on("error", settle)
  })

/** The export to `file`, written to a temporary file beside it and renamed into place once complete. */
const exportToFile = async (db: SqlDatabase, file: string, progress: Progress): Promise<number> => {
  const partial = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`)
  const out = createWriteStream(partial, { flags: "wx" })
  try {
    await once(out, "open")
    const exported = await exportLog(db, out, progress)
    out.end()
    await once(out, "finish")
    await rename(partial, file)
    return exported
  } catch (error) {
    out.destroy()
    await rm(partial, { force: true })
    if (error instanceof CommandFailed) throw error
    const missingDirectory = (error as NodeJS.ErrnoException).code === "ENOENT"
    throw new CommandFailed({
      reason: `could not write ${file}: ${missingDirectory ? `the directory ${path.dirname(file)} does not exist` : (error as Error).message}`,
    })
  }
}

/**
 * Runs `work` on a file it can read twice (the import checks every line before writing any): `file` itself,
 * or for `-` a copy of stdin in a temporary directory, removed afterwards.
 */
const withReadableArchive = <A, E, R>(
  file: string,
  work: (readable: string) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E | CommandFailed, R> => {
  if (file !== "-") {
    return Effect.tryPromise({
      try: async () => {
        if (!(await stat(file)).isFile()) throw new Error("it is not a file")
      },
      catch: (error) =>
        new CommandFailed({
          reason: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
        }),
    }).pipe(Effect.andThen(work(file)))
  }
  return Effect.acquireUseRelease(
    Effect.tryPromise({
      try: () => mkdtemp(path.join(tmpdir(), "ledger-import-")),
      catch: (error) =>
        new CommandFailed({ reason: `cannot make a temporary copy of stdin: ${(error as Error).message}` }),
    }),
    (dir) =>
      Effect.tryPromise({
        try: () => pipeline(process.stdin, createWriteStream(path.join(dir, "stdin.ndjson"))),
        catch: (error) => new CommandFailed({ reason: `cannot read stdin: ${(error as Error).message}` }),
      }).pipe(Effect.andThen(work(path.join(dir, "stdin.ndjson")))),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true })),
  )
}
