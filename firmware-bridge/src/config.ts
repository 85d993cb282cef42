import { readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { BranchId } from '@kqms/shared/domain'
import { DeviceId } from '@kqms/shared/mqtt'
import { z } from 'zod'
import type { DriverFactory } from './devices/driver.js'

/**
 * The bridge's configuration file (JSON; `--config <file>` or `KQMS_BRIDGE_CONFIG`), parsed with
 * zod. Every problem is reported at once, each with its path (`devices[2].link.path`) and a
 * message an engineer can act on; the driver options are checked with each driver's schema.
 */

/** Serial nodes whose number changes with plug order: never accepted (design/devices.md §5). */
const ENUMERATED_TTY = /^\/dev\/tty(USB|ACM)\d+$/

const USB_ID_MESSAGE = 'must be a USB id: 4 hex digits such as "0403" (or a number up to 0xffff)'
const UsbId = z
  .union(
    [
      z.string().regex(/^(0x)?[0-9a-fA-F]{1,4}$/, USB_ID_MESSAGE),
      z
        .number({ error: USB_ID_MESSAGE })
        .int(USB_ID_MESSAGE)
        .min(0, USB_ID_MESSAGE)
        .max(0xffff, USB_ID_MESSAGE),
    ],
    { error: USB_ID_MESSAGE },
  )
  .transform((value) =>
    (typeof value === 'number' ? value.toString(16) : value.replace(/^0x/, ''))
      .toLowerCase()
      .padStart(4, '0'),
  )

const AbsolutePath = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path')

const SerialPath = AbsolutePath.refine((p) => !ENUMERATED_TTY.test(p), {
  error: (issue) =>
    `${String(issue.input)} is numbered by plug order and changes after a replug or reboot: use its /dev/serial/by-id/… name (ls -l /dev/serial/by-id), byIdPattern, or vendorId+productId`,
})

const isRegex = (pattern: string): boolean => {
  try {
    new RegExp(pattern)
    return true
  } catch {
    return false
  }
}

const WriteTimeoutMs = z.number().int().min(100).max(600_000).default(10_000)

const locatorCount = (link: { path?: unknown; byIdPattern?: unknown; vendorId?: unknown }) =>
  [link.path, link.byIdPattern, link.vendorId].filter((v) => v !== undefined).length

const SerialLinkConfig = z
  .strictObject({
    type: z.literal('serial'),
    path: SerialPath.optional(),
    byIdPattern: z.string().min(1).refine(isRegex, 'must be a valid regular expression').optional(),
    vendorId: UsbId.optional(),
    productId: UsbId.optional(),
    serialNumber: z.string().min(1).max(128).optional(),
    baudRate: z
      .number()
      .int()
      .refine(
        (n) =>
          [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600].includes(n),
        'must be a standard baud rate (1200 … 921600)',
      )
      .default(9600),
    dataBits: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]).default(8),
    stopBits: z.union([z.literal(1), z.literal(1.5), z.literal(2)]).default(1),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    rtscts: z.boolean().default(false),
    xon: z.boolean().default(false),
    writeTimeoutMs: WriteTimeoutMs,
  })
  .superRefine((link, context) => {
    if (locatorCount(link) !== 1)
      context.addIssue({
        code: 'custom',
        message: 'give exactly one of path, byIdPattern or vendorId+productId',
      })
    if ((link.vendorId === undefined) !== (link.productId === undefined))
      context.addIssue({ code: 'custom', message: 'vendorId and productId go together' })
  })

const UsbLpLinkConfig = z
  .strictObject({
    type: z.literal('usb-lp'),
    path: AbsolutePath.optional(),
    vendorId: UsbId.optional(),
    productId: UsbId.optional(),
    serialNumber: z.string().min(1).max(128).optional(),
    readIntervalMs: z.number().int().min(10).max(5_000).default(100),
    writeTimeoutMs: WriteTimeoutMs,
  })
  .superRefine((link, context) => {
    if (locatorCount(link) !== 1)
      context.addIssue({
        code: 'custom',
        message: 'give exactly one of path or vendorId+productId',
      })
    if ((link.vendorId === undefined) !== (link.productId === undefined))
      context.addIssue({ code: 'custom', message: 'vendorId and productId go together' })
  })

const TcpLinkConfig = z.strictObject({
  type: z.literal('tcp'),
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.:-]+$/, 'must be a host name or an IP address'),
  port: z
    .number({ error: 'must be a TCP port number (1–65535)' })
    .int('must be a TCP port number (1–65535)')
    .min(1, 'must be a TCP port number (1–65535)')
    .max(65_535, 'must be a TCP port number (1–65535)')
    .default(9100),
  connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
  keepAliveMs: z.number().int().min(1_000).max(600_000).default(10_000),
  writeTimeoutMs: WriteTimeoutMs,
})

