/**
 * Every relative link of the repository's Markdown resolves in a clone: the file or folder exists
 * inside the repository, and an anchor (`#who-is-who-vendor-identities`) names a heading of the
 * target as GitHub spells it. The README links nowhere outside the repository: the vocabulary, the
 * metrics and the rest of the manual live in it. Vendors' sample files (test/fixtures) are theirs.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { describe, expect, it } from "vitest"
import { anchors, links, repositoryRoot } from "./support/markdown.js"

/** The Markdown files of the repository, tracked or new (not ignored), by path from its root. */
const markdownFiles = (): ReadonlyArray<string> =>
  execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.md"], {
    cwd: repositoryRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter((path) => path !== "" && !path.startsWith("test/fixtures/") && !path.split("/").includes("node_modules"))
    .filter((path) => existsSync(join(repositoryRoot, path)))
    .sort()

const hasScheme = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target)

const anchorsOf = new Map<string, ReadonlySet<string>>()
const anchorsIn = (path: string): ReadonlySet<string> => {
  let found = anchorsOf.get(path)
  if (found === undefined) {
    found = anchors(readFileSync(path, "utf8"))
    anchorsOf.set(path, found)
  }
  return found
}

/** Why a link of `file` does not resolve, or undefined when it does. */
const brokenBecause = (file: string, target: string): string | undefined => {
  if (target === "") return "the link is empty"
  const hash = target.indexOf("#")
  const pathPart = hash === -1 ? target : target.slice(0, hash)
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
  const absolute = join(repositoryRoot, file)
  let resolved = absolute
  if (pathPart !== "") {
    const path = decodeURIComponent(pathPart.split("?")[0]!)
    resolved = path.startsWith("/") ? join(repositoryRoot, path) : resolve(dirname(absolute), path)
    const inside = relative(repositoryRoot, resolved)
    if (inside.startsWith("..") || resolve(repositoryRoot, inside) !== resolved)
      return `it points outside the repository (${inside})`
    if (!existsSync(resolved)) return `${inside} does not exist`
  }
  if (anchor === undefined) return undefined
  if (!resolved.endsWith(".md") || statSync(resolved).isDirectory()) return undefined
  return anchorsIn(resolved).has(anchor)
    ? undefined
    : `${relative(repositoryRoot, resolved)} has no heading whose anchor is #${anchor}`
}

describe("the repository's Markdown links", () => {
  const files = markdownFiles()

  it("finds the manual and its reference documents", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "events/README.md", "projections/README.md"]))
  })

  it("resolves every relative link and anchor", () => {
    const broken: Array<string> = []
    for (const file of files) {
      for (const { target, line } of links(readFileSync(join(repositoryRoot, file), "utf8"))) {
        if (hasScheme(target)) continue
        const why = brokenBecause(file, target)
        if (why !== undefined) broken.push(`${file}:${line}: (${target}): ${why}`)
      }
    }
    expect(broken, `broken links:\n${broken.join("\n")}`).toEqual([])
  })

  it("keeps the README's links inside the repository", () => {
    const outside = links(readFileSync(join(repositoryRoot, "README.md"), "utf8")).filter(({ target }) =>
      hasScheme(target),
    )
    expect(outside.map(({ target, line }) => `README.md:${line}: ${target}`)).toEqual([])
  })
})
