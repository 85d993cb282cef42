import { readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'

/**
 * The cloud service's configuration: read once from an optional JSON file (`CLOUD_CONFIG_FILE`)
 * and the environment (which wins), validated by one schema, every problem reported at once.
 */
const Port = z.coerce.number().int().min(0).max(65535)
const Bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
])

const Settings = z.object({
  KQMS_DATA_DIR: z.string().min(1).default('.data'),
  /** PostgreSQL (`postgres://…`); when absent the embedded PGlite in the data folder is used. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  CLOUD_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  CLOUD_HTTP_PORT: Port.default(8787),
  CLOUD_PUBLIC_URL: z.url().optional(),
  CLOUD_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  /** Seed the demo branches, catalogue and staff (well-known passwords) into an empty database. */
  CLOUD_DEMO: Bool.default(false),
  /** First start: creates this central administrator when there are no staff users. */
  CLOUD_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  CLOUD_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  CLOUD_CONSOLE_DIR: z.string().min(1).optional(),
  CLOUD_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  CLOUD_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
  /** A branch whose appliance has not synced for this long is "unreachable" for remote join. */
  CLOUD_BRANCH_REACHABLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(5),
  /** Appointment reminders go out this many hours before the start. */
  CLOUD_REMINDER_HOURS: z.coerce.number().min(0).max(168).default(2),
  /** The notification worker polls the outbox this often. */
  CLOUD_OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
})

export type CloudConfig = ReturnType<typeof toConfig>

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`)
    this.problems = problems
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): CloudConfig {
  const file = env['CLOUD_CONFIG_FILE']
  const fromFile = file ? readConfigFile(file) : {}
  const merged: Record<string, unknown> = { ...fromFile }
  for (const key of Object.keys(Settings.shape)) {
    const value = env[key]
    if (value !== undefined && value !== '') merged[key] = value
  }
  const parsed = Settings.safeParse(merged)
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
  const hasEmail = merged['CLOUD_BOOTSTRAP_ADMIN_EMAIL'] !== undefined
  const hasPassword = merged['CLOUD_BOOTSTRAP_ADMIN_PASSWORD'] !== undefined
  if (hasEmail !== hasPassword)
    problems.push(
      'CLOUD_BOOTSTRAP_ADMIN_EMAIL and CLOUD_BOOTSTRAP_ADMIN_PASSWORD: give both or neither',
    )
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems)
  return toConfig(parsed.data)
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError([`CLOUD_CONFIG_FILE: cannot read ${file} (${(error as Error).message})`])
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConfigError([
      `CLOUD_CONFIG_FILE: ${file} is not valid JSON (${(error as Error).message})`,
    ])
  }
  const object = z.record(z.string(), z.unknown()).safeParse(json)
  if (!object.success) throw new ConfigError([`CLOUD_CONFIG_FILE: ${file} must hold a JSON object`])
  const unknown = Object.keys(object.data).filter((k) => !(k in Settings.shape))
  if (unknown.length > 0)
    throw new ConfigError(unknown.map((k) => `${k}: unknown setting in ${file}`))
  return object.data
}

function toConfig(s: z.infer<typeof Settings>) {
  const dataDir = path.resolve(s.KQMS_DATA_DIR)
  const publicPort = s.CLOUD_HTTP_PORT === 0 ? 8787 : s.CLOUD_HTTP_PORT
  return {
    dataDir,
    database: s.DATABASE_URL
      ? ({ kind: 'postgres', url: s.DATABASE_URL } as const)
      : ({ kind: 'pglite', dataDir: path.join(dataDir, 'cloud', 'pglite') } as const),
    keysDir: path.join(dataDir, 'cloud', 'keys'),
    logLevel: s.CLOUD_LOG_LEVEL,
    http: {
      host: s.CLOUD_HTTP_HOST,
      port: s.CLOUD_HTTP_PORT,
      publicBaseUrl: (s.CLOUD_PUBLIC_URL ?? `http://localhost:${publicPort}`).replace(/\/$/, ''),
      sessionTtlMinutes: s.CLOUD_SESSION_TTL_MINUTES,
      maxBodyBytes: s.CLOUD_MAX_BODY_BYTES,
    },
    consoleDir: path.resolve(
      s.CLOUD_CONSOLE_DIR ?? path.join(import.meta.dirname, '..', 'console', 'dist'),
    ),
    demo: s.CLOUD_DEMO,
    bootstrapAdmin:
      s.CLOUD_BOOTSTRAP_ADMIN_EMAIL !== undefined && s.CLOUD_BOOTSTRAP_ADMIN_PASSWORD !== undefined
        ? { email: s.CLOUD_BOOTSTRAP_ADMIN_EMAIL, password: s.CLOUD_BOOTSTRAP_ADMIN_PASSWORD }
        : null,
    branchReachableMinutes: s.CLOUD_BRANCH_REACHABLE_MINUTES,
    reminderHours: s.CLOUD_REMINDER_HOURS,
    outboxPollMs: s.CLOUD_OUTBOX_POLL_MS,
  }
}
