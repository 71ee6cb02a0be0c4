/**
 * @module Progress of long work (imports, exports, demo seeding), as the work reports it: the CLI
 * draws it on a terminal (src/cli/progress.ts), a request reports nothing.
 */

export interface Progress {
  /** Shows the current state: a label, and how far along when the total is known. */
  update(text: string, done?: { readonly value: number; readonly total: number }): void
  /** Clears the bar, before the summary is printed. */
  done(): void
}

export const silentProgress: Progress = { update: () => {}, done: () => {} }
