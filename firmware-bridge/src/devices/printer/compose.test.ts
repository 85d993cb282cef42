import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { LANGUAGES } from '@kqms/shared/domain'
import type { Language } from '@kqms/shared/domain'
import type { PrintTicketArgs } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import {
  EPSON_CODE_PAGES,
  EscPosPrinterSimulator,
  XPRINTER_CODE_PAGES,
} from '../../simulators/escpos-printer/simulator.js'
import type { PrintedText, TicketRecord } from '../../simulators/escpos-printer/simulator.js'
import { roundTrips } from './code-pages.js'
import { composeTicket, numberFontDots } from './compose.js'
import type { ComposedTicket } from './compose.js'
import { TICKET_LABELS } from './labels.js'
import { PRINTER_PROFILES } from './profiles.js'
import type { PrinterProfile } from './profiles.js'
import { renderTextBitmap, withoutRealtimeSequences } from './raster.js'
import type { MonoBitmap } from './raster.js'
import { layoutTicket } from './templates.js'
import { ticketArgs } from './test/tickets.js'

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), 'golden')
// UPDATE_GOLDEN=1 rewrites the golden files instead of comparing (review the diff and the PNGs).
const UPDATE_GOLDEN = process.env['UPDATE_GOLDEN'] === '1'
const TEMPLATES = ['ticket', 'appointment-ticket', 'test-page'] as const
const PROFILES = Object.values(PRINTER_PROFILES)

const argsFor = (template: PrintTicketArgs['template'], language: Language) =>
  ticketArgs(language, { template, ...(template === 'test-page' ? { number: 'TEST' } : {}) })

const compose = (args: PrintTicketArgs, profile: PrinterProfile) =>
  composeTicket({ lines: layoutTicket(args, profile), profile, logo: null })

function printOn(profile: PrinterProfile, bytes: Uint8Array): TicketRecord {
  const simulator = new EscPosPrinterSimulator({
    send: () => undefined,
    widthDots: profile.widthDots,
    codePages: profile.name === 'xprinter-xp58' ? XPRINTER_CODE_PAGES : EPSON_CODE_PAGES,
  })
  simulator.receive(bytes)
  expect(simulator.tickets).toHaveLength(1)
  // No image carries a real-time command the printer would execute mid-job.
  expect(simulator.realtimeCommandsInData).toBe(0)
  const [ticket] = simulator.tickets
  if (!ticket) throw new Error('no ticket printed')
  return ticket
}

const sameBitmap = (a: MonoBitmap, b: MonoBitmap) =>
  a.width === b.width && a.height === b.height && Buffer.from(a.bits).equals(Buffer.from(b.bits))

const printedTexts = (ticket: TicketRecord) =>
  ticket.items.filter((item): item is PrintedText => item.kind === 'text').map((item) => item.text)
const printedRasters = (ticket: TicketRecord) =>
  ticket.items.flatMap((item) => (item.kind === 'raster' ? [item.bitmap] : []))

/** Raster images one under the other (the encoder sends tall images in bands of 255 rows). */
function stack(bitmaps: readonly MonoBitmap[]): MonoBitmap {
  const width = bitmaps[0]?.width ?? 0
  expect(bitmaps.every((bitmap) => bitmap.width === width)).toBe(true)
  return {
    width,
    height: bitmaps.reduce((sum, bitmap) => sum + bitmap.height, 0),
    bits: Buffer.concat(bitmaps.map((bitmap) => bitmap.bits)),
  }
}

/** True when `part` appears in the printed images, whole rows aligned. */
function containsBitmap(ticket: TicketRecord, part: MonoBitmap): boolean {
  const all = Buffer.from(stack(printedRasters(ticket)).bits)
  const needle = Buffer.from(part.bits)
  const rowBytes = part.width / 8
  for (let at = all.indexOf(needle); at !== -1; at = all.indexOf(needle, at + 1)) {
    if (at % rowBytes === 0) return true
  }
  return false
}

/** True when `text` is on the ticket: as a text line, or as the raster image of that line. */
function hasLine(ticket: TicketRecord, composed: ComposedTicket, text: string): boolean {
  if (printedTexts(ticket).includes(text)) return true
  const planned = composed.lines.find((line) => line.kind === 'raster' && line.text === text)
  return planned?.kind === 'raster' && containsBitmap(ticket, planned.bitmap)
}

