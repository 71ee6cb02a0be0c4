/**
 * @module A real `ledger serve` for a benchmark, as a user starts it (`src/cli/bin.mjs` in a child
 * process) on an embedded store in `dataDir`: its stdout kept to wait for a line, its metrics public,
 * stopped with SIGTERM as an operator stops it.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))

export type BenchServer = { readonly child: ChildProcess; output: string; readonly url: string }

/** Starts the server on `port` (DATABASE_URL left out: the embedded store is the one measured). */
export const startServer = (dataDir: string, port: number): BenchServer => {
  const { DATABASE_URL: _url, ...env } = process.env
  const child = spawn(process.execPath, ["src/cli/bin.mjs", "serve"], {
    cwd: repoRoot,
    env: {
      ...env,
      LEDGER_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LEDGER_METRICS_PUBLIC: "true",
      LEDGER_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  })
  const server: BenchServer = { child, output: "", url: `http://127.0.0.1:${port}` }
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (server.output += chunk))
  return server
}

/** Waits until the server has printed a line matching `pattern`; throws if it exits first. */
export const waitForOutput = async (server: BenchServer, pattern: RegExp): Promise<void> => {
  while (!pattern.test(server.output)) {
    if (server.child.exitCode !== null) throw new Error(`the server exited:\n${server.output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Stops the server gracefully and waits for its exit. */
export const stopServer = (server: BenchServer): Promise<void> =>
  new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve()
    server.child.once("exit", () => resolve())
    server.child.kill("SIGTERM")
  })
