#!/usr/bin/env node
// The `ledger` command. TypeScript runs through tsx's loader: no build step between a clone and a running ledger.
import { register } from "tsx/esm/api"

register()
await import("./main.ts")
