import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startBridgeProcess } from './bridge-process.js'

/** The process contract systemd relies on (systemd/kqms-bridge.service): exit codes. */

const dir = mkdtempSync(path.join(tmpdir(), 'kqms-bridge-main-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('kqms-bridge process', () => {
  it('exits 78 with every configuration problem on stderr (systemd does not restart it)', async () => {
    const file = path.join(dir, 'bad.json')
    writeFileSync(
      file,
      JSON.stringify({
        branchId: 'almaty-demo',
        mqtt: { url: 'mqtt://127.0.0.1:1', username: 'bridge-1', password: 'super-secret-value' },
        stateDir: path.join(dir, 'state'),
        devices: [
          { id: 'printer-1', kind: 'printer', link: { type: 'serial', path: '/dev/ttyUSB0' } },
        ],
      }),
    )
    const bridge = startBridgeProcess({ configFile: file })
    let stderr = ''
    bridge.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    expect(await bridge.exited).toBe(78)
    expect(stderr).toMatch(/devices\[0\]\.link\.path: \/dev\/ttyUSB0 is numbered by plug order/)
    expect(stderr).not.toContain('super-secret-value')
  }, 30_000)

  it('exits 2 when a required device keeps failing (systemd restarts it), logging no secret', async () => {
    const file = path.join(dir, 'required.json')
    writeFileSync(
      file,
      JSON.stringify({
        branchId: 'almaty-demo',
        mqtt: { url: 'mqtt://127.0.0.1:1', username: 'bridge-1', password: 'super-secret-value' },
        stateDir: path.join(dir, 'state'),
        supervisor: { maxFailures: 3, failureWindowMinutes: 1 },
        devices: [
          {
            id: 'printer-1',
            kind: 'printer',
            required: true,
            link: { type: 'serial', path: path.join(dir, 'no-such-tty') },
          },
        ],
      }),
    )
    const bridge = startBridgeProcess({ configFile: file })
    expect(await bridge.exited).toBe(2)
    const failures = bridge.logs.filter((l) => l['msg'] === 'device did not open')
    expect(failures).toHaveLength(3)
    expect(JSON.stringify(bridge.logs)).not.toContain('super-secret-value')
    expect(bridge.logs.some((l) => String(l['msg']).includes('failed 3 times in a row'))).toBe(true)
  }, 30_000)
})
