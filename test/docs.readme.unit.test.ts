/**
 * README.md is a short user's manual: at most 300 lines and 25 KB, lines a reader need not scroll,
 * and a configuration table that says what src/config.ts reads: every variable, none other, and
 * each default as the server applies it.
 */
import { describe, expect, it } from "vitest"
import { loadConfig } from "../src/config.js"
import { readDoc, records, section, tableWith } from "./support/markdown.js"

const readme = readDoc("README.md")

describe("README.md", () => {
  it("stays a short manual: at most 300 lines, 25 KB, and 120 characters a line", () => {
    const lines = readme.split("\n")
    expect(lines.length).toBeLessThanOrEqual(300)
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(25 * 1024)
    expect(lines.flatMap((line, i) => ([...line].length > 120 ? [`line ${i + 1}: ${line}`] : []))).toEqual([])
  })

  describe("its configuration table", () => {
    const rows = records(tableWith(section(readme, 2, "Configuration").body, ["variable", "default"])).map((row) => ({
      variable: row["variable"]!.replaceAll("`", ""),
      default: row["default"]!,
    }))

    it("lists every environment variable the server reads, and no other", () => {
      // The names src/config.ts validates, read from its `Env` schema.
      const source = readDoc("src/config.ts")
      const schema = source.slice(
        source.indexOf("const Env = z.object({"),
        source.indexOf("\n})", source.indexOf("const Env")),
      )
      const read = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map(([, name]) => name!)
      expect(read.length).toBeGreaterThan(10)
      expect(rows.map((row) => row.variable).sort()).toEqual(read.sort())
    })

    it("gives each default as the server applies it: setting a variable to its default changes nothing", () => {
      const defaults = loadConfig({})
      for (const { variable, default: stated } of rows) {
        const literal = /^`([^`]*)`$/.exec(stated)?.[1]
        if (literal === undefined) continue // "—" (unset), or a default in words
        expect(loadConfig({ [variable]: literal }), `${variable}=${literal}`).toEqual(defaults)
      }
      // The one default in words: the burst is twice the rate.
      expect(rows.find((row) => row.variable === "LEDGER_RATE_LIMIT_BURST")?.default).toBe("2 × rate")
      const { rateLimit } = defaults.operations!
      expect(rateLimit!.burst).toBe(2 * rateLimit!.perSecond)
    })
  })
})
