import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/**
 * socat PTY pairs: tests and the demo (`pnpm start`) put device simulators behind real serial
 * ports, opened with the real serial binding (design/devices.md §5, §8.6): the bridge
 * opens `bridgeEnd`, a simulator opens `deviceEnd`. Killing socat is an unplug (the bridge's port
 * closes with `disconnected`); `plug()` makes a new pair at the same paths (a replug).
 */

export function hasSocat(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0
}

export interface PtyPair extends AsyncDisposable {
  readonly bridgeEnd: string
  readonly deviceEnd: string
  readonly plugged: boolean
  /** Kills socat (SIGKILL): both ends vanish, as when a USB adapter is pulled. */
  unplug(): Promise<void>
  /** A new socat at the same paths. */
  plug(): Promise<void>
  stop(): Promise<void>
}

async function startSocat(bridgeEnd: string, deviceEnd: string): Promise<ChildProcess> {
  const socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${bridgeEnd}`, `pty,raw,echo=0,link=${deviceEnd}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let stderr = ''
    const timer = setTimeout(() => {
      socat.kill('SIGKILL')
      reject(new Error(`socat did not start: ${stderr}`))
    }, 10_000)
    socat.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.includes('starting data transfer loop')) {
        clearTimeout(timer)
        socat.stderr?.resume()
        resolve()
      }
    })
    socat.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`socat exited with ${String(code)}: ${stderr}`))
    })
  })
  return socat
}

export interface PtyPairOptions {
  /** Folder for the two links (kept on stop); default: a new temp folder (removed on stop). */
  readonly dir?: string
  /** Link names, default `ttyBridge` / `ttyDevice`. */
  readonly names?: readonly [bridge: string, device: string]
}

export async function startPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const ownDir = options.dir === undefined
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'kqms-pty-'))
  const bridgeEnd = path.join(dir, options.names?.[0] ?? 'ttyBridge')
  const deviceEnd = path.join(dir, options.names?.[1] ?? 'ttyDevice')
  let socat: ChildProcess | null = await startSocat(bridgeEnd, deviceEnd)
  const unplug = async () => {
    const current = socat
    socat = null
    if (current?.exitCode !== null || current.signalCode !== null) return
    const exited = new Promise<void>((resolve) => current.once('exit', () => resolve()))
    current.kill('SIGKILL')
    await exited
  }
  const stop = async () => {
    await unplug()
    if (ownDir) rmSync(dir, { recursive: true, force: true })
  }
  return {
    bridgeEnd,
    deviceEnd,
    get plugged() {
      return socat !== null
    },
    unplug,
    async plug() {
      if (socat !== null) return
      socat = await startSocat(bridgeEnd, deviceEnd)
    },
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
