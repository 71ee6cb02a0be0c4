/**
 * @module `POST /v1/events` against a listening server: what a client's events become; every way a
 * request is refused, each refusal naming what was wrong and storing nothing; and idempotency: a
 * retry, however it is sent (again, in another batch, twenty at once), stores its event once.
 */
import http from "node:http"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  type Answer,
  events,
  expectNothingStored,
  expectProblem,
  type OutgoingEvent,
  type StoredEvent,
  serverBackends,
  startTestServer,
  type TestServer,
} from "./support/server.js"

/** Small, so that an oversized body is cheap to send; a batch of 5,000 short events still fits. */
const bodyLimitBytes = 512 * 1024

describe.each(serverBackends)("POST /v1/events on $name", (backend) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(backend, { bodyLimitBytes })
  })
  afterAll(() => server?.close())

  describe("appending", () => {
    it("stores one event and answers 201 with its global position and its place in its stream", async () => {
      const answer = await server.append(events.callLogged("c-one", "2026-11-02T15:05:00+01:00"))

      expect(answer.status).toBe(201)
      expect(answer.body).toMatchObject({
        status: "appended",
        appended: 1,
        events: [
          {
            type: "CallLogged",
            streamId: "call-c-one",
            streamVersion: 1,
            position: expect.any(Number),
            // stored as the UTC instant it names
            occurredAt: "2026-11-02T14:05:00.000Z",
            idempotencyKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
          },
        ],
      })
      expect(await server.log()).toContainEqual(answer.body.events[0])
    })

    it("stores a batch across three streams and answers each event in the order sent", async () => {
      const before = await server.log()
      const batch = [
        events.repJoined("bea"),
        events.callLogged("c-batch", "2026-11-02T10:00:00Z", { repId: "bea" }),
        events.dealOpened("batch"),
      ]

      const answer = await server.append({ events: batch })

      expect(answer.status).toBe(201)
      expect(answer.body).toMatchObject({ status: "appended", appended: 3 })
      expect(
        answer.body.events.map((e: { type: string; streamId: string; streamVersion: number }) => [
          e.type,
          e.streamId,
          e.streamVersion,
        ]),
      ).toEqual([
        ["RepJoined", "rep-bea", 1],
        ["CallLogged", "call-c-batch", 1],
        ["DealOpened", "deal-batch", 1],
      ])
      const after = await server.log()
      expect(after.slice(before.length)).toHaveLength(3)
      expect(new Set(after.slice(before.length).map((e) => e.position))).toEqual(
        new Set(answer.body.events.map((e: { position: number }) => e.position)),
      )
    })
  })

  describe("refusing what is not a valid event, storing nothing", () => {
    it("refuses a whole batch whose event [2] has a bad field, naming events[2].data.durationSeconds", async () => {
      const batch = [
        events.callLogged("c-valid-0"),
        events.callLogged("c-valid-1"),
        events.callLogged("c-bad-2", "2026-11-02T14:05:00Z", { durationSeconds: "long" }),
      ]

      const answer = await expectNothingStored(server, () => server.append({ events: batch }))

      expectProblem(answer, 400, ["events[2].data.durationSeconds", "nothing was stored"])
      expect(answer.body.errors).toEqual([{ path: "events[2].data.durationSeconds", message: expect.any(String) }])
    })

    it("refuses an unknown event type at path `type`, listing the known types", async () => {
      const answer = await expectNothingStored(server, () =>
        server.append({ type: "CallMade", occurredAt: "2026-11-02T14:05:00Z", data: { callId: "c1" } }),
      )

      expectProblem(answer, 400, ["type", "CallMade"])
      expect(answer.body.errors).toHaveLength(1)
      expect(answer.body.errors[0].path).toBe("type")
      for (const known of ["CallLogged", "DealOpened", "TeamSettingsChanged"])
        expect(answer.body.errors[0].message).toContain(known)
    })

    it("refuses malformed JSON with 400", async () => {
      const answer = await expectNothingStored(server, () =>
        server.request("/v1/events", {
          body: '{"type": "CallLogged", "occurredAt": ',
          headers: { "content-type": "application/json" },
        }),
      )

      expectProblem(answer, 400, [/not valid JSON/])
    })

    it("refuses a body that is not application/json with 415, saying what to send", async () => {
      const answer = await expectNothingStored(server, () =>
        server.request("/v1/events", {
          body: JSON.stringify(events.callLogged("c-text")),
          headers: { "content-type": "text/plain" },
        }),
      )

      expectProblem(answer, 415, ["application/json", "text/plain"])
    })

    it("refuses a body over the server's size limit with 413, naming the limit", async () => {
      const padded = events.callLogged("c-padded", "2026-11-02T14:05:00Z", { note: "x".repeat(bodyLimitBytes) })

      const answer = await expectNothingStored(server, () => server.append(padded))

      expectProblem(answer, 413, [`${bodyLimitBytes} bytes`])
    })

    it("refuses a body that grows past the limit without declaring its length (chunked), with 413", async () => {
      const chunk = new TextEncoder().encode(
        `{"type":"CallLogged","occurredAt":"2026-11-02T14:05:00Z","data":{"note":"${"x".repeat(64 * 1024)}`,
      )
      const chunks = Math.ceil(bodyLimitBytes / chunk.byteLength) + 1
      let sent = 0
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => {
          if (sent++ < chunks) controller.enqueue(chunk)
          else controller.close()
        },
      })

      const answer = await expectNothingStored(server, () =>
        server.request("/v1/events", { body, headers: { "content-type": "application/json" } }),
      )

      expectProblem(answer, 413, [`${bodyLimitBytes} bytes`])
    })

    it("refuses a batch of 5,001 events with 413, naming the limit of 5000 events", async () => {
      const batch = { events: shortEvents(5_001, "too-many") }
      expect(JSON.stringify(batch).length).toBeLessThan(bodyLimitBytes) // refused for its count, not its bytes

      const answer = await expectNothingStored(server, () => server.append(batch))

      expectProblem(answer, 413, ["5000 events", "5001"])
    })

    it("refuses an empty batch, naming `events`", async () => {
      const answer = await expectNothingStored(server, () => server.append({ events: [] }))

      expectProblem(answer, 400, ["events"])
      expect(answer.body.errors).toEqual([{ path: "events", message: expect.stringContaining("at least one") }])
    })

    it("refuses an event without occurredAt, naming it", async () => {
      const { occurredAt: _, ...undated } = events.callLogged("c-undated")

      const answer = await expectNothingStored(server, () => server.append(undated))

      expectProblem(answer, 400, ["occurredAt"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["occurredAt"])
    })

    it("refuses an occurredAt without a time zone, saying one is needed", async () => {
      const answer = await expectNothingStored(server, () =>
        server.append(events.callLogged("c-local", "2026-11-02T14:05:00")),
      )

      expectProblem(answer, 400, ["occurredAt", "time zone"])
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(["occurredAt"])
    })

    // JSON allows U+0000 in a string; PostgreSQL's jsonb cannot store it. It is the sender's data
    // that cannot be kept, so a 400 naming the field, not a 503 that invites retrying forever.
    it("refuses a text field holding a NUL character (U+0000) with 400 naming the field", async () => {
      const event = {
        type: "RepJoined",
        occurredAt: "2026-11-01T09:00:00Z",
        data: { repId: "nul", name: "Ana\u0000Lee", role: "AE" },
      }

      const answer = await expectNothingStored(server, () =>
        server.append({ events: [events.repJoined("beside-nul"), event] }),
      )

      expectProblem(answer, 400, ["events[1].data.name"])
    })
  })

  describe("the deal's rules: opened once, then won or lost once", () => {
    it("refuses DealWon on a deal never opened with 409 and the deal's current state", async () => {
      const answer = await expectNothingStored(server, () => server.append(events.dealWon("ghost")))

      expectProblem(answer, 409, ["ghost", "DealOpened"])
      expect(answer.body).toMatchObject({ streamId: "deal-ghost", currentState: { status: "none" } })
    })

    it("refuses DealLost on a deal already won, answering its current state `won`", async () => {
      expect((await server.append(events.dealOpened("d-won", 8_000))).status).toBe(201)
      expect((await server.append(events.dealWon("d-won"))).status).toBe(201)

      const answer = await expectNothingStored(server, () => server.append(events.dealLost("d-won")))

      expectProblem(answer, 409, ["d-won", "won"])
      expect(answer.body).toMatchObject({ streamId: "deal-d-won", currentState: { status: "won", amount: 8_000 } })
    })

    it("refuses opening a deal twice (with other content, so not a retry) with 409", async () => {
      expect((await server.append(events.dealOpened("d-twice", 5_000))).status).toBe(201)

      const answer = await expectNothingStored(server, () => server.append(events.dealOpened("d-twice", 6_000)))

      expectProblem(answer, 409, ["d-twice", "already opened"])
      expect(answer.body).toMatchObject({ streamId: "deal-d-twice", currentState: { status: "open", amount: 5_000 } })
    })

    it("accepts a deal opened and won in one batch, in that order in its stream", async () => {
      const answer = await server.append({ events: [events.dealOpened("d-quick", 3_000), events.dealWon("d-quick")] })

      expect(answer.status).toBe(201)
      const stream = await server.request("/v1/streams/deal-d-quick")
      expect(stream.body.events.map((e: { type: string; streamVersion: number }) => [e.streamVersion, e.type])).toEqual(
        [
          [1, "DealOpened"],
          [2, "DealWon"],
        ],
      )
    })

    it("refuses a whole batch when one of its deal events breaks a rule, storing none of the others", async () => {
      const batch = [
        events.callLogged("c-alongside-ghost"),
        events.dealOpened("d-batch"),
        events.dealLost("d-other-ghost"),
      ]

      const answer = await expectNothingStored(server, () => server.append({ events: batch }))

      expectProblem(answer, 409, ["d-other-ghost"])
      expect((await server.request("/v1/streams/call-c-alongside-ghost")).status).toBe(404)
    })

    it("treats a retry of the DealWon that closed a deal as a duplicate (200), not a conflict", async () => {
      expect(
        (await server.append({ events: [events.dealOpened("d-retried-win"), events.dealWon("d-retried-win")] })).status,
      ).toBe(201)

      const retry = await server.append(events.dealWon("d-retried-win"))

      expect(retry.status).toBe(200)
      expect(retry.body).toMatchObject({
        status: "duplicate",
        events: [{ streamId: "deal-d-retried-win", streamVersion: 2 }],
      })
    })

    it("lets exactly one of DealWon and DealLost close a deal when both arrive at once", async () => {
      const deals = ["d-race-0", "d-race-1", "d-race-2", "d-race-3", "d-race-4"]
      expect((await server.append({ events: deals.map((id) => events.dealOpened(id)) })).status).toBe(201)

      const answers = await Promise.all(
        deals.flatMap((id) => [server.append(events.dealWon(id)), server.append(events.dealLost(id))]),
      )

      for (const [i, id] of deals.entries()) {
        expect([answers[2 * i]?.status, answers[2 * i + 1]?.status].sort(), id).toEqual([201, 409])
        const stream = await server.request(`/v1/streams/deal-${id}`)
        expect(
          stream.body.events.map((e: StoredEvent) => e.streamVersion),
          id,
        ).toEqual([1, 2])
      }
    })

    it("lets exactly one of 10 different DealOpened open a new deal when they arrive at once", async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => server.append(events.dealOpened("d-opened-at-once", 1_000 * (i + 1)))),
      )

      expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(9).fill(409)])
      const stream = await server.request("/v1/streams/deal-d-opened-at-once")
      expect(stream.body.events).toHaveLength(1)
    })
  })

  describe("idempotency", () => {
    const storedWithKey = async (idempotencyKey: string) =>
      (await server.log()).filter((e) => e.idempotencyKey === idempotencyKey)

    describe("a retry", () => {
      it("of one event without a key (its key is its content's hash) answers 200 `duplicate` with the stored event", async () => {
        const event = events.callLogged("c-retried")
        const first = await server.append(event)
        expect(first.status).toBe(201)

        const retry = await server.append(event)

        expect(retry.status).toBe(200)
        expect(retry.body).toEqual({ status: "duplicate", appended: 0, events: first.body.events })
        expect(await storedWithKey(first.body.events[0].idempotencyKey)).toHaveLength(1)
      })

      it("of the same content written differently (field order, the instant in another offset) is the same event", async () => {
        const first = await server.append({
          type: "CallLogged",
          occurredAt: "2026-11-04T09:30:00Z",
          data: {
            callId: "c-rewritten",
            repId: "ana",
            direction: "inbound",
            disposition: "voicemail",
            durationSeconds: 12,
          },
        })
        expect(first.status).toBe(201)

        const retry = await server.append({
          data: {
            durationSeconds: 12,
            disposition: "voicemail",
            direction: "inbound",
            repId: "ana",
            callId: "c-rewritten",
          },
          occurredAt: "2026-11-04T10:30:00+01:00",
          type: "CallLogged",
        })

        expect(retry.status).toBe(200)
        expect(retry.body.events[0].position).toBe(first.body.events[0].position)
      })

      it("of a batch partly stored appends only what is new, answering every event in the order sent", async () => {
        const stored = (await server.append(events.callLogged("c-partly-1"))).body.events[0] as StoredEvent

        const answer = await server.append({
          events: [events.callLogged("c-partly-0"), events.callLogged("c-partly-1"), events.callLogged("c-partly-2")],
        })

        expect(answer.status).toBe(201)
        expect(answer.body).toMatchObject({ status: "appended", appended: 2 })
        expect(answer.body.events.map((e: StoredEvent) => e.streamId)).toEqual([
          "call-c-partly-0",
          "call-c-partly-1",
          "call-c-partly-2",
        ])
        expect(answer.body.events[1]).toEqual(stored)
      })

      it("of an event whose sender went away before the answer: it was stored once, and the retry is a duplicate", async () => {
        const event = events.callLogged("c-sender-gone")
        await sendAndHangUp(server, event)
        const storedOf = async () => (await server.log()).filter((e) => e.streamId === "call-c-sender-gone")
        await expect.poll(async () => (await storedOf()).length, { timeout: 5_000 }).toBeGreaterThan(0)
        const stored = await storedOf()
        expect(stored).toHaveLength(1)

        const retry = await server.append(event)

        expect(retry.status).toBe(200)
        expect(retry.body).toMatchObject({
          status: "duplicate",
          appended: 0,
          events: [{ position: stored[0]?.position }],
        })
        expect(await storedOf()).toEqual(stored)
      })

      it("inside one batch (the same event twice) stores it once", async () => {
        const event = events.callLogged("c-twice-in-batch")

        const answer = await server.append({ events: [event, event] })

        expect(answer.status).toBe(201)
        expect(answer.body.appended).toBe(1)
        expect(answer.body.events[0]).toEqual(answer.body.events[1])
      })
    })

    describe("an idempotency key reused for other content", () => {
      it("is refused with 409 naming the key and the event it already names", async () => {
        const original = { ...events.callLogged("c-keyed"), idempotencyKey: "crm-export-7/row-12" }
        expect((await server.append(original)).status).toBe(201)

        const answer = await expectNothingStored(server, () =>
          server.append({
            ...events.callLogged("c-keyed", "2026-11-02T14:05:00Z", { durationSeconds: 30 }),
            idempotencyKey: "crm-export-7/row-12",
          }),
        )

        expectProblem(answer, 409, ["crm-export-7/row-12", "CallLogged", "call-c-keyed"])
        expect(answer.body.storedEvent).toMatchObject({
          idempotencyKey: "crm-export-7/row-12",
          data: { durationSeconds: 95 },
        })
      })

      it("within one batch is refused with 409, storing neither", async () => {
        const batch = [
          { ...events.callLogged("c-clash-a"), idempotencyKey: "clash" },
          { ...events.callLogged("c-clash-b"), idempotencyKey: "clash" },
        ]

        const answer = await expectNothingStored(server, () => server.append({ events: batch }))

        expectProblem(answer, 409, ['"clash"'])
      })
    })

    it("stores an event once when 20 clients send it at the same moment, all answered with its one position", async () => {
      const event = events.callLogged("c-stampede")

      const answers = await Promise.all(Array.from({ length: 20 }, () => server.append(event)))

      expect(answers.map((a) => a.status).sort()).toEqual([...Array(19).fill(200), 201])
      expect(new Set(answers.map((a) => a.body.events[0].position)).size).toBe(1)
      expect((await server.log()).filter((e) => e.streamId === "call-c-stampede")).toHaveLength(1)
    })

    it("stores each idempotency key exactly once, however batches of them are split, retried and raced", async () => {
      const keyPool = 6
      const aBatch = fc.record({
        keys: fc.array(fc.nat({ max: keyPool - 1 }), { minLength: 1, maxLength: 6 }),
        retry: fc.constantFrom("none", "sequentially", "concurrently"),
      })
      let runs = 0

      await fc.assert(
        fc.asyncProperty(fc.array(aBatch, { minLength: 1, maxLength: 5 }), fc.boolean(), async (batches, allAtOnce) => {
          const run = `run${++runs}`
          const answers: Array<{ keys: ReadonlyArray<string>; answer: Answer }> = []
          const send = async ({ keys, retry }: (typeof batches)[number]) => {
            const body = { events: keys.map((k) => eventForKey(run, k)) }
            const sentKeys = body.events.map((e) => e.idempotencyKey as string)
            if (retry === "concurrently") {
              const raced = await Promise.all([server.append(body), server.append(body), server.append(body)])
              answers.push(...raced.map((answer) => ({ keys: sentKeys, answer })))
            } else {
              for (let i = 0; i < (retry === "sequentially" ? 2 : 1); i++)
                answers.push({ keys: sentKeys, answer: await server.append(body) })
            }
          }
          if (allAtOnce) await Promise.all(batches.map(send))
          else for (const batch of batches) await send(batch)

          const distinctKeys = new Set(batches.flatMap((b) => b.keys.map((k) => keyOf(run, k))))
          expect(
            answers
              .filter(({ answer }) => answer.status !== 200 && answer.status !== 201)
              .map(({ answer }) => answer.body),
          ).toEqual([])
          // every answer names, in the order sent, the one stored event of each key
          const positionOfKey = new Map<string, number>()
          for (const { keys, answer } of answers) {
            expect(answer.body.events.map((e: StoredEvent) => e.idempotencyKey)).toEqual(keys)
            for (const e of answer.body.events as StoredEvent[]) {
              expect(positionOfKey.get(e.idempotencyKey) ?? e.position).toBe(e.position)
              positionOfKey.set(e.idempotencyKey, e.position)
            }
          }
          expect(answers.reduce((sum, { answer }) => sum + answer.body.appended, 0)).toBe(distinctKeys.size)

          const stored = (await server.log()).filter((e) => e.idempotencyKey.startsWith(`${run}/`))
          expect(stored.map((e) => e.idempotencyKey).sort()).toEqual([...distinctKeys].sort())
          // each stream of the run is numbered 1..n without a gap
          for (const streamId of new Set(stored.map((e) => e.streamId))) {
            const versions = stored.filter((e) => e.streamId === streamId).map((e) => e.streamVersion)
            expect(versions.sort((a, b) => a - b)).toEqual(versions.map((_, i) => i + 1))
          }
        }),
        { numRuns: 15 },
      )
    })
  })

  // Last: it grows the log by 5,000 events, which every later check would read.
  it("accepts a batch of exactly 5,000 events", async () => {
    const before = (await server.log()).length

    const answer = await server.append({ events: shortEvents(5_000, "bulk") })

    expect(answer.status).toBe(201)
    expect(answer.body.appended).toBe(5_000)
    expect((await server.log()).length).toBe(before + 5_000)
  })
})