describe(withoutRealtimeSequences.name, () => {
  it('breaks DLE EOT, DLE ENQ and DLE DC4 in image data by clearing one dot', () => {
    const bits = Uint8Array.from([0x10, 0x04, 0x10, 0x05, 0x10, 0x14, 0x10, 0x20, 0xff, 0x10])
    expect(Array.from(withoutRealtimeSequences(bits))).toEqual([
      0, 4, 0, 5, 0, 0x14, 0x10, 0x20, 0xff, 0x10,
    ])
  })
})

describe('golden bytes', () => {
  for (const profile of PROFILES) {
    for (const template of TEMPLATES) {
      for (const language of LANGUAGES) {
        it(`${template} × ${language} × ${profile.name} encodes to the reviewed bytes`, async () => {
          const { bytes } = compose(argsFor(template, language), profile)
          const file = join(GOLDEN_DIR, `${template}.${language}.${profile.name}.bin.gz`)
          if (UPDATE_GOLDEN || !existsSync(file)) {
            if (process.env['CI'] === 'true' && !UPDATE_GOLDEN)
              throw new Error(`missing golden file ${file}`)
            await mkdir(GOLDEN_DIR, { recursive: true })
            await writeFile(file, gzipSync(bytes, { level: 9 }))
          }
          const golden = gunzipSync(await readFile(file))
          expect(Buffer.from(bytes).equals(golden), `bytes differ from ${file}`).toBe(true)
        })
      }
    }
  }

  it('starts with ESC @ and selects KZ-1048 as ESC t 53 on the Epson profile', () => {
    const { bytes } = compose(argsFor('ticket', 'kk'), PRINTER_PROFILES['epson-tm-t20'])
    expect(Array.from(bytes.slice(0, 2))).toEqual([0x1b, 0x40])
    expect(Buffer.from(bytes).includes(Buffer.from([0x1b, 0x74, 53]))).toBe(true)
    expect(Buffer.from(bytes).includes(Buffer.from([0x1d, 0x61, 0x4f]))).toBe(true)
    expect(Array.from(bytes.slice(-4))).toEqual([0x1d, 0x56, 0x01, 0x0a])
  })
})

describe('code-page coverage', () => {
  for (const profile of PROFILES) {
    for (const template of TEMPLATES) {
      for (const language of LANGUAGES) {
        it(`${template} × ${language} × ${profile.name}: every line is lossless text or raster`, () => {
          const args = argsFor(template, language)
          const composed = compose(args, profile)
          const ticket = printOn(profile, composed.bytes)
          for (const line of composed.lines) {
            if (line.kind === 'text')
              expect(roundTrips(line.text, line.codePage), line.text).toBe(true)
          }
          // What the printer decoded is exactly what was meant: no '?' substitutes anywhere.
          const texts = printedTexts(ticket)
          expect(texts.join('\n')).not.toMatch(/[?\uFFFD]/)
          expect(texts).toEqual(
            composed.lines.flatMap((line) => (line.kind === 'text' ? [line.text] : [])),
          )
          if (profile.textCodePages.length === 0) expect(texts).toEqual([])
        })
      }
    }
  }

  it('switches code page per line: KZ-1048 for Kazakh, CP437 for Latin accents', () => {
    const profile = PRINTER_PROFILES['epson-tm-t20']
    const composed = compose(ticketArgs('kk', { branchName: 'Café Noël' }), profile)
    expect(composed.lines[0]).toMatchObject({ kind: 'text', text: 'Café Noël', codePage: 'cp437' })
    expect(composed.mode).toBe('text')
    const texts = printedTexts(printOn(profile, composed.bytes))
    expect(texts.slice(0, 2)).toEqual(['Café Noël', TICKET_LABELS.kk.ticketNumber])
  })

  it('prints Kazakh as text on the Epson profile and as raster on the Xprinter one', () => {
    const args = ticketArgs('kk')
    const epson = compose(args, PRINTER_PROFILES['epson-tm-t20'])
    const xprinter = compose(args, PRINTER_PROFILES['xprinter-xp58'])
    expect(epson.mode).toBe('text')
    expect(xprinter.mode).toBe('mixed')
    const keep = TICKET_LABELS.kk.keepTicket
    expect(epson.lines.some((line) => line.kind === 'text' && line.text.startsWith('Бұл'))).toBe(
      true,
    )
    const raster = xprinter.lines.find(
      (line) => line.kind === 'raster' && keep.startsWith(line.text),
    )
    expect(raster).toMatchObject({
      kind: 'raster',
      reason: 'unencodable',
      missing: expect.arrayContaining(['ұ']) as unknown,
    })
    expect(compose(ticketArgs('ru'), PRINTER_PROFILES['xprinter-xp58']).mode).toBe('text')
    expect(compose(ticketArgs('en'), PRINTER_PROFILES['generic-80']).mode).toBe('raster')
  })
})

