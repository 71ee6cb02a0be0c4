/**
 * @module `ledger keys create|list|revoke`: the API keys of the configured store, for whoever runs the store.
 */
import { Console, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { type ApiKey, createApiKey, listApiKeys, revokeApiKey, type Scope, scopes } from "../store/apiKeys.js"
import { EventStore } from "../store/EventStore.js"
import { withConfiguredStore } from "./configuredStore.js"
import { attempt, CommandFailed } from "./failure.js"

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
    const { key, token } = yield* withConfiguredStore(
      EventStore.use((store) => attempt(() => createApiKey(store.sql, { name, scopes: granted }))),
    )
    if (quiet) return yield* Console.log(token)
    yield* Console.log(
      `Created API key ${key.keyId} "${key.name}" with scopes ${key.scopes.join(",")}:\n\n  ${token}\n`,
    )
    yield* Console.log("This token will not be shown again (only a hash of it is stored): keep it somewhere safe now.")
  }),
).pipe(
  Command.withDescription("Create an API key and print its token, once"),
  Command.withExamples([
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
    const keys = yield* withConfiguredStore(EventStore.use((store) => attempt(() => listApiKeys(store.sql))))
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
    const outcome = yield* withConfiguredStore(
      EventStore.use((store) =>
        attempt(async () => {
          if (await revokeApiKey(store.sql, keyId)) return { revoked: true as const }
          return { revoked: false as const, known: (await listApiKeys(store.sql)).find((key) => key.keyId === keyId) }
        }),
      ),
    )
    if (!outcome.revoked) {
      return yield* new CommandFailed({
        reason:
          outcome.known === undefined
            ? `no API key has the id ${keyId}; \`ledger keys list\` shows the ids`
            : `API key ${keyId} ("${outcome.known.name}") was already revoked at ${outcome.known.revokedAt}`,
      })
    }
    yield* Console.log(`Revoked API key ${keyId}: requests with its token are refused from now on.`)
  }),
).pipe(Command.withDescription("Revoke an API key: its token stops working at once"))

export const keys = Command.make("keys").pipe(
  Command.withDescription("Create, list and revoke the API keys of the store"),
  Command.withSubcommands([create, list, revoke]),
)
