import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrinterState, PrintResult } from '@kqms/shared/mqtt'
import type { CommandEnvelope } from '@kqms/shared/mqtt'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EscPosPrinterSimulator } from '../../simulators/escpos-printer/simulator.js'
import type { DeviceDriver } from '../driver.js'
import { printerDriver } from './index.js'
import type { PrinterOptions } from './index.js'
import { FakeLink, ManualClock, recordingContext } from './test/fake-link.js'
import type { RecordingContext } from './test/fake-link.js'
import { ticketArgs } from './test/tickets.js'

let stateDir: string
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'kqms-printer-'))
})
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true })
})

interface Rig {
  readonly driver: DeviceDriver
  readonly simulator: EscPosPrinterSimulator
  readonly link: FakeLink
  readonly context: RecordingContext
  readonly far: Far
}

/** The printer on the far end and the link it is plugged into now. */
interface Far {
  link: FakeLink | null
  readonly simulator: EscPosPrinterSimulator
}

function newPrinter(): Far {
  const far: Far = {
    link: null,
    simulator: new EscPosPrinterSimulator({
      send: (bytes) => far.link?.deliver(bytes),
      widthDots: 576,
    }),
  }
  return far
}

/** A driver on a fake link whose far end is the printer simulator; status polling off. */
async function startRig(
  options: Partial<PrinterOptions> = {},
  far: Far = newPrinter(),
): Promise<Rig> {
  const link = new FakeLink()
  far.link = link
  const printer = far.simulator
  link.farEnd = (bytes) => printer.receive(bytes)
  const driver = printerDriver.create(
    printerDriver.optionsSchema.parse({
      profile: 'epson-tm-t20',
      statusPollMs: 0,
      statusTimeoutMs: 500,
      ...options,
    }),
    { stateDir, secrets: {} },
  )
  const context = recordingContext(link)
  link.on('data', (chunk) => driver.onData(chunk))
  await driver.init(context)
  return { driver, simulator: printer, link, context, far }
}

let sequence = 0
const printCommand = (id: string, args: unknown = ticketArgs('kk')): CommandEnvelope => ({
  id,
  name: 'print',
  ts: 1_795_000_000_000,
  expiresAt: 1_795_000_060_000,
  args,
})
const command = (name: string, args: unknown = undefined): CommandEnvelope => ({
  id: `command-${++sequence}`,
  name,
  ts: 1_795_000_000_000,
  expiresAt: 1_795_000_060_000,
  args,
})