describe('round trip through the printer simulator', () => {
  for (const profile of PROFILES) {
    for (const language of LANGUAGES) {
      it(`${language} ticket on ${profile.name} shows the number, service and labels`, () => {
        const args = ticketArgs(language, { template: 'appointment-ticket' })
        const composed = compose(args, profile)
        const ticket = printOn(profile, composed.bytes)
        const labels = TICKET_LABELS[language]

        // The number is large-type raster, identical to a fresh rendering of "A042".
        const number = renderTextBitmap({
          text: 'A042',
          align: 'center',
          bold: true,
          fontDots: numberFontDots(profile),
          widthDots: profile.widthDots,
        })
        expect(containsBitmap(ticket, number)).toBe(true)
        expect(hasLine(ticket, composed, args.serviceName)).toBe(true)
        expect(hasLine(ticket, composed, labels.ticketNumber)).toBe(true)
        expect(hasLine(ticket, composed, labels.ahead(5))).toBe(true)
        expect(hasLine(ticket, composed, labels.wait(10, 15))).toBe(true)
        expect(hasLine(ticket, composed, `${labels.appointmentAt}: 22.11.2026\u00A010:30`)).toBe(
          true,
        )
        if (profile.nativeQr) {
          expect(ticket.items.filter((item) => item.kind === 'qr')).toEqual([
            expect.objectContaining({ data: args.statusUrl, errorLevel: 'm' }),
          ])
        } else {
          // A raster-only printer gets the QR code as an image, the one rendered from the URL.
          expect(ticket.items.some((item) => item.kind === 'qr')).toBe(false)
          expect(hasLine(ticket, composed, args.statusUrl)).toBe(true)
        }
        expect(ticket.cut).toBe('partial')
        expect(ticket.unknownCommands).toEqual([])
      })
    }
  }

  it('decodes every GS v 0 image to exactly the bitmap that was rendered, in order', () => {
    const profile = PRINTER_PROFILES['generic-80']
    const composed = compose(ticketArgs('kk'), profile)
    const planned = composed.lines.flatMap((line) => (line.kind === 'raster' ? [line.bitmap] : []))
    const printed = printedRasters(printOn(profile, composed.bytes))
    // Every GS v 0 band is at most 255 rows; stacked, they are exactly the rendered images.
    expect(printed.every((bitmap) => bitmap.height <= 255)).toBe(true)
    expect(printed.length).toBeGreaterThanOrEqual(planned.length)
    expect(sameBitmap(stack(printed), stack(planned))).toBe(true)
    // A rendered line has ink: the comparison is not between two blank images.
    expect(planned.every((bitmap) => bitmap.bits.some((byte) => byte !== 0))).toBe(true)
  })

  it('counts the same paper the printer feeds (plus the line fed after the cut)', () => {
    for (const profile of PROFILES) {
      const composed = compose(ticketArgs('ru'), profile)
      const ticket = printOn(profile, composed.bytes)
      expect(composed.heightDots).toBe(ticket.fedDots + 34)
      expect(composed.paperMm).toBe(Math.round((composed.heightDots / 8) * 10) / 10)
    }
  })

  it('shows the issue time in the ticket time zone', () => {
    const profile = PRINTER_PROFILES['epson-tm-t20']
    // 04:15 UTC is 09:15 in Almaty (UTC+5) and 07:15 in Moscow.
    const almaty = printedTexts(printOn(profile, compose(ticketArgs('en'), profile).bytes))
    expect(almaty).toContain('Issued: 22.11.2026\u00A009:15')
    const moscow = printedTexts(
      printOn(profile, compose(ticketArgs('en', { timeZone: 'Europe/Moscow' }), profile).bytes),
    )
    expect(moscow).toContain('Issued: 22.11.2026\u00A007:15')
  })
})
