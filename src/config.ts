/**
 * @module The server's configuration, from environment variables, validated with clear messages.
 */
import { z } from "zod"
import type { ConnectorSecrets } from "./ingest/webhooks/connector.js"
import { type LogFormat, logFormats } from "./observability/log.js"
import { defaultRawPayloadRetentionDays } from "./runtime/rawPayloadRetention.js"
import { defaultDurability, durabilities } from "./store/durability.js"
import type { StoreLocation } from "./store/EventStore.js"

/** Levels of the JSON log, quietest last (`silent` logs nothing). */
export const logLevels = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const
export type LogLevel = (typeof logLevels)[number]
export { type LogFormat, logFormats }

/** How the server is run and watched (README "Operations"). */
export type OperationsConfig = {
  readonly logLevel: LogLevel
  readonly logFormat: LogFormat
  /** `/metrics` without an API key (for a scraper inside a trusted network). */
  readonly metricsPublic: boolean
  /** `/readyz` answers 503 while the scorecards are further behind the log than either bound. */
  readonly readiness: { readonly maxLagEvents: number; readonly maxLagSeconds: number }
  /** After SIGTERM, how long in-flight work may take before the process gives up and exits 1. */
  readonly shutdownTimeoutMs: number
  /** Requests per second per API key (per vendor and client address on webhooks) on the ingest routes; 0: no limit. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number }
}

/**
 * What a server started without these settings uses. Programmatic starts (tests, benchmarks) log
 * nothing unless told; `ledger serve` reads LEDGER_LOG_LEVEL, default `info`. The rate limit sits
 * above what one key sends in the benchmarks (about 5,500 single-event requests/s, README
 * "Performance"): it stops a runaway client, not a busy dialer.
 */
export const operationsDefaults: OperationsConfig = {
  logLevel: "info",
  logFormat: "json",
  metricsPublic: false,
  readiness: { maxLagEvents: 10_000, maxLagSeconds: 60 },
  shutdownTimeoutMs: 10_000,
  rateLimit: { perSecond: 10_000, burst: 20_000 },
}

/**
 * The connectors' secrets (src/ingest/webhooks/README.md): a vendor whose secret is unset refuses its
 * deliveries with 503 naming the variable. `publicUrl` is the origin vendors post to, when a proxy
 * stands between them and the ledger (Twilio signs the URL it called).
 */
export type WebhooksConfig = ConnectorSecrets & { readonly publicUrl?: string }

export const webhookDefaults: WebhooksConfig = { calendlyToleranceSeconds: 180 }

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATABASE_URL: z.string().url("must be a postgres:// URL").optional(),
  LEDGER_DATA_DIR: z.string().min(1).default("./data"),
  LEDGER_DURABILITY: z
    .enum(durabilities, 'must be "process" (survives a killed process) or "os" (also an OS crash; README "Durability")')
    .default(defaultDurability),
  LEDGER_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  LEDGER_LOG_LEVEL: z.enum(logLevels).default(operationsDefaults.logLevel),
  LEDGER_LOG_FORMAT: z.enum(logFormats).default("auto"),
  LEDGER_METRICS_PUBLIC: z.enum(["true", "false"], "must be true or false").default("false"),
  LEDGER_READY_MAX_LAG_EVENTS: z.coerce.number().int().min(0).default(operationsDefaults.readiness.maxLagEvents),
  LEDGER_READY_MAX_LAG_SECONDS: z.coerce.number().min(0).default(operationsDefaults.readiness.maxLagSeconds),
  LEDGER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(operationsDefaults.shutdownTimeoutMs),
  LEDGER_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).default(operationsDefaults.rateLimit.perSecond),
  LEDGER_RATE_LIMIT_BURST: z.coerce.number().int().positive().optional(),
  LEDGER_PUBLIC_URL: z.url("must be the public origin vendors post to, e.g. https://ledger.example.com").optional(),
  LEDGER_AIRCALL_TOKEN: z.string().optional(),
  LEDGER_TWILIO_AUTH_TOKEN: z.string().optional(),
  LEDGER_RINGCENTRAL_VERIFICATION_TOKEN: z.string().optional(),
  LEDGER_DIALPAD_SECRET: z.string().optional(),
  LEDGER_DIALPAD_ALLOW_UNSIGNED: z.enum(["true", "false"], "must be true or false").default("false"),
  LEDGER_CALENDLY_SIGNING_KEY: z.string().optional(),
  LEDGER_CALENDLY_TOLERANCE_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(webhookDefaults.calendlyToleranceSeconds),
  LEDGER_RAW_PAYLOAD_RETENTION_DAYS: z.coerce
    .number()
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .default(defaultRawPayloadRetentionDays),
})

