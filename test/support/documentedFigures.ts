/**
 * @module Comparing a figure the code computes with the figure a document states: `null`, a word,
 * a list (`ben, cam`), or a number to the precision it is written with (`0.667` within 0.0005; a
 * whole number to the last digit).
 */
import { expect } from "vitest"

/** The figure at a dotted path of an answer (`contrast.top.repIds`, `mandate.gap`). */
export const figureAt = (answer: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], answer)

/** Expects `actual` to be the figure written as `documented` in the document, naming `label` if not. */
export const expectFigure = (actual: unknown, documented: string, label: string): void => {
  if (documented === "null") {
    expect(actual, label).toBeNull()
    return
  }
  if (documented === "true" || documented === "false") {
    expect(actual, label).toBe(documented === "true")
    return
  }
  const number = /^-?\d+(?:\.(\d+))?$/.exec(documented)
  if (number !== null) {
    expect(typeof actual, `${label}: a number`).toBe("number")
    // Written with d decimals, the figure is the code's rounded to d; whole numbers are exact but
    // for the last bits of floating point (3 × 200,000 × 2/3 is 200,000.00000000003).
    expect(actual as number, label).toBeCloseTo(Number(documented), number[1]?.length ?? 6)
    return
  }
  expect(Array.isArray(actual) ? actual.join(", ") : actual, label).toBe(documented)
}
