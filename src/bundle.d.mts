/** Builds the `ledger` command's bundle and the fold thread's beside it; answers the command's path. */
export declare const buildLedgerBundle: () => Promise<string>
/** The path of an up-to-date `ledger` bundle, built first if needed. */
export declare const ledgerBundle: () => Promise<string>
/** The path of an up-to-date fold thread's bundle (src/runtime/foldWorker.ts), built first if needed. */
export declare const foldWorkerBundle: () => Promise<string>
/** The path of an up-to-date embedded store thread's bundle (src/store/pgliteWorker.ts), built first if needed. */
export declare const storeWorkerBundle: () => Promise<string>
