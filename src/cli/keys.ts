/**
 * @module `ledger keys create|list|revoke`: the API keys of the ledger, through the running server
 * when there is one, else in the store itself (keyDesk.ts): the commands work while `ledger serve` runs.
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import type { ApiKey, Scope } from "../store/apiKeys.js"
import { scopes } from "../store/apiKeys.js"
import { CommandFailed } from "./failure.js"
import { withKeyDesk } from "./keyDesk.js"

const scopeList = `a comma-separated list of ${scopes.join(", ")}`

/** `ingest,read` → the scopes, each checked against the known ones; an error names the first unknown one. */
export const parseScopes = (list: string): ReadonlyArray<Scope> => {
  const names = list.split(",").map((name) => name.trim())
  if (names.some((name) => name === "")) throw new Error(`${scopeList} (an empty scope in "${list}")`)
  const unknown = names.find((name) => !(scopes as ReadonlyArray<string>).includes(name))
  if (unknown !== undefined) throw new Error(`${scopeList} ("${unknown}" is not a scope)`)
  return [...new Set(names as Scope[])]
}

const create = Command.make(
  "create",
  {
    name: Flag.String("name").pipe(
      Flag.withDescription('Who or what the key is for, e.g. "aircall webhook" (shown in `ledger keys list`)'),
      Flag.mapTryCatch(
        (name) => {
          if (name.trim() === "") throw new Error("empty name")
          return name.trim()
        },
        () => "a name for who or what will use the key (the name is empty)",
      ),
    ),
    scopes: Flag.String("scopes").pipe(
      Flag.withDescription(`What the key may do: a comma-separated list of ${scopes.join(", ")}`),
      Flag.mapTryCatch(parseScopes, (error) => (error as Error).message),
    ),
    quiet: Flag.Boolean("quiet").pipe(
      Flag.withAlias("q"),
      Flag.withDescription("Print only the token (for scripts)"),
      Flag.withDefault(false),
    ),
  },
  Effect.fn("keys.create")(function* ({ name, scopes: granted, quiet }) {
    const { key, token } = yield* withKeyDesk((desk) => desk.create({ name, scopes: granted }))
    if (quiet) return yield* Console.log(token)
    yield* Console.log(
      `Created API key ${key.keyId} "${key.name}" with scopes ${key.scopes.join(",")}:\n\n  ${token}\n`,
    )
    yield* Console.log("This token will not be shown again (only a hash of it is stored): keep it somewhere safe now.")
  }),
).pipe(
  Command.withDescription("Create an API key and print its token, once (through the server when it runs)"),
  Command.withExamples([
    {
      command: "ledger keys create --name dashboard --scopes read",
      description: "A read-only key, e.g. to sign in to the dashboard",
    },
    {
      command: 'ledger keys create --name "aircall webhook" --scopes ingest',
      description: "A key that may only append events",
    },
    {
      command: "TOKEN=$(ledger keys create --name ci --scopes ingest,read --quiet)",
      description: "Only the token, for a script",
    },
  ]),
)

const list = Command.make(
  "list",
  {
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the keys as a JSON array"), Flag.withDefault(false)),
  },
  Effect.fn("keys.list")(function* ({ json }) {
    const keys = yield* withKeyDesk((desk) => desk.list())
    if (json) return yield* Console.log(JSON.stringify(keys, null, 2))
    if (keys.length === 0)
      return yield* Console.log(
        "No API keys yet: create one with `ledger keys create --name <name> --scopes <scopes>`.",
      )
    yield* Console.log(keyTable(keys))
  }),
).pipe(Command.withDescription("List the API keys (never their secrets), revoked ones included"))

/** The keys as an aligned text table: id, name, scopes, created, revoked. */
export const keyTable = (keys: ReadonlyArray<ApiKey>): string => {
  const rows = [
    ["ID", "NAME", "SCOPES", "CREATED", "REVOKED"],
    ...keys.map((key) => [key.keyId, key.name, key.scopes.join(","), key.createdAt, key.revokedAt ?? "-"]),
  ]
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
}

const revoke = Command.make(
  "revoke",
  { keyId: Argument.String("keyId").pipe(Argument.withDescription("The key's id, as `ledger keys list` shows it")) },
  Effect.fn("keys.revoke")(function* ({ keyId }) {
    const revocation = yield* withKeyDesk((desk) => desk.revoke(keyId))
    switch (revocation._tag) {
      case "Revoked":
        return yield* Console.log(`Revoked API key ${keyId}: requests with its token are refused from now on.`)
      case "UnknownKey":
        return yield* new CommandFailed({
          reason: `no API key has the id ${keyId}; \`ledger keys list\` shows the ids`,
        })
      case "AlreadyRevoked":
        return yield* new CommandFailed({
          reason: `API key ${keyId} ("${revocation.key.name}") was already revoked at ${revocation.key.revokedAt}`,
        })
      case "LastAdminKey":
        return yield* new CommandFailed({
          reason: `API key ${keyId} ("${revocation.key.name}") is the last active admin key: create another first (\`ledger keys create --name admin --scopes admin\`), then revoke this one`,
        })
    }
  }),
).pipe(Command.withDescription("Revoke an API key: its token stops working at once"))

export const keys = Command.make("keys").pipe(
  Command.withDescription(
    "Create, list and revoke API keys: through the running server (LEDGER_URL, or the server on the data directory; " +
      "admin key from LEDGER_ADMIN_KEY or the data directory's admin-key.txt), in the store when none runs",
  ),
  Command.withShortDescription("Create, list and revoke API keys (through the server when it runs)"),
  Command.withSubcommands([create, list, revoke]),
)
