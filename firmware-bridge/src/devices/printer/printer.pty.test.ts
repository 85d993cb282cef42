import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PrinterState, PrintResult } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import { SYSTEM_ROOTS } from '../../links/locate.js'
import { SerialLink } from '../../links/serial.js'
import { runSerialPrinterSimulator } from '../../simulators/escpos-printer/index.js'
import { XPRINTER_CODE_PAGES } from '../../simulators/escpos-printer/simulator.js'
import { printerDriver } from './index.js'
import { realClock, recordingContext } from './test/fake-link.js'
import { ptyTestsCanRun, startPtyPair } from './test/pty.js'
import { ticketArgs } from './test/tickets.js'

const runs = ptyTestsCanRun('printer PTY tests')
const NOW = 1_795_000_000_000

describe.runIf(runs)('printer over a socat PTY pair (real serial binding)', () => {
  for (const profile of ['epson-tm-t20', 'xprinter-xp58'] as const) {
    it(`prints a Kazakh ticket on ${profile} and the simulator renders it to PNG`, async () => {
      const folder = await mkdtemp(join(tmpdir(), 'kqms-printer-e2e-'))
      try {
        await using pty = await startPtyPair()
        await using printer = await runSerialPrinterSimulator({
          path: pty.devicePath,
          outDir: join(folder, 'png'),
          widthDots: profile === 'epson-tm-t20' ? 576 : 384,
          ...(profile === 'xprinter-xp58' ? { codePages: XPRINTER_CODE_PAGES } : {}),
        })
        const link = new SerialLink({
          locator: { path: pty.hostPath },
          baudRate: 115_200,
          dataBits: 8,
          stopBits: 1,
          parity: 'none',
          rtscts: false,
          xon: false,
          roots: SYSTEM_ROOTS,
        })
        await link.open()
        const driver = printerDriver.create(
          printerDriver.optionsSchema.parse({ profile, statusPollMs: 0 }),
          { stateDir: join(folder, 'state'), secrets: {} },
        )
        link.on('data', (chunk) => driver.onData(chunk))
        const context = recordingContext(
          link,
          realClock(() => NOW),
        )
        try {
          await driver.init(context)
          expect(PrinterState.parse(context.merged)).toMatchObject({
            online: true,
            blockedBy: null,
          })

          const result = await driver.execute({
            id: 'pty-job-1',
            name: 'print',
            ts: NOW,
            expiresAt: NOW + 60_000,
            args: ticketArgs('kk'),
          })
          expect(result.ok).toBe(true)
          const data = PrintResult.parse(result.ok ? result.data : undefined)
          expect(data.mode).toBe(profile === 'epson-tm-t20' ? 'text' : 'mixed')

          const [ticket] = await printer.waitForTickets(1)
          const texts = ticket?.items.flatMap((item) => (item.kind === 'text' ? [item.text] : []))
          if (profile === 'epson-tm-t20') expect(texts).toContain('Төлемдер және аударымдар')
          expect(ticket?.items.some((item) => item.kind === 'raster')).toBe(true)
          const [png] = printer.pngFiles
          expect(png).toMatch(/ticket-0001\.png$/)
          const bytes = await readFile(png ?? '')
          expect(bytes.subarray(1, 4).toString()).toBe('PNG')

          // Paper out on the far end: the driver learns it over the wire and refuses.
          printer.simulator.setPaper('out')
          const refused = await driver.execute({
            id: 'pty-job-2',
            name: 'print',
            ts: NOW,
            expiresAt: NOW + 60_000,
            args: ticketArgs('kk'),
          })
          expect(refused).toMatchObject({ ok: false, error: { code: 'PRINTER_PAPER_OUT' } })
          expect(printer.simulator.tickets).toHaveLength(1)
        } finally {
          driver.detach()
          await link.close()
        }
      } finally {
        await rm(folder, { recursive: true, force: true })
      }
    })
  }
})
