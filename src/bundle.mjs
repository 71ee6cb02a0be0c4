/**
 * @module The `ledger` command as one ES module: the project's TypeScript (src/, events/,
 * projections/) bundled by esbuild with the packages it imports, but the few that find files
 * beside their own code (`keptOut` below); and beside it, built with it, the projection runner's
 * fold thread (src/runtime/foldWorker.ts) and the embedded store's thread (src/store/pgliteWorker.ts):
 * a worker thread starts from a file.
 * Built into node_modules/.cache when missing or older than a source file (about 0.3 s), so a clone
 * needs no build step and an edit is seen by the next command (and by the tests, whose runners
 * start the fold thread from here too).
 *
 * Why not run the sources through tsx: its loader hooks see every one of the ~1,000 modules a
 * command loads (Effect's among them), which cost 1.6 s a start against 0.85 s for the bundle
 * (`ledger --help`, measured on Node 20) — paid by every CLI command and every server start. Why
 * the packages inside: Node resolving, reading and source-mapping each of their files was most of
 * what was left. Measured on the shared 2-core machine, alternating runs: `ledger --help` 1.25 →
 * 0.72 s of CPU, `ledger serve` to its first /healthz 2.9 → 2.5 s (PGlite's start is the rest).
 *
 * `import.meta.url` is replaced in each source by that file's own URL, so that paths relative to a
 * module (the dashboard's files, packages resolved from it) mean what they mean in the sources.
 *
 * Run directly (`node src/bundle.mjs`), it builds the bundle now.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const sourceDirs = ["src", "events", "projections"]
// Spelled in parts: this file is bundled too (the fold thread's client builds its bundle), and the
// plugin below would otherwise rewrite its own search string.
const moduleUrl = ["import", "meta", "url"].join(".")
const outdir = path.join(root, "node_modules", ".cache", "outcome-ledger")
const outfile = path.join(outdir, "ledger.mjs")
const foldWorkerFile = path.join(outdir, "fold-worker.mjs")
const storeWorkerFile = path.join(outdir, "store-worker.mjs")

/**
 * Packages left to Node: PGlite and swagger-ui-dist, chart.js read files beside their code (the
 * WASM build, the assets served); pino starts its transports from files; pg loads an optional
 * native binding; esbuild is this build. Every other package is bundled: none of them locates a
 * file from its own module URL, which the bundle would change.
 */
const keptOut = ["@electric-sql/pglite", "pino", "pg", "swagger-ui-dist", "chart.js", "esbuild"]

/** The newest modification time among the sources and package.json (milliseconds). */
const newestSource = () => {
  let newest = statSync(path.join(root, "package.json")).mtimeMs
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(full)
      else if (/\.(ts|mjs|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs)
    }
  }
  for (const dir of sourceDirs) visit(path.join(root, dir))
  return newest
}

const builtAt = () => {
  try {
    return Math.min(statSync(outfile).mtimeMs, statSync(foldWorkerFile).mtimeMs, statSync(storeWorkerFile).mtimeMs)
  } catch {
    return Number.NEGATIVE_INFINITY
  }
}

/** Builds the bundles (written to files of their own, then renamed: processes starting together may all build). */
export const buildLedgerBundle = async () => {
  const { build } = await import("esbuild")
  const built = await build({
    entryPoints: {
      ledger: path.join(root, "src", "cli", "main.ts"),
      "fold-worker": path.join(root, "src", "runtime", "foldWorker.ts"),
      "store-worker": path.join(root, "src", "store", "pgliteWorker.ts"),
    },
    outdir,
    outExtension: { ".js": ".mjs" },
    write: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: keptOut,
    // CommonJS packages bundled into an ES module still `require` Node's own modules (names the
    // bundle's own code cannot take: esbuild does not see into a banner).
    banner: {
      js: 'import { createRequire as __ledgerRequire } from "node:module"; const require = __ledgerRequire(import.meta.url);',
    },
    sourcemap: "linked",
    // Stack traces need the mappings, not the sources: the map stays a fraction of its size to parse at each start.
    sourcesContent: false,
    logLevel: "error",
    plugins: [
      {
        // Our sources only: a package keeps the meaning esbuild gives it.
        name: "module-urls",
        setup: (esbuild) => {
          esbuild.onLoad({ filter: /\.(ts|mjs)$/ }, (args) =>
            args.path.includes(`${path.sep}node_modules${path.sep}`)
              ? undefined
              : {
                  contents: readFileSync(args.path, "utf8").replaceAll(
                    moduleUrl,
                    JSON.stringify(pathToFileURL(args.path).href),
                  ),
                  loader: args.path.endsWith(".ts") ? "ts" : "js",
                },
          )
        },
      },
    ],
  })
  mkdirSync(outdir, { recursive: true })
  // The maps first: a bundle names its map, and a bundle is only ever replaced by a whole one.
  for (const file of [...built.outputFiles].sort(
    (a, b) => Number(b.path.endsWith(".map")) - Number(a.path.endsWith(".map")),
  )) {
    const partial = `${file.path}.${process.pid}.partial`
    writeFileSync(partial, file.contents)
    renameSync(partial, file.path)
  }
  return outfile
}

/** `file`, one of the bundles, built first if it is missing or older than a source. */
const upToDate = async (file) => {
  if (builtAt() <= newestSource()) await buildLedgerBundle()
  return file
}

/** The path of an up-to-date bundle, built first if needed. */
export const ledgerBundle = () => upToDate(outfile)

/** The path of an up-to-date fold thread's bundle, built first if needed. */
export const foldWorkerBundle = () => upToDate(foldWorkerFile)

/** The path of an up-to-date embedded store thread's bundle, built first if needed. */
export const storeWorkerBundle = () => upToDate(storeWorkerFile)

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await buildLedgerBundle()
