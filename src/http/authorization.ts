/**
 * @module The `Authorization` header, read as HTTP defines it (RFC 9110 §11, which replaced
 * RFC 7235; RFC 6750 for bearer tokens): `credentials = auth-scheme [ 1*SP token68 ]`. The scheme
 * is case-insensitive (`Bearer`, `bearer`, `BEARER`), one or more spaces (not tabs) separate it
 * from the token, and the token is a token68 (letters, digits, `-._~+/`, then `=` padding). Every
 * spelling of one key reads as that one key, so that rate limits and failure counts cannot be
 * dodged by respelling it.
 *
 * @example
 * credentialsOf("bearer   olk_ab12_x")  // { kind: "bearer", token: "olk_ab12_x" }
 * credentialsOf("Basic YTpi")           // { kind: "other", scheme: "Basic" }
 * credentialsOf("Bearer\tolk_ab12_x")   // { kind: "malformed" }
 */

export type Credentials =
  | { readonly kind: "bearer"; readonly token: string }
  /** Well-formed, under a scheme the ledger does not take. */
  | { readonly kind: "other"; readonly scheme: string }
  | { readonly kind: "malformed" }

// token (RFC 9110 §5.6.2) for the scheme, token68 (§11.2) for the credentials.
const credentials = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?: +([A-Za-z0-9\-._~+/]+=*))?$/

/** What an `Authorization` header (Node has trimmed the spaces around it) says. */
export const credentialsOf = (header: string): Credentials => {
  const match = credentials.exec(header)
  if (match === null) return { kind: "malformed" }
  const [, scheme, token] = match as unknown as [string, string, string | undefined]
  if (scheme.toLowerCase() !== "bearer") return { kind: "other", scheme }
  return token === undefined ? { kind: "malformed" } : { kind: "bearer", token }
}