describe('printerDriver', () => {
  it('initialises the printer and reports a full, valid state', async () => {
    const { link, context, simulator } = await startRig()
    // ESC @, ESC t 53 (KZ-1048), GS a 79, then DLE EOT 1-4.
    expect(Array.from(link.written[0] ?? [])).toEqual([
      0x1b, 0x40, 0x1b, 0x74, 53, 0x1d, 0x61, 0x4f,
    ])
    expect(Array.from(link.written[1] ?? [])).toEqual([16, 4, 1, 16, 4, 2, 16, 4, 3, 16, 4, 4])
    expect(simulator.asbEnabled).toBe(true)
    const state = PrinterState.parse(context.merged)
    expect(state).toMatchObject({
      online: true,
      paper: 'ok',
      blockedBy: null,
      profile: 'epson-tm-t20',
      paperUsedMm: 0,
    })
  })

  it('prints a ticket the printer decodes, and counts paper and tickets', async () => {
    const { driver, simulator, context } = await startRig()
    const result = await driver.execute(printCommand('job-1'))
    expect(result.ok).toBe(true)
    const data = PrintResult.parse(result.ok ? result.data : undefined)
    expect(data).toMatchObject({ mode: 'text', duplicate: false })
    expect(data.paperUsedMm).toBeGreaterThan(100)
    expect(simulator.tickets).toHaveLength(1)
    const texts = simulator.tickets[0]?.items.flatMap((item) =>
      item.kind === 'text' ? [item.text] : [],
    )
    expect(texts).toContain('Төлемдер және аударымдар')
    expect(PrinterState.parse(context.merged)).toMatchObject({
      ticketsPrinted: 1,
      paperUsedMm: data.paperUsedMm,
      lastJob: { id: 'job-1', ok: true },
    })
  })

  it('refuses to print with PRINTER_PAPER_OUT when the paper is out, and prints nothing', async () => {
    const { driver, simulator, context } = await startRig()
    simulator.setPaper('out')
    const result = await driver.execute(printCommand('job-out'))
    expect(result).toEqual({
      ok: false,
      error: { code: 'PRINTER_PAPER_OUT', message: expect.any(String) as unknown },
    })
    expect(simulator.tickets).toHaveLength(0)
    expect(simulator.droppedJobs).toBe(0)
    expect(context.merged).toMatchObject({
      paper: 'out',
      blockedBy: 'paper-out',
      lastJob: { id: 'job-out', ok: false },
    })
    // The ASB frame announced it as an event before the print was even tried.
    expect(context.events).toContainEqual({
      type: 'printer-status',
      payload: expect.objectContaining({ paper: 'out', blockedBy: 'paper-out' }) as unknown,
    })

    simulator.setPaper('ok')
    expect((await driver.execute(printCommand('job-after'))).ok).toBe(true)
    expect(simulator.tickets).toHaveLength(1)
  })

  it('refuses with PRINTER_COVER_OPEN while the cover is open (polling printer without ASB)', async () => {
    const { driver, simulator, context } = await startRig({ profile: 'xprinter-xp58' })
    expect(simulator.asbEnabled).toBe(false)
    simulator.setCoverOpen(true)
    const result = await driver.execute(printCommand('job-cover', ticketArgs('ru')))
    expect(result).toMatchObject({ ok: false, error: { code: 'PRINTER_COVER_OPEN' } })
    expect(context.merged).toMatchObject({ coverOpen: true, blockedBy: 'cover-open' })
    expect(await driver.healthCheck()).toBe('degraded')
    simulator.setCoverOpen(false)
    expect(await driver.healthCheck()).toBe('ok')
  })

  it('refuses with PRINTER_CUTTER_ERROR on a cutter error', async () => {
    const { driver, simulator } = await startRig()
    simulator.setCutterError(true)
    expect(await driver.execute(printCommand('job-cutter'))).toMatchObject({
      error: { code: 'PRINTER_CUTTER_ERROR' },
    })
  })

  it('prints a job id once, also after the driver is re-created from the same state folder', async () => {
    const first = await startRig()
    expect((await first.driver.execute(printCommand('job-dup'))).ok).toBe(true)
    const again = await first.driver.execute(printCommand('job-dup'))
    expect(again).toEqual({
      ok: true,
      data: { mode: 'text', bytes: 0, paperUsedMm: 0, duplicate: true },
    })
    expect(first.simulator.tickets).toHaveLength(1)
    first.driver.detach()

    const restarted = await startRig({}, first.far)
    const afterRestart = await restarted.driver.execute(printCommand('job-dup'))
    expect(afterRestart).toMatchObject({ ok: true, data: { duplicate: true } })
    expect(first.simulator.tickets).toHaveLength(1)
    expect((await restarted.driver.execute(printCommand('job-new'))).ok).toBe(true)
    expect(first.simulator.tickets).toHaveLength(2)
  })

  it('keeps the paper counter across restarts and resets it on paper-replaced', async () => {
    const first = await startRig()
    await first.driver.execute(printCommand('job-a'))
    await first.driver.execute(printCommand('job-b', ticketArgs('en')))
    const used = first.context.merged['paperUsedMm'] as number
    expect(used).toBeGreaterThan(200)
    first.driver.detach()

    const second = await startRig()
    expect(second.context.merged).toMatchObject({ paperUsedMm: used, ticketsPrinted: 2 })
    const replaced = await second.driver.execute(
      command('paper-replaced', { rollLengthMm: 50_000 }),
    )
    expect(replaced).toEqual({ ok: true, data: { rollLengthMm: 50_000 } })
    expect(second.context.merged).toMatchObject({
      paperUsedMm: 0,
      rollLengthMm: 50_000,
      paperRemainingPercent: 100,
      ticketsPrinted: 2,
    })
    const saved = JSON.parse(await readFile(join(stateDir, 'printer.json'), 'utf8')) as Record<
      string,
      unknown
    >
    expect(saved).toMatchObject({ paperUsedMm: 0, rollLengthMm: 50_000 })
  })

  it('warns once when the estimated paper left falls to the warning level', async () => {
    // A 1 m roll: one ticket (~13 cm) leaves 87 %, the next ones cross 80 %.
    const { driver, context } = await startRig({ rollLengthMm: 1_000, nearEndWarnPercent: 80 })
    await driver.execute(printCommand('job-1'))
    const warnings = () =>
      context.events.filter((event) => event.payload['warning'] === 'paper-low')
    expect(warnings()).toHaveLength(0)
    await driver.execute(printCommand('job-2'))
    await driver.execute(printCommand('job-3'))
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]?.payload).toMatchObject({ warning: 'paper-low' })
    expect(context.merged['paperRemainingPercent'] as number).toBeLessThanOrEqual(80)
  })

  it('reports the sensor near-end as paper near-end without blocking', async () => {
    const { driver, simulator, context } = await startRig()
    simulator.setPaper('near-end')
    expect((await driver.execute(printCommand('job-near'))).ok).toBe(true)
    expect(context.merged).toMatchObject({ paper: 'near-end', blockedBy: null })
  })

  it('answers PRINT_INVALID for malformed and hostile arguments', async () => {
    const { driver, simulator } = await startRig()
    const bad: unknown[] = [
      null,
      {},
      'print me',
      { ...ticketArgs('kk'), language: 'de' },
      { ...ticketArgs('kk'), number: '' },
      { ...ticketArgs('kk'), statusUrl: 'javascript:alert(1)' },
      { ...ticketArgs('kk'), serviceName: 'x'.repeat(10_000) },
      { ...ticketArgs('kk'), timeZone: 'Mars/Olympus_Mons' },
    ]
    for (const args of bad) {
      const result = await driver.execute(printCommand(`bad-${++sequence}`, args))
      expect(result, JSON.stringify(args).slice(0, 80)).toMatchObject({
        ok: false,
        error: { code: 'PRINT_INVALID' },
      })
    }
    expect(simulator.tickets).toHaveLength(0)
  })

  it('does not print a job that expired while waiting (PRINT_EXPIRED)', async () => {
    const { driver, simulator } = await startRig()
    const stale = { ...printCommand('job-stale'), expiresAt: 1_795_000_000_000 }
    expect(await driver.execute(stale)).toMatchObject({
      ok: false,
      error: { code: 'PRINT_EXPIRED' },
    })
    expect(simulator.tickets).toHaveLength(0)
  })

  it('notices a status change by polling a printer without ASB, and stops polling on detach', async () => {
    const { driver, simulator, context, link } = await startRig({
      profile: 'xprinter-xp58',
      statusPollMs: 20,
    })
    simulator.setPaper('out')
    await vi.waitFor(() =>
      expect(context.merged).toMatchObject({ paper: 'out', blockedBy: 'paper-out' }),
    )
    expect(context.events).toContainEqual({
      type: 'printer-status',
      payload: { paper: 'out', blockedBy: 'paper-out' },
    })
    driver.detach()
    const writes = link.written.length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(link.written.length).toBe(writes)
  })

  it('ignores bytes that arrive before init', () => {
    const driver = printerDriver.create(printerDriver.optionsSchema.parse({}), {
      stateDir,
      secrets: {},
    })
    expect(() => driver.onData(Uint8Array.of(0x12, 0x10, 0x00, 0x0c, 0x00))).not.toThrow()
  })

  it('ignores a status byte nobody asked for (e.g. a real-time command hidden in data)', async () => {
    const { driver, link, context } = await startRig()
    link.deliver(Uint8Array.of(0x7e, 0x11, 0x13, 0xff))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(context.merged).toMatchObject({ paper: 'ok', blockedBy: null })
    expect((await driver.execute(printCommand('job-after-noise'))).ok).toBe(true)
  })

  it('answers UNKNOWN_COMMAND for a command it does not know', async () => {
    const { driver } = await startRig()
    expect(await driver.execute(command('self-destruct'))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_COMMAND' },
    })
  })

  it('prints a test page in the requested language', async () => {
    const { driver, simulator } = await startRig()
    expect((await driver.execute(command('test-print', { language: 'kk' }))).ok).toBe(true)
    const texts = simulator.tickets[0]?.items.flatMap((item) =>
      item.kind === 'text' ? [item.text] : [],
    )
    expect(texts).toContain('Принтерді тексеру')
    expect(texts).toContain('Қазақша: ӘәҒғҚқҢңӨөҰұҮүҺһІі')
  })

  it('goes offline when the printer stops answering, and refuses with PRINTER_OFFLINE', async () => {
    const { driver, link, context } = await startRig()
    link.farEnd = () => undefined // the printer is switched off
    expect(await driver.healthCheck()).toBe('offline')
    expect(context.merged).toMatchObject({ online: false, blockedBy: 'offline' })
    expect(await driver.execute(printCommand('job-dark'))).toMatchObject({
      error: { code: 'PRINTER_OFFLINE' },
    })
  })

  it('times the status query out on the driver clock, not on wall time', async () => {
    const link = new FakeLink()
    const clock = new ManualClock()
    const driver = printerDriver.create(
      printerDriver.optionsSchema.parse({
        profile: 'generic-80',
        statusPollMs: 0,
        statusTimeoutMs: 700,
      }),
      { stateDir, secrets: {} },
    )
    const context = recordingContext(link, clock)
    // Nobody answers: init waits until the test fires the 700 ms timer.
    const init = driver.init(context)
    await vi.waitFor(() => expect(clock.timers.size).toBe(1))
    expect(clock.fire(700)).toBe(1)
    await init
    expect(context.merged).toMatchObject({ online: false, blockedBy: 'offline' })
    const health = driver.healthCheck()
    await vi.waitFor(() => expect(clock.timers.size).toBe(1))
    clock.fire(700)
    expect(await health).toBe('offline')
  })

  it('fails the job with PRINT_FAILED when the write fails, and lets a retry print it', async () => {
    const { driver, link, simulator } = await startRig()
    const write = link.write.bind(link)
    let failNext = false
    link.write = async (data) => {
      if (failNext && data.length > 100) {
        failNext = false
        throw new Error('EIO')
      }
      return write(data)
    }
    failNext = true
    expect(await driver.execute(printCommand('job-io'))).toMatchObject({
      ok: false,
      error: { code: 'PRINT_FAILED' },
    })
    expect(await driver.execute(printCommand('job-io'))).toMatchObject({
      ok: true,
      data: { duplicate: false },
    })
    expect(simulator.tickets).toHaveLength(1)
  })

  it('prints the logo from the options instead of the branch name', async () => {
    const { createCanvas } = await import('@napi-rs/canvas')
    const canvas = createCanvas(200, 80)
    const context2d = canvas.getContext('2d')
    context2d.fillStyle = '#fff'
    context2d.fillRect(0, 0, 200, 80)
    context2d.fillStyle = '#000'
    context2d.fillRect(20, 20, 160, 40)
    const logoPath = join(stateDir, 'logo.png')
    await writeFile(logoPath, canvas.toBuffer('image/png'))
    const { driver, simulator } = await startRig({ logoPath })
    await driver.execute(printCommand('job-logo'))
    const [first] = simulator.tickets[0]?.items ?? []
    expect(first?.kind).toBe('raster')
    const texts = simulator.tickets[0]?.items.flatMap((item) =>
      item.kind === 'text' ? [item.text] : [],
    )
    expect(texts).not.toContain('Kaspi Bank')
  })

  it('survives a corrupt state file by moving it aside', async () => {
    await writeFile(join(stateDir, 'printer.json'), '{"version":1,"paperUsed')
    const { context } = await startRig()
    expect(context.merged).toMatchObject({ paperUsedMm: 0, online: true })
    expect(await readFile(join(stateDir, 'printer.json.corrupt'), 'utf8')).toContain('paperUsed')
  })
})
