/**
 * @module A compact in-memory copy of the event log, as the folds see it (type, occurredAt and data
 * after upcasting), with each event's occurred and recorded instants, so that an as-of what-if
 * filters memory instead of reading the store again.
 *
 * Why compact: a million events as JavaScript objects hold about 300 MB; here they hold a fraction
 * (72 MB for the demo team's million). Events are kept in chunks of typed arrays: the type as a byte,
 * the instants as numbers, the data as tokens — every key list (the shape of a data object) interned
 * once, small integers inline, and strings interned in a dictionary where they repeat (rep, account,
 * enumerations) but kept as they are where they do not (a call's own id: a dictionary entry for each
 * would cost more than the string, and the time to hash it). Decoding gives back an
 * event equal to the one stored (same keys in the same order, same values): the copy is lossless, so
 * the folds see exactly what they would have read from the store.
 *
 * @example
 * const copy = new LogCopy()
 * copy.append(event, Date.parse(recorded.recordedAt))
 * for (let i = 0; i < copy.size; i++) if (copy.recordedMsAt(i) <= bound) fold(copy.eventAt(i))
 */
import { type EventType, eventTypes, type LedgerEvent } from "../../events/index.js"

const chunkEvents = 65_536

// A token is `payload * 8 + tag`, in a Uint32Array: payloads stay below 2^29.
const tagString = 0
const tagSmallInt = 1
const tagNumber = 2
const tagNull = 3
const tagFalse = 4
const tagTrue = 5
const tagObject = 6
const tagArray = 7
const maxPayload = 2 ** 29 - 1

const typeCodes = new Map<string, number>(eventTypes.map((type, code) => [type, code]))

type Chunk = {
  size: number
  readonly types: Uint8Array
  readonly occurredMs: Float64Array
  readonly recordedMs: Float64Array
  /** Where each event's tokens start; `starts[size]` is where the next one would. */
  readonly starts: Uint32Array
  tokens: Uint32Array
  numbers: Float64Array
  numberCount: number
  /** Strings not worth interning (ids that never repeat), in the order met, while the chunk fills… */
  rawStrings: Array<string>
  /** …and once it is full, joined into one string with where each ends: a byte a character, not an object each. */
  rawText: string
  rawEnds: Uint32Array
}

/** A key list, and for each key whether its strings repeat enough to intern (learnt from the first ones). */
type Shape = {
  readonly keys: ReadonlyArray<string>
  readonly seen: Array<number>
  readonly repeated: Array<number>
  readonly raw: Array<boolean>
}

// A key's strings are interned while the first `learnFrom` are looked at; then only if at least
// half of those had been seen before.
const learnFrom = 1_024

const newChunk = (): Chunk => ({
  size: 0,
  types: new Uint8Array(chunkEvents),
  occurredMs: new Float64Array(chunkEvents),
  recordedMs: new Float64Array(chunkEvents),
  starts: new Uint32Array(chunkEvents + 1),
  tokens: new Uint32Array(chunkEvents * 8),
  numbers: new Float64Array(1_024),
  numberCount: 0,
  rawStrings: [],
  rawText: "",
  rawEnds: new Uint32Array(0),
})

/** An append-only, lossless, compact copy of the events the folds read. */
export class LogCopy {
  private readonly chunks: Array<Chunk> = []
  private readonly strings: Array<string> = []
  private readonly stringIds = new Map<string, number>()
  private readonly shapes: Array<Shape> = []
  /** Shape ids by number of keys. */
  private readonly shapeIds = new Map<number, Array<number>>()
  private count = 0
  // The decoder's cursor into the tokens of the chunk being decoded.
  private cursor = 0

  /** How many events the copy holds. */
  get size(): number {
    return this.count
  }

  /** Adds an event (as the folds see it) and the instant it was recorded. */
  append(event: LedgerEvent, recordedMs: number): void {
    let chunk = this.chunks.at(-1)
    if (chunk === undefined || chunk.size === chunkEvents) {
      if (chunk !== undefined) this.seal(chunk)
      chunk = newChunk()
      this.chunks.push(chunk)
    }
    const i = chunk.size
    chunk.types[i] = typeCodes.get(event.type) as number
    chunk.occurredMs[i] = Date.parse(event.occurredAt)
    chunk.recordedMs[i] = recordedMs
    let end = chunk.starts[i] as number
    end = this.encode(chunk, end, event.data)
    chunk.starts[i + 1] = end
    chunk.size++
    this.count++
  }

  /** When the `index`-th event occurred (epoch ms). */
  occurredMsAt(index: number): number {
    return this.chunkOf(index).occurredMs[index % chunkEvents] as number
  }

  /** When the `index`-th event was recorded (epoch ms). */
  recordedMsAt(index: number): number {
    return this.chunkOf(index).recordedMs[index % chunkEvents] as number
  }

  /** The `index`-th event, decoded: a new object equal to the one appended. */
  eventAt(index: number): LedgerEvent {
    const chunk = this.chunkOf(index)
    const i = index % chunkEvents
    this.cursor = chunk.starts[i] as number
    const data = this.decode(chunk)
    return {
      type: eventTypes[chunk.types[i] as number] as EventType,
      occurredAt: new Date(chunk.occurredMs[i] as number).toISOString(),
      data,
    } as LedgerEvent
  }

  private chunkOf(index: number): Chunk {
    const chunk = this.chunks[Math.floor(index / chunkEvents)]
    if (chunk === undefined || index < 0 || index >= this.count)
      throw new RangeError(`no event ${index} in a copy of ${this.count}`)
    return chunk
  }

