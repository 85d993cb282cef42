import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { startBridge, type BridgeApp } from '../src/app.js'
import { parseBridgeConfig } from '../src/config.js'
import { DRIVER_FACTORIES } from '../src/devices/index.js'
import {
  runSerialPrinterSimulator,
  type RunningPrinterSimulator,
} from '../src/simulators/escpos-printer/index.js'
import {
  eventually,
  observeDevices,
  startAppliance,
  wait,
  type Observed,
  type TestEdgeLike,
} from './appliance.js'
import { printArgs } from './print-jobs.js'
import { ptyTestsEnabled, startPtyPair, type PtyPair } from './pty.js'

/**
 * End to end over a socat PTY pair with the real serial binding: the appliance's broker, the
 * bridge with the real ESC/POS printer driver, and the printer simulator on the far end rendering
 * PNGs. Jobs are published as the core publishes them (`dev/{printer}/cmd/print`).
 */

const enabled = ptyTestsEnabled('firmware-bridge PTY tests')
const silent = pino({ level: 'silent' })
const BRIDGE = 'bridge-p1'
const PRINTER = 'printer-p1'
const secret = (id: string) => `secret-of-${id}-`.padEnd(43, 'x')

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

interface Rig {
  edge: TestEdgeLike
  pty: PtyPair
  bridge: BridgeApp
  seen: Observed[]
  outDir: string
  simulator: RunningPrinterSimulator
  /** Restarts the simulator on the device end (after a replug). */
  restartSimulator(): Promise<RunningPrinterSimulator>
  print(input: { jobId: string; number: string; ts?: number }): Promise<void>
  replies(jobId: string): Record<string, unknown>[]
  printerState(): Record<string, unknown> | null
  availability(): Observed[]
}

async function rig(): Promise<Rig> {
  const edge = await startAppliance()
  cleanups.push(async () => {
    await edge[Symbol.asyncDispose]()
  })
  const registry = edge.edge.devices
  await registry.enrol({
    id: BRIDGE,
    kind: 'firmware-bridge',
    name: 'PTY bridge',
    counterId: null,
    secret: secret(BRIDGE),
  })
  await registry.enrol({
    id: PRINTER,
    kind: 'printer',
    name: 'PTY printer',
    counterId: null,
    bridgeId: BRIDGE,
    secret: secret(PRINTER),
  })
  const { seen, stop } = await observeDevices(edge)
  cleanups.push(stop)
  const pty = await startPtyPair()
  cleanups.push(() => pty.stop())
  const outDir = mkdtempSync(path.join(tmpdir(), 'kqms-tickets-'))
  const stateDir = mkdtempSync(path.join(tmpdir(), 'kqms-bridge-state-'))
  cleanups.push(() => Promise.resolve(rmSync(outDir, { recursive: true, force: true })))
  cleanups.push(() => Promise.resolve(rmSync(stateDir, { recursive: true, force: true })))
  let simulator = await runSerialPrinterSimulator({ path: pty.deviceEnd, outDir })
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
      supervisor: { availabilityDebounceSeconds: 0.5, healthCheckSeconds: 1 },
      devices: [
        {
          id: PRINTER,
          kind: 'printer',
          link: { type: 'serial', path: pty.bridgeEnd, baudRate: 115200 },
          options: { profile: 'epson-tm-t20', statusPollMs: 200, statusTimeoutMs: 1_000 },
        },
      ],
    },
    { factories: DRIVER_FACTORIES },
  )
  const bridge = startBridge({
    config,
    log: silent,
    supervisorOptions: { backoff: { baseMs: 100, capMs: 1_000 } },
    onFatal: () => undefined,
  })
  cleanups.push(() => bridge.stop())
  const topic = (short: string) => `kqms/v1/${edge.branchId}/${short}`
  const r: Rig = {
    edge,
    pty,
    bridge,
    seen,
    outDir,
    get simulator() {
      return simulator
    },
    async restartSimulator() {
      await simulator.stop().catch(() => undefined)
      simulator = await runSerialPrinterSimulator({ path: pty.deviceEnd, outDir })
      return simulator
    },
    async print(input) {
      const ts = input.ts ?? Date.now()
      await edge.edge.broker.publish(
        topic(`dev/${PRINTER}/cmd/print`),
        { id: input.jobId, name: 'print', ts, expiresAt: ts + 60_000, args: printArgs(input) },
        { retain: false },
      )
    },
    replies: (jobId) =>
      seen.filter((o) => o.short === `dev/${PRINTER}/reply/${jobId}`).map((o) => o.payload ?? {}),
    printerState: () =>
      seen.filter((o) => o.short === `dev/${PRINTER}/state`).at(-1)?.payload ?? null,
    availability: () => seen.filter((o) => o.short === `dev/${PRINTER}/availability`),
  }
  await eventually(
    () => bridge.supervisors.get(PRINTER)?.isOnline === true && bridge.mqtt.connected,
    {
      timeoutMs: 10_000,
      what: 'printer online',
    },
  )
  await wait(300) // subscriptions settled
  return r
}

