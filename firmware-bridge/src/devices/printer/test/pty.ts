import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A socat PTY pair (design/devices.md §5): two linked pseudo-terminals opened with the real serial
 * binding. Missing socat skips loudly outside CI and fails under CI=true.
 */
export function ptyTestsCanRun(suite: string): boolean {
  if (spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0) return true
  if (process.env['CI'] === 'true')
    throw new Error(`${suite}: socat is required under CI=true (apt-get install socat)`)
  console.warn(`\n*** SKIPPING ${suite}: socat is not installed (apt-get install socat) ***\n`)
  return false
}

export interface PtyPair extends AsyncDisposable {
  /** The bridge end. */
  readonly hostPath: string
  /** The printer end. */
  readonly devicePath: string
  stop(): Promise<void>
}

export async function startPtyPair(): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'kqms-printer-pty-'))
  const hostPath = join(dir, 'host')
  const devicePath = join(dir, 'printer')
  const socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${hostPath}`, `pty,raw,echo=0,link=${devicePath}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = ''
      const timer = setTimeout(() => reject(new Error(`socat did not start: ${stderr}`)), 10_000)
      socat.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('starting data transfer loop')) {
          clearTimeout(timer)
          resolve()
        }
      })
      socat.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`socat exited with ${String(code)}: ${stderr}`))
      })
    })
  } catch (error) {
    socat.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  socat.stderr.resume()
  const stop = async () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
  return { hostPath, devicePath, stop, [Symbol.asyncDispose]: stop }
}
