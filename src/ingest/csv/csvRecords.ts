/**
 * @module Reading and writing CSV as CRMs export it: a byte-order mark, CRLF or LF line ends, quoted fields
 * holding commas, quotes and line breaks, blank lines. Records stream one at a time (csv-parse), each with the
 * line it starts on, so that a message can point at it; the header is the first record.
 *
 * @example
 * for await (const record of csvRecords(createReadStream("deals.csv"))) console.log(record.line, record.cells)
 */
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
 * more cells than the header (the caller decides what that means). Throws `CsvUnreadable` naming the line.
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
  // Feeding by hand (rather than piping) keeps back-pressure: the next chunk is read only once the parser drained.
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        if (!parser.write(chunk)) await new Promise<void>((resolve) => parser.once("drain", resolve))
      }
      parser.end()
    } catch (error) {
      parser.destroy(error as Error)
    }
  })()
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
  } catch (error) {
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
