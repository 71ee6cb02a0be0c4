/**
 * @module Who is who, against a listening server: calls a dialer recorded under an identity nobody
 * had linked (`aircall:77`) are unattributed in the team view; after `POST /v1/reps/ana/identities`
 * they count for ana — those from before the link too — with nothing re-sent.
 *
 * The team (UTC): ana and bo, AEs of team east, joined Sep 1. In November:
 * - ana calls 2 times herself (Nov 2, one connected 90 s), and books m1 (Nov 2);
 * - aircall:77 (ana's Aircall user) dials 3 times before the link (Nov 3, one connected 30 s) and
 *   1 time after it (Nov 20), and books m2 (Nov 4);
 * - bo dials 1 time (Nov 2), no meeting.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OutgoingEvent, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const repJoined = (repId: string): OutgoingEvent => ({
  type: "RepJoined",
  occurredAt: "2026-09-01T08:00:00Z",
  data: { repId, name: `Rep ${repId}`, role: "AE", team: "east" },
})
const call = (
  callId: string,
  repId: string,
  at: string,
  disposition = "no_answer",
  durationSeconds = 0,
): OutgoingEvent => ({
  type: "CallLogged",
  occurredAt: at,
  data: { callId, repId, direction: "outbound", disposition, durationSeconds },
})
const booked = (meetingId: string, repId: string, at: string): OutgoingEvent => ({
  type: "MeetingBooked",
  occurredAt: at,
  data: { meetingId, repId, accountId: "acme", scheduledFor: "2026-11-25T10:00:00Z", source: "outbound" },
})

const window = "from=2026-11-01&to=2026-11-30&consistency=strong"

describe.each(serverBackends)("vendor identities on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    const appended = await server.append({
      events: [
        repJoined("ana"),
        repJoined("bo"),
        call("a1", "ana", "2026-11-02T09:00:00Z", "connected", 90),
        call("a2", "ana", "2026-11-02T10:00:00Z"),
        booked("m1", "ana", "2026-11-02T11:00:00Z"),
        call("b1", "bo", "2026-11-02T09:30:00Z"),
        call("x1", "aircall:77", "2026-11-03T09:00:00Z", "connected", 30),
        call("x2", "aircall:77", "2026-11-03T10:00:00Z"),
        call("x3", "aircall:77", "2026-11-03T11:00:00Z"),
        booked("m2", "aircall:77", "2026-11-04T09:00:00Z"),
      ],
    })
    expect(appended.status).toBe(201)
  }, 120_000)
  afterAll(() => server?.close())

  it("counts an unlinked identity's work as unattributed, not among the reps", async () => {
    const comparison = await server.request(`/v1/team/comparison?${window}`)
    expect(comparison.status).toBe(200)
    expect(comparison.body.reps.map((rep: { repId: string }) => rep.repId).sort()).toEqual(["ana", "bo"])
    expect(comparison.body.unattributed.identities).toEqual([
      expect.objectContaining({
        repId: "aircall:77",
        source: "aircall",
        externalId: "77",
        activities: 3,
        dials: 3,
        meetingsBooked: 1,
      }),
    ])
    expect(comparison.body.unattributed.totals).toMatchObject({ activities: 3, meetingsBooked: 1 })
    // ana alone: 2 dials, 1 connect, 1 meeting
    const ana = await server.request(`/v1/reps/ana/scorecard?${window}&bucket=month`)
    expect(ana.body.metrics).toMatchObject({ dials: 2, connects: 1, activities: 2, meetingsBooked: 1 })
  })

  it("refuses a link to a rep who never joined, or without an external id, storing nothing", async () => {
    const before = (await server.log()).length
    const unknown = await server.request("/v1/reps/anna/identities", {
      method: "POST",
      json: { source: "aircall", externalId: "77" },
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body.detail).toContain('no rep "anna" has joined')
    const missing = await server.request("/v1/reps/ana/identities", { method: "POST", json: { source: "aircall" } })
    expect(missing.status).toBe(400)
    expect(missing.body.errors).toEqual([expect.objectContaining({ path: "body.externalId" })])
    const empty = await server.request("/v1/reps/ana/identities", {
      method: "POST",
      json: { source: "aircall", externalId: "" },
    })
    expect(empty.status).toBe(400)
    expect(empty.body.errors[0].path).toBe("body.externalId")
    const readOnly = await server.request("/v1/reps/ana/identities", {
      method: "POST",
      json: { source: "aircall", externalId: "77" },
      key: await server.keyWith(["read"]),
    })
    expect(readOnly.status).toBe(403)
    expect((await server.log()).length).toBe(before)
  })

  it("after a link, credits the rep with the identity's past and later work, without anything re-sent", async () => {
    const linked = await server.request("/v1/reps/ana/identities", {
      method: "POST",
      json: { source: "aircall", externalId: "77" },
    })
    expect(linked.status).toBe(201)
    expect(linked.body).toMatchObject({
      status: "linked",
      repId: "ana",
      identity: { source: "aircall", externalId: "77", alias: "aircall:77" },
    })
    expect(linked.body.event).toMatchObject({
      type: "RepIdentityLinked",
      streamId: "rep-ana",
      data: { repId: "ana", source: "aircall", externalId: "77" },
    })
    expect(await server.append(call("x4", "aircall:77", "2026-11-20T09:00:00Z"))).toMatchObject({ status: 201 })

    // ana: her 2 calls + the identity's 3 before the link + 1 after = 6 dials; connects: hers (90 s,
    // a conversation) and x1 (30 s < 60 s, not one); meetings: m1 and m2.
    const ana = await server.request(`/v1/reps/ana/scorecard?${window}&bucket=month`)
    expect(ana.body.metrics).toMatchObject({
      dials: 6,
      connects: 2,
      conversations: 1,
      activities: 6,
      meetingsBooked: 2,
    })
    const comparison = await server.request(`/v1/team/comparison?${window}`)
    expect(comparison.body.unattributed).toEqual({ identities: [], totals: expect.objectContaining({ activities: 0 }) })
    expect(comparison.body.reps.find((rep: { repId: string }) => rep.repId === "ana").metrics).toMatchObject({
      activities: 6,
      meetingsBooked: 2,
    })
    expect((await server.request("/v1/reps/aircall:77/scorecard?consistency=strong")).status).toBe(404)
    const identities = await server.request("/v1/reps/ana/identities?consistency=strong")
    expect(identities.body.identities).toEqual([{ source: "aircall", externalId: "77", alias: "aircall:77" }])
  })

  it("appends nothing for the same link again (200, the stored event), and refuses the identity for another rep (409)", async () => {
    const before = await server.log()
    const again = await server.request("/v1/reps/ana/identities", {
      method: "POST",
      json: { source: "aircall", externalId: "77" },
    })
    expect(again.status).toBe(200)
    expect(again.body.status).toBe("already_linked")
    expect(again.body.event.position).toBe(before.find((e) => e.type === "RepIdentityLinked")?.position)
    const elsewhere = await server.request("/v1/reps/bo/identities", {
      method: "POST",
      json: { source: "aircall", externalId: "77" },
    })
    expect(elsewhere.status).toBe(409)
    expect(elsewhere.body).toMatchObject({ linkedTo: "ana" })
    expect(elsewhere.body.detail).toContain('aircall:77 is already linked to rep "ana"')
    expect((await server.log()).length).toBe(before.length)
  })

  it("documents the route and the unattributed part in the OpenAPI document", async () => {
    const doc = (await server.request("/openapi.json")).body
    expect(doc.paths["/v1/reps/{repId}/identities"]).toHaveProperty("post")
    expect(doc.paths["/v1/reps/{repId}/identities"]).toHaveProperty("get")
    expect(doc.components.schemas.Unattributed.properties).toHaveProperty("identities")
  })
})
