#!/usr/bin/env node
// The `ledger` command: the project's TypeScript bundled into one module (src/bundle.mjs, rebuilt
// when a source is newer), run with its source map so that stack traces name the TypeScript files.
import { pathToFileURL } from "node:url"
import { ledgerBundle } from "../bundle.mjs"

process.setSourceMapsEnabled(true)
await import(pathToFileURL(await ledgerBundle()).href)
