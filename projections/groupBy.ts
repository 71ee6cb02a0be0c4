/**
 * @module Grouping rows by a key into a Map (Node 20 has no Map.groupBy; a Map, unlike a plain
 * object, is safe for any id, "constructor" included).
 */

/** Rows by key, each group in the rows' order. */
export const groupBy = <T>(rows: Iterable<T>, keyOf: (row: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const key = keyOf(row)
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [row])
    else group.push(row)
  }
  return groups
}
