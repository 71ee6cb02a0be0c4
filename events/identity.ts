/**
 * @module Vendor identities. A connector that meets a rep only by a vendor's id (an Aircall user id,
 * a Twilio phone number, a Calendly host's email) records the event with the identity's alias as
 * `repId`; a `RepIdentityLinked` ties the alias to a rep, and the folds credit the rep with every
 * event of the alias, before and after the link.
 *
 * @example identityAlias("aircall", "123") // "aircall:123"
 */

/** The `repId` under which events of a vendor identity are recorded until (and after) it is linked. */
export const identityAlias = (source: string, externalId: string): string => `${source}:${externalId}`

/**
 * The vendor identity an alias names, or `undefined` when `repId` is not of the alias form
 * (`<source>:<externalId>`, both non-empty; the source is the part before the first colon).
 *
 * @example parseIdentityAlias("twilio:+33612345678") // { source: "twilio", externalId: "+33612345678" }
 */
export const parseIdentityAlias = (
  repId: string,
): { readonly source: string; readonly externalId: string } | undefined => {
  const colon = repId.indexOf(":")
  if (colon <= 0 || colon === repId.length - 1) return undefined
  return { source: repId.slice(0, colon), externalId: repId.slice(colon + 1) }
}
