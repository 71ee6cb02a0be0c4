/**
 * @module API keys: the `ledger_api_keys` table. Keys are `olk_<id>_<secret>`; only a SHA-256 of the
 * secret is stored (the secret is 32 random bytes, so a slow hash would add nothing but latency).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import type { SqlDatabase, SqlQueryable } from "./sql.js"

export const scopes = ["ingest", "read", "admin"] as const
export type Scope = (typeof scopes)[number]

export type ApiKey = {
  readonly keyId: string
  readonly name: string
  readonly scopes: ReadonlyArray<Scope>
  readonly createdAt: string
  readonly revokedAt: string | null
}

/** Creates a key; the returned `token` is the only time the secret is ever shown. */
export const createApiKey = async (
  db: SqlQueryable,
  options: { readonly name: string; readonly scopes: ReadonlyArray<Scope> },
): Promise<{ readonly key: ApiKey; readonly token: string }> => {
  const keyId = randomBytes(6).toString("hex")
  const secret = randomBytes(32).toString("base64url")
  const rows = await db.query<KeyRow>(
    `insert into ledger_api_keys (key_id, name, secret_hash, scopes) values ($1, $2, $3, $4::jsonb)
     returning key_id, name, scopes, created_at, revoked_at`,
    [keyId, options.name, hashSecret(secret), JSON.stringify([...new Set(options.scopes)])],
  )
  return { key: toKey(rows[0] as KeyRow), token: `olk_${keyId}_${secret}` }
}

const selectKeys = "select key_id, name, scopes, created_at, revoked_at from ledger_api_keys"

/** Every key, revoked ones included, oldest first (never their secrets: only a hash of each is stored). */
export const listApiKeys = async (db: SqlQueryable): Promise<ReadonlyArray<ApiKey>> =>
  (await db.query<KeyRow>(`${selectKeys} order by created_at, key_id`)).map(toKey)

/** What became of a request to revoke a key. */
export type Revocation =
  | { readonly _tag: "Revoked"; readonly key: ApiKey }
  | { readonly _tag: "UnknownKey"; readonly keyId: string }
  | { readonly _tag: "AlreadyRevoked"; readonly key: ApiKey }
  /** Refused: the store would be left without an active admin key, and nobody could manage keys over HTTP. */
  | { readonly _tag: "LastAdminKey"; readonly key: ApiKey }

/** Serialises revocations, so that two admins revoking each other's keys at once cannot leave none. */
const revocationLock = 7_340_201

/** Revokes a key: its token stops working at once in this process (within a second in others). */
export const revokeApiKey = async (db: SqlDatabase, keyId: string): Promise<Revocation> => {
  const outcome = await db.transaction(async (tx): Promise<Revocation> => {
    await tx.query("select pg_advisory_xact_lock($1)", [revocationLock])
    const revoked = await tx.query<KeyRow>(
      `update ledger_api_keys set revoked_at = now()
       where key_id = $1 and revoked_at is null
         and (not scopes ? 'admin'
              or exists (select 1 from ledger_api_keys other
                         where other.key_id <> $1 and other.revoked_at is null and other.scopes ? 'admin'))
       returning key_id, name, scopes, created_at, revoked_at`,
      [keyId],
    )
    if (revoked[0] !== undefined) return { _tag: "Revoked", key: toKey(revoked[0]) }
    const known = (await tx.query<KeyRow>(`${selectKeys} where key_id = $1`, [keyId]))[0]
    if (known === undefined) return { _tag: "UnknownKey", keyId }
    const key = toKey(known)
    return key.revokedAt === null ? { _tag: "LastAdminKey", key } : { _tag: "AlreadyRevoked", key }
  })
  const cache = verifiedKeys.get(db)
  for (const [token, entry] of cache ?? []) if (entry.key.keyId === keyId) cache?.delete(token)
  return outcome
}

export const countActiveApiKeys = async (db: SqlQueryable): Promise<number> =>
  Number(
    (await db.query<{ n: string | number }>("select count(*) as n from ledger_api_keys where revoked_at is null"))[0]
      ?.n ?? 0,
  )

/**
 * How long a verified token is taken on trust without asking the database again. A key revoked in
 * this process stops working at once; revoked from another process (the CLI on a PostgreSQL
 * server, another instance), within this time. Without it every request paid a query for its key:
 * on PGlite a fifth of the ingest path's time (bench/ingest.ts, single events).
 */
const verifiedKeyTtlMs = 1_000

/** Tokens verified lately, by SHA-256 of the token, per database (tests run several in one process). */
const verifiedKeys = new WeakMap<SqlQueryable, Map<string, { readonly key: ApiKey; readonly until: number }>>()

/** The active key a bearer token names, when its secret matches; `undefined` otherwise. */
export const verifyApiKey = async (db: SqlQueryable, token: string, now = Date.now()): Promise<ApiKey | undefined> => {
  let cache = verifiedKeys.get(db)
  if (cache === undefined) verifiedKeys.set(db, (cache = new Map()))
  const tokenHash = hashSecret(token)
  const cached = cache.get(tokenHash)
  if (cached !== undefined && cached.until > now) return cached.key
  const key = await lookUpApiKey(db, token)
  if (key === undefined) {
    cache.delete(tokenHash)
    return undefined
  }
  if (cache.size >= 10_000) for (const [hash, entry] of cache) if (entry.until <= now) cache.delete(hash)
  cache.set(tokenHash, { key, until: now + verifiedKeyTtlMs })
  return key
}

const lookUpApiKey = async (db: SqlQueryable, token: string): Promise<ApiKey | undefined> => {
  const match = /^olk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token)
  if (match === null) return undefined
  const rows = await db.query<KeyRow & { secret_hash: string }>(
    "select key_id, name, scopes, created_at, revoked_at, secret_hash from ledger_api_keys where key_id = $1 and revoked_at is null",
    [match[1]],
  )
  const row = rows[0]
  if (row === undefined) return undefined
  const expected = Buffer.from(row.secret_hash, "hex")
  const actual = Buffer.from(hashSecret(match[2] as string), "hex")
  return timingSafeEqual(expected, actual) ? toKey(row) : undefined
}

const hashSecret = (secret: string): string => createHash("sha256").update(secret).digest("hex")

type KeyRow = { key_id: string; name: string; scopes: Scope[]; created_at: Date; revoked_at: Date | null }

const toKey = (row: KeyRow): ApiKey => ({
  keyId: row.key_id,
  name: row.name,
  scopes: row.scopes,
  createdAt: row.created_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
})
