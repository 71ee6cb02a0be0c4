/**
 * @module Reading and writing CSV as CRMs export it: a byte-order mark, CRLF or LF line ends, quoted fields
 * holding commas, quotes and line breaks, blank lines. Records stream one at a time (csv-parse), each with the
 * line it starts on, so that a message can point at it; the header is the first record.
 *
 * @example
 * for await (const record of csvRecords(createReadStream("deals.csv"))) console.log(record.line, record.cells)
 */
import { pipeline } from "node:stream/promises"
import { CsvError, parse } from "csv-parse"

/** A record's most characters: an unclosed quote must not read the rest of a large file into memory. */
const maxRecordBytes = 1_000_000

/** One record of the file: its cells, and the line of the file it starts on (1 is the header). */
export type CsvRecord = { readonly line: number; readonly cells: ReadonlyArray<string> }

/** The file is not CSV that can be read (an unclosed quote, a quote inside an unquoted field…). */
export class CsvUnreadable extends Error {
  override readonly name = "CsvUnreadable"
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`)
  }
}

/**
 * The records of `input`, header first. Cells are trimmed (CRM exports pad them); a record may have fewer or
 * more cells than the header (the caller decides what that means). Throws `CsvUnreadable` naming the line: for
 * CSV that cannot be read, and for bytes that are not UTF-8 text (another encoding, a binary file), which are
 * never read as U+FFFD. A consumer may stop at any record: the input is then released (destroyed) at once.
 */
export async function* csvRecords(input: AsyncIterable<Buffer | string>): AsyncGenerator<CsvRecord, void, undefined> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    max_record_size: maxRecordBytes,
  })
  // `pipeline` keeps back-pressure and, once the parser is destroyed (a consumer that stops early, a CSV error),
  // ends the input too. (A hand-written feed that waited for the parser's "drain" waited forever once the parser
  // was destroyed with 16 KiB or more still to write: every import refused early never answered.)
  // The error that ended the reading, as raised: the pipeline hands the others an AbortError instead.
  let cause: unknown
  parser.on("error", (error) => {
    if (error instanceof CsvError) cause ??= error
  })
  const text = async function* () {
    try {
      yield* utf8Text(input)
    } catch (error) {
      cause ??= error
      throw error
    }
  }
  const feeding = pipeline(text(), parser).catch(() => undefined)
  // Lines are counted here, not taken from `info.lines`: csv-parse 7.0.3 counts a CRLF inside a quoted field
  // as two lines (measured), which would put every later record's line off by one per such field.
  let nextLine = 1
  let previousEmpty = 0
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[]
      info: { lines: number; empty_lines: number }
    }>) {
      const line = nextLine + (info.empty_lines - previousEmpty)
      previousEmpty = info.empty_lines
      nextLine = line + 1 + record.reduce((breaks, cell) => breaks + (cell.match(/\r\n|\r|\n/g)?.length ?? 0), 0)
      yield { line, cells: record }
    }
  } catch (thrown) {
    const error = cause ?? thrown
    if (error instanceof CsvError) {
      const at = (error as CsvError & { lines?: number }).lines ?? nextLine
      throw new CsvUnreadable(at, csvReason(error))
    }
    throw error
  } finally {
    parser.destroy()
    await feeding
  }
}

/**
 * The text of `input`, decoded as UTF-8 strictly: a byte that begins no UTF-8 character, or a NUL (a UTF-16
 * file, a binary one), throws `CsvUnreadable` naming its line and byte offset.
 */
async function* utf8Text(input: AsyncIterable<Buffer | string>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder("utf-8", { fatal: true })
  let offset = 0
  let line = 1
  const countLines = (text: string) => {
    for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) line++
  }
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk
    let text: string
    try {
      text = decoder.decode(bytes, { stream: true })
    } catch {
      const valid = validPrefix(bytes)
      countLines(new TextDecoder().decode(bytes.subarray(0, valid)))
      throw new CsvUnreadable(line, notUtf8(offset + valid))
    }
    const nul = text.indexOf("\0")
    if (nul !== -1) {
      countLines(text.slice(0, nul))
      throw new CsvUnreadable(
        line,
        "the file holds NUL characters, which no CSV export does: it is a binary file, or text in UTF-16 (save the export as CSV UTF-8)",
      )
    }
    offset += bytes.length
    countLines(text)
    yield text
  }
  try {
    decoder.decode()
  } catch {
    throw new CsvUnreadable(line, notUtf8(offset))
  }
}

const notUtf8 = (offset: number) =>
  `the file is not UTF-8 text: the byte at offset ${offset} begins no UTF-8 character (another encoding, such as Windows-1252, or a damaged or binary file); save the export as UTF-8 (CSV UTF-8 in Excel)`

/** How many bytes of `bytes` (a chunk that does not decode) do decode, found in a few decodes of its prefixes. */
const validPrefix = (bytes: Uint8Array): number => {
  // A chunk may begin with the rest of a character begun in the previous one: those bytes were not the fault.
  let start = 0
  while (start < 3 && start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++
  const decodes = (end: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, end), { stream: true })
      return true
    } catch {
      return false
    }
  }
  let low = start
  let high = bytes.length
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (decodes(middle)) low = middle
    else high = middle - 1
  }
  // The byte at `low` is the first that no decode takes: the bad sequence begins there, or at the lead of a
  // character still open before it.
  for (let back = 1; back <= 3 && low - back >= start; back++) {
    const byte = bytes[low - back] as number
    if ((byte & 0xc0) === 0x80) continue
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return low - back + length > low ? low - back : low
  }
  return low
}

const csvReason = (error: CsvError): string => {
  switch (error.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed (a missing closing quote); the file ends inside it"
    case "INVALID_OPENING_QUOTE":
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return 'a quote in the middle of a field: quote the whole field and double the quotes inside it ("")'
    case "CSV_MAX_RECORD_SIZE":
      return `a record is over ${maxRecordBytes} bytes, which no CRM record is: a quote opened and never closed?`
    default:
      return error.message
  }
}

/** One CSV line (with its CRLF end) of `cells`, quoting those that need it. */
export const csvLine = (cells: ReadonlyArray<string>): string =>
  `${cells.map((cell) => (/[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell)).join(",")}\r\n`
