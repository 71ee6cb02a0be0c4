/**
 * @module Reading the repository's Markdown the way the documentation tests need it: sections by
 * heading, GitHub tables, fenced blocks, links and heading anchors. Small on purpose: the documents
 * are ours, written in plain GitHub Markdown (no HTML blocks, no setext headings).
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** The repository's root directory. */
export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url))

/** A Markdown file of the repository, by its path from the root. */
export const readDoc = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8")

/** A heading and the text under it, up to the next heading of the same or a higher level. */
export type Section = { readonly title: string; readonly level: number; readonly body: string }

const fence = /^ {0,3}(`{3,}|~{3,})/

/** The document's lines, each marked as inside a fenced code block or not. */
const linesOf = (markdown: string): ReadonlyArray<{ readonly text: string; readonly inFence: boolean }> => {
  const lines: Array<{ text: string; inFence: boolean }> = []
  let open: string | undefined
  for (const text of markdown.split("\n")) {
    const marker = fence.exec(text)?.[1]
    if (open === undefined && marker !== undefined) {
      open = marker
      lines.push({ text, inFence: true })
    } else if (open !== undefined) {
      lines.push({ text, inFence: true })
      if (marker !== undefined && marker[0] === open[0] && marker.length >= open.length && text.trim() === marker)
        open = undefined
    } else lines.push({ text, inFence: false })
  }
  return lines
}

const headingOf = (line: string): { readonly level: number; readonly title: string } | undefined => {
  const match = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line)
  return match === null ? undefined : { level: match[1]!.length, title: match[2]! }
}

/** Every section of the document at `level` (2 for `##`), in order. */
export const sections = (markdown: string, level: number): ReadonlyArray<Section> => {
  const found: Array<{ title: string; level: number; lines: Array<string> }> = []
  let current: { title: string; level: number; lines: Array<string> } | undefined
  for (const { text, inFence } of linesOf(markdown)) {
    const heading = inFence ? undefined : headingOf(text)
    if (heading !== undefined && heading.level <= level) {
      current = heading.level === level ? { title: heading.title, level, lines: [] } : undefined
      if (current !== undefined) found.push(current)
    } else current?.lines.push(text)
  }
  return found.map(({ title, level, lines }) => ({ title, level, body: lines.join("\n") }))
}

/** The section titled `title` at `level`; throws naming it when the document has none. */
export const section = (markdown: string, level: number, title: string): Section => {
  const found = sections(markdown, level).find((s) => s.title === title)
  if (found === undefined) throw new Error(`no "${"#".repeat(level)} ${title}" section`)
  return found
}

/** A GitHub table: its header cells and its rows, each cell trimmed, `\|` read as `|`. */
export type Table = { readonly header: ReadonlyArray<string>; readonly rows: ReadonlyArray<ReadonlyArray<string>> }

const cellsOf = (line: string): ReadonlyArray<string> =>
  line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll("\\|", "|"))

/** Every table of the text, in order (none inside fenced blocks). */
export const tables = (markdown: string): ReadonlyArray<Table> => {
  const found: Array<Table> = []
  let block: Array<string> = []
  const close = () => {
    if (block.length >= 2 && /^\|?\s*:?-{3,}/.test(block[1]!.trim())) {
      found.push({ header: cellsOf(block[0]!), rows: block.slice(2).map(cellsOf) })
    }
    block = []
  }
  for (const { text, inFence } of linesOf(markdown)) {
    if (!inFence && text.trim().startsWith("|")) block.push(text)
    else close()
  }
  close()
  return found
}

/** The first table whose header starts with `columns`; throws naming them when there is none. */
export const tableWith = (markdown: string, columns: ReadonlyArray<string>): Table => {
  const found = tables(markdown).find((t) => columns.every((column, i) => t.header[i] === column))
  if (found === undefined) throw new Error(`no table with the columns ${columns.join(" | ")}`)
  return found
}

/** The table's rows as records keyed by header. */
export const records = (table: Table): ReadonlyArray<Readonly<Record<string, string>>> =>
  table.rows.map((row) => Object.fromEntries(table.header.map((name, i) => [name, row[i] ?? ""])))

/** Every fenced code block of the text: its info string (`json`, `sh`…) and its content. */
export const fencedBlocks = (markdown: string): ReadonlyArray<{ readonly lang: string; readonly text: string }> => {
  const blocks: Array<{ lang: string; text: string }> = []
  let current: { lang: string; lines: Array<string> } | undefined
  for (const { text, inFence } of linesOf(markdown)) {
    if (!inFence) continue
    if (current === undefined)
      current = {
        lang: text
          .trim()
          .replace(/^(`{3,}|~{3,})/, "")
          .trim(),
        lines: [],
      }
    else if (fence.test(text) && text.trim().replace(/^`+|^~+/, "") === "") {
      blocks.push({ lang: current.lang, text: current.lines.join("\n") })
      current = undefined
    } else current.lines.push(text)
  }
  return blocks
}

/** `code` spans' backticks removed: the text a reader sees. */
export const plainText = (markdown: string): string => markdown.replace(/`([^`]*)`/g, "$1")

/** A link as written: its target, and the line it is on (1-based). */
export type Link = { readonly target: string; readonly line: number }

/**
 * Every link and image of the document outside code: inline `[text](target)`, reference
 * definitions `[id]: target`, and `href`/`src` attributes of inline HTML.
 */
export const links = (markdown: string): ReadonlyArray<Link> => {
  const found: Array<Link> = []
  linesOf(markdown).forEach(({ text, inFence }, index) => {
    if (inFence) return
    const line = index + 1
    const prose = text.replace(/(`+)(?:(?!\1).)+?\1/g, "")
    for (const match of prose.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g))
      found.push({ target: match[1]!, line })
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$/.exec(prose)
    if (definition !== null) found.push({ target: definition[1]!, line })
    for (const match of prose.matchAll(/\b(?:href|src)\s*=\s*"([^"]*)"/g)) found.push({ target: match[1]!, line })
  })
  return found
}

/**
 * GitHub's anchor for a heading's text: the rendered text lower-cased, every character but
 * letters, digits, `_`, `-` and spaces dropped, spaces made `-` (as github-slugger does).
 */
export const slugOf = (heading: string): string =>
  plainText(heading)
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-")

/**
 * Every anchor a link may point at in the document: one per heading (a repeated heading's anchor
 * takes `-1`, `-2`… as GitHub numbers them), and the `id`/`name` of inline HTML anchors.
 */
export const anchors = (markdown: string): ReadonlySet<string> => {
  const found = new Set<string>()
  const seen = new Map<string, number>()
  for (const { text, inFence } of linesOf(markdown)) {
    if (inFence) continue
    const heading = headingOf(text)
    if (heading !== undefined) {
      const slug = slugOf(heading.title)
      const count = seen.get(slug) ?? 0
      seen.set(slug, count + 1)
      found.add(count === 0 ? slug : `${slug}-${count}`)
    }
    for (const match of text.matchAll(/<a\s[^>]*\b(?:id|name)\s*=\s*"([^"]+)"/g)) found.add(match[1]!)
  }
  return found
}
