/**
 * @module The store's typed errors: what a caller can be told went wrong, handled by tag.
 */
import { Data } from "effect"
import type { Expected, RecordedEvent } from "./eventLog.js"

/** The stream is not at the version the writer expected. */
export class WrongExpectedVersion extends Data.TaggedError("WrongExpectedVersion")<{
  readonly streamId: string
  readonly expected: Expected
  readonly actual: number
}> {}

/** The stream's own rules refuse the events (a deal won twice, lost before it was opened…). */
export class StreamRuleViolation extends Data.TaggedError("StreamRuleViolation")<{
  readonly streamId: string
  readonly reason: string
  readonly state: unknown
}> {}

/** An idempotency key already names a different event. */
export class IdempotencyKeyReused extends Data.TaggedError("IdempotencyKeyReused")<{
  readonly idempotencyKey: string
  readonly storedAs: RecordedEvent
}> {}

/** The database failed or could not be reached. */
export class StoreFailure extends Data.TaggedError("StoreFailure")<{
  readonly operation: string
  readonly cause: unknown
}> {
  override get message() {
    return `${this.operation} failed: ${this.cause instanceof Error ? this.cause.message : String(this.cause)}`
  }
}

export type AppendError = WrongExpectedVersion | StreamRuleViolation | IdempotencyKeyReused | StoreFailure
