/**
 * `pnpm start`: the whole KQMS system as far as it is built, on embedded defaults, in one process
 * tree (ARCHITECTURE.md §7):
 * - the cloud (PGlite under `.data/cloud/`, demo branches, users and appointments) on :8787 with
 *   its console at /console/;
 * - the demo branch appliance (SQLite under `.data/edge/`) on :8080 with MQTT on :1883, serving
 *   the web apps it builds first (`edge/ui`, about a second);
 * - simulated hardware behind socat PTY pairs (printer, card reader, LED display, call buttons)
 *   and the firmware bridge `bridge-1` driving it: printed tickets appear under `.data/printed/`.
 * Prints the URLs and demo logins; Ctrl-C stops every process cleanly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { DEMO_ADMIN_TOTP_SECRET } from '../cloud/src/demo.js'
import { demoAdminTotpCode } from '../cloud/src/demo-totp.js'
import { DEMO_DEVICES, demoDeviceSecret } from '../edge/src/demo-devices.js'
import { openAroundTheClock } from '../edge/test/edge-process.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const DATA_DIR = process.env['KQMS_DATA_DIR'] ?? `${REPO}.data`
const BRANCH_ID = process.env['EDGE_BRANCH_ID'] ?? 'almaty-demo'

// The appliance and the cloud serve built web apps: build them before they start
// (KQMS_SKIP_UI_BUILD=1 serves what is already built, as the smoke test does).
const builds =
  process.env['KQMS_SKIP_UI_BUILD'] === '1'
    ? []
    : ([
        ['web apps (edge/ui)', 'edge/ui/vite.config.ts'],
        ['cloud console (cloud/console)', 'cloud/console/vite.config.ts'],
      ] as const)
for (const [name, config] of builds) {
  const started = performance.now()
  process.stdout.write(`building the ${name}…\n`)
  await build({ configFile: `${REPO}${config}`, logLevel: 'warn' })
  process.stdout.write(`${name} built in ${Math.round(performance.now() - started)} ms\n`)
}

const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0

interface Part {
  readonly name: string
  readonly args: readonly string[]
  readonly env?: Record<string, string>
  /** Called with every stdout line (after it is printed). */
  readonly onLine?: (line: string, entry: Record<string, unknown> | null) => void
}

const children: ChildProcess[] = []
const urls: { cloud?: string; edge?: string; mqttPort?: number; control?: string } = {}
let stopping = false

