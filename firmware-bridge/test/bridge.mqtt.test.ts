import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startBridge, type BridgeApp } from '../src/app.js'
import { parseBridgeConfig } from '../src/config.js'
import { FakeLink } from '../src/links/fake.js'
import {
  eventually,
  observeDevices,
  startAppliance,
  wait,
  type Observed,
  type TestEdgeLike,
} from './appliance.js'
import { answerLines, lineDisplayDriver, linePrinterDriver } from './line-display-driver.js'
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js'

/**
 * The bridge against the REAL appliance broker (edge's `startEdge` in-process: aedes, the device
 * registry, the ACL compiled from it), over a TCP proxy the test can cut. What the core sees.
 */

const silent = pino({ level: process.env['BRIDGE_TEST_LOG'] ?? 'silent' })
const BRIDGE = 'bridge-t1'
const PRINTER = 'printer-t1'
const DISPLAY = 'led-t1'
const secret = (id: string) => `secret-of-${id}-`.padEnd(43, 'x')

interface World {
  edge: TestEdgeLike
  proxy: TcpProxy
  bridge: BridgeApp
  links: Map<string, FakeLink>
  devices: Map<string, ReturnType<typeof answerLines>>
  seen: Observed[]
  stateDir: string
  start(): BridgeApp
  topic(short: string): string
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function world(): Promise<World> {
  const edge = await startAppliance()
  cleanups.push(async () => {
    await edge[Symbol.asyncDispose]()
  })
  const registry = edge.edge.devices
  await registry.enrol({
    id: BRIDGE,
    kind: 'firmware-bridge',
    name: 'Test bridge',
    counterId: null,
    secret: secret(BRIDGE),
  })
  await registry.enrol({
    id: PRINTER,
    kind: 'printer',
    name: 'Test printer',
    counterId: null,
    bridgeId: BRIDGE,
    secret: secret(PRINTER),
  })
  await registry.enrol({
    id: DISPLAY,
    kind: 'counter-display',
    name: 'Test LED',
    counterId: 'c2',
    bridgeId: BRIDGE,
    secret: secret(DISPLAY),
  })
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: edge.edge.mqttTcpPort ?? 0 })
  cleanups.push(() => proxy.stop())
  const { seen, stop } = await observeDevices(edge)
  cleanups.push(stop)
  const stateDir = mkdtempSync(path.join(tmpdir(), 'kqms-bridge-state-'))
  cleanups.push(() => Promise.resolve(rmSync(stateDir, { recursive: true, force: true })))
  const links = new Map<string, FakeLink>()
  const devices = new Map<string, ReturnType<typeof answerLines>>()
  for (const id of [PRINTER, DISPLAY]) {
    const link = new FakeLink({ description: `fake ${id}` })
    links.set(id, link)
    devices.set(id, answerLines(link.far))
  }
  const config = parseBridgeConfig(
    {
      branchId: edge.branchId,
      mqtt: { url: `mqtt://127.0.0.1:${proxy.port}`, username: BRIDGE, password: secret(BRIDGE) },
      stateDir,
      devices: [
        { id: PRINTER, kind: 'printer', link: { type: 'fake' } },
        { id: DISPLAY, kind: 'counter-display', link: { type: 'fake' } },
      ],
    },
    { factories: [linePrinterDriver, lineDisplayDriver] },
  )
  const w: World = {
    edge,
    proxy,
    links,
    devices,
    seen,
    stateDir,
    bridge: undefined as unknown as BridgeApp,
    start() {
      const bridge = startBridge({
        config,
        log: silent,
        links: { fakeLinks: links },
        mqttBackoff: { baseMs: 100, capMs: 400 },
        supervisorOptions: { debounceMs: 300 },
        onFatal: () => undefined,
      })
      cleanups.push(() => bridge.stop())
      w.bridge = bridge
      return bridge
    },
    topic: (short) => `kqms/v1/${edge.branchId}/${short}`,
  }
  return w
}

const shorts = (seen: readonly Observed[], filter: (o: Observed) => boolean = () => true) =>
  seen.filter(filter).map((o) => o.short)

