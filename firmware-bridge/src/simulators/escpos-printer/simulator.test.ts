import { connect } from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadImage } from '@napi-rs/canvas'
import { describe, expect, it } from 'vitest'
import { composeTicket } from '../../devices/printer/compose.js'
import { PRINTER_PROFILES } from '../../devices/printer/profiles.js'
import { layoutTicket } from '../../devices/printer/templates.js'
import { ticketArgs } from '../../devices/printer/test/tickets.js'
import { runTcpPrinterSimulator } from './index.js'
import { EscPosPrinterSimulator, XPRINTER_CODE_PAGES } from './simulator.js'
import type { PrintedText } from './simulator.js'

function simulatorWithReplies(options: { codePages?: typeof XPRINTER_CODE_PAGES } = {}) {
  const replies: number[][] = []
  const simulator = new EscPosPrinterSimulator({
    send: (bytes) => replies.push(Array.from(bytes)),
    ...options,
  })
  return { simulator, replies }
}

const texts = (simulator: EscPosPrinterSimulator) =>
  simulator.tickets.flatMap((ticket) =>
    ticket.items
      .filter((item): item is PrintedText => item.kind === 'text')
      .map((item) => item.text),
  )

const dleEot = (n: number) => Uint8Array.of(0x10, 0x04, n)

