/**
 * @module The connectors the ledger takes webhooks from: each gets the route `POST /v1/webhooks/<source>`.
 * Adding a vendor is one module implementing `Connector` and one line here.
 */
import { aircall } from "./aircall.js"
import { calendly } from "./calendly.js"
import type { Connector } from "./connector.js"
import { dialpad } from "./dialpad.js"
import { maskedFields, payloadSubjectsOf } from "./keptPayload.js"
import { ringcentral } from "./ringcentral.js"
import { twilio } from "./twilio.js"

export * from "./connector.js"

/** Every connector, in the order the ingestion status lists them. */
export const connectors: ReadonlyArray<Connector> = [aircall, twilio, ringcentral, dialpad, calendly]

/**
 * An event's metadata as the ledger keeps it: a connector's payload (`raw`) with the fields that
 * carry proof masked. For events that come from elsewhere than a delivery: an archive written
 * before payloads were masked is imported masked (the store's own were masked by a migration).
 */
export const metadataWithoutProof = (
  metadata: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> => {
  const connector = connectors.find((c) => c.source === metadata.source)
  if (connector === undefined || connector.payload.proofFields.length === 0 || metadata.raw === undefined)
    return metadata
  return { ...metadata, raw: maskedFields(metadata.raw, connector.payload.proofFields) }
}

/**
 * The people a connector's payload kept in an event's metadata names, by the connector's declaration
 * (`payloadSubjectsOf`); `undefined` when the metadata holds no connector's payload (an erased one
 * reads as text).
 */
export const payloadSubjectsOfMetadata = (
  metadata: Readonly<Record<string, unknown>>,
): ReadonlyArray<string> | undefined => {
  const connector = connectors.find((c) => c.source === metadata.source)
  if (connector === undefined || metadata.raw === null || typeof metadata.raw !== "object") return undefined
  return payloadSubjectsOf(metadata.raw, connector.payload)
}