/** `count` distinct events as short as the vocabulary allows (about 80 bytes of JSON each). */
const shortEvents = (count: number, prefix: string): OutgoingEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    type: "RepLeft",
    occurredAt: "2026-11-02T14:05:00Z",
    data: { repId: `${prefix}${i}` },
  }))

const keyOf = (run: string, key: number) => `${run}/k${key}`

/**
 * The one event a key stands for: its content is a function of the key alone, so that every retry of
 * a key is the very same event. Keys share two rep streams, so that retries race on one stream.
 */
const eventForKey = (run: string, key: number): OutgoingEvent => ({
  type: "RepIdentityLinked",
  occurredAt: `2026-11-0${1 + (key % 5)}T09:00:00Z`,
  idempotencyKey: keyOf(run, key),
  data: { repId: `${run}-rep${key % 2}`, source: "aircall", externalId: `ext-${key}` },
})

/** Sends `event` with the admin key and closes the connection as soon as the request is written, without reading an answer. */
const sendAndHangUp = (server: TestServer, event: OutgoingEvent): Promise<void> =>
  new Promise((resolve, reject) => {
    const body = JSON.stringify(event)
    const request = http.request(`${server.url}/v1/events`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${server.adminKey}`,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      },
    })
    let written = false
    // Once written, the hang-up's own error (the answer finding the socket closed) is expected.
    request.on("error", (error) => (written ? undefined : reject(error)))
    request.end(body, () => {
      written = true
      request.destroy()
      resolve()
    })
  })
