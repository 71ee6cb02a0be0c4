/**
 * @module What a request body's text must be before anything reads it: well-formed UTF-8 (the
 * Unicode Standard's table 3-7: no overlong forms, no surrogates encoded as CESU-8, nothing past
 * U+10FFFF, no truncated sequence), and, for JSON, nested no deeper than `maxNesting`. Both are
 * found in one linear pass over the body, before a parser or a signature check sees it.
 *
 * @example
 * invalidUtf8Offset(Uint8Array.from([0x61, 0xc0, 0xaf])) // 1: an overlong "/"
 * jsonNestingOver('{"a":[[1]]}', 2)                       // true: three levels
 */

/**
 * Where `bytes` stop being UTF-8: `invalidAt`, the offset of the first byte of the first ill-formed
 * sequence, or else `incompleteFrom`, the offset of a sequence the bytes end in the middle of (which
 * more bytes may complete), or neither when all of it is UTF-8.
 */
const scanUtf8 = (bytes: Uint8Array): { readonly invalidAt?: number; readonly incompleteFrom?: number } => {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i] as number
    if (lead < 0x80) {
      i++
      continue
    }
    // How many continuation bytes follow the lead, and the range of the first one (table 3-7).
    let length: number
    let low = 0x80
    let high = 0xbf
    if (lead >= 0xc2 && lead <= 0xdf) length = 1
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 2
      if (lead === 0xe0) low = 0xa0 // below: an overlong form
      if (lead === 0xed) high = 0x9f // above: a UTF-16 surrogate (CESU-8)
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 3
      if (lead === 0xf0) low = 0x90 // below: an overlong form
      if (lead === 0xf4) high = 0x8f // above: past U+10FFFF
    } else return { invalidAt: i } // a continuation byte without a lead, C0, C1 (overlong) or F5–FF
    for (let k = 1; k <= length; k++) {
      const next = bytes[i + k]
      if (next === undefined) return { incompleteFrom: i }
      if (k === 1 ? next < low || next > high : next < 0x80 || next > 0xbf) return { invalidAt: i }
    }
    i += length + 1
  }
  return {}
}

/**
 * The offset of the first byte of the first ill-formed UTF-8 sequence in `bytes` (a truncated one at
 * the end included), or `undefined` when all of it is UTF-8. (The TextDecoder refuses the same
 * bytes, without saying where.)
 */
export const invalidUtf8Offset = (bytes: Uint8Array): number | undefined => {
  const scan = scanUtf8(bytes)
  return scan.invalidAt ?? scan.incompleteFrom
}

/**
 * A check of UTF-8 over a body that arrives in chunks (a spooled CSV upload), a sequence split
 * between two chunks included: `push` each chunk, then `end`; each answers the offset (in the whole
 * body) of the first bad byte, once there is one.
 *
 * @example
 * const check = utf8Check()
 * for await (const chunk of body) if (check.push(chunk) !== undefined) return refuse(check.badOffset)
 * if (check.end() !== undefined) return refuse(check.badOffset)
 */
export const utf8Check = () => {
  let carried: Uint8Array = new Uint8Array()
  /** The offset of `carried`'s first byte in the whole body. */
  let carriedAt = 0
  let badOffset: number | undefined
  return {
    push: (chunk: Uint8Array): number | undefined => {
      if (badOffset !== undefined) return badOffset
      const bytes = carried.length === 0 ? chunk : Buffer.concat([carried, chunk])
      const scan = scanUtf8(bytes)
      if (scan.invalidAt !== undefined) return (badOffset = carriedAt + scan.invalidAt)
      const kept = scan.incompleteFrom ?? bytes.length
      carried = bytes.slice(kept)
      carriedAt += kept
      return undefined
    },
    /** The body has ended: a sequence still incomplete is bad. */
    end: (): number | undefined => badOffset ?? (carried.length > 0 ? (badOffset = carriedAt) : undefined),
    get badOffset() {
      return badOffset
    },
  }
}

/**
 * Whether a JSON text opens more than `maxNesting` arrays and objects inside one another, counted
 * outside strings in one pass (a text that is not JSON is counted all the same: it is refused
 * either way). Checked before `JSON.parse`, so that a body of 30,000 `[` costs one scan.
 */
export const jsonNestingOver = (text: string, maxNesting: number): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (inString) {
      if (code === 0x5c)
        i++ // a backslash escapes the next character, a quote included
      else if (code === 0x22) inString = false
    } else if (code === 0x22) inString = true
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > maxNesting) return true
    } else if (code === 0x5d || code === 0x7d) depth--
  }
  return false
}
