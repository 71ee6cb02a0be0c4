/**
 * @module Versioned schema migrations, applied in order under an advisory lock so that several
 * instances starting at once on one PostgreSQL apply each migration exactly once.
 */
import type { SqlDatabase } from "./sql.js"

export type Migration = { readonly version: number; readonly name: string; readonly sql: string }

/** Append new migrations at the end; never edit one that has shipped. */
export const migrations: ReadonlyArray<Migration> = [
  {
    version: 1,
    name: "event log",
    sql: `
      create table ledger_streams (
        stream_id text primary key,
        version bigint not null
      );
      create table ledger_events (
        global_position bigint generated always as identity primary key,
        transaction_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        stream_version bigint not null,
        type text not null,
        schema_version int not null,
        data jsonb not null,
        metadata jsonb not null default '{}',
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default date_trunc('milliseconds', now()), -- the API's precision: an as-of read at a reported instant includes that event
        idempotency_key text not null,
        constraint ledger_events_stream_version unique (stream_id, stream_version),
        constraint ledger_events_idempotency_key unique (idempotency_key)
      );
      create index ledger_events_log_order on ledger_events (transaction_id, global_position);
    `,
  },
  {
    version: 2,
    name: "api keys",
    sql: `
      create table ledger_api_keys (
        key_id text primary key,
        name text not null,
        secret_hash text not null,
        scopes jsonb not null,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      );
    `,
  },
  {
    version: 3,
    name: "read model registry",
    sql: `
      create table ledger_read_models (
        name text not null,
        generation int not null,
        fold_version int not null,
        status text not null check (status in ('building', 'active', 'retired')),
        checkpoint_tx xid8 not null default '0',
        checkpoint_position bigint not null default 0,
        events_applied bigint not null default 0,
        updated_at timestamptz not null default now(),
        primary key (name, generation)
      );
      create unique index ledger_read_models_one_active on ledger_read_models (name) where status = 'active';
    `,
  },
  {
    version: 4,
    name: "ingestion sources",
    sql: `
      create table ledger_sources (
        source text primary key,
        events_received bigint not null default 0,
        deliveries_accepted bigint not null default 0,
        deliveries_duplicate bigint not null default 0,
        deliveries_ignored bigint not null default 0,
        deliveries_rejected bigint not null default 0,
        last_seen_at timestamptz,
        last_event_at timestamptz,
        last_rejected_at timestamptz,
        last_rejection_status int,
        last_rejection text
      );
    `,
  },
  {
    version: 5,
    name: "streams are their events",
    // A stream's version is read from its last event (readStream.ts): the heads table was written with
    // every append for nothing the log did not already hold.
    sql: `drop table ledger_streams`,
  },
  {
    version: 6,
    name: "no webhook secret in kept payloads",
    // Aircall's payload was kept whole in metadata.raw, `token` (the webhook's secret) included: any
    // reader could forge Aircall deliveries. Connectors now mask their proof fields before a payload
    // is kept (src/ingest/webhooks/keptPayload.ts); this masks, with the same words, those kept
    // before. A rewrite, not an upcaster on read: a secret must leave the table (and every dump,
    // backup and copy taken from now on), not merely be hidden from the readers we know of. Only
    // metadata.raw changes: data, types, instants, positions and idempotency keys stay as they are.
    sql: `
      update ledger_events
      set metadata = jsonb_set(metadata, '{raw,token}', '"[secret removed]"')
      where type = 'CallEventReceived' and metadata->>'source' = 'aircall'
        and jsonb_typeof(metadata->'raw') = 'object' and metadata->'raw'->'token' is not null
        and metadata->'raw'->'token' <> '"[secret removed]"'
    `,
  },
  {
    version: 7,
    name: "personal data kept apart",
    // Personal values and vendor payloads live here, not in the log (personalValues.ts): an erasure
    // or the payloads' retention deletes rows, the log is never rewritten. The key of the tokens is
    // the store's own, random: gen_random_uuid draws from the server's strong random source. Written
    // to be run again (a store whose migration record was rolled back keeps its key and values).
    sql: `
      create table if not exists ledger_personal_key (
        id int primary key check (id = 1),
        secret text not null
      );
      insert into ledger_personal_key (id, secret)
        values (1, replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
        on conflict (id) do nothing;
      create table if not exists ledger_personal_values (
        token text primary key,
        value text not null,
        subjects jsonb not null,
        raw boolean not null,
        kept_at timestamptz not null default now()
      );
      create index if not exists ledger_personal_values_subjects on ledger_personal_values using gin (subjects);
      create index if not exists ledger_personal_values_raw_age on ledger_personal_values (kept_at) where raw
    `,
  },
  {
    version: 8,
    name: "csv imports",
    // What GET /v1/sources shows of the CSV imports: the rejected rows are in no event, so the log alone
    // cannot say them, and a count kept in memory (as /metrics's) is gone with a restart.
    sql: `
      create table if not exists ledger_csv_imports (
        kind text primary key,
        imports bigint not null default 0,
        last_import_at timestamptz not null,
        last_rows bigint not null,
        last_rows_stored bigint not null,
        last_rows_rejected bigint not null,
        last_events_appended bigint not null
      );
    `,
  },
]

const migrationLock = 7_340_001 // any constant shared by every instance of the ledger

/** Applies the migrations this database has not seen; returns the versions applied now. */
export const migrate = async (db: SqlDatabase): Promise<ReadonlyArray<number>> =>
  db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [migrationLock])
    await tx.query(
      `create table if not exists ledger_migrations (
         version int primary key, name text not null, applied_at timestamptz not null default now())`,
    )
    const done = new Set(
      (await tx.query<{ version: number }>("select version from ledger_migrations")).map((row) => Number(row.version)),
    )
    const applied: number[] = []
    for (const migration of migrations) {
      if (done.has(migration.version)) continue
      for (const statement of migration.sql
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean)) {
        await tx.query(statement)
      }
      await tx.query("insert into ledger_migrations (version, name) values ($1, $2)", [
        migration.version,
        migration.name,
      ])
      applied.push(migration.version)
    }
    return applied
  })
