/**
 * @module How a command fails: one line on stderr naming what went wrong and what to do, and a non-zero exit.
 *
 * @example
 * if (!revoked) return yield* new CommandFailed({ reason: `no active API key with id ${keyId}` })
 */
import { Data, Effect, Runtime } from "effect"
import { ConfigError } from "../config.js"
import { DataDirLocked } from "../store/dataDirLock.js"
import { StoreFailure } from "../store/errors.js"

/** A command that could not do its job; `reason` is printed as is, after `ledger: `. */
export class CommandFailed extends Data.TaggedError("CommandFailed")<{ readonly reason: string }> {
  // main.ts prints the reason itself: the runtime must not log the error again (with a stack trace).
  override readonly [Runtime.errorReported] = false

  override get message() {
    return this.reason
  }
}

/** The one-line reason for anything a command's store work can throw or fail with. */
export const reasonOf = (error: unknown): string => {
  if (error instanceof CommandFailed) return error.reason
  if (error instanceof StoreFailure) {
    if (error.cause instanceof DataDirLocked) return `cannot open the store: ${error.cause.message}`
    return `could not ${error.operation}: ${messageOf(error.cause)}`
  }
  if (error instanceof DataDirLocked) return `cannot open the store: ${error.message}`
  if (error instanceof ConfigError) return `invalid configuration: ${error.message}`
  return messageOf(error)
}

/** `error` as a `CommandFailed`, ready for `Effect.mapError`. */
export const commandFailed = (error: unknown): CommandFailed =>
  error instanceof CommandFailed ? error : new CommandFailed({ reason: reasonOf(error) })

const messageOf = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error)
  // A driver's multi-line message (PostgreSQL's DETAIL, a stack) would break the one-line promise.
  return text.split("\n")[0] ?? text
}

/** A promise as an Effect whose failure is a `CommandFailed` with the one-line reason. */
export const attempt = <A>(run: () => Promise<A>): Effect.Effect<A, CommandFailed> =>
  Effect.tryPromise({ try: run, catch: commandFailed })