  /** A full chunk gives back the room it over-allocated for tokens and numbers. */
  private seal(chunk: Chunk): void {
    const used = chunk.starts[chunk.size] as number
    if (used < chunk.tokens.length) chunk.tokens = chunk.tokens.slice(0, used)
    if (chunk.numberCount < chunk.numbers.length) chunk.numbers = chunk.numbers.slice(0, chunk.numberCount)
    chunk.rawEnds = new Uint32Array(chunk.rawStrings.length)
    let end = 0
    chunk.rawStrings.forEach((text, i) => {
      end += text.length
      chunk.rawEnds[i] = end
    })
    chunk.rawText = chunk.rawStrings.join("")
    chunk.rawStrings = []
  }

  private rawString(chunk: Chunk, index: number): string {
    if (chunk.rawEnds.length === 0) return chunk.rawStrings[index] as string
    return chunk.rawText.slice(index === 0 ? 0 : (chunk.rawEnds[index - 1] as number), chunk.rawEnds[index] as number)
  }

  private push(chunk: Chunk, at: number, payload: number, tag: number): number {
    if (at >= chunk.tokens.length) {
      const grown = new Uint32Array(Math.ceil(chunk.tokens.length * 1.5))
      grown.set(chunk.tokens)
      chunk.tokens = grown
    }
    chunk.tokens[at] = payload * 8 + tag
    return at + 1
  }

  /** Encodes a value; a string member of a shape (`shape`, `key`) is interned or not as that member has learnt. */
  private encode(chunk: Chunk, at: number, value: unknown, shape?: Shape, key = 0): number {
    switch (typeof value) {
      case "string": {
        if (shape?.raw[key] === true) {
          chunk.rawStrings.push(value)
          return this.push(chunk, at, 2 * (chunk.rawStrings.length - 1) + 1, tagString)
        }
        const known = this.stringIds.size
        const id = this.intern(value)
        if (shape !== undefined && (shape.seen[key] as number) < learnFrom) {
          shape.seen[key] = (shape.seen[key] as number) + 1
          if (this.stringIds.size === known) shape.repeated[key] = (shape.repeated[key] as number) + 1
          if (shape.seen[key] === learnFrom) shape.raw[key] = 2 * (shape.repeated[key] as number) < learnFrom
        }
        return this.push(chunk, at, 2 * id, tagString)
      }
      case "number":
        if (Number.isInteger(value) && value >= 0 && value <= maxPayload && !Object.is(value, -0))
          return this.push(chunk, at, value, tagSmallInt)
        if (chunk.numberCount === chunk.numbers.length) {
          const grown = new Float64Array(chunk.numbers.length * 2)
          grown.set(chunk.numbers)
          chunk.numbers = grown
        }
        chunk.numbers[chunk.numberCount] = value
        return this.push(chunk, at, chunk.numberCount++, tagNumber)
      case "boolean":
        return this.push(chunk, at, 0, value ? tagTrue : tagFalse)
      case "object": {
        if (value === null) return this.push(chunk, at, 0, tagNull)
        if (Array.isArray(value)) {
          let next = this.push(chunk, at, value.length, tagArray)
          for (const item of value) next = this.encode(chunk, next, item)
          return next
        }
        const object = value as Record<string, unknown>
        let keys = Object.keys(object)
        // Members whose value is undefined are not data (JSON drops them): the shape skips them too.
        if (keys.some((key) => object[key] === undefined)) keys = keys.filter((key) => object[key] !== undefined)
        const shapeId = this.shapeOf(keys)
        const shape = this.shapes[shapeId] as Shape
        let next = this.push(chunk, at, shapeId, tagObject)
        for (let k = 0; k < keys.length; k++) next = this.encode(chunk, next, object[keys[k] as string], shape, k)
        return next
      }
      default:
        // Stored events are JSON: nothing else can reach the copy.
        throw new TypeError(`cannot copy a ${typeof value} into the log copy`)
    }
  }

  private decode(chunk: Chunk): unknown {
    const token = chunk.tokens[this.cursor++] as number
    const tag = token & 7
    const payload = (token - tag) / 8
    switch (tag) {
      case tagString:
        return payload % 2 === 1 ? this.rawString(chunk, (payload - 1) / 2) : this.strings[payload / 2]
      case tagSmallInt:
        return payload
      case tagNumber:
        return chunk.numbers[payload]
      case tagNull:
        return null
      case tagFalse:
        return false
      case tagTrue:
        return true
      case tagObject: {
        const object: Record<string, unknown> = {}
        for (const key of (this.shapes[payload] as Shape).keys) object[key] = this.decode(chunk)
        return object
      }
      default: {
        const array: Array<unknown> = new Array(payload)
        for (let i = 0; i < payload; i++) array[i] = this.decode(chunk)
        return array
      }
    }
  }

  private intern(text: string): number {
    let id = this.stringIds.get(text)
    if (id === undefined) {
      id = this.strings.length
      if (2 * id > maxPayload) throw new RangeError("the log copy's string dictionary is full")
      this.strings.push(text)
      this.stringIds.set(text, id)
    }
    return id
  }

  /** The id of a key list: found among the shapes of its length by comparing keys (no string built per event). */
  private shapeOf(keys: ReadonlyArray<string>): number {
    let candidates = this.shapeIds.get(keys.length)
    if (candidates === undefined) {
      candidates = []
      this.shapeIds.set(keys.length, candidates)
    }
    search: for (const id of candidates) {
      const known = (this.shapes[id] as Shape).keys
      for (let i = 0; i < keys.length; i++) if (known[i] !== keys[i]) continue search
      return id
    }
    const id = this.shapes.length
    this.shapes.push({ keys, seen: keys.map(() => 0), repeated: keys.map(() => 0), raw: keys.map(() => false) })
    candidates.push(id)
    return id
  }
}