const HidLinkConfig = z.strictObject({
  type: z.literal('hid'),
  vendorId: UsbId,
  productId: UsbId,
  serialNumber: z.string().min(1).max(128).optional(),
  writeTimeoutMs: WriteTimeoutMs,
})

const FakeLinkConfig = z.strictObject({ type: z.literal('fake') })

const LINK_TYPES = ['serial', 'usb-lp', 'tcp', 'hid', 'fake'] as const

export const LinkConfig = z.discriminatedUnion(
  'type',
  [SerialLinkConfig, UsbLpLinkConfig, TcpLinkConfig, HidLinkConfig, FakeLinkConfig],
  { error: `link.type must be one of ${LINK_TYPES.join(', ')}` },
)
export type LinkConfig = z.infer<typeof LinkConfig>

const DeviceConfig = z.strictObject({
  id: DeviceId,
  kind: z.string().min(1),
  /** A required device that keeps failing makes the bridge exit (code 2) for systemd to restart. */
  required: z.boolean().default(false),
  link: LinkConfig,
  options: z.unknown().default({}),
})

/**
 * Device kinds that can share one serial port (an RS-485 bus): their protocol is addressed, so
 * each driver keeps the replies of its own address. A button panel's key codes carry no address
 * (a display's ACK byte would corrupt them); printers and card readers own their line.
 */
export const SHAREABLE_KINDS: readonly string[] = ['counter-display']

/** The serial settings that devices on one port must agree on. */
const SHARED_SERIAL_SETTINGS = [
  'baudRate',
  'dataBits',
  'stopBits',
  'parity',
  'rtscts',
  'xon',
  'writeTimeoutMs',
] as const

/**
 * Which port a serial link names, for sharing: the resolved path (symlinks followed when it
 * exists now), the by-id pattern, or vid:pid(+serial). Null for links that are not serial.
 */
export function serialPortKey(link: LinkConfig): string | null {
  if (link.type !== 'serial') return null
  if (link.path !== undefined) {
    const resolved = path.resolve(link.path)
    try {
      return `path ${realpathSync(resolved)}`
    } catch {
      return `path ${resolved}`
    }
  }
  if (link.byIdPattern !== undefined) return `by-id /${link.byIdPattern}/`
  return `usb ${link.vendorId ?? ''}:${link.productId ?? ''}${link.serialNumber === undefined ? '' : ` serial ${link.serialNumber}`}`
}

type ParsedDevice = z.infer<typeof DeviceConfig>

/** Devices naming one serial port: only shareable kinds, and the same serial settings. */
function checkSharedPorts(
  devices: readonly ParsedDevice[],
  addIssue: (issue: { path: PropertyKey[]; message: string }) => void,
): void {
  const first = new Map<string, { device: ParsedDevice; index: number }>()
  devices.forEach((device, index) => {
    const key = serialPortKey(device.link)
    if (key === null || device.link.type !== 'serial') return
    const owner = first.get(key)
    if (owner === undefined) {
      first.set(key, { device, index })
      return
    }
    const other = owner.device
    const both = `"${other.id}" (devices[${owner.index}], ${other.kind}) and "${device.id}" (devices[${index}], ${device.kind})`
    const cannot = [other, device].filter((d) => !SHAREABLE_KINDS.includes(d.kind))
    if (cannot.length > 0) {
      addIssue({
        path: ['devices', index, 'link'],
        message: `${both} name the same serial port (${key}): a ${cannot.map((d) => d.kind).join(' and a ')} cannot share a port; only ${SHAREABLE_KINDS.join(', ')} devices can share an RS-485 bus. Give it its own adapter`,
      })
      return
    }
    if (other.link.type !== 'serial') return
    const otherLink = other.link
    const link = device.link
    for (const setting of SHARED_SERIAL_SETTINGS) {
      if (link[setting] === otherLink[setting]) continue
      addIssue({
        path: ['devices', index, 'link', setting],
        message: `${both} share the serial port ${key} but disagree on ${setting}: ${JSON.stringify(otherLink[setting])} for "${other.id}", ${JSON.stringify(link[setting])} for "${device.id}"; devices on one bus use the same serial settings`,
      })
    }
  })
}

const SecretSource = z.union([z.string().min(1), z.strictObject({ file: AbsolutePath })], {
  error: 'must be the secret itself or { "file": "/absolute/path" }',
})

