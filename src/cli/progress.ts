/**
 * @module Progress of long commands (imports, exports, demo seeding): a bar drawn by cli-progress on
 * a terminal; off a terminal, either nothing (a script reading the command's output gets only its
 * summary) or, for work that a log should follow, a plain line now and then.
 */
import cliProgress from "cli-progress"
import { type Progress, silentProgress } from "../observability/progress.js"

/**
 * Progress on `stream`: a bar when it is a terminal; otherwise silence, or with `plainLines` one
 * line every `everyMs` (default 5 s) so that a log shows the work advancing.
 */
export const progressOn = (
  stream: NodeJS.WriteStream,
  options: { readonly plainLines?: boolean; readonly everyMs?: number } = {},
): Progress => {
  if (!stream.isTTY) {
    if (options.plainLines !== true) return silentProgress
    let printedAt = 0
    return {
      update: (text, done) => {
        const now = Date.now()
        if (now - printedAt < (options.everyMs ?? 5_000)) return
        printedAt = now
        stream.write(
          `${text}${done === undefined ? "" : ` (${Math.floor((100 * done.value) / Math.max(done.total, 1))}%)`}\n`,
        )
      },
      done: () => {},
    }
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: "{bar} {percentage}% | {text}", hideCursor: true, clearOnComplete: true, fps: 10 },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update: (text, done) => {
      const total = done?.total ?? 0
      const value = done?.value ?? 0
      if (!started) {
        bar.start(total, value, { text })
        started = true
      } else {
        if (total !== bar.getTotal()) bar.setTotal(total)
        bar.update(value, { text })
      }
    },
    done: () => {
      if (started) bar.stop()
      started = false
    },
  }
}
