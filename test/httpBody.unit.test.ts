/**
 * @module What a JSON body may hold before the store sees it: an unpaired UTF-16 surrogate escape is
 * valid JSON but no Unicode text, and PostgreSQL's json refuses it, so `readJsonBody` names where it is.
 */
import { describe, expect, it } from "vitest"
import { loneSurrogatePath } from "../src/http/body.js"

describe("finding an unpaired surrogate in a parsed JSON body", () => {
  it("names the member, the array index or the whole body that holds one", () => {
    expect(loneSurrogatePath(JSON.parse('{"events":[{"data":{"name":"ok"}},{"data":{"name":"\\ud800x"}}]}'))).toBe(
      "events[1].data.name",
    )
    expect(loneSurrogatePath(JSON.parse('{"data":{"\\udfff":1}}'))).toBe("data.\udfff")
    expect(loneSurrogatePath(JSON.parse('"\\udc00"'))).toBe("(body)")
  })

  it("passes valid pairs (emoji), plain text and every other JSON value", () => {
    expect(loneSurrogatePath(JSON.parse('{"name":"\\ud83d\\ude00 😀","n":1,"b":true,"z":null,"a":[]}'))).toBeUndefined()
  })

  it("walks a deeply nested body without overflowing the stack", () => {
    const deep = JSON.parse(`${"[".repeat(50_000)}"\\ud800"${"]".repeat(50_000)}`)
    expect(loneSurrogatePath(deep)).toMatch(/^(\[0\]){50000}$/)
  })
})
