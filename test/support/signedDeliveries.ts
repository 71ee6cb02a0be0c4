/**
 * @module Authentic webhook deliveries, signed as each vendor signs them (written out here, apart
 * from the connectors' own code), for the tests of what the ledger keeps of them and how it keys
 * them: a body, its headers, and the path it is posted to.
 *
 * @example
 * const delivery = twilioDelivery(url, [["CallSid", "CA1"], ["CallStatus", "completed"]])
 * await fetch(`${server.url}${delivery.path}`, { method: "POST", headers: delivery.headers, body: delivery.body })
 */
import { createHmac } from "node:crypto"
import { SignJWT } from "jose"
import type { ConnectorSecrets, Delivery } from "../../src/ingest/webhooks/connector.js"

/** Every connector configured, each secret long and unlike any other, so that a leak is found by a plain search. */
export const testSecrets = {
  aircallToken: "aircall-token-6f1d2c9e8b47",
  twilioAuthToken: "twilio-auth-token-41c7a0d3",
  ringcentralVerificationToken: "ringcentral-verification-93be11f0",
  dialpadSecret: "dialpad-jwt-secret-5a0e77c1",
  calendlySigningKey: "calendly-signing-key-c2d4f6a8",
  calendlyToleranceSeconds: 180,
} as const satisfies ConnectorSecrets

/** Each configured secret, by the variable that holds it. */
export const secretsByVariable: Readonly<Record<string, string>> = {
  LEDGER_AIRCALL_TOKEN: testSecrets.aircallToken,
  LEDGER_TWILIO_AUTH_TOKEN: testSecrets.twilioAuthToken,
  LEDGER_RINGCENTRAL_VERIFICATION_TOKEN: testSecrets.ringcentralVerificationToken,
  LEDGER_DIALPAD_SECRET: testSecrets.dialpadSecret,
  LEDGER_CALENDLY_SIGNING_KEY: testSecrets.calendlySigningKey,
}

/** One delivery as sent over HTTP. */
export type SignedDelivery = {
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The same delivery as a connector reads it, arrived at `receivedAt` on `origin`. */
export const asDelivery = (
  sent: SignedDelivery,
  receivedAt: Date,
  origin = "https://ledger.example.com",
): Delivery => ({
  url: `${origin}${sent.path}`,
  headers: new Headers(sent.headers),
  body: sent.body,
  receivedAt,
})

/** Aircall: JSON whose `token` is the webhook's token. */
export const aircallDelivery = (payload: Record<string, unknown>): SignedDelivery => ({
  path: "/v1/webhooks/aircall",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ token: testSecrets.aircallToken, ...payload }),
})

/** Twilio's signature: base64 HMAC-SHA1 of the URL then each decoded parameter's name and value, by name then value. */
export const twilioSignatureOf = (url: string, params: ReadonlyArray<readonly [string, string]>): string =>
  createHmac("sha1", testSecrets.twilioAuthToken)
    .update(
      [...params]
        .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
        .reduce((signed, [name, value]) => signed + name + value, url),
    )
    .digest("base64")

/**
 * Twilio: a form body, signed for `publicUrl` + the route. `body` may spell the parameters its own
 * way (reordered, percent-encoded otherwise): the signature is over their decoded values.
 */
export const twilioDelivery = (
  publicUrl: string,
  params: ReadonlyArray<readonly [string, string]>,
  body = new URLSearchParams(params.map(([name, value]) => [name, value])).toString(),
): SignedDelivery => ({
  path: "/v1/webhooks/twilio",
  headers: {
    "content-type": "application/x-www-form-urlencoded",
    "x-twilio-signature": twilioSignatureOf(`${publicUrl}/v1/webhooks/twilio`, params),
  },
  body,
})

/** RingCentral: JSON with the subscription's verification token in a header. */
export const ringcentralDelivery = (notification: unknown, body = JSON.stringify(notification)): SignedDelivery => ({
  path: "/v1/webhooks/ringcentral",
  headers: {
    "content-type": "application/json",
    "verification-token": testSecrets.ringcentralVerificationToken,
  },
  body,
})

/** Dialpad: the claims as a JWT signed HS256 with the webhook's secret. */
export const dialpadDelivery = async (claims: Record<string, unknown>): Promise<SignedDelivery> => ({
  path: "/v1/webhooks/dialpad",
  headers: { "content-type": "application/jwt" },
  body: await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(testSecrets.dialpadSecret)),
})

/** Calendly: JSON signed `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` at `signedAt`. */
export const calendlyDelivery = (payload: unknown, signedAt: Date): SignedDelivery => {
  const body = JSON.stringify(payload)
  const t = Math.floor(signedAt.getTime() / 1000)
  const v1 = createHmac("sha256", testSecrets.calendlySigningKey).update(`${t}.${body}`).digest("hex")
  return {
    path: "/v1/webhooks/calendly",
    headers: { "content-type": "application/json", "calendly-webhook-signature": `t=${t},v1=${v1}` },
    body,
  }
}
