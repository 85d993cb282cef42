import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { AppointmentPublicKeySet, type JsonWebKey } from '@kqms/shared/appointment-token'
import { z } from 'zod'
import { demoAppointmentKey } from './demo-appointment-key.js'

/**
 * The appliance's configuration: read once from an optional JSON file (`EDGE_CONFIG_FILE`) and the
 * environment (which wins), validated by one schema, every problem reported at once.
 */
const Port = z.coerce.number().int().min(0).max(65535)
const Bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
])

const Settings = z.object({
  KQMS_DATA_DIR: z.string().min(1).default('.data'),
  EDGE_BRANCH_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "-", "_", "."')
    .default('almaty-demo'),
  EDGE_NODE_ID: z
    .string()
    .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex characters')
    .optional(),
  EDGE_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  EDGE_HTTP_PORT: Port.default(8080),
  EDGE_PUBLIC_URL: z.url().optional(),
  /** MQTT over TCP for firmware bridges (0: any free port). MQTT over WebSocket is `/mqtt` on the HTTP port. */
  EDGE_MQTT_PORT: Port.default(1883),
  EDGE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  EDGE_SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  EDGE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(16 * 1024),
  /** Seed the demo branch (catalogue, counters, operators, users, devices with well-known secrets)
   * into an empty database. Off by default: a real appliance must never carry demo credentials. */
  EDGE_DEMO: Bool.default(false),
  /** First start of a real appliance: creates the `admin` login with this password when the
   * database has no users (the provisioning CLI will take this over). No default. */
  EDGE_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  /** Local time at which the business day is closed if still open. */
  EDGE_DAY_CLOSE_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
    .default('23:30'),
  EDGE_SNAPSHOT_EVERY: z.coerce.number().int().min(10).max(1_000_000).default(1000),
  /** The cloud's appointment public keys (`{ keys: [JWK…] }` as served by
   * `GET /api/v1/appointments/keys`). Without it, QR check-in is unavailable (demo: a demo key). */
  EDGE_APPOINTMENT_KEYS_FILE: z.string().min(1).optional(),
  /** An appointment holder may check in this many minutes before the booked start… */
  EDGE_APPOINTMENT_EARLY_MINUTES: z.coerce.number().int().min(0).max(240).default(30),
  /** …and up to this many after it (then served as a regular ticket; later: missed). */
  EDGE_APPOINTMENT_LATE_MINUTES: z.coerce.number().int().min(0).max(240).default(15),
})

export type EdgeConfig = ReturnType<typeof toConfig>

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly problems: readonly string[]
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`)
    this.problems = problems
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): EdgeConfig {
  const file = env['EDGE_CONFIG_FILE']
  const fromFile = file ? readConfigFile(file) : {}
  const merged: Record<string, unknown> = { ...fromFile }
  for (const key of Object.keys(Settings.shape)) {
    const value = env[key]
    if (value !== undefined && value !== '') merged[key] = value
  }
  const parsed = Settings.safeParse(merged)
  if (!parsed.success)
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    )
  return toConfig(parsed.data, readAppointmentKeys(parsed.data.EDGE_APPOINTMENT_KEYS_FILE))
}

/** The keys file, parsed: public Ed25519 JWKs only (a private key in it is refused). */
function readAppointmentKeys(file: string | undefined): JsonWebKey[] | null {
  if (file === undefined) return null
  const problem = (why: string) => new ConfigError([`EDGE_APPOINTMENT_KEYS_FILE: ${file} ${why}`])
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw problem(`cannot be read as JSON (${(error as Error).message})`)
  }
  const parsed = AppointmentPublicKeySet.safeParse(json)
  if (!parsed.success)
    throw problem(
      `must hold { "keys": [public Ed25519 JWK…] } (${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')})`,
    )
  return parsed.data.keys
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError([`EDGE_CONFIG_FILE: cannot read ${file} (${(error as Error).message})`])
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConfigError([
      `EDGE_CONFIG_FILE: ${file} is not valid JSON (${(error as Error).message})`,
    ])
  }
  const object = z.record(z.string(), z.unknown()).safeParse(json)
  if (!object.success) throw new ConfigError([`EDGE_CONFIG_FILE: ${file} must hold a JSON object`])
  const unknown = Object.keys(object.data).filter((k) => !(k in Settings.shape))
  if (unknown.length > 0)
    throw new ConfigError(unknown.map((k) => `${k}: unknown setting in ${file}`))
  return object.data
}

function toConfig(s: z.infer<typeof Settings>, appointmentKeys: JsonWebKey[] | null) {
  const dataDir = path.resolve(s.KQMS_DATA_DIR)
  const publicPort = s.EDGE_HTTP_PORT === 0 ? 8080 : s.EDGE_HTTP_PORT
  return {
    branchId: s.EDGE_BRANCH_ID,
    nodeId:
      s.EDGE_NODE_ID ?? createHash('sha256').update(s.EDGE_BRANCH_ID).digest('hex').slice(0, 16),
    dataDir,
    databasePath: path.join(dataDir, 'edge', `${s.EDGE_BRANCH_ID}.sqlite`),
    logLevel: s.EDGE_LOG_LEVEL,
    http: {
      host: s.EDGE_HTTP_HOST,
      port: s.EDGE_HTTP_PORT,
      publicBaseUrl: (s.EDGE_PUBLIC_URL ?? `http://localhost:${publicPort}`).replace(/\/$/, ''),
      sessionTtlMinutes: s.EDGE_SESSION_TTL_MINUTES,
      maxBodyBytes: s.EDGE_MAX_BODY_BYTES,
    },
    mqtt: {
      host: s.EDGE_HTTP_HOST,
      port: s.EDGE_MQTT_PORT,
      /** A subscriber that does not drain its socket for this long is disconnected. */
      drainTimeoutMs: 15_000,
      /** Staff connections re-check their session this often (logged out: disconnected). */
      staffRecheckMs: 30_000,
    },
    demo: s.EDGE_DEMO,
    bootstrapAdminPassword: s.EDGE_BOOTSTRAP_ADMIN_PASSWORD ?? null,
    dayCloseAt: s.EDGE_DAY_CLOSE_AT,
    snapshotEvery: s.EDGE_SNAPSHOT_EVERY,
    appointments: {
      /** Where the trusted keys come from: the keys file, the demo key (EDGE_DEMO only), or none. */
      keySource: appointmentKeys !== null ? 'file' : s.EDGE_DEMO ? 'demo' : 'none',
      publicJwks:
        appointmentKeys ?? (s.EDGE_DEMO ? [demoAppointmentKey(s.EDGE_BRANCH_ID).publicJwk] : []),
      earlyMinutes: s.EDGE_APPOINTMENT_EARLY_MINUTES,
      lateMinutes: s.EDGE_APPOINTMENT_LATE_MINUTES,
    } satisfies AppointmentCheckInConfig,
  }
}

export interface AppointmentCheckInConfig {
  readonly keySource: 'file' | 'demo' | 'none'
  /** Public keys that verify appointment QR codes offline; empty: check-in is unavailable. */
  readonly publicJwks: readonly JsonWebKey[]
  readonly earlyMinutes: number
  readonly lateMinutes: number
}
