import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runSerialPrinterSimulator } from '../src/simulators/escpos-printer/index.js'
import { eventually } from './appliance.js'
import { startBridgeProcess } from './bridge-process.js'
import { ptyTestsEnabled, startPtyPair } from './pty.js'

/**
 * Two real processes, as in a branch: the appliance (edge/src/main.ts, EDGE_DEMO=true, demo
 * devices `bridge-1` and `printer-1` attached to `kiosk-1`) and `kqms-bridge` driving printer-1
 * over a socat PTY with the printer simulator on the far end. A customer takes a ticket at the
 * kiosk API; the kiosk asks to print it; the simulator renders the PNG.
 */

const enabled = ptyTestsEnabled('firmware-bridge cross-process test')
const BRANCH = 'almaty-demo'
const demoSecret = (deviceId: string) =>
  createHash('sha256').update(`kqms-demo:${BRANCH}:${deviceId}`, 'utf8').digest('base64url')

interface EdgeProcessLike extends AsyncDisposable {
  readonly url: string
  readonly logs: Record<string, unknown>[]
}
interface EdgeProcessModule {
  startEdgeProcess(options: {
    dataDir: string
    env?: Record<string, string>
  }): Promise<EdgeProcessLike>
  openAroundTheClock(url: string): Promise<void>
}
const EDGE_PROCESS = new URL('../../edge/test/edge-process.ts', import.meta.url).href

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

describe.runIf(enabled)('kqms-bridge with the appliance process', () => {
  it('prints a ticket taken at the kiosk on printer-1: the simulator renders the PNG', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kqms-two-processes-'))
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })))
    const { startEdgeProcess, openAroundTheClock } = (await import(
      /* @vite-ignore */ EDGE_PROCESS
    )) as EdgeProcessModule
    const edge = await startEdgeProcess({
      dataDir: path.join(dir, 'edge'),
      env: { EDGE_DEMO: 'true', EDGE_BRANCH_ID: BRANCH },
    })
    cleanups.push(async () => {
      await edge[Symbol.asyncDispose]()
    })
    await openAroundTheClock(edge.url)
    const mqttPort = edge.logs.find((l) => l['msg'] === 'mqtt listening')?.['port']
    expect(typeof mqttPort).toBe('number')

    const pty = await startPtyPair()
    cleanups.push(() => pty.stop())
    const outDir = path.join(dir, 'tickets')
    const printer = await runSerialPrinterSimulator({ path: pty.deviceEnd, outDir })
    cleanups.push(() => printer.stop())
    const configFile = path.join(dir, 'bridge.json')
    writeFileSync(
      configFile,
      JSON.stringify({
        branchId: BRANCH,
        mqtt: {
          url: `mqtt://127.0.0.1:${String(mqttPort)}`,
          username: 'bridge-1',
          password: demoSecret('bridge-1'),
        },
        stateDir: path.join(dir, 'bridge-state'),
        devices: [
          {
            id: 'printer-1',
            kind: 'printer',
            link: { type: 'serial', path: pty.bridgeEnd, baudRate: 115200 },
            options: { profile: 'epson-tm-t20' },
          },
        ],
      }),
    )
    const bridge = startBridgeProcess({ configFile })
    cleanups.push(() => bridge.kill().then(() => undefined))
    await eventually(
      () =>
        bridge.logs.some((l) => l['msg'] === 'device online') &&
        bridge.logs.some((l) => l['msg'] === 'mqtt connected'),
      {
        timeoutMs: 20_000,
        what: 'bridge connected with printer-1 online',
      },
    )

    const queues = (await (await fetch(`${edge.url}/api/v1/queues`)).json()) as
      { services?: { id: string }[] } | { id: string }[]
    const services = Array.isArray(queues) ? queues : (queues.services ?? [])
    const serviceId = services[0]?.id ?? 'cash'
    const issued = await fetch(`${edge.url}/api/v1/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'two-processes-0001' },
      body: JSON.stringify({ serviceId, language: 'kk' }),
    })
    expect(issued.status).toBe(201)
    const ticket = (await issued.json()) as { id: string; number: string }
    const kiosk = `Basic ${Buffer.from(`kiosk-1:${demoSecret('kiosk-1')}`).toString('base64')}`
    // The printer's birth may still be on its way to the appliance: the kiosk retries like a person would.
    let answer: { state: string; code?: string } = { state: 'unavailable' }
    for (let attempt = 0; attempt < 10 && answer.state !== 'printed'; attempt++) {
      const response = await fetch(`${edge.url}/api/v1/tickets/${ticket.id}/print`, {
        method: 'POST',
        headers: { authorization: kiosk, 'content-type': 'application/json' },
        body: '{}',
      })
      expect(response.status).toBe(200)
      answer = (await response.json()) as { state: string; code?: string }
      if (answer.state !== 'printed') await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(answer).toMatchObject({ state: 'printed' })
    const tickets = await printer.waitForTickets(1, 15_000)
    expect(tickets).toHaveLength(1)
    const png = printer.pngFiles[0] ?? ''
    expect(existsSync(png)).toBe(true)
    expect(readFileSync(png).subarray(0, 4).toString('hex')).toBe('89504e47')
    const texts = tickets[0]?.items.flatMap((i) => (i.kind === 'text' ? [i.text] : [])) ?? []
    const rasters = tickets[0]?.items.filter((i) => i.kind === 'raster') ?? []
    // The number is printed large (raster) or as text.
    expect(texts.some((t) => t.includes(ticket.number)) || rasters.length > 0).toBe(true)
    // Graceful stop: exit 0 after SIGTERM.
    expect(await bridge.kill('SIGTERM')).toBe(0)
  }, 90_000)
})
