/**
 * @module `GET /v1/events` as a figure's drill-down: a rep's events (across every stream, the
 * identities linked to them included), some types, a time window, paged with the same cursor, and
 * as CSV. One small history, read on every backend.
 */
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type OutgoingEvent, serverBackends, startTestServer, type TestServer } from "./support/server.js"

const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00Z`
const call = (callId: string, repId: string, day: number): OutgoingEvent => ({
  type: "CallLogged",
  occurredAt: at(day),
  data: { callId, repId, direction: "outbound", disposition: "connected", durationSeconds: 90 },
})
const history: ReadonlyArray<OutgoingEvent> = [
  { type: "RepJoined", occurredAt: at(1), data: { repId: "ana", name: "Ana", role: "AE", team: "east" } },
  { type: "RepJoined", occurredAt: at(1), data: { repId: "bo", name: "Bo", role: "BDR", team: "east" } },
  call("c1", "ana", 2),
  call("c2", "aircall:7", 3), // ana's dialer identity, linked below
  call("c3", "bo", 4),
  { type: "RepIdentityLinked", occurredAt: at(5), data: { repId: "ana", source: "aircall", externalId: "7" } },
  {
    type: "MeetingBooked",
    occurredAt: at(6),
    data: {
      meetingId: "m1",
      repId: "bo",
      ownerRepId: "ana",
      accountId: "acme",
      scheduledFor: at(9),
      source: "outbound",
    },
  },
  { type: "MeetingHeld", occurredAt: at(9), data: { meetingId: "m1" } },
  {
    type: "DealOpened",
    occurredAt: at(10),
    data: { dealId: "d1", repId: "ana", accountId: "acme", amount: 10_000, source: "outbound" },
  },
  { type: "DealWon", occurredAt: at(20), data: { dealId: "d1" } },
]

describe.each(serverBackends)("GET /v1/events filtered on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend)
    expect((await server.append({ events: history })).status).toBe(201)
    // The link must be folded for the alias to count as ana's: a strong read waits for it.
    expect((await server.request("/v1/reps?consistency=strong")).status).toBe(200)
  })
  afterAll(() => server?.close())

  const ids = (answer: { body: { events: Array<{ type: string; data: Record<string, string> }> } }) =>
    answer.body.events.map((e) => `${e.type}:${e.data.callId ?? e.data.meetingId ?? e.data.dealId ?? e.data.repId}`)

  it("keeps a rep's events: named as rep, owner or originator, their linked identity's, and their deals' and meetings'", async () => {
    const answer = await server.request("/v1/events?repId=ana")
    expect(answer.status).toBe(200)
    // Not bo's joining nor bo's call c3; the meeting bo booked is held by ana: hers too, with its MeetingHeld;
    // the DealWon names only d1, which ana opened.
    const anas = new Set([
      "RepJoined:ana",
      "CallLogged:c1",
      "CallLogged:c2",
      "RepIdentityLinked:ana",
      "MeetingBooked:m1",
      "MeetingHeld:m1",
      "DealOpened:d1",
      "DealWon:d1",
    ])
    // In the log's own order (the unfiltered read's), and nothing else.
    const log = ids(await server.request("/v1/events"))
    expect(log).toHaveLength(history.length)
    expect(ids(answer)).toEqual(log.filter((id) => anas.has(id)))
    expect(ids(answer)).toHaveLength(anas.size)
  })

  it("pages the filtered events with the same cursor, every one once", async () => {
    const seen: string[] = []
    let cursor = ""
    for (let pages = 0; pages < 10; pages++) {
      const page = await server.request(`/v1/events?repId=ana&limit=3${cursor}`)
      expect(page.status).toBe(200)
      if (page.body.events.length === 0) break
      seen.push(...ids(page))
      cursor = `&after=${page.body.next}`
    }
    expect(seen).toEqual(ids(await server.request("/v1/events?repId=ana")))
  })

  it("keeps some types (the parameter repeated) within a time window", async () => {
    const types = await server.request("/v1/events?type=CallLogged&type=DealWon")
    expect(ids(types)).toEqual(["CallLogged:c1", "CallLogged:c2", "CallLogged:c3", "DealWon:d1"])
    // From Nov 3 (included) to Nov 10 (excluded): c2, c3, the link, the booking and the meeting held.
    const window = await server.request(
      `/v1/events?occurredFrom=${at(3)}&occurredTo=${at(10)}&repId=ana&type=CallLogged&type=MeetingHeld`,
    )
    expect(ids(window)).toEqual(["CallLogged:c2", "MeetingHeld:m1"])
  })

  it("answers the page as CSV, refuses an unknown type or parameter", async () => {
    const csv = await server.request("/v1/events?repId=ana&type=CallLogged&format=csv")
    expect(csv.status).toBe(200)
    const rows = parse(csv.body, { columns: true }) as Array<Record<string, string>>
    expect(rows.map((row) => [row.type, row["data.callId"], row["data.repId"], row["data.durationSeconds"]])).toEqual([
      ["CallLogged", "c1", "ana", "90"],
      ["CallLogged", "c2", "aircall:7", "90"],
    ])
    expect(csv.headers.get("x-next")).toMatch(/^\d+-\d+$/)

    const badType = await server.request("/v1/events?type=CallLoged")
    expect(badType.status).toBe(400)
    expect(badType.body.errors[0].path).toBe("query.type")
    const unknown = await server.request("/v1/events?rep=ana")
    expect(unknown.status).toBe(400)
    expect(unknown.body.errors).toEqual([{ path: "query.rep", message: expect.stringContaining("unknown") }])
  })
})
