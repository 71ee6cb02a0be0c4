import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/globalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Store tests start PGlite (seconds on a new directory) and real servers: files in parallel, tests within a file in order.
    pool: "forks",
    // A file per core. Vitest's default, one less than the cores, ran a 2-core machine's files one at
    // a time, while most of them wait on child processes, servers and the database.
    maxWorkers: availableParallelism(),
    // Servers and CLI commands the tests start inherit this: an fsync per commit is measured by the
    // benchmarks and checked by durability.int and crash.e2e (which set it explicitly), not paid by every test.
    env: { LEDGER_DURABILITY: "process" },
  },
})
