/**
 * @module How a CRM's file is read as ledger fields: which column holds each field (`--columns`), and what
 * the CRM's words mean (`--stages "Closed Won=won"`, `--types "Call=call"`…). Written on the command line as
 * `key=value` pairs separated by commas; a pair holding a comma is quoted as in CSV (`"Won, signed"=won`).
 *
 * @example
 * parsePairs("dealId=Opportunity ID,owner=Opportunity Owner", "--columns") // { ok: true, pairs: [["dealId", "Opportunity ID"], …] }
 */
export type Pairs =
  | { readonly ok: true; readonly pairs: ReadonlyArray<readonly [string, string]> }
  | { readonly ok: false; readonly reason: string }

/**
 * `a=b,c=d` as pairs. Values of `=` are split at the last `=` when `splitAtLast` (CRM stage names may hold
 * none, ledger words never do), else at the first (column headers may hold one, field names never do).
 */
export const parsePairs = (text: string, option: string, splitAt: "first" | "last" = "first"): Pairs => {
  const items = splitItems(text)
  if (items === undefined)
    return {
      ok: false,
      reason: `${option}: a quote in "${text}" is never closed; write name=value pairs separated by commas`,
    }
  const pairs: Array<readonly [string, string]> = []
  for (const item of items.filter((i) => i.trim() !== "")) {
    const at = splitAt === "first" ? item.indexOf("=") : item.lastIndexOf("=")
    if (at <= 0 || at === item.length - 1) {
      return {
        ok: false,
        reason: `${option}: "${item.trim()}" is not a name=value pair; write e.g. ${option} "Closed Won=won,Closed Lost=lost"`,
      }
    }
    pairs.push([item.slice(0, at).trim(), item.slice(at + 1).trim()])
  }
  return { ok: true, pairs }
}

/** `a,"b, c"=d` split at the commas outside quotes, the quotes removed (`""` inside them is a quote). */
const splitItems = (text: string): string[] | undefined => {
  const items: string[] = []
  let item = ""
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string
    if (char === '"') {
      if (quoted && text[i + 1] === '"') {
        item += '"'
        i++
      } else quoted = !quoted
    } else if (char === "," && !quoted) {
      items.push(item)
      item = ""
    } else item += char
  }
  if (quoted) return undefined
  items.push(item)
  return items
}

/**
 * A CRM's words for a ledger value (stages to open/won/lost, activity types to call/email…). Matched without
 * regard to case or surrounding spaces; `*` stands for every word not listed.
 */
export type ValueMapping<V extends string> = ReadonlyMap<string, V>

export const wordKey = (word: string): string => word.trim().toLowerCase()

/** The ledger value of a CRM word, or `undefined` when the mapping says nothing about it. */
export const mapWord = <V extends string>(mapping: ValueMapping<V>, word: string): V | undefined =>
  mapping.get(wordKey(word)) ?? mapping.get("*")

/**
 * Pairs as a value mapping, each target one of `allowed`; later pairs override earlier ones (a preset's, then
 * the options').
 */
export const valueMapping = <V extends string>(
  layers: ReadonlyArray<ReadonlyArray<readonly [string, string]>>,
  allowed: ReadonlyArray<V>,
  option: string,
): { readonly ok: true; readonly mapping: ValueMapping<V> } | { readonly ok: false; readonly reason: string } => {
  const mapping = new Map<string, V>()
  for (const pairs of layers) {
    for (const [word, target] of pairs) {
      const value = allowed.find((a) => a.toLowerCase() === target.toLowerCase())
      if (value === undefined)
        return { ok: false, reason: `${option}: "${word}=${target}": "${target}" is not one of ${allowed.join(", ")}` }
      mapping.set(wordKey(word), value)
    }
  }
  return { ok: true, mapping }
}

/** What a kind of import reads: the ledger fields, each with whether every row needs it. */
export type FieldSpec = { readonly field: string; readonly required: boolean; readonly meaning: string }

/** For each field, the header of the column that holds it. */
export type ColumnMapping = Readonly<Record<string, string>>

/** The index of each field's column in the file, for the fields the file has. */
export type ColumnIndex = ReadonlyMap<string, { readonly header: string; readonly index: number }>

export type HeaderCheck =
  | { readonly ok: true; readonly columns: ColumnIndex }
  | { readonly ok: false; readonly reason: string }

/**
 * Finds each field's column in the header (exactly, else ignoring case). A required field's column, or any
 * column the user named (`explicit`), must be there; a column a preset merely suggests for an optional field
 * (an export without currencies has no currency column) may be missing.
 */
export const locateColumns = (
  header: ReadonlyArray<string>,
  fields: ReadonlyArray<FieldSpec>,
  columns: ColumnMapping,
  explicit: ReadonlySet<string>,
): HeaderCheck => {
  const located = new Map<string, { header: string; index: number }>()
  const missing: string[] = []
  for (const { field, required } of fields) {
    const wanted = columns[field] ?? field
    let index = header.indexOf(wanted)
    if (index < 0) index = header.findIndex((h) => h.toLowerCase() === wanted.toLowerCase())
    if (index >= 0) located.set(field, { header: header[index] as string, index })
    else if (required || explicit.has(field)) missing.push(`"${wanted}" (${field})`)
  }
  if (missing.length > 0) {
    return {
      ok: false,
      reason:
        `line 1: the header has no column ${missing.join(", ")}; its columns are ${header.map((h) => `"${h}"`).join(", ")}. ` +
        `Name the right columns with --columns ${fields[0]?.field ?? "field"}=<header>,… or choose a --preset`,
    }
  }
  return { ok: true, columns: located }
}

/** A row's cells by field: `undefined` for a field the file has no column for, `""` for an empty cell. */
export type RowCells = (field: string) => string | undefined

export const rowCells =
  (columns: ColumnIndex, cells: ReadonlyArray<string>): RowCells =>
  (field) => {
    const column = columns.get(field)
    return column === undefined ? undefined : (cells[column.index] ?? "")
  }
