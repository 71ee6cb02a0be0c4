/**
 * The `Authorization` header as RFC 9110 §11 (was RFC 7235) reads it, and the client network a
 * request counts against (issue 21, item 5): the per-key rate limit was keyed by the raw header,
 * so `bearer`, `BEARER` or an extra space gave one key fresh buckets; every spelling of a key must
 * read as that one key, and every address of one IPv6 /64 as one client.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { credentialsOf } from "../src/http/authorization.js"
import { networkOf } from "../src/http/clientAddress.js"

/** A token as `ledger keys create` makes one: `olk_<hex id>_<base64url secret>`. */
const apiToken = fc
  .tuple(fc.stringMatching(/^[0-9a-f]{12}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/))
  .map(([id, secret]) => `olk_${id}_${secret}`)
/** "Bearer" with each letter in either case. */
const bearerSpelling = fc
  .array(fc.boolean(), { minLength: 6, maxLength: 6 })
  .map((upper) => [..."bearer"].map((letter, i) => (upper[i] ? letter.toUpperCase() : letter)).join(""))

describe("reading the Authorization header", () => {
  it("reads every spelling of the scheme, with one or more spaces, as the one token", () => {
    fc.assert(
      fc.property(apiToken, bearerSpelling, fc.integer({ min: 1, max: 8 }), (token, scheme, spaces) => {
        expect(credentialsOf(`${scheme}${" ".repeat(spaces)}${token}`)).toEqual({ kind: "bearer", token })
      }),
    )
  })

  it("refuses a tab, or anything else, between the scheme and the token: the grammar has spaces only", () => {
    fc.assert(
      fc.property(
        apiToken,
        bearerSpelling,
        fc.constantFrom("\t", " \t", "\t ", "\u00a0", ":", ",", "\u3000"),
        (token, scheme, separator) => {
          expect(credentialsOf(`${scheme}${separator}${token}`)).toEqual({ kind: "malformed" })
        },
      ),
    )
  })

  it("tells another scheme, a bare scheme and a token that is no token68 apart", () => {
    expect(credentialsOf("Basic YTpi")).toEqual({ kind: "other", scheme: "Basic" })
    // Without a space the whole is one scheme's name, and no bearer token.
    expect(credentialsOf("Bearerolk_ab_cd")).toEqual({ kind: "other", scheme: "Bearerolk_ab_cd" })
    expect(credentialsOf("Bearer")).toEqual({ kind: "malformed" })
    expect(credentialsOf("Bearer olk_\u00e9\u00e9")).toEqual({ kind: "malformed" })
    expect(credentialsOf("Bearer a b")).toEqual({ kind: "malformed" })
    expect(credentialsOf("Bearer abc==")).toEqual({ kind: "bearer", token: "abc==" })
    expect(credentialsOf("Bearer abc=d")).toEqual({ kind: "malformed" })
  })
})

describe("the client network a request counts against", () => {
  it("is an IPv4 address itself, and an IPv4-mapped IPv6 address its IPv4", () => {
    expect(networkOf("203.0.113.7")).toBe("203.0.113.7")
    expect(networkOf("::ffff:203.0.113.7")).toBe("203.0.113.7")
    expect(networkOf("::ffff:cb00:7107")).toBe("203.0.113.7")
    expect(networkOf("unknown")).toBe("unknown")
  })

  it("is an IPv6 address's /64, however the address is written", () => {
    expect(networkOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64")
    expect(networkOf("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64")
    expect(networkOf("fe80::1%eth0")).toBe("fe80:0:0:0::/64")
    expect(networkOf("::1")).toBe("0:0:0:0::/64")
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }),
        (hextets, host) => {
          const address = hextets.map((h) => h.toString(16)).join(":")
          const sameNetwork = [...hextets.slice(0, 4), ...host].map((h) => h.toString(16)).join(":")
          // Not mapped IPv4 (that is its own case above).
          fc.pre(!(hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff))
          expect(networkOf(sameNetwork)).toBe(networkOf(address))
          expect(networkOf(address)).toBe(
            `${hextets
              .slice(0, 4)
              .map((h) => h.toString(16))
              .join(":")}::/64`,
          )
        },
      ),
    )
  })
})