const MqttConfig = z
  .strictObject({
    url: z
      .string()
      .regex(
        /^(mqtt|mqtts|tcp|ws|wss):\/\/[^\s/]+/,
        'must be an MQTT URL such as mqtt://appliance.local:1883',
      ),
    /** The bridge's device id: also its client id. */
    username: DeviceId,
    password: z.string().min(1).optional(),
    passwordFile: AbsolutePath.optional(),
    keepaliveSeconds: z.number().int().min(5).max(600).default(30),
    connectTimeoutMs: z.number().int().min(500).max(120_000).default(10_000),
  })
  .refine(
    (m) => (m.password === undefined) !== (m.passwordFile === undefined),
    'give exactly one of password or passwordFile',
  )

const SupervisorConfig = z.strictObject({
  /** At most one availability change per device per this many seconds. */
  availabilityDebounceSeconds: z.number().min(0).max(300).default(5),
  healthCheckSeconds: z.number().min(1).max(3_600).default(10),
  /** A required device failing this many times in a row within the window stops the bridge. */
  maxFailures: z.number().int().min(1).max(1_000).default(10),
  failureWindowMinutes: z.number().min(0.1).max(1_440).default(5),
})

export const BridgeConfigFile = z
  .strictObject({
    branchId: BranchId,
    mqtt: MqttConfig,
    stateDir: AbsolutePath,
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    secrets: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'secret names are letters, digits, "_" or "-"'),
        SecretSource,
      )
      .default({}),
    supervisor: SupervisorConfig.default({
      availabilityDebounceSeconds: 5,
      healthCheckSeconds: 10,
      maxFailures: 10,
      failureWindowMinutes: 5,
    }),
    devices: z.array(DeviceConfig).min(1, 'list at least one device'),
  })
  .superRefine((config, context) => {
    const seen = new Map<string, number>()
    config.devices.forEach((device, index) => {
      const first = seen.get(device.id)
      if (first !== undefined)
        context.addIssue({
          code: 'custom',
          path: ['devices', index, 'id'],
          message: `duplicate device id "${device.id}" (also devices[${first}])`,
        })
      else seen.set(device.id, index)
      if (device.id === config.mqtt.username)
        context.addIssue({
          code: 'custom',
          path: ['devices', index, 'id'],
          message: `"${device.id}" is the bridge's own id (mqtt.username)`,
        })
    })
    checkSharedPorts(config.devices, (issue) => {
      context.addIssue({ code: 'custom', ...issue })
    })
  })
export type BridgeConfigFile = z.infer<typeof BridgeConfigFile>

export interface DeviceSettings {
  readonly id: string
  readonly kind: string
  readonly required: boolean
  readonly link: LinkConfig
  /** Parsed by the driver's `optionsSchema`. */
  readonly options: unknown
  readonly factory: DriverFactory
}

export interface BridgeConfig {
  readonly branchId: BranchId
  readonly bridgeId: string
  readonly mqtt: {
    readonly url: string
    readonly username: string
    readonly password: string
    readonly keepaliveSeconds: number
    readonly connectTimeoutMs: number
  }
  readonly stateDir: string
  readonly logLevel: string
  readonly secrets: Readonly<Record<string, string>>
  readonly supervisor: z.infer<typeof SupervisorConfig>
  readonly devices: readonly DeviceSettings[]
}

export interface ConfigIssue {
  readonly path: string
  readonly message: string
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly issues: readonly ConfigIssue[]
  constructor(source: string, issues: readonly ConfigIssue[]) {
    super(
      `${source}: ${issues.length === 1 ? '1 problem' : `${issues.length} problems`}\n${issues
        .map((i) => `  - ${i.path === '' ? '(file)' : i.path}: ${i.message}`)
        .join('\n')}`,
    )
    this.issues = issues
  }
}

/** `devices[0].link.path` from zod's `['devices', 0, 'link', 'path']`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = ''
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? String(segment) : `.${String(segment)}`
  }
  return out
}

const issuesOf = (error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigIssue[] =>
  error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }))

export interface ParseConfigDeps {
  /** The driver kinds this build knows (`devices/index.ts`). */
  readonly factories: readonly DriverFactory[]
  /** Reads a secret or password file (default: the file system). */
  readonly readFile?: (file: string) => string
}

const readFileText = (file: string): string => readFileSync(file, 'utf8')

/**
 * Parses a configuration object: every problem at once, or a `BridgeConfig` with secrets read
 * and driver options parsed. Throws `ConfigError`.
 */