export type Config = {
  readonly port: number
  readonly host: string
  readonly store: StoreLocation
  readonly bodyLimitBytes: number
  /** Logging, metrics, readiness, shutdown and rate limits; each missing part takes `operationsDefaults` (but the log is silent). */
  readonly operations?: Partial<OperationsConfig>
  /** Webhook secrets; absent, every connector answers 503. */
  readonly webhooks?: WebhooksConfig
  /** Days a vendor payload is kept (README "Personal data"); absent, `defaultRawPayloadRetentionDays`. */
  readonly rawPayloadRetentionDays?: number
}

/** The operations settings a server runs with: those given, else the defaults, with a silent log. */
export const operationsOf = (config: Config): OperationsConfig => ({
  ...operationsDefaults,
  logLevel: "silent",
  ...config.operations,
})

export class ConfigError extends Error {}

/** Reads the configuration; an invalid variable is an error that names it. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): Config => {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConfigError(`environment variable ${issue?.path.join(".")}: ${issue?.message}`)
  }
  const e = parsed.data
  return {
    port: e.PORT,
    host: e.HOST,
    store:
      e.DATABASE_URL !== undefined
        ? { databaseUrl: e.DATABASE_URL }
        : { dataDir: e.LEDGER_DATA_DIR, durability: e.LEDGER_DURABILITY },
    bodyLimitBytes: e.LEDGER_BODY_LIMIT_BYTES,
    rawPayloadRetentionDays: e.LEDGER_RAW_PAYLOAD_RETENTION_DAYS,
    webhooks: {
      ...(e.LEDGER_PUBLIC_URL === undefined ? {} : { publicUrl: e.LEDGER_PUBLIC_URL }),
      ...(e.LEDGER_AIRCALL_TOKEN === undefined ? {} : { aircallToken: e.LEDGER_AIRCALL_TOKEN }),
      ...(e.LEDGER_TWILIO_AUTH_TOKEN === undefined ? {} : { twilioAuthToken: e.LEDGER_TWILIO_AUTH_TOKEN }),
      ...(e.LEDGER_RINGCENTRAL_VERIFICATION_TOKEN === undefined
        ? {}
        : { ringcentralVerificationToken: e.LEDGER_RINGCENTRAL_VERIFICATION_TOKEN }),
      ...(e.LEDGER_DIALPAD_SECRET === undefined ? {} : { dialpadSecret: e.LEDGER_DIALPAD_SECRET }),
      dialpadAllowUnsigned: e.LEDGER_DIALPAD_ALLOW_UNSIGNED === "true",
      ...(e.LEDGER_CALENDLY_SIGNING_KEY === undefined ? {} : { calendlySigningKey: e.LEDGER_CALENDLY_SIGNING_KEY }),
      calendlyToleranceSeconds: e.LEDGER_CALENDLY_TOLERANCE_SECONDS,
    },
    operations: {
      logLevel: e.LEDGER_LOG_LEVEL,
      logFormat: e.LEDGER_LOG_FORMAT,
      metricsPublic: e.LEDGER_METRICS_PUBLIC === "true",
      readiness: { maxLagEvents: e.LEDGER_READY_MAX_LAG_EVENTS, maxLagSeconds: e.LEDGER_READY_MAX_LAG_SECONDS },
      shutdownTimeoutMs: e.LEDGER_SHUTDOWN_TIMEOUT_MS,
      rateLimit: {
        perSecond: e.LEDGER_RATE_LIMIT_PER_SECOND,
        burst: e.LEDGER_RATE_LIMIT_BURST ?? Math.max(1, Math.ceil(e.LEDGER_RATE_LIMIT_PER_SECOND * 2)),
      },
    },
  }
}
