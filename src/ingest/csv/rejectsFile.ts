/**
 * @module The rejected rows of an import, as a CSV file: the header of the file with a column of reasons, then
 * each rejected row as it was, so that a user can correct the rows and import that file again.
 *
 * @example
 * const rejects = await rejectsWriter("deals.rejects.csv")
 * await rejects.header(["dealId", "owner"]); await rejects.write(["D1", ""], { line: 2, column: "owner", reason: "is empty" })
 * await rejects.close(false)
 */
import { once } from "node:events"
import { createWriteStream, type WriteStream } from "node:fs"
import { rm } from "node:fs/promises"
import { csvLine } from "./csvRecords.js"

/** One row that was not imported: where, which column, why. */
export type RowRejection = { readonly line: number; readonly column: string; readonly reason: string }

/** Where a rejection is, in words: `line 12, column "Amount"`. */
export const where = (rejection: RowRejection) =>
  `line ${rejection.line}${rejection.column === "(row)" ? "" : `, column "${rejection.column}"`}`

/** The header of the rejects file's last column. */
export const reasonColumn = "Rejected because"

export type RejectsWriter = Awaited<ReturnType<typeof rejectsWriter>>

/**
 * The rejects file: the header of the file with a column of reasons, then each rejected row as it was; `close`
 * removes it when it has no row. A file that cannot be opened throws, naming it.
 */
export const rejectsWriter = async (file: string, wording: (reason: string) => string = (reason) => reason) => {
  const out: WriteStream = createWriteStream(file)
  await once(out, "open").catch((error: Error) => {
    throw new Error(`cannot write the rejects to ${file}: ${error.message}`)
  })
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain")
  }
  let width = 0
  return {
    header: (header: ReadonlyArray<string>) => {
      width = header.length
      return write(csvLine([...header, reasonColumn]))
    },
    write: (cells: ReadonlyArray<string>, rejection: RowRejection) =>
      write(
        csvLine([
          ...cells,
          ...Array.from({ length: Math.max(0, width - cells.length) }, () => ""),
          `line ${rejection.line}${rejection.column === "(row)" ? "" : `, column ${rejection.column}`}: ${wording(rejection.reason)}`,
        ]),
      ),
    close: async (empty: boolean) => {
      out.end()
      await once(out, "finish")
      if (empty) await rm(file, { force: true })
    },
  }
}
