/**
 * @module A module of ours as a child process imports it: bundled by esbuild into one ES module file,
 * its packages inside, so that the child needs no TypeScript loader. Loading the sources through tsx
 * cost each child seconds (its hooks see every module effect is made of); the bundle is built once.
 *
 * @example
 * const lockModule = await bundledModule(new URL("../src/store/dataDirLock.ts", import.meta.url), workDir)
 * spawn(process.execPath, ["--input-type=module", "-e", `import { acquireDataDirLock } from ${JSON.stringify(lockModule)}`])
 */
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { build } from "esbuild"

/** Bundles the module at `source` into `outdir`; answers the bundle's file URL, to import. */
export const bundledModule = async (source: URL, outdir: string): Promise<string> => {
  const entry = fileURLToPath(source)
  const outfile = path.join(outdir, `${path.basename(entry, path.extname(entry))}.mjs`)
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
  })
  return pathToFileURL(outfile).href
}
