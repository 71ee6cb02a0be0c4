/**
 * @module The connectors the ledger takes webhooks from: each gets the route `POST /v1/webhooks/<source>`.
 * Adding a vendor is one module implementing `Connector` and one line here.
 */
import { aircall } from "./aircall.js"
import { calendly } from "./calendly.js"
import type { Connector } from "./connector.js"
import { dialpad } from "./dialpad.js"
import { ringcentral } from "./ringcentral.js"
import { twilio } from "./twilio.js"

export * from "./connector.js"

/** Every connector, in the order the ingestion status lists them. */
export const connectors: ReadonlyArray<Connector> = [aircall, twilio, ringcentral, dialpad, calendly]
