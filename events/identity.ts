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
