/**
 * @module The demo's only source of chance: a seeded mulberry32 generator, so that one seed always
 * gives the same team, event for event. Never `Math.random`: a demo that changes on every run
 * cannot be screenshotted, tested or benchmarked.
 *
 * @example
 * const random = seededRandom(42)
 * random.int(15, 30) // the same number on every run with seed 42
 */

/** A stream of pseudo-random draws; every draw advances the one 32-bit state. */
export type Random = {
  /** A uniform draw in [0, 1). */
  readonly next: () => number
  /** A uniform integer in [min, max], both inclusive. */
  readonly int: (min: number, max: number) => number
  /** A uniform real number in [min, max). */
  readonly between: (min: number, max: number) => number
  /** True with probability `p`. */
  readonly chance: (p: number) => boolean
  /** One element, uniformly. The array must not be empty. */
  readonly pick: <T>(items: ReadonlyArray<T>) => T
  /** A standard normal draw (Box–Muller). */
  readonly normal: () => number
  /** A log-normal draw with the given median and spread (sigma of the log). */
  readonly logNormal: (median: number, sigma: number) => number
  /** How many of a Poisson process with this mean happen (Knuth's method: means stay small here). */
  readonly poisson: (mean: number) => number
  /** A copy of `items` in a uniformly shuffled order (Fisher–Yates). */
  readonly shuffled: <T>(items: ReadonlyArray<T>) => Array<T>
}

/**
 * A generator seeded with any integer (or a string, hashed): equal seeds give equal streams. The
 * seed is mixed first (murmur3's finaliser) so that neighbouring seeds start far apart.
 */
export const seededRandom = (seed: number | string): Random => {
  let state = mix(typeof seed === "number" ? seed : hashString(seed))
  // mulberry32 (Tommy Ettinger): a full 2^32 period and good statistical quality for its size.
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  const normal = (): number => {
    const u = 1 - next() // (0, 1]: log(0) is never taken
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
  }
  return {
    next,
    int,
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    normal,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    poisson: (mean) => {
      const limit = Math.exp(-mean)
      let count = 0
      for (let product = next(); product > limit; product *= next()) count++
      return count
    },
    shuffled: (items) => {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i)
        const swap = copy[i] as (typeof copy)[number]
        copy[i] = copy[j] as (typeof copy)[number]
        copy[j] = swap
      }
      return copy
    },
  }
}

/** A seed for an independent stream derived from a seed and a purpose (roster, simulation…). */
export const deriveSeed = (seed: number | string, purpose: string): number =>
  mix((typeof seed === "number" ? seed : hashString(seed)) ^ hashString(purpose))

const mix = (value: number): number => {
  let h = value | 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) | 0
}

/** FNV-1a over the string's UTF-16 code units. */
const hashString = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h | 0
}
