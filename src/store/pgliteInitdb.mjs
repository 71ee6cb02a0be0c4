// Run by pgliteCluster.ts as a process of its own (`node pgliteClusterWorker.mjs <dir>`): creates a
// PGlite cluster (initdb) in <dir>, closes it and exits, giving back the memory initdb used.
import { PGlite } from "@electric-sql/pglite"

const db = await PGlite.create({ dataDir: process.argv[2] })
await db.close()