export function parseBridgeConfig(
  raw: unknown,
  deps: ParseConfigDeps & { readonly source?: string },
): BridgeConfig {
  const source = deps.source ?? 'bridge configuration'
  const readFile = deps.readFile ?? readFileText
  const parsed = BridgeConfigFile.safeParse(raw)
  const issues: ConfigIssue[] = parsed.success ? [] : issuesOf(parsed.error)
  // Driver options are checked even when other parts failed, so one run shows everything.
  const rawDevices = Array.isArray((raw as { devices?: unknown } | null)?.devices)
    ? (raw as { devices: unknown[] }).devices
    : []
  const byKind = new Map(deps.factories.map((f) => [f.kind as string, f]))
  const known = [...byKind.keys()].join(', ') || '(none built in)'
  const devices: DeviceSettings[] = []
  rawDevices.forEach((device, index) => {
    if (typeof device !== 'object' || device === null) return
    const { kind, options } = device as { kind?: unknown; options?: unknown }
    if (typeof kind !== 'string') return
    const factory = byKind.get(kind)
    if (!factory) {
      issues.push({
        path: `devices[${index}].kind`,
        message: `unknown device kind "${kind}"; known: ${known}`,
      })
      return
    }
    const result = factory.optionsSchema.safeParse(options ?? {})
    if (!result.success) {
      issues.push(...issuesOf(result.error, ['devices', index, 'options']))
      return
    }
    const settings = parsed.success ? parsed.data.devices[index] : undefined
    if (settings)
      devices.push({
        id: settings.id,
        kind,
        required: settings.required,
        link: settings.link,
        options: result.data,
        factory,
      })
  })
  const readSecret = (file: string, at: string): string => {
    try {
      const text = readFile(file).replace(/\r?\n$/, '')
      if (text.length === 0) issues.push({ path: at, message: `${file} is empty` })
      return text
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error)
      issues.push({ path: at, message: `cannot read ${file} (${code})` })
      return ''
    }
  }
  if (!parsed.success || issues.length > 0) {
    // Still try the secret files, so a missing one is reported in the same run.
    if (parsed.success) resolveSecrets(parsed.data, readSecret)
    throw new ConfigError(source, issues)
  }
  const { password, secrets } = resolveSecrets(parsed.data, readSecret)
  if (issues.length > 0) throw new ConfigError(source, issues)
  const file = parsed.data
  return {
    branchId: file.branchId,
    bridgeId: file.mqtt.username,
    mqtt: {
      url: file.mqtt.url,
      username: file.mqtt.username,
      password,
      keepaliveSeconds: file.mqtt.keepaliveSeconds,
      connectTimeoutMs: file.mqtt.connectTimeoutMs,
    },
    stateDir: file.stateDir,
    logLevel: file.logLevel,
    secrets,
    supervisor: file.supervisor,
    devices,
  }
}

function resolveSecrets(
  file: BridgeConfigFile,
  readSecret: (file: string, at: string) => string,
): { password: string; secrets: Record<string, string> } {
  const password =
    file.mqtt.password ??
    (file.mqtt.passwordFile === undefined
      ? ''
      : readSecret(file.mqtt.passwordFile, 'mqtt.passwordFile'))
  const secrets: Record<string, string> = {}
  for (const [name, value] of Object.entries(file.secrets))
    secrets[name] =
      typeof value === 'string' ? value : readSecret(value.file, `secrets.${name}.file`)
  return { password, secrets }
}

/** The configuration file named by `--config <file>`, `--config=<file>` or `KQMS_BRIDGE_CONFIG`. */
export function configPathFrom(argv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg === '--config') return argv[i + 1] ?? null
    if (arg.startsWith('--config=')) return arg.slice('--config='.length)
  }
  const fromEnv = env['KQMS_BRIDGE_CONFIG']
  return fromEnv === undefined || fromEnv === '' ? null : fromEnv
}

/** Reads and parses the configuration file named on the command line or in the environment. */
export function loadConfig(
  deps: ParseConfigDeps & { argv?: readonly string[]; env?: NodeJS.ProcessEnv },
): BridgeConfig {
  const file = configPathFrom(deps.argv ?? process.argv.slice(2), deps.env ?? process.env)
  if (file === null)
    throw new ConfigError('kqms-bridge', [
      { path: '', message: 'no configuration: pass --config <file> or set KQMS_BRIDGE_CONFIG' },
    ])
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error)
    throw new ConfigError(file, [{ path: '', message: `cannot read the file (${code})` }])
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(file, [
      {
        path: '',
        message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    ])
  }
  return parseBridgeConfig(json, { ...deps, source: file })
}
