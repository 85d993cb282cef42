import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startBridge, type BridgeApp } from '../src/app.js'
import { parseBridgeConfig } from '../src/config.js'
import { DRIVER_FACTORIES } from '../src/devices/index.js'
import {
  runSerialCounterDisplaySimulator,
  type SerialCounterDisplaySimulator,
} from '../src/simulators/counter-display/index.js'
import {
  eventually,
  observeDevices,
  startAppliance,
  wait,
  type Observed,
  type TestEdgeLike,
} from './appliance.js'
import { ptyTestsEnabled, startPtyPair, type PtyPair } from './pty.js'

/**
 * Counter displays on one RS-485 bus: one socat PTY pair is the one USB-RS485 adapter, the display
 * simulator on the far end answers for addresses 1 and 2, and the bridge (in-process, against the
 * appliance's real broker) drives a display per address through one shared serial port.
 */

const enabled = ptyTestsEnabled('firmware-bridge shared RS-485 bus tests')
const silent = pino({ level: 'silent' })
const BRIDGE = 'bridge-bus1'
const secret = (id: string) => `secret-of-${id}-`.padEnd(43, 'x')

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

interface Rig {
  pty: PtyPair
  bridge: BridgeApp
  simulator: SerialCounterDisplaySimulator
  restartSimulator(): Promise<void>
  desire(id: string, desired: { text: string; blink?: boolean }): Promise<void>
  availability(id: string): (string | undefined)[]
  lastAvailability(id: string): Record<string, unknown> | null
  online(id: string): boolean
}

async function rig(displays: readonly { id: string; address: number }[]): Promise<Rig> {
  const edge: TestEdgeLike = await startAppliance()
  cleanups.push(async () => {
    await edge[Symbol.asyncDispose]()
  })
  const registry = edge.edge.devices
  await registry.enrol({
    id: BRIDGE,
    kind: 'firmware-bridge',
    name: 'RS-485 bridge',
    counterId: null,
    secret: secret(BRIDGE),
  })
  for (const display of displays)
    await registry.enrol({
      id: display.id,
      kind: 'counter-display',
      name: `LED at address ${display.address}`,
      counterId: `c${display.address}`,
      bridgeId: BRIDGE,
      secret: secret(display.id),
    })
  const { seen, stop } = await observeDevices(edge)
  cleanups.push(stop)
  const pty = await startPtyPair()
  cleanups.push(() => pty.stop())
  const stateDir = mkdtempSync(path.join(tmpdir(), 'kqms-bridge-state-'))
  cleanups.push(() => Promise.resolve(rmSync(stateDir, { recursive: true, force: true })))
  let simulator = await runSerialCounterDisplaySimulator({ path: pty.deviceEnd, addresses: [1, 2] })
  cleanups.push(() => simulator.stop())
  const config = parseBridgeConfig(
    {
      branchId: edge.branchId,
      mqtt: {
        url: `mqtt://127.0.0.1:${edge.edge.mqttTcpPort}`,
        username: BRIDGE,
        password: secret(BRIDGE),
      },
      stateDir,
      supervisor: { availabilityDebounceSeconds: 0.2, healthCheckSeconds: 1 },
      devices: displays.map((display) => ({
        id: display.id,
        kind: 'counter-display',
        link: { type: 'serial', path: pty.bridgeEnd, baudRate: 9600 },
        options: { address: display.address, ackTimeoutMs: 100, retries: 1 },
      })),
    },
    { factories: DRIVER_FACTORIES },
  )
  const bridge = startBridge({
    config,
    log: silent,
    supervisorOptions: { backoff: { baseMs: 100, capMs: 500 } },
    onFatal: () => undefined,
  })
  cleanups.push(() => bridge.stop())
  const of = (id: string): Observed[] => seen.filter((o) => o.short === `dev/${id}/availability`)
  const r: Rig = {
    pty,
    bridge,
    get simulator() {
      return simulator
    },
    async restartSimulator() {
      await simulator.stop().catch(() => undefined)
      simulator = await runSerialCounterDisplaySimulator({
        path: pty.deviceEnd,
        addresses: [1, 2],
      })
    },
    async desire(id, desired) {
      await edge.edge.broker.publish(
        `kqms/v1/${edge.branchId}/dev/${id}/desired`,
        // Above the core's own (time-based) versions.
        { version: Number.MAX_SAFE_INTEGER, blink: false, ...desired, ts: Date.now() },
        { retain: true },
      )
    },
    availability: (id) => of(id).map((o) => o.payload?.['state'] as string | undefined),
    lastAvailability: (id) => of(id).at(-1)?.payload ?? null,
    online: (id) => bridge.supervisors.get(id)?.isOnline === true,
  }
  await eventually(() => bridge.mqtt.connected, { timeoutMs: 10_000, what: 'bridge connected' })
  return r
}

