/**
 * The whole project type-checks (`npm run typecheck`: strict, and no unused local or parameter):
 * Vitest strips types without checking them, so without this test a type error or dead code would
 * land with every other test green.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { expect, it } from "vitest"

const root = fileURLToPath(new URL("..", import.meta.url))

it("type-checks with tsc", async () => {
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url))
  const outcome = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", "."], { cwd: root }).then(
    () => "",
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}` || String(error),
  )
  expect(outcome).toBe("")
}, 120_000)
