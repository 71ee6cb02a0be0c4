/**
 * @module What the top page of `ledger --help` says beyond the commands: where the store is (as
 * configured now), and which commands can run while `ledger serve` holds it.
 */
import path from "node:path"
import { loadConfig } from "../config.js"

/** The STORE section of the top help page, for the configuration in `env`. */
export const storeHelp = (env: Record<string, string | undefined> = process.env): string => {
  let where: string
  let embedded = true
  try {
    const { store } = loadConfig(env)
    if ("dataDir" in store) {
      where = `The embedded store in ${path.resolve(store.dataDir)} (LEDGER_DATA_DIR; default ./data).`
    } else {
      embedded = false
      where = "The PostgreSQL database DATABASE_URL names."
    }
  } catch (error) {
    where = `Not configured: ${error instanceof Error ? error.message : String(error)}.`
  }
  const lines = [
    "STORE",
    `  ${where}`,
    "  The first start saves an admin key in the data directory's admin-key.txt (readable only by you).",
    embedded
      ? "  While `ledger serve` runs it holds the embedded store: `keys` goes through the server (LEDGER_URL and\n" +
        "  LEDGER_ADMIN_KEY, or the server and admin key of the data directory); the other commands that open the\n" +
        "  store (demo, migrate, events, import, what-if, reps, store copy) refuse to run until it stops."
      : "  Every command runs beside the servers on PostgreSQL; `keys` goes through a server when LEDGER_URL is set.",
    "",
    "  Settings are environment variables: PORT, HOST, LEDGER_DATA_DIR, DATABASE_URL, LEDGER_LOG_LEVEL,",
    "  LEDGER_LOG_FORMAT (json or text; default text on a terminal) and the connectors' secrets (README).",
  ]
  return lines.join("\n")
}
