/**
 * @module Who a request comes from, as the rate limits and the throttle of failed authentications
 * count clients: the peer's address, an IPv6 peer by its /64 network (one host is routinely given a
 * whole /64, and could otherwise rotate through 2^64 addresses, each a fresh client). Behind a
 * proxy, the proxy's address: `X-Forwarded-For` is anyone's to write, and is not read.
 *
 * @example
 * networkOf("203.0.113.7")              // "203.0.113.7"
 * networkOf("::ffff:203.0.113.7")       // "203.0.113.7"
 * networkOf("2001:db8:1:2:aaaa::1")     // "2001:db8:1:2::/64"
 */
import { isIPv4, isIPv6 } from "node:net"
import { getConnInfo } from "@hono/node-server/conninfo"
import type { Context } from "hono"

/** The client a request counts against: its peer's network (see the module). */
export const clientNetworkOf = (c: Context): string => networkOf(peerAddressOf(c))

/** The peer's address; "unknown" off a Node socket (`app.request` in tests). */
const peerAddressOf = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? "unknown"
  } catch {
    return "unknown"
  }
}

/** An IPv4 address as it is, an IPv4-mapped IPv6 address as its IPv4, any other IPv6 address as its /64. */
export const networkOf = (address: string): string => {
  const bare = address.split("%")[0] as string // a zone index (fe80::1%eth0) names an interface, not a host
  if (!isIPv6(bare)) return bare
  const hextets = expandIPv6(bare)
  if (hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff) {
    const [high, low] = [hextets[6] as number, hextets[7] as number]
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".")
  }
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(":")}::/64`
}

/** The eight 16-bit groups of an IPv6 address, `::` and an IPv4 tail spelt out. */
const expandIPv6 = (address: string): ReadonlyArray<number> => {
  const groupsOf = (part: string): number[] =>
    part === ""
      ? []
      : part.split(":").flatMap((group) => {
          if (!isIPv4(group)) return [Number.parseInt(group, 16)]
          const [a, b, c, d] = group.split(".").map(Number) as [number, number, number, number]
          return [(a << 8) | b, (c << 8) | d]
        })
  const [head, tail] = address.split("::") as [string, string | undefined]
  const first = groupsOf(head)
  const last = tail === undefined ? [] : groupsOf(tail)
  return [...first, ...Array<number>(8 - first.length - last.length).fill(0), ...last]
}
