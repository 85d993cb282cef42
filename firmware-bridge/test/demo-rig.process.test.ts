import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoRig, type DemoRig } from '../src/simulators/demo-rig.js'
import { eventually } from './appliance.js'
import { startBridgeProcess, type BridgeProcess } from './bridge-process.js'
import { ptyTestsEnabled } from './pty.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'

/**
 * The branch as `pnpm start` runs it, three real processes: the appliance (edge/src/main.ts with
 * the demo devices), `kqms-bridge` driving the demo rig (printer, card reader, LED display and
 * call buttons behind socat PTY pairs with simulators on the far ends), and kiosk-1 as an MQTT.js
 * client. Everything the bridge and the broker say to each other crosses a recording TCP proxy.
 */

const enabled = ptyTestsEnabled('firmware-bridge demo rig test')
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
    keepLogs?: boolean
    env?: Record<string, string>
  }): Promise<EdgeProcessLike>
  openAroundTheClock(url: string): Promise<void>
}
const EDGE_PROCESS = new URL('../../edge/test/edge-process.ts', import.meta.url).href

interface Seen {
  readonly topic: string
  readonly payload: string
}

let dir = ''
let edge: EdgeProcessLike
let proxy: TcpProxy
let rig: DemoRig
let bridge: BridgeProcess
let kiosk: MqttClient
const kioskSeen: Seen[] = []

beforeAll(async () => {
  if (!enabled) return
  dir = mkdtempSync(path.join(tmpdir(), 'kqms-demo-rig-'))
  const { startEdgeProcess, openAroundTheClock } = (await import(
    /* @vite-ignore */ EDGE_PROCESS
  )) as EdgeProcessModule
  edge = await startEdgeProcess({
    dataDir: path.join(dir, 'edge'),
    keepLogs: true,
    env: { EDGE_DEMO: 'true', EDGE_BRANCH_ID: BRANCH },
  })
  await openAroundTheClock(edge.url)
  const mqttPort = edge.logs.find((l) => l['msg'] === 'mqtt listening')?.['port']
  if (typeof mqttPort !== 'number') throw new Error('the appliance logged no MQTT port')
  proxy = await startTcpProxy({ host: '127.0.0.1', port: mqttPort }, { record: true })
  rig = await startDemoRig({
    dir: path.join(dir, 'rig'),
    printedDir: path.join(dir, 'printed'),
    branchId: BRANCH,
    mqttUrl: `mqtt://127.0.0.1:${proxy.port}`,
    bridgePassword: demoSecret('bridge-1'),
    cardTokenKey: randomBytes(32).toString('hex'),
  })
  bridge = startBridgeProcess({ configFile: rig.bridgeConfigPath })
  kiosk = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
    clientId: 'kiosk-1',
    username: 'kiosk-1',
    password: demoSecret('kiosk-1'),
    reconnectPeriod: 0,
  })
  kiosk.on('message', (topic, payload) => kioskSeen.push({ topic, payload: payload.toString() }))
  await kiosk.subscribeAsync(
    [`kqms/v1/${BRANCH}/dev/kiosk-1/desired`, `kqms/v1/${BRANCH}/dev/kiosk-1/cmd/+`],
    { qos: 1 },
  )
  await eventually(() => kioskPrinter()?.state === 'ok', {
    timeoutMs: 30_000,
    what: 'kiosk-1 told that printer-1 is ready',
  })
}, 90_000)

afterAll(async () => {
  if (!enabled) return
  await kiosk?.endAsync().catch(() => undefined)
  await bridge?.kill('SIGTERM').catch(() => undefined)
  await rig?.stop().catch(() => undefined)
  await proxy?.stop().catch(() => undefined)
  await Promise.resolve(edge?.[Symbol.asyncDispose]()).catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

/** The printer as kiosk-1's retained desired state last described it. */
function kioskPrinter(): { state?: string; blockedBy?: string | null } | undefined {
  const last = kioskSeen.filter((m) => m.topic.endsWith('/dev/kiosk-1/desired')).at(-1)
  if (last === undefined) return undefined
  const desired = JSON.parse(last.payload) as { printer?: { state?: string } }
  return desired.printer
}

async function takeTicket(
  key: string,
  serviceId = 'cash',
): Promise<{ id: string; number: string }> {
  const issued = await fetch(`${edge.url}/api/v1/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ serviceId, language: 'kk' }),
  })
  expect(issued.status).toBe(201)
  return (await issued.json()) as { id: string; number: string }
}

async function print(ticketId: string): Promise<{ state: string; code?: string }> {
  const response = await fetch(`${edge.url}/api/v1/tickets/${ticketId}/print`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`kiosk-1:${demoSecret('kiosk-1')}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: '{}',
  })
  expect(response.status).toBe(200)
  return (await response.json()) as { state: string; code?: string }
}

describe.runIf(enabled)('the demo branch: appliance, kqms-bridge and simulated hardware', () => {
  it('falls back when the printer runs out of paper, and prints again once it is refilled', async () => {
    const first = await takeTicket('demo-rig-paper-0001')
    expect(await print(first.id)).toMatchObject({ state: 'printed' })
    await rig.printer.waitForTickets(1, 15_000)

    rig.printer.simulator.setPaper('out') // the paper sensor trips
    await eventually(() => kioskPrinter()?.state === 'out', {
      timeoutMs: 15_000,
      what: 'kiosk-1 told that printer-1 is out of paper',
    })
    const second = await takeTicket('demo-rig-paper-0002')
    expect(await print(second.id)).toMatchObject({
      state: 'unavailable',
      code: 'PRINTER_PAPER_OUT',
    })
    expect(rig.printer.simulator.tickets).toHaveLength(1)

    rig.printer.simulator.setPaper('ok') // a new roll
    await eventually(() => kioskPrinter()?.state === 'ok', {
      timeoutMs: 15_000,
      what: 'kiosk-1 told that printer-1 is ready again',
    })
    expect(await print(second.id)).toMatchObject({ state: 'printed' })
    const tickets = await rig.printer.waitForTickets(2, 15_000)
    expect(tickets).toHaveLength(2)
    // A repeated request for a printed ticket prints nothing more.
    expect(await print(second.id)).toMatchObject({ state: 'printed' })
    expect(rig.printer.simulator.tickets).toHaveLength(2)
  }, 60_000)

  it('swipes test cards: kiosk-1 sees the masked number; no card number in any MQTT byte or log line', async () => {
    const cards = ['4111111111111111', '5500005555555559']
    for (const pan of cards) await rig.cardReader.reader.swipe(pan)
    await eventually(
      () => kioskSeen.filter((m) => m.topic.endsWith('/cmd/card-read')).length >= cards.length,
      { timeoutMs: 15_000, what: 'both card reads relayed to kiosk-1' },
    )
    const relayed = kioskSeen
      .filter((m) => m.topic.endsWith('/cmd/card-read'))
      .map((m) => (JSON.parse(m.payload) as { args: { masked: string } }).args.masked)
    expect(relayed).toEqual(['411111******1111', '550000******5559'])

    const everywhere = [
      proxy.recorded().toString('latin1'), // every MQTT packet between the bridge and the broker
      ...kioskSeen.map((m) => m.payload),
      ...edge.logs.map((l) => JSON.stringify(l)),
      ...bridge.logs.map((l) => JSON.stringify(l)),
    ].join('\n')
    for (const pan of cards) {
      expect(everywhere).not.toContain(pan)
      // Nor the hidden middle digits with a neighbour either side (what masking removes).
      expect(everywhere).not.toContain(pan.slice(5, 13))
    }
    expect(everywhere).toContain('411111******1111')
  }, 60_000)
})
