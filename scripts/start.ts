/**
 * `pnpm start`: the whole KQMS system as far as it is built, on embedded defaults, in one process
 * tree. Today that is the branch appliance (SQLite under `.data/`, demo branch seeded) on :8080,
 * serving the web apps it builds first (`edge/ui`, about a second).
 * Prints the URLs and demo logins; Ctrl-C stops every process cleanly.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { DEMO_DEVICES, demoDeviceSecret } from '../edge/src/demo-devices.js'

const REPO = fileURLToPath(new URL('..', import.meta.url))

// The appliance serves the built web apps: build them before it starts.
{
  const started = performance.now()
  process.stdout.write('building the web apps (edge/ui)…\n')
  await build({ configFile: `${REPO}edge/ui/vite.config.ts`, logLevel: 'warn' })
  process.stdout.write(`web apps built in ${Math.round(performance.now() - started)} ms\n`)
}

interface Part {
  name: string
  entry: string
  env: Record<string, string>
}

const parts: Part[] = [
  {
    name: 'edge',
    entry: 'edge/src/main.ts',
    env: { KQMS_DATA_DIR: process.env['KQMS_DATA_DIR'] ?? `${REPO}.data`, EDGE_DEMO: 'true' },
  },
]

function banner(url: string, mqttPort: unknown): void {
  const branchId = process.env['EDGE_BRANCH_ID'] ?? 'almaty-demo'
  const device = (id: string) => `device=${id}&secret=${demoDeviceSecret(branchId, id)}`
  const devices = DEMO_DEVICES.map(
    (d) => `                ${d.id.padEnd(20)} ${demoDeviceSecret(branchId, d.id)}`,
  )
  const lines = [
    '',
    'KQMS is running: demo branch appliance (Almaty, Asia/Almaty)',
    `  API docs      ${url}/api/docs`,
    `  OpenAPI       ${url}/api/openapi.json`,
    `  queues        ${url}/api/v1/queues`,
    `  health        ${url}/health`,
    `  metrics       ${url}/metrics`,
    '  demo logins   admin / admin-demo-2026, manager / manager-demo-2026,',
    '                operators aigerim 1111, yerlan 1222, dana 1333, marat 1444, saule 1555, nurlan 1666 (PIN)',
    `  MQTT          ${url.replace('http://', 'ws://')}/mqtt (browser apps), mqtt://localhost:${String(mqttPort)} (firmware bridges)`,
    '                staff apps: username staff-<userId>, password = session token',
    '  demo devices  username = client id = device id, password = secret (demo only):',
    ...devices,
    '',
    '  web apps (demo devices are provisioned by their link; PINs and passwords above)',
    `  kiosk           ${url}/kiosk/?${device('kiosk-1')}`,
    `                  out of paper: ${url}/kiosk/?printer=out`,
    `  hall display    ${url}/display/?lang=kk&${device('hall-1')}`,
    `  counter display ${url}/counter/?${device('counter-display-c1')}&counter=c1&lang=kk`,
    `  operator        ${url}/operator/   (aigerim / 1111)`,
    `  manager         ${url}/manager/    (manager / manager-demo-2026)`,
    `  status page     ${url}/status/<ticketId>   (the QR code on every ticket)`,
    '',
    `  take a ticket curl -X POST ${url}/api/v1/register -H 'content-type: application/json' -d '{"serviceId":"cash","language":"kk"}'`,
    '  data          .data/ (KQMS_DATA_DIR)      stop with Ctrl-C',
    '',
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

const children = parts.map((part) => {
  // Node itself with tsx's loader (not the tsx CLI, which forks), so signals reach the process.
  const child = spawn(process.execPath, ['--import', 'tsx', part.entry], {
    cwd: REPO,
    env: { ...process.env, ...part.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>
      const { level, time, msg, service: _service, pid: _pid, hostname: _host, ...rest } = entry
      const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''
      process.stdout.write(
        `[${part.name}] ${typeof time === 'string' ? time : ''} ${levelName(level)} ${typeof msg === 'string' ? msg : ''}${fields}\n`,
      )
      if (msg === 'http listening' && typeof rest['url'] === 'string')
        banner(rest['url'].replace('0.0.0.0', 'localhost'), rest['mqttPort'])
    } catch {
      process.stdout.write(`[${part.name}] ${line}\n`)
    }
  })
  child.on('exit', (code, signal) => {
    process.stdout.write(`[${part.name}] exited (${signal ?? code})\n`)
    if (!stopping) stop(code ?? 1)
  })
  return child
})

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

let stopping = false
function stop(exitCode: number): void {
  if (stopping) return
  stopping = true
  for (const child of [...children].reverse()) if (child.exitCode === null) child.kill('SIGTERM')
  process.exitCode = exitCode
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