describe.runIf(enabled)('counter displays sharing one RS-485 bus (socat PTY)', () => {
  it('drives displays at addresses 1 and 2 through one port; an unplug takes both offline, a replug brings both back', async () => {
    const r = await rig([
      { id: 'led-a1', address: 1 },
      { id: 'led-a2', address: 2 },
    ])
    await eventually(() => r.online('led-a1') && r.online('led-a2'), {
      timeoutMs: 10_000,
      what: 'both displays online on one port',
    })
    await wait(300) // subscriptions settled
    await r.desire('led-a1', { text: 'A042', blink: true })
    await r.desire('led-a2', { text: 'B107' })
    await eventually(
      () =>
        r.simulator.simulator.shown(1)?.text === 'A042' &&
        r.simulator.simulator.shown(2)?.text === 'B107',
      { timeoutMs: 10_000, what: 'both texts shown' },
    )
    expect(r.simulator.simulator.shown(1)).toMatchObject({ text: 'A042', blink: true })
    expect(r.simulator.simulator.shown(2)).toMatchObject({ text: 'B107', blink: false })
    // Health checks of both run on the one bus for a while: nobody drops off.
    await wait(2_500)
    expect(r.online('led-a1') && r.online('led-a2')).toBe(true)
    await eventually(
      () => r.availability('led-a1').length === 1 && r.availability('led-a2').length === 1,
      { what: 'availability published' },
    )
    expect([r.availability('led-a1'), r.availability('led-a2')]).toEqual([['online'], ['online']])

    // Unplug: the adapter (socat) goes away under both displays.
    await r.simulator.stop()
    await r.pty.unplug()
    await eventually(() => !r.online('led-a1') && !r.online('led-a2'), {
      timeoutMs: 10_000,
      what: 'both offline after the unplug',
    })
    await eventually(
      () =>
        r.lastAvailability('led-a1')?.['state'] === 'offline' &&
        r.lastAvailability('led-a2')?.['state'] === 'offline',
      { timeoutMs: 5_000, what: 'offline published for both' },
    )
    await wait(1_000) // reopen attempts fail meanwhile
    expect(r.online('led-a1') || r.online('led-a2')).toBe(false)

    // Replug: both come back and show their text again (the displays may have lost power).
    await r.pty.plug()
    await r.restartSimulator()
    await eventually(() => r.online('led-a1') && r.online('led-a2'), {
      timeoutMs: 15_000,
      what: 'both back online',
    })
    await eventually(
      () =>
        r.simulator.simulator.shown(1)?.text === 'A042' &&
        r.simulator.simulator.shown(2)?.text === 'B107',
      { timeoutMs: 10_000, what: 'texts shown again after the replug' },
    )
    await eventually(
      () =>
        r.lastAvailability('led-a1')?.['state'] === 'online' &&
        r.lastAvailability('led-a2')?.['state'] === 'online',
      { timeoutMs: 5_000, what: 'online published for both' },
    )
    expect(r.availability('led-a1')).toEqual(['online', 'offline', 'online'])
    expect(r.availability('led-a2')).toEqual(['online', 'offline', 'online'])
  })

  it('a silent display on the bus fails its health checks without taking the port from the others', async () => {
    const r = await rig([
      { id: 'led-b1', address: 1 },
      { id: 'led-b2', address: 2 },
      { id: 'led-b3', address: 3 }, // nobody answers at address 3
    ])
    await eventually(() => r.online('led-b1') && r.online('led-b2'), {
      timeoutMs: 10_000,
      what: 'displays 1 and 2 online',
    })
    await wait(300)
    await r.desire('led-b3', { text: 'C003' })
    await eventually(() => r.lastAvailability('led-b3')?.['state'] === 'offline', {
      timeoutMs: 10_000,
      what: 'display 3 offline',
    })
    await wait(3_000) // display 3 keeps failing and reopening its handle meanwhile
    await r.desire('led-b1', { text: 'A001' })
    await r.desire('led-b2', { text: 'B002' })
    await eventually(
      () =>
        r.simulator.simulator.shown(1)?.text === 'A001' &&
        r.simulator.simulator.shown(2)?.text === 'B002',
      { timeoutMs: 10_000, what: 'displays 1 and 2 still shown' },
    )
    expect(r.availability('led-b1')).toEqual(['online'])
    expect(r.availability('led-b2')).toEqual(['online'])
    expect(r.lastAvailability('led-b3')).toMatchObject({ state: 'offline' })
    expect(r.simulator.simulator.shown(3)).toBeUndefined()
  })
})