function run(part: Part): void {
  // Node itself with tsx's loader (not the tsx CLI, which forks), so signals reach the process.
  const child = spawn(process.execPath, ['--import', 'tsx', ...part.args], {
    cwd: REPO,
    env: { ...process.env, KQMS_DATA_DIR: DATA_DIR, ...part.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  createInterface({ input: child.stdout }).on('line', (line) => {
    const entry = parseJson(line)
    if (entry === null) process.stdout.write(`[${part.name}] ${line}\n`)
    else {
      const { level, time, msg, service: _s, pid: _p, hostname: _h, ...rest } = entry
      const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''
      const at =
        typeof time === 'string'
          ? time
          : typeof time === 'number'
            ? new Date(time).toISOString()
            : ''
      process.stdout.write(
        `[${part.name}] ${at} ${levelName(level)} ${typeof msg === 'string' ? msg : ''}${fields}\n`,
      )
    }
    part.onLine?.(line, entry)
  })
  child.on('exit', (code, signal) => {
    process.stdout.write(`[${part.name}] exited (${signal ?? code})\n`)
    if (!stopping) stop(code ?? 1)
  })
}

function parseJson(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null
  try {
    return JSON.parse(line) as Record<string, unknown>
  } catch {
    return null
  }
}

run({
  name: 'cloud',
  args: ['cloud/src/main.ts'],
  env: { CLOUD_DEMO: 'true' },
  onLine: (line) => {
    const match = /^cloud listening on (\S+)/.exec(line)
    if (match?.[1] === undefined) return
    urls.cloud = match[1]
    startEdge(match[1]).catch((error: unknown) => {
      process.stdout.write(`[start] could not start the appliance: ${String(error)}\n`)
      stop(1)
    })
  },
})

/**
 * The appliance verifies appointment QR codes offline with the cloud's public keys. Until sync
 * ships them, the launcher hands them over as a file (EDGE_APPOINTMENT_KEYS_FILE): a booking made
 * in the demo cloud checks in at the demo kiosk.
 */
async function startEdge(cloudUrl: string): Promise<void> {
  const response = await fetch(`${cloudUrl}/api/v1/appointments/keys`)
  if (!response.ok) throw new Error(`GET /api/v1/appointments/keys answered ${response.status}`)
  const keysFile = path.join(DATA_DIR, 'demo', 'appointment-keys.json')
  mkdirSync(path.dirname(keysFile), { recursive: true })
  writeFileSync(keysFile, await response.text())
  runEdge(keysFile)
}

const runEdge = (keysFile: string) =>
  run({
    name: 'edge',
    args: ['edge/src/main.ts'],
    env: { EDGE_DEMO: 'true', EDGE_APPOINTMENT_KEYS_FILE: keysFile },
    onLine: (_line, entry) => {
      if (entry?.['msg'] !== 'http listening' || typeof entry['url'] !== 'string') return
      const edgeUrl = entry['url'].replace('0.0.0.0', 'localhost')
      urls.edge = edgeUrl
      // A demo is tried at any hour: open the demo branch around the clock (KQMS_DEMO_REAL_HOURS=1 keeps
      // its real hours, Mon–Fri 09–19, Sat 10–17 in Asia/Almaty).
      if (process.env['KQMS_DEMO_REAL_HOURS'] !== '1')
        openAroundTheClock(edgeUrl).catch((error: unknown) =>
          process.stdout.write(`[start] could not open the demo branch: ${String(error)}\n`),
        )
      if (typeof entry['mqttPort'] === 'number') urls.mqttPort = entry['mqttPort']
      if (hasSocat) startDevices()
      else {
        process.stdout.write(
          '\n*** socat is not installed: no simulated printer or bridge (apt-get install socat) ***\n',
        )
        maybeBanner()
      }
    },
  })

function startDevices(): void {
  run({
    name: 'devices',
    args: ['scripts/demo-devices.ts'],
    env: { EDGE_BRANCH_ID: BRANCH_ID, EDGE_MQTT_PORT: String(urls.mqttPort ?? 1883) },
    onLine: (line) => {
      const control = /^control: (\S+)/.exec(line)
      if (control?.[1] !== undefined) urls.control = control[1]
      const ready = /^devices ready: (.+)$/.exec(line)
      if (ready?.[1] === undefined) return
      run({ name: 'bridge', args: ['firmware-bridge/src/main.ts', '--config', ready[1]] })
      maybeBanner()
    },
  })
}

let bannerShown = false
function maybeBanner(): void {
  if (bannerShown || urls.cloud === undefined || urls.edge === undefined) return
  if (hasSocat && urls.control === undefined) return
  bannerShown = true
  banner(urls.edge, urls.cloud)
}

function banner(url: string, cloud: string): void {
  const device = (id: string) => `device=${id}&secret=${demoDeviceSecret(BRANCH_ID, id)}`
  const devices = DEMO_DEVICES.map(
    (d) => `                ${d.id.padEnd(20)} ${demoDeviceSecret(BRANCH_ID, d.id)}`,
  )
  const control = urls.control ?? '(no socat: no simulated hardware)'
  const lines = [
    '',
    'KQMS is running: cloud + demo branch appliance (Almaty, Asia/Almaty) + firmware bridge',
    process.env['KQMS_DEMO_REAL_HOURS'] === '1'
      ? '(the demo branch keeps its real opening hours)'
      : '(the demo branch is open around the clock; KQMS_DEMO_REAL_HOURS=1 keeps its real hours)',
    '',
    '  cloud',
    `  console       ${cloud}/console/`,
    `                admin@kqms.demo / admin-demo-2026, second factor TOTP secret ${DEMO_ADMIN_TOTP_SECRET}`,
    `                (code now: ${demoAdminTotpCode(Date.now())}; \`pnpm demo:totp\` prints the current one)`,
    '                manager@kqms.demo / manager-demo-2026, analyst@kqms.demo / analyst-demo-2026',
    `  API docs      ${cloud}/api/docs`,
    `  branches      ${cloud}/api/v1/branches?city=Almaty`,
    '',
    '  branch appliance',
    `  API docs      ${url}/api/docs`,
    `  queues        ${url}/api/v1/queues`,
    `  health        ${url}/health        metrics ${url}/metrics`,
    '  demo logins   admin / admin-demo-2026, manager / manager-demo-2026,',
    '                operators aigerim 1111, yerlan 1222, dana 1333, marat 1444, saule 1555, nurlan 1666 (PIN)',
    `  MQTT          ${url.replace('http://', 'ws://')}/mqtt (browser apps), mqtt://localhost:${urls.mqttPort ?? 1883} (firmware bridges)`,
    '  demo devices  username = client id = device id, password = secret (demo only):',
    ...devices,
    '',
    '  web apps (demo devices are provisioned by their link; PINs and passwords above)',
    `  kiosk           ${url}/kiosk/?${device('kiosk-1')}`,
    `  hall display    ${url}/display/?lang=kk&${device('hall-1')}`,
    `  counter display ${url}/counter/?${device('counter-display-c1')}&counter=c1&lang=kk`,
    `  operator        ${url}/operator/   (aigerim / 1111)`,
    `  manager         ${url}/manager/    (manager / manager-demo-2026)`,
    `  status page     ${url}/status/<ticketId>   (the QR code on every ticket)`,
    '',
    '  simulated hardware (firmware bridge bridge-1 over socat PTYs)',
    `  printed tickets ${DATA_DIR}/printed/ticket-NNNN.png (take a ticket at the kiosk)`,
    `  control         ${control}`,
    `                  curl -X POST ${control}/printer/paper/out   (then /printer/paper/ok)`,
    `                  curl -X POST ${control}/card/swipe          (a test card at kiosk-1)`,
    `                  curl -X POST ${control}/buttons/next        (counter 2's call button)`,
    '',
    `  take a ticket curl -X POST ${url}/api/v1/register -H 'content-type: application/json' -d '{"serviceId":"cash","language":"kk"}'`,
    `  data          ${DATA_DIR} (KQMS_DATA_DIR)      stop with Ctrl-C`,
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

function levelName(level: unknown): string {
  const names: Record<number, string> = {
    10: 'TRACE',
    20: 'DEBUG',
    30: 'INFO',
    40: 'WARN',
    50: 'ERROR',
    60: 'FATAL',
  }
  return typeof level === 'number' ? (names[level] ?? String(level)) : String(level)
}

function stop(exitCode: number): void {
  if (stopping) return
  stopping = true
  // The bridge first (it says goodbye over MQTT), the appliance and the cloud last.
  for (const child of [...children].reverse()) if (child.exitCode === null) child.kill('SIGTERM')
  process.exitCode = exitCode
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
