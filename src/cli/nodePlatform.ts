/**
 * @module The Node platform under effect's CLI: the services a command runs with (`Command.Environment`:
 * arguments and standard streams, terminal, file system, paths, child processes) and the process's
 * main runner (a signal interrupts the command; its exit sets the process's code).
 *
 * From @effect/platform-node-shared 4.0.6, pinned: @effect/platform-node (whose `NodeServices` gathers
 * the same layers) and platform-node-shared from 4.1 on declare Node ≥ 22.19 — @effect/platform-node
 * for undici 8, which the CLI never uses — and `npm install` on Node 20, the version the ledger is
 * tested on (package.json `engines`), warned about all three. 4.0.6 declares Node ≥ 18.
 */
import * as NodeChildProcessSpawner from "@effect/platform-node-shared/NodeChildProcessSpawner"
import * as NodeFileSystem from "@effect/platform-node-shared/NodeFileSystem"
import * as NodePath from "@effect/platform-node-shared/NodePath"
import * as NodeRuntime from "@effect/platform-node-shared/NodeRuntime"
import * as NodeStdio from "@effect/platform-node-shared/NodeStdio"
import * as NodeTerminal from "@effect/platform-node-shared/NodeTerminal"
import { Layer } from "effect"

/** Everything `Command.run` needs from the process. */
export const nodeServices = NodeChildProcessSpawner.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeStdio.layer, NodeTerminal.layer)),
)

/** Runs the command as the process's main program (see `NodeRuntime.runMain`). */
export const runMain = NodeRuntime.runMain
