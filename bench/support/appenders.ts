/**
 * @module Concurrent appenders in this process: `appenders` loops, each appending one event at a
 * time, for a given time. Used for the store without HTTP, and for Emmett beside it.
 */

/** Concurrent appenders, as many as the HTTP single-event measurement has connections. */
export const appenders = 50

export type Append = (streamId: string, n: number) => Promise<unknown>
export type Measured = { readonly appendsPerSecond: number; readonly failures: number; readonly firstFailure?: string }

let sequence = 0 // across measurements: every event appended is a new one

/** `appenders` loops appending one event at a time for `seconds`, to the stream `streamOf` names. */
export const measureAppends = async (
  append: Append,
  streamOf: (n: number) => string,
  seconds: number,
): Promise<Measured> => {
  let appended = 0
  let failures = 0
  let firstFailure: string | undefined
  const start = performance.now()
  const end = start + seconds * 1000
  await Promise.all(
    Array.from({ length: appenders }, async () => {
      while (performance.now() < end) {
        const n = ++sequence
        try {
          await append(streamOf(n), n)
          appended += 1
        } catch (error) {
          failures += 1
          firstFailure ??= String(error)
        }
      }
    }),
  )
  return {
    appendsPerSecond: appended / ((performance.now() - start) / 1000),
    failures,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  }
}
