import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

export interface EdgeProcess {
  readonly url: string
  readonly child: ChildProcess
  /** Log lines seen so far (JSON objects). */
  readonly logs: Record<string, unknown>[]
  stop(signal?: NodeJS.Signals): Promise<number | null>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Runs the real appliance (`edge/src/main.ts`) as a child process on a free port and resolves
 * once it listens. Used by the crash test, the benchmarks and the demo launcher.
 */
export async function startEdgeProcess(options: {
  dataDir: string
  env?: Record<string, string>
  /** Extra Node flags, e.g. `--cpu-prof` for profiling. */
  nodeArgs?: string[]
  /** Keep collecting log lines after the appliance listens (default: drained unread). */
  keepLogs?: boolean
  timeoutMs?: number
}): Promise<EdgeProcess> {
  // Node itself with tsx's loader (not the tsx CLI, which forks): a signal reaches the appliance.
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', 'edge/src/main.ts'],
    {
      cwd: REPO,
      env: {
        ...process.env,
        KQMS_DATA_DIR: options.dataDir,
        EDGE_HTTP_PORT: '0',
        EDGE_MQTT_PORT: '0',
        EDGE_HTTP_HOST: '127.0.0.1',
        EDGE_LOG_LEVEL: 'info',
        EDGE_DEMO: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const logs: Record<string, unknown>[] = []
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`edge did not start in time\n${stderr}`)),
      options.timeoutMs ?? 30_000,
    )
    const lines = createInterface({ input: child.stdout })
    lines.on('line', (line) => {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      logs.push(entry)
      if (entry['msg'] === 'http listening' && typeof entry['url'] === 'string') {
        clearTimeout(timer)
        // From here on the output is drained unread, so logging costs the parent nothing.
        if (options.keepLogs !== true) {
          lines.close()
          child.stdout.resume()
        }
        resolve(entry['url'])
      }
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`edge exited with ${String(code)} before listening\n${stderr}`))
    })
  })
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    return exited
  }
  return { url, child, logs, stop, [Symbol.asyncDispose]: async () => void (await stop('SIGKILL')) }
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`)
  return body
}

/** Logs in with a demo account and returns the headers for authenticated JSON requests. */
export async function loginAs(
  url: string,
  login: string,
  password: string,
): Promise<Record<string, string>> {
  const session = await json(
    await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login, password }),
    }),
  )
  return { authorization: `Bearer ${String(session['token'])}`, 'content-type': 'application/json' }
}

/** Opens the demo branch around the clock, so tests and benchmarks run at any hour. */
export async function openAroundTheClock(url: string): Promise<void> {
  const auth = await loginAs(url, 'admin', 'admin-demo-2026')
  const current = await json(await fetch(`${url}/api/admin/branch`, { headers: auth }))
  const branch = 'branch' in current ? (current['branch'] as Record<string, unknown>) : current
  const allDay = [{ open: '00:00', close: '24:00' }]
  const openingHours = Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, allDay]),
  )
  await json(
    await fetch(`${url}/api/admin/branch`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ ...branch, openingHours }),
    }),
  )
}