const envelope = (input: {
  id: string
  name: string
  args?: unknown
  ttlMs?: number
  ts?: number
}) => {
  const ts = input.ts ?? Date.now()
  return {
    id: input.id,
    name: input.name,
    ts,
    expiresAt: ts + (input.ttlMs ?? 60_000),
    args: input.args ?? {},
  }
}

describe('kqms-bridge against the appliance broker', () => {
  it('publishes the births in order: the bridge, then per device meta → state → availability, all with its bdSeq', async () => {
    const w = await world()
    w.start()
    await eventually(() => w.seen.filter((o) => o.short.endsWith('/availability')).length >= 3, {
      what: 'three births',
    })
    const births = shorts(w.seen)
    for (const id of [BRIDGE, PRINTER, DISPLAY]) {
      const mine = births.filter((s) => s.startsWith(`dev/${id}/`))
      expect(mine.slice(0, 3), id).toEqual([
        `dev/${id}/meta`,
        `dev/${id}/state`,
        `dev/${id}/availability`,
      ])
    }
    expect(births.indexOf(`dev/${BRIDGE}/availability`)).toBeLessThan(
      births.indexOf(`dev/${PRINTER}/availability`),
    )
    const bdSeq = w.bridge.mqtt.bdSeq
    expect(bdSeq).toBe(1)
    for (const o of w.seen.filter((s) => /\/(availability|meta)$/.test(s.short)))
      expect(o.payload, o.short).toMatchObject({ bdSeq })
    expect(w.seen.find((o) => o.short === `dev/${PRINTER}/meta`)?.payload).toMatchObject({
      kind: 'printer',
      model: 'line-display',
    })
    // The appliance accepted them (nothing quarantined): its registry saw the bridge online.
    await eventually(() => w.edge.edge.devices.presence(BRIDGE).availability === 'online', {
      what: 'registry presence',
    })
  })

  it('sends the Will (offline, lwt, same bdSeq) when the connection dies, and a higher bdSeq on every reconnect', async () => {
    const w = await world()
    w.start()
    const bridgeAvailability = () =>
      w.seen.filter((o) => o.short === `dev/${BRIDGE}/availability`).map((o) => o.payload)
    await eventually(() => bridgeAvailability().length === 1)
    for (let round = 1; round <= 3; round++) {
      w.proxy.cut()
      await eventually(() => bridgeAvailability().length === round * 2, { what: `will ${round}` })
      expect(bridgeAvailability().at(-1)).toMatchObject({
        state: 'offline',
        reason: 'lwt',
        bdSeq: round,
      })
      w.proxy.restore()
      await eventually(() => bridgeAvailability().length === round * 2 + 1, {
        what: `rebirth ${round}`,
      })
      expect(bridgeAvailability().at(-1)).toMatchObject({ state: 'online', bdSeq: round + 1 })
    }
    // Every CONNECT counted, persisted in the state folder: a restarted bridge continues from there.
    await w.bridge.stop()
    const again = w.start()
    await eventually(() => again.mqtt.connected)
    expect(again.mqtt.bdSeq).toBe(5)
  })

  it('never publishes into an offline queue: after an outage only the current state arrives, no stale burst', async () => {
    const w = await world()
    w.start()
    const display = w.links.get(DISPLAY)!
    await eventually(
      () => w.bridge.mqtt.connected && w.bridge.supervisors.get(DISPLAY)?.isOnline === true,
    )
    await eventually(() => w.seen.some((o) => o.short === `dev/${DISPLAY}/availability`))
    w.proxy.cut()
    await eventually(() => !w.bridge.mqtt.connected)
    const mark = w.seen.length
    for (let i = 1; i <= 10; i++) {
      display.far.send(`STATUS step-${i}\n`)
      display.far.send('KEY next\n')
      await wait(30)
    }
    await wait(300)
    expect(w.seen.slice(mark).filter((o) => o.short.startsWith(`dev/${DISPLAY}/`))).toEqual([])
    w.proxy.restore()
    await eventually(
      () => w.seen.slice(mark).some((o) => o.short === `dev/${DISPLAY}/availability`),
      { what: 'rebirth' },
    )
    await wait(500)
    const after = w.seen.slice(mark).filter((o) => o.short.startsWith(`dev/${DISPLAY}/`))
    const states = after.filter((o) => o.short.endsWith('/state')).map((o) => o.payload?.['status'])
    expect(states, JSON.stringify(after.map((o) => [o.short, o.payload]))).toEqual(['step-10'])
    expect(after.filter((o) => o.short.includes('/event/'))).toEqual([])
    expect(shorts(after)).toEqual([
      `dev/${DISPLAY}/meta`,
      `dev/${DISPLAY}/state`,
      `dev/${DISPLAY}/availability`,
    ])
  })

  it('publishes every birth again when the core announces a new epoch', async () => {
    const w = await world()
    w.start()
    await eventually(() => w.seen.filter((o) => o.short.endsWith('/availability')).length >= 3)
    await wait(200) // the retained core status after the connect has arrived
    const mark = w.seen.length
    await w.edge.edge.broker.publish(
      w.topic('core/status'),
      {
        state: 'online',
        epoch: 'epoch-after-core-restart',
        version: 'test',
        startedAt: Date.now(),
        ts: Date.now(),
      },
      { retain: true },
    )
    await eventually(
      () => w.seen.slice(mark).filter((o) => o.short.endsWith('/availability')).length >= 3,
      { what: 'rebirth' },
    )
    const again = shorts(w.seen.slice(mark))
    for (const id of [BRIDGE, PRINTER, DISPLAY])
      expect(again.filter((s) => s.startsWith(`dev/${id}/`))).toEqual([
        `dev/${id}/meta`,
        `dev/${id}/state`,
        `dev/${id}/availability`,
      ])
    expect(w.bridge.mqtt.bdSeq).toBe(1) // a rebirth is not a new connection
  })

  it('runs a command delivered twice only once, replies twice, and refuses an expired one', async () => {
    const w = await world()
    w.start()
    await eventually(
      () => w.bridge.supervisors.get(PRINTER)?.isOnline === true && w.bridge.mqtt.connected,
    )
    await wait(200)
    const job = envelope({ id: 'job-00000000-0001', name: 'print' })
    await w.edge.edge.broker.publish(w.topic(`dev/${PRINTER}/cmd/print`), job, { retain: false })
    await w.edge.edge.broker.publish(w.topic(`dev/${PRINTER}/cmd/print`), job, { retain: false })
    const expired = envelope({ id: 'job-00000000-0002', name: 'print', ts: Date.now() - 120_000 })
    await w.edge.edge.broker.publish(w.topic(`dev/${PRINTER}/cmd/print`), expired, {
      retain: false,
    })
    const replies = () => w.seen.filter((o) => o.short.startsWith(`dev/${PRINTER}/reply/`))
    await eventually(() => replies().length === 3, { what: 'three replies' })
    const printed = w.devices.get(PRINTER)!.lines.filter((l) => l.startsWith('PRINT '))
    expect(printed).toEqual(['PRINT job-00000000-0001'])
    expect(replies().map((o) => [o.short, o.payload?.['ok']])).toEqual([
      [`dev/${PRINTER}/reply/job-00000000-0001`, true],
      [`dev/${PRINTER}/reply/job-00000000-0001`, true],
      [`dev/${PRINTER}/reply/job-00000000-0002`, false],
    ])
    expect(replies()[2]?.payload).toMatchObject({ error: { code: 'PRINT_EXPIRED' } })
  })

  it('shrugs off hostile payloads on cmd, desired and core status, and keeps working', async () => {
    const w = await world()
    w.start()
    await eventually(
      () => w.bridge.supervisors.get(DISPLAY)?.isOnline === true && w.bridge.mqtt.connected,
    )
    await wait(200)
    const connects = w.bridge.mqtt.connects
    const broker = w.edge.edge.broker
    const raw = async (short: string, payload: unknown) =>
      broker.publish(w.topic(short), payload, { retain: false })
    await raw(`dev/${DISPLAY}/cmd/show`, 'not an envelope')
    await raw(`dev/${DISPLAY}/cmd/show`, { id: 'x', name: 'show' })
    await raw(`dev/${DISPLAY}/cmd/show`, {
      id: 'cmd-hostile-0001',
      name: 'show',
      ts: -1,
      expiresAt: 'soon',
      args: null,
    })
    await raw(`dev/${DISPLAY}/cmd/show`, {
      id: 'cmd-hostile-0002',
      name: 'show',
      ts: Date.now(),
      expiresAt: Date.now() + 60_000,
      args: { text: 42 },
    })
    await raw(`dev/${DISPLAY}/desired`, { version: 'one', text: ['x'] })
    await raw(`dev/${DISPLAY}/desired`, {
      version: Number.MAX_SAFE_INTEGER, // above the core's own (time-based) versions
      text: 'A'.repeat(10_000),
      ts: Date.now(),
    })
    await raw('core/status', { epoch: 12, state: 'exploded' })
    await raw(`dev/${BRIDGE}/cmd/rebirth`, {
      id: 'cmd-hostile-0003',
      name: 'self-destruct',
      ts: Date.now(),
      expiresAt: Date.now() + 60_000,
      args: {},
    })
    const replies = () =>
      w.seen.filter(
        (o) =>
          o.short.startsWith(`dev/${DISPLAY}/reply/`) || o.short.startsWith(`dev/${BRIDGE}/reply/`),
      )
    await eventually(() => replies().length === 3, { what: 'three replies' })
    expect(
      replies().map((o) => [
        o.short.split('/').at(-1),
        (o.payload?.['error'] as { code?: string } | undefined)?.code,
      ]),
    ).toEqual([
      ['cmd-hostile-0001', 'INVALID_COMMAND'],
      ['cmd-hostile-0002', 'INVALID_COMMAND'],
      ['cmd-hostile-0003', 'UNKNOWN_COMMAND'],
    ])
    // The display shows at most its 16 columns, and the bridge is still there, on the same connection.
    await eventually(
      () => w.devices.get(DISPLAY)!.lines.some((l) => l === `SHOW ${'A'.repeat(16)}`),
      { what: `desired applied: ${JSON.stringify(w.devices.get(DISPLAY)!.lines)}` },
    )
    const ok = envelope({ id: 'cmd-after-hostile', name: 'show', args: { text: 'OK' } })
    await raw(`dev/${DISPLAY}/cmd/show`, ok)
    await eventually(() =>
      w.seen.some(
        (o) => o.short === `dev/${DISPLAY}/reply/cmd-after-hostile` && o.payload?.['ok'] === true,
      ),
    )
    expect(w.bridge.mqtt.connects).toBe(connects)
  })

  it('publishes every birth again on its rebirth command', async () => {
    const w = await world()
    w.start()
    await eventually(() => w.seen.filter((o) => o.short.endsWith('/availability')).length >= 3)
    await wait(200)
    const mark = w.seen.length
    await w.edge.edge.broker.publish(
      w.topic(`dev/${BRIDGE}/cmd/rebirth`),
      envelope({ id: 'cmd-rebirth-0001', name: 'rebirth' }),
      { retain: false },
    )
    await eventually(
      () => w.seen.slice(mark).filter((o) => o.short.endsWith('/availability')).length >= 3,
      { what: 'rebirth' },
    )
    expect(
      w.seen.find((o) => o.short === `dev/${BRIDGE}/reply/cmd-rebirth-0001`)?.payload,
    ).toMatchObject({ ok: true })
  })

  it('goes offline (shutdown) for every device and itself on stop, then disconnects cleanly', async () => {
    const w = await world()
    w.start()
    await eventually(() => w.seen.filter((o) => o.short.endsWith('/availability')).length >= 3)
    await w.bridge.stop()
    await eventually(() => w.seen.filter((o) => o.payload?.['reason'] === 'shutdown').length === 3)
    await wait(200)
    expect(w.seen.filter((o) => o.payload?.['reason'] === 'lwt')).toEqual([])
  })
})
