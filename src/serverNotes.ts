/**
 * @module What a server leaves in its embedded store's data directory for the `ledger` command
 * beside it, both readable only by the server's user: the first admin key (`admin-key.txt`, written
 * by the first start), and while it runs its address (`server.json`: URL and process id), so that
 * commands with a way through the server (`keys`) take it instead of opening the store the server
 * holds. `server.json` is written once the server listens and removed when it stops; one left by a
 * killed server names a process that no longer runs.
 *
 * @example
 * const running = await readRunningServer("./data") // { url: "http://127.0.0.1:8080", pid: 4242, … } | undefined
 */
import { chmod, readFile, rm, writeFile } from "node:fs/promises"
import path from "node:path"
import { z } from "zod"

/** The first admin key, one line. */
export const adminKeyFileName = "admin-key.txt"

export const runningServerFile = "server.json"

/** Saves the first admin key beside the data it guards. */
export const writeAdminKeyFile = async (dataDir: string, token: string): Promise<void> => {
  const file = path.join(dataDir, adminKeyFileName)
  await writeFile(file, `${token}\n`, { mode: 0o600 })
  // `mode` applies only when the file is created: one left by an earlier store keeps its own.
  await chmod(file, 0o600)
}

/** The admin key saved in the data directory, or `undefined` when there is none. */
export const readAdminKeyFile = async (dataDir: string): Promise<string | undefined> => {
  try {
    const token = (await readFile(path.join(dataDir, adminKeyFileName), "utf8")).trim()
    return token === "" ? undefined : token
  } catch {
    return undefined
  }
}

const RunningServerNote = z.object({
  url: z.url(),
  pid: z.number().int().positive(),
  startedAt: z.string(),
})

export type RunningServerNote = z.infer<typeof RunningServerNote>

/** Writes the note (readable only by the server's user, like the admin key beside it). */
export const writeRunningServer = (dataDir: string, note: RunningServerNote): Promise<void> =>
  writeFile(path.join(dataDir, runningServerFile), `${JSON.stringify(note, null, 2)}\n`, { mode: 0o600 })

/** Removes the note, if it is this process's (a server started since on the directory keeps its own). */
export const removeRunningServer = async (dataDir: string): Promise<void> => {
  const note = await readNote(dataDir)
  if (note?.pid === process.pid) await rm(path.join(dataDir, runningServerFile), { force: true })
}

/** The server running on `dataDir`: its note, when the process it names is alive; `undefined` otherwise. */
export const readRunningServer = async (dataDir: string): Promise<RunningServerNote | undefined> => {
  const note = await readNote(dataDir)
  return note !== undefined && processAlive(note.pid) ? note : undefined
}

const readNote = async (dataDir: string): Promise<RunningServerNote | undefined> => {
  let text: string
  try {
    text = await readFile(path.join(dataDir, runningServerFile), "utf8")
  } catch {
    return undefined
  }
  try {
    const parsed = RunningServerNote.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** Whether a process with this id runs (signal 0 checks without sending; EPERM: it runs as another user). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}
