/**
 * @module Where `ledger keys` manages the API keys: through the running server when there is one
 * (its `/v1/keys` routes, with an admin key), else in the store itself.
 *
 * The server is the one LEDGER_URL names, else the one running on the embedded store's data
 * directory (its `server.json`, src/serverNotes.ts). The admin key is LEDGER_ADMIN_KEY, else the
 * one the first start saved in the data directory (`admin-key.txt`). With no server (or on
 * PostgreSQL, which every process may open at once) the command opens the store directly.
 *
 * @example
 * const keys = yield* withKeyDesk((desk) => desk.list())
 */
import path from "node:path"
import { Effect } from "effect"
import { z } from "zod"
import { loadConfig } from "../config.js"
import { readAdminKeyFile, readRunningServer } from "../serverNotes.js"
import {
  type ApiKey,
  createApiKey,
  listApiKeys,
  type Revocation,
  revokeApiKey,
  type Scope,
  scopes,
} from "../store/apiKeys.js"
import { EventStore } from "../store/EventStore.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt, CommandFailed } from "./failure.js"

/** The three things `ledger keys` does, wherever it does them. */
export type KeyDesk = {
  /** `through the server at http://…` or `in the store` (for messages). */
  readonly where: string
  create(request: { readonly name: string; readonly scopes: ReadonlyArray<Scope> }): Promise<{
    readonly key: ApiKey
    readonly token: string
  }>
  list(): Promise<ReadonlyArray<ApiKey>>
  revoke(keyId: string): Promise<Revocation>
}

/** Runs `work` with the desk the configuration leads to: the running server's, else the store's. */
export const withKeyDesk = <A>(work: (desk: KeyDesk) => Promise<A>): Effect.Effect<A, CommandFailed> =>
  Effect.gen(function* () {
    const server = yield* attempt(() => runningServer(process.env))
    if (server !== undefined) return yield* attempt(() => work(serverDesk(server)))
    return yield* withConfiguredStore(EventStore.use((store) => attempt(() => work(storeDesk(store.sql)))))
  })

type RunningServer = { readonly url: string; readonly adminKey: string; readonly keySource: string }

const LedgerUrl = z.url({ protocol: /^https?$/, error: "must be the server's http(s) URL, e.g. http://127.0.0.1:8080" })

/** The server to go through, with the admin key to send; `undefined` when the store is to be opened. */
const runningServer = async (env: Record<string, string | undefined>): Promise<RunningServer | undefined> => {
  const config = loadConfig(env)
  const dataDir = "dataDir" in config.store ? config.store.dataDir : undefined
  let url: string | undefined
  if (env.LEDGER_URL !== undefined && env.LEDGER_URL !== "") {
    const parsed = LedgerUrl.safeParse(env.LEDGER_URL)
    if (!parsed.success)
      throw new CommandFailed({ reason: `invalid configuration: LEDGER_URL ${parsed.error.issues[0]?.message}` })
    url = parsed.data.replace(/\/+$/, "")
  } else if (dataDir !== undefined) {
    url = (await readRunningServer(dataDir))?.url
  }
  if (url === undefined) return undefined
  if (env.LEDGER_ADMIN_KEY !== undefined && env.LEDGER_ADMIN_KEY !== "")
    return { url, adminKey: env.LEDGER_ADMIN_KEY.trim(), keySource: "LEDGER_ADMIN_KEY" }
  const saved = dataDir === undefined ? undefined : await readAdminKeyFile(dataDir)
  if (saved === undefined) {
    const file = dataDir === undefined ? "" : ` (${path.resolve(dataDir, "admin-key.txt")} holds none)`
    throw new CommandFailed({
      reason: `a server runs at ${url} and manages the keys: set LEDGER_ADMIN_KEY to an admin key${file}`,
    })
  }
  return { url, adminKey: saved, keySource: path.resolve(dataDir as string, "admin-key.txt") }
}

const storeDesk = (sql: EventStore["Service"]["sql"]): KeyDesk => ({
  where: "in the store",
  create: (request) => createApiKey(sql, request),
  list: () => listApiKeys(sql),
  revoke: (keyId) => revokeApiKey(sql, keyId),
})

const KeyAnswer = z.object({
  keyId: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(scopes)),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
})

const serverDesk = (server: RunningServer): KeyDesk => {
  const call = async (method: string, route: string, body?: unknown) => {
    let response: Response
    try {
      response = await fetch(`${server.url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${server.adminKey}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      })
    } catch (error) {
      throw new CommandFailed({
        reason: `the server at ${server.url} did not answer (${messageOf(error)}); is it still running?`,
      })
    }
    const text = await response.text()
    const payload = parseJson(text)
    return { status: response.status, payload, detail: detailOf(payload, text) }
  }
  const refused = (answer: { status: number; detail: string }): CommandFailed => {
    if (answer.status === 401)
      return new CommandFailed({
        reason: `the server at ${server.url} refused the admin key from ${server.keySource} (${answer.detail}); set LEDGER_ADMIN_KEY to an active admin key`,
      })
    if (answer.status === 403)
      return new CommandFailed({
        reason: `the key from ${server.keySource} may not manage keys (${answer.detail}); set LEDGER_ADMIN_KEY to an admin key`,
      })
    return new CommandFailed({ reason: `the server at ${server.url} answered ${answer.status}: ${answer.detail}` })
  }
  return {
    where: `through the server at ${server.url}`,
    create: async (request) => {
      const answer = await call("POST", "/v1/keys", request)
      if (answer.status !== 201) throw refused(answer)
      return z.object({ key: KeyAnswer, token: z.string() }).parse(answer.payload)
    },
    list: async () => {
      const answer = await call("GET", "/v1/keys")
      if (answer.status !== 200) throw refused(answer)
      return z.object({ keys: z.array(KeyAnswer) }).parse(answer.payload).keys
    },
    revoke: async (keyId) => {
      const answer = await call("DELETE", `/v1/keys/${encodeURIComponent(keyId)}`)
      if (answer.status === 200) return { _tag: "Revoked", key: KeyAnswer.parse(answer.payload) }
      if (answer.status === 404) return { _tag: "UnknownKey", keyId }
      // 409: already revoked, or the last admin key; the key as the list shows it says which.
      if (answer.status === 409) {
        const key = (await serverDesk(server).list()).find((candidate) => candidate.keyId === keyId)
        if (key !== undefined)
          return key.revokedAt === null ? { _tag: "LastAdminKey", key } : { _tag: "AlreadyRevoked", key }
      }
      throw refused(answer)
    },
  }
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const detailOf = (payload: unknown, text: string): string =>
  typeof payload === "object" && payload !== null && "detail" in payload && typeof payload.detail === "string"
    ? payload.detail
    : text.slice(0, 200)

const messageOf = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
  return cause instanceof Error ? cause.message : String(cause)
}
