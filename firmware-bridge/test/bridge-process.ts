import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const REPO = fileURLToPath(new URL('../..', import.meta.url))

/**
 * `kqms-bridge` as a child process (Node with tsx's loader, as bin/kqms-bridge.js runs it), for
 * the chaos test and the cross-process test: kill it with -9, read its RSS, see its exit code.
 */
export interface BridgeProcess {
  readonly child: ChildProcess
  readonly pid: number
  readonly logs: Record<string, unknown>[]
  readonly exited: Promise<number | null>
  /** Resident set size in bytes (from /proc), or null once it is gone. */
  rss(): number | null
  kill(signal?: NodeJS.Signals): Promise<number | null>
}

export function startBridgeProcess(input: {
  configFile: string
  env?: Record<string, string>
}): BridgeProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'firmware-bridge/src/main.ts', '--config', input.configFile],
    { cwd: REPO, env: { ...process.env, ...input.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const logs: Record<string, unknown>[] = []
  let buffered = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString()
    let newline = buffered.indexOf('\n')
    while (newline >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      newline = buffered.indexOf('\n')
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        logs.push({ raw: line })
      }
    }
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000)
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return {
    child,
    pid: child.pid ?? -1,
    logs,
    exited,
    rss() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
        return kb === undefined ? null : Number(kb) * 1024
      } catch {
        return null
      }
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
