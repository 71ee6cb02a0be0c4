/**
 * @module A progress line for long commands: rewritten in place on a terminal, absent otherwise, so that a
 * script or a log file gets only the command's summary.
 */

export interface Progress {
  /** Shows `text` as the current state (at most ten times a second). */
  update(text: string): void
  /** Clears the line, before the summary is printed. */
  done(): void
}

/** A progress line on `stream` when it is a terminal; a silent one otherwise. */
export const progressOn = (stream: NodeJS.WriteStream): Progress => {
  if (!stream.isTTY) return { update: () => {}, done: () => {} }
  let shownAt = 0
  let shown = false
  return {
    update: (text) => {
      const now = Date.now()
      if (now - shownAt < 100) return
      shownAt = now
      shown = true
      stream.write(`\r\x1b[K${text}`)
    },
    done: () => {
      if (shown) stream.write("\r\x1b[K")
      shown = false
    },
  }
}

export const silentProgress: Progress = { update: () => {}, done: () => {} }
