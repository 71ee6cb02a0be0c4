/**
 * @module The API keys over HTTP (`/v1/keys`, admin scope), on each backend: a key created over
 * HTTP works at once and its token is never shown again; revoked, it stops working at once and
 * stays listed; the last admin key cannot be revoked; bad requests are 4xx problems that change
 * nothing; and the 401 says where the first admin key is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { expectProblem, serverBackends, startTestServer, type TestServer } from "./support/server.js"

describe.each(serverBackends)("API keys over HTTP on $name", (backend) => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer(backend)
  })
  afterAll(() => server?.close())

  it("creates a key whose token works at once, and shows the token in that answer only", async () => {
    const created = await server.request("/v1/keys", { json: { name: "  dashboard  ", scopes: ["read"] } })

    expect(created.status).toBe(201)
    expect(created.headers.get("cache-control")).toBe("no-store")
    expect(created.body).toEqual({
      key: {
        keyId: expect.stringMatching(/^[0-9a-f]{12}$/),
        name: "dashboard",
        scopes: ["read"],
        createdAt: expect.any(String),
        revokedAt: null,
      },
      token: expect.stringMatching(/^olk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/),
    })
    const { key, token } = created.body
    expect(token.startsWith(`olk_${key.keyId}_`)).toBe(true)
    expect((await server.request("/v1/reps", { key: token })).status).toBe(200)
    // A read key may not append, nor manage keys.
    expect((await server.request("/v1/keys", { key: token })).status).toBe(403)

    const listed = await server.request("/v1/keys")
    expect(listed.status).toBe(200)
    expect(listed.body.keys).toContainEqual(key)
    // The secret part of the token appears nowhere in the list.
    expect(JSON.stringify(listed.body)).not.toContain(token.slice(`olk_${key.keyId}_`.length))
  })

  it("revokes a key: its token is refused from the next request on, and it stays listed", async () => {
    const { key, token } = (await server.request("/v1/keys", { json: { name: "webhook", scopes: ["ingest", "read"] } }))
      .body
    expect((await server.request("/v1/reps", { key: token })).status).toBe(200)

    const revoked = await server.request(`/v1/keys/${key.keyId}`, { method: "DELETE" })

    expect(revoked.status).toBe(200)
    expect(revoked.body).toMatchObject({ keyId: key.keyId, name: "webhook", revokedAt: expect.any(String) })
    expectProblem(await server.request("/v1/reps", { key: token }), 401, ["unknown or revoked"])
    const listed = (await server.request("/v1/keys")).body.keys
    expect(listed.find((k: { keyId: string }) => k.keyId === key.keyId)).toMatchObject({
      revokedAt: revoked.body.revokedAt,
    })

    const again = await server.request(`/v1/keys/${key.keyId}`, { method: "DELETE" })
    expectProblem(again, 409, [`API key ${key.keyId} ("webhook") was revoked at`])
    expectProblem(await server.request("/v1/keys/0123456789ab", { method: "DELETE" }), 404, [
      "no API key has the id 0123456789ab",
    ])
    // An id that no key can have (a NUL byte reached PostgreSQL as a 500) is refused before any lookup.
    expectProblem(await server.request("/v1/keys/%00abc", { method: "DELETE" }), 400, ["12 lowercase hexadecimal"])
  })

  it("keeps the last active admin key: revoking it is refused until another admin key exists", async () => {
    const keys = (await server.request("/v1/keys")).body.keys as Array<{
      keyId: string
      scopes: string[]
      revokedAt: string | null
    }>
    const firstAdmin = keys.find((k) => k.scopes.includes("admin") && k.revokedAt === null)
    expect(firstAdmin).toBeDefined()

    const refused = await server.request(`/v1/keys/${firstAdmin?.keyId}`, { method: "DELETE" })
    expectProblem(refused, 409, ["last active admin key", "create another admin key first"])
    expect((await server.request("/v1/reps")).status).toBe(200)

    // With a second admin key, the first can go; the second then is the last one.
    const second = (await server.request("/v1/keys", { json: { name: "second admin", scopes: ["admin"] } })).body
    expect(
      (await server.request(`/v1/keys/${firstAdmin?.keyId}`, { method: "DELETE", key: second.token })).status,
    ).toBe(200)
    expectProblem(await server.request("/v1/reps"), 401)
    expectProblem(await server.request(`/v1/keys/${second.key.keyId}`, { method: "DELETE", key: second.token }), 409, [
      "last active admin key",
    ])
  })

  it("refuses a body it cannot use, naming the field, and creates nothing", async () => {
    const admin = await server.keyWith(["admin"])
    const before = (await server.request("/v1/keys", { key: admin })).body.keys.length
    const cases: Array<[unknown, string]> = [
      [{ name: "", scopes: ["read"] }, "body.name"],
      [{ name: "x", scopes: [] }, "body.scopes: at least one scope"],
      [{ name: "x", scopes: ["delete"] }, "body.scopes.0: one of ingest, read, admin"],
      [{ name: "x" }, "body.scopes"],
      [{ name: "x", scopes: ["read"], secret: "mine" }, "body"],
      [{ name: "x".repeat(201), scopes: ["read"] }, "at most 200 characters"],
    ]
    for (const [body, mention] of cases) {
      const answer = await server.request("/v1/keys", { key: admin, json: body })
      expectProblem(answer, 400, [mention])
      expect(answer.body.detail).toMatch(/no key was created$/)
    }
    expectProblem(
      await server.request("/v1/keys", { key: admin, body: "name=x", headers: { "content-type": "text/plain" } }),
      415,
    )
    expect((await server.request("/v1/keys", { key: admin })).body.keys).toHaveLength(before)
  })

  it("answers 401 without a key, saying where the first admin key is and how to make a read-only one", async () => {
    const answer = await server.request("/v1/keys", { key: null })

    expectProblem(answer, 401, [
      "admin-key.txt",
      "data directory",
      "ledger keys create --name <who> --scopes read",
      "while the server runs",
    ])
    expect(answer.headers.get("www-authenticate")).toBe('Bearer realm="outcome-ledger"')
  })
})
