/**
 * `pnpm start`: the whole KQMS system as far as it is built, on embedded defaults, in one process
 * tree. Today that is the branch appliance (SQLite under `.data/`, demo branch seeded) on :8080.
 * Prints the URLs and demo logins; Ctrl-C stops every process cleanly.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('..', import.meta.url))

interface Part {
  name: string
  entry: string
  env: Record<string, string>
}

const parts: Part[] = [
  {
    name: 'edge',
    entry: 'edge/src/main.ts',
    env: { KQMS_DATA_DIR: process.env['KQMS_DATA_DIR'] ?? `${REPO}.data` },
  },
]

function banner(url: string): void {
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
        banner(rest['url'].replace('0.0.0.0', 'localhost'))
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