describe(EscPosPrinterSimulator.name, () => {
  it('answers DLE EOT 1-4 with the status byte of its state', () => {
    const { simulator, replies } = simulatorWithReplies()
    const ask = () => {
      replies.length = 0
      for (const n of [1, 2, 3, 4]) simulator.receive(dleEot(n))
      return replies.flat()
    }
    expect(ask()).toEqual([0x12, 0x12, 0x12, 0x12])
    simulator.setPaper('near-end')
    expect(ask()).toEqual([0x12, 0x12, 0x12, 0x1e])
    simulator.setPaper('out')
    expect(ask()).toEqual([0x1a, 0x32, 0x12, 0x7e])
    simulator.setPaper('ok')
    simulator.setCoverOpen(true)
    expect(ask()).toEqual([0x1a, 0x16, 0x12, 0x12])
    simulator.setCoverOpen(false)
    simulator.setCutterError(true)
    expect(ask()).toEqual([0x1a, 0x52, 0x1a, 0x12])
  })

  it('sends ASB at once when enabled and on every status change, until ESC @', () => {
    const { simulator, replies } = simulatorWithReplies()
    simulator.setPaper('near-end')
    expect(replies).toEqual([]) // ASB off: silent
    simulator.receive(Uint8Array.of(0x1d, 0x61, 0x4f))
    expect(replies).toEqual([[0x10, 0x00, 0x03, 0x00]])
    simulator.setCoverOpen(true)
    simulator.setCoverOpen(true) // no change, no frame
    simulator.setPaper('out')
    expect(replies.slice(1)).toEqual([
      [0x38, 0x00, 0x03, 0x00],
      [0x38, 0x00, 0x0f, 0x00],
    ])
    simulator.receive(Uint8Array.of(0x1b, 0x40))
    simulator.setPaper('ok')
    expect(replies).toHaveLength(3)
  })

  it('decodes KZ-1048 (ESC t 53) and CP866 (ESC t 17) text with size, bold and alignment', () => {
    const { simulator } = simulatorWithReplies()
    const kz = [0xa3, 0xbc, 0x20, 0x8d, 0x9d, 0x20, 0xaa] // "Әә Ққ Ғ" in KZ-1048
    simulator.receive(
      Uint8Array.from([
        0x1b,
        0x74,
        53,
        ...kz,
        0x0a,
        0x1b,
        0x74,
        17,
        0x1b,
        0x45,
        0x01,
        0x1d,
        0x21,
        0x11,
        0x1b,
        0x61,
        0x01,
        0x8f,
        0xe0,
        0xa8,
        0xa2,
        0xa5,
        0xe2,
        0x0a,
        0x1d,
        0x56,
        0x01,
      ]),
    )
    const [ticket] = simulator.tickets
    expect(ticket?.items.filter((item) => item.kind === 'text')).toEqual([
      {
        kind: 'text',
        text: 'Әә Ққ Ғ',
        bold: false,
        width: 1,
        height: 1,
        align: 'left',
        codePage: 'rk1048',
      },
      {
        kind: 'text',
        text: 'Привет',
        bold: true,
        width: 2,
        height: 2,
        align: 'center',
        codePage: 'cp866',
      },
    ])
    expect(ticket?.cut).toBe('partial')
  })

  it('shows an unknown code page as replacement characters, never as plausible text', () => {
    const { simulator } = simulatorWithReplies({ codePages: XPRINTER_CODE_PAGES })
    simulator.receive(Uint8Array.of(0x1b, 0x74, 53, 0xa3, 0x0a, 0x1d, 0x56, 0x00))
    expect(simulator.tickets[0]?.items[0]).toMatchObject({ text: '\uFFFD', codePage: 'unknown-53' })
  })

  it('decodes the same ticket whether the bytes come at once or one by one', () => {
    const profile = PRINTER_PROFILES['xprinter-xp58']
    const { bytes } = composeTicket({
      lines: layoutTicket(ticketArgs('kk'), profile),
      profile,
      logo: null,
    })
    const whole = simulatorWithReplies({ codePages: XPRINTER_CODE_PAGES }).simulator
    whole.receive(bytes)
    const split = simulatorWithReplies({ codePages: XPRINTER_CODE_PAGES }).simulator
    for (const byte of bytes) split.receive(Uint8Array.of(byte))
    expect(split.tickets).toEqual(whole.tickets)
    expect(whole.tickets).toHaveLength(1)
  })

  it('prints nothing while the paper is out, and counts the dropped job', () => {
    const profile = PRINTER_PROFILES['epson-tm-t20']
    const { bytes } = composeTicket({
      lines: layoutTicket(ticketArgs('ru'), profile),
      profile,
      logo: null,
    })
    const { simulator, replies } = simulatorWithReplies()
    simulator.setPaper('out')
    simulator.receive(bytes)
    expect(simulator.tickets).toEqual([])
    expect(simulator.droppedJobs).toBe(1)
    // It still answers status queries, and the job's own GS a reported the paper end.
    expect(replies).toContainEqual([0x18, 0x00, 0x0f, 0x00])
    simulator.setPaper('ok')
    simulator.receive(bytes)
    expect(texts(simulator)).toContain('Платежи и переводы')
  })

  it('answers a DLE EOT hidden in image data, as a real printer does', () => {
    const { simulator, replies } = simulatorWithReplies()
    simulator.receive(
      Uint8Array.of(0x1d, 0x76, 0x30, 0x00, 0x01, 0x00, 0x03, 0x00, 0x10, 0x04, 0x04),
    )
    expect(replies).toEqual([[0x12]])
    expect(simulator.realtimeCommandsInData).toBe(1)
  })

  it('records commands it does not know instead of printing them as text', () => {
    const { simulator } = simulatorWithReplies()
    simulator.receive(Uint8Array.of(0x1b, 0x7e, 0x41, 0x0a, 0x1d, 0x56, 0x00))
    expect(simulator.tickets[0]?.unknownCommands).toEqual(['1b7e'])
    expect(texts(simulator)).toEqual(['A'])
  })
})

describe(runTcpPrinterSimulator.name, () => {
  it('prints what a network client sends and writes the ticket as a PNG', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'kqms-printer-tcp-'))
    try {
      await using printer = await runTcpPrinterSimulator({ port: 0, outDir })
      const profile = PRINTER_PROFILES['epson-tm-t20']
      const { bytes } = composeTicket({
        lines: layoutTicket(ticketArgs('en'), profile),
        profile,
        logo: null,
      })
      const socket = connect(printer.port, '127.0.0.1')
      const status = new Promise<Buffer>((resolve) => socket.once('data', resolve))
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
      socket.write(Buffer.concat([Buffer.from(dleEot(4)), Buffer.from(bytes)]))
      // The DLE EOT 4 answer first (then the ASB frame the job's GS a turns on).
      expect((await status)[0]).toBe(0x12)
      await printer.waitForTickets(1)
      socket.destroy()
      expect(texts(printer.simulator)).toContain('Payments and transfers')
      const [file] = printer.pngFiles
      const image = await loadImage(await readFile(file ?? ''))
      expect(image.width).toBe(576 + 32)
      expect(image.height).toBeGreaterThan(800)
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })
})