const PNG_MAGIC = '89504e470d0a1a0a'

describe.runIf(enabled)('kqms-bridge over socat PTYs with the printer simulator', () => {
  it('prints a ticket published on cmd/print: the simulator renders it to a PNG, the reply says ok', async () => {
    const r = await rig()
    await r.print({ jobId: 'job-pty-00000001', number: 'A042' })
    const tickets = await r.simulator.waitForTickets(1, 15_000)
    expect(tickets).toHaveLength(1)
    await eventually(() => r.replies('job-pty-00000001').length === 1, { timeoutMs: 10_000 })
    expect(r.replies('job-pty-00000001')[0]).toMatchObject({ ok: true, data: { duplicate: false } })
    const png = r.simulator.pngFiles[0] ?? ''
    expect(existsSync(png)).toBe(true)
    expect(readFileSync(png).subarray(0, 8).toString('hex')).toBe(PNG_MAGIC)
    const qr = tickets[0]?.items.find((item) => item.kind === 'qr')
    expect(qr).toMatchObject({ data: 'https://kqms.invalid/t/job-pty-00000001' })
    await eventually(
      () => {
        const state = r.printerState()
        return (
          state?.['ticketsPrinted'] === 1 && state['online'] === true && state['blockedBy'] === null
        )
      },
      { what: 'state after the print' },
    )
    expect(r.printerState()).toMatchObject({
      online: true,
      blockedBy: null,
      lastJob: { id: 'job-pty-00000001', ok: true },
    })
  })

  it('prints a job delivered twice (same id) once', async () => {
    const r = await rig()
    await r.print({ jobId: 'job-pty-dup-0001', number: 'B007' })
    await r.print({ jobId: 'job-pty-dup-0001', number: 'B007' })
    await eventually(() => r.replies('job-pty-dup-0001').length === 2, { timeoutMs: 15_000 })
    await wait(500)
    expect(r.simulator.simulator.tickets).toHaveLength(1)
    expect(r.replies('job-pty-dup-0001').every((reply) => reply['ok'] === true)).toBe(true)
  })

  it('reports paper-out in the printer state and refuses to print with PRINTER_PAPER_OUT', async () => {
    const r = await rig()
    r.simulator.simulator.setPaper('out')
    await eventually(() => r.printerState()?.['blockedBy'] === 'paper-out', {
      timeoutMs: 5_000,
      what: 'paper-out state',
    })
    expect(r.printerState()).toMatchObject({ paper: 'out', blockedBy: 'paper-out' })
    await r.print({ jobId: 'job-pty-paper-01', number: 'C001' })
    await eventually(() => r.replies('job-pty-paper-01').length === 1, { timeoutMs: 5_000 })
    expect(r.replies('job-pty-paper-01')[0]).toMatchObject({
      ok: false,
      error: { code: 'PRINTER_PAPER_OUT' },
    })
    expect(r.simulator.simulator.tickets).toHaveLength(0)
    // Paper back in: the core's resend of the same job prints it.
    r.simulator.simulator.setPaper('ok')
    await eventually(() => r.printerState()?.['blockedBy'] === null, {
      timeoutMs: 5_000,
      what: 'paper ok',
    })
    await r.print({ jobId: 'job-pty-paper-01', number: 'C001' })
    await r.simulator.waitForTickets(1, 15_000)
    await eventually(() => r.replies('job-pty-paper-01').length === 2, { timeoutMs: 5_000 })
    expect(r.replies('job-pty-paper-01')[1]).toMatchObject({ ok: true })
  })

  it('goes offline when socat dies (unplug), retries with backoff, and comes back when the PTY is recreated', async () => {
    const r = await rig()
    const supervisor = r.bridge.supervisors.get(PRINTER)!
    await r.simulator.stop()
    await r.pty.unplug()
    await eventually(() => !supervisor.isOnline, { timeoutMs: 5_000, what: 'link closed' })
    await eventually(() => r.availability().at(-1)?.payload?.['state'] === 'offline', {
      timeoutMs: 5_000,
      what: 'offline published',
    })
    expect(r.availability().at(-1)?.payload).toMatchObject({
      state: 'offline',
      reason: 'disconnected',
    })
    await wait(1_500) // several reopen attempts fail meanwhile (backoff)
    expect(supervisor.isOnline).toBe(false)
    await r.pty.plug()
    await r.restartSimulator()
    await eventually(() => supervisor.isOnline, { timeoutMs: 10_000, what: 'back online' })
    await eventually(() => r.availability().at(-1)?.payload?.['state'] === 'online', {
      timeoutMs: 5_000,
    })
    expect(r.availability().map((o) => o.payload?.['state'])).toEqual([
      'online',
      'offline',
      'online',
    ])
    await r.print({ jobId: 'job-pty-replug-01', number: 'D010' })
    await r.simulator.waitForTickets(1, 15_000)
  })
})
