import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder'
import QRCode from 'qrcode'
import { roundTrips, unencodable } from './code-pages.js'
import type { CodePageName } from './code-pages.js'
import { DEFAULT_LINE_SPACING_DOTS, FONT_A_HEIGHT_DOTS } from './profiles.js'
import type { PrinterProfile } from './profiles.js'
import { renderTextBitmap, toRgba, withoutRealtimeSequences } from './raster.js'
import type { MonoBitmap } from './raster.js'
import { wrapText } from './templates.js'
import type { TextLine, TicketLine } from './templates.js'

/**
 * Turns ticket lines into ESC/POS bytes for a profile (design/devices.md §4.3): each text line
 * prints as text in the first code page it round-trips through, otherwise as a raster image; the
 * ticket number and the logo are always raster; the QR code is native `GS ( k`.
 */

/** `GS a n` bits: drawer, online/offline, error, paper sensor, and bit 6 (Epson). */
export const ASB_ENABLE_MASK = 0x4f
export const QR_ERROR_LEVEL = 'm'

/** How one line of the layout went to the printer. */
export type ComposedLine =
  | {
      readonly kind: 'text'
      readonly text: string
      readonly codePage: CodePageName
      readonly style: Pick<TextLine, 'align' | 'bold' | 'size'>
    }
  | {
      readonly kind: 'raster'
      readonly text: string
      readonly reason: 'no-text-code-page' | 'unencodable' | 'large-type' | 'logo' | 'qr'
      /** Characters no text code page of the profile has (for `unencodable`). */
      readonly missing: readonly string[]
      readonly bitmap: MonoBitmap
    }
  | {
      readonly kind: 'qr'
      readonly data: string
      readonly moduleDots: number
      readonly modules: number
    }
  | { readonly kind: 'feed'; readonly lines: number }

export interface ComposedTicket {
  readonly bytes: Uint8Array
  /** Over text lines: `text` all as text, `raster` all as images, `mixed` both. */
  readonly mode: 'text' | 'raster' | 'mixed'
  readonly lines: readonly ComposedLine[]
  /** Paper fed by the job, in dots and millimetres (text lines, raster rows, QR, feeds, cut feed). */
  readonly heightDots: number
  readonly paperMm: number
}

export interface ComposeInput {
  readonly lines: readonly TicketLine[]
  readonly profile: PrinterProfile
  /** The branch logo, already scaled to the profile width; null prints the branch name. */
  readonly logo: MonoBitmap | null
}

const textLineDots = (size: number) =>
  Math.max(DEFAULT_LINE_SPACING_DOTS, FONT_A_HEIGHT_DOTS * size)
const RASTER_FONT_DOTS = 22

/** The large type of the ticket number. */
export const numberFontDots = (profile: PrinterProfile) => (profile.widthDots >= 576 ? 136 : 104)

function qrModules(data: string): number {
  return QRCode.create(data, { errorCorrectionLevel: 'M' }).modules.size
}

/** A QR code as a centred raster image with a two-module quiet zone above and below. */
export function qrBitmap(options: {
  data: string
  moduleDots: number
  widthDots: number
}): MonoBitmap {
  const { modules } = QRCode.create(options.data, { errorCorrectionLevel: 'M' })
  const { moduleDots, widthDots } = options
  const quiet = 2 * moduleDots
  const height = Math.ceil((modules.size * moduleDots + 2 * quiet) / 8) * 8
  const rowBytes = widthDots / 8
  const bits = new Uint8Array(rowBytes * height)
  const left = Math.floor((widthDots - modules.size * moduleDots) / 2)
  for (let y = 0; y < modules.size * moduleDots; y++) {
    for (let x = 0; x < modules.size * moduleDots; x++) {
      if (!modules.get(Math.floor(y / moduleDots), Math.floor(x / moduleDots))) continue
      const column = left + x
      const index = (quiet + y) * rowBytes + (column >> 3)
      bits[index] = (bits[index] ?? 0) | (0x80 >> (column & 7))
    }
  }
  return { width: widthDots, height, bits: withoutRealtimeSequences(bits) }
}

function decideText(
  line: TextLine,
  profile: PrinterProfile,
):
  | { kind: 'text'; codePage: CodePageName }
  | { kind: 'raster'; reason: 'no-text-code-page' | 'unencodable'; missing: string[] } {
  const first = profile.textCodePages[0]
  if (!first) return { kind: 'raster', reason: 'no-text-code-page', missing: [] }
  const page = profile.textCodePages.find((candidate) => roundTrips(line.text, candidate.name))
  if (page) return { kind: 'text', codePage: page.name }
  const missing = profile.textCodePages
    .map((candidate) => unencodable(line.text, candidate.name))
    .reduce((common, chars) => common.filter((char) => chars.includes(char)))
  return { kind: 'raster', reason: 'unencodable', missing }
}

function textBitmap(line: TextLine, profile: PrinterProfile): MonoBitmap {
  return renderTextBitmap({
    text: line.text,
    align: line.align,
    bold: line.bold,
    fontDots: RASTER_FONT_DOTS * line.size,
    widthDots: profile.widthDots,
  })
}

/** Plans every line: text (with its code page) or raster (with its bitmap). */
export function planTicket(input: ComposeInput): ComposedLine[] {
  const { profile } = input
  return input.lines.flatMap((line): ComposedLine[] => {
    switch (line.kind) {
      case 'text': {
        const decision = decideText(line, profile)
        return decision.kind === 'text'
          ? [{ kind: 'text', text: line.text, codePage: decision.codePage, style: line }]
          : [
              {
                kind: 'raster',
                text: line.text,
                reason: decision.reason,
                missing: decision.missing,
                bitmap: textBitmap(line, profile),
              },
            ]
      }
      case 'number':
        return [
          {
            kind: 'raster',
            text: line.text,
            reason: 'large-type',
            missing: [],
            bitmap: renderTextBitmap({
              text: line.text,
              align: 'center',
              bold: true,
              fontDots: numberFontDots(profile),
              widthDots: profile.widthDots,
            }),
          },
        ]
      case 'header': {
        if (input.logo) {
          return [
            {
              kind: 'raster',
              text: line.branchName,
              reason: 'logo',
              missing: [],
              bitmap: input.logo,
            },
          ]
        }
        const nameLines: TextLine[] = wrapForHeader(line.branchName, profile.columns)
        return planTicket({ ...input, lines: nameLines })
      }
      case 'qr': {
        const modules = qrModules(line.data)
        const moduleDots = Math.max(3, Math.min(8, Math.floor(profile.widthDots / 2 / modules)))
        if (profile.nativeQr) return [{ kind: 'qr', data: line.data, modules, moduleDots }]
        const bitmap = qrBitmap({ data: line.data, moduleDots, widthDots: profile.widthDots })
        return [{ kind: 'raster', text: line.data, reason: 'qr', missing: [], bitmap }]
      }
      case 'feed':
        return [{ kind: 'feed', lines: line.lines }]
    }
  })
}

function wrapForHeader(branchName: string, columns: number): TextLine[] {
  // Short names print double size; long ones normal size; both bold and centred.
  const size: 1 | 2 = Array.from(branchName.trim()).length <= columns / 2 ? 2 : 1
  return wrapText(branchName, columns / size).map((text) => ({
    kind: 'text',
    text,
    align: 'center',
    bold: true,
    size,
  }))
}

/** Encodes a ticket for a profile: the bytes, how each line went, and the paper it uses. */
export function composeTicket(input: ComposeInput): ComposedTicket {
  const { profile } = input
  const planned = planTicket(input)
  const encoder = new ReceiptPrinterEncoder({
    printerModel: profile.encoderModel,
    columns: profile.columns,
    imageMode: 'raster',
    newline: '\n',
  })
  encoder.initialize()
  // ESC @ may reset automatic status back: turn it on again for the job.
  if (profile.asb) encoder.raw([0x1d, 0x61, ASB_ENABLE_MASK])
  let heightDots = 0
  let rasterRun = false
  const endRasterRun = () => {
    if (rasterRun) encoder.lineSpacing('default')
    rasterRun = false
  }
  for (const line of planned) {
    switch (line.kind) {
      case 'text': {
        endRasterRun()
        const { style } = line
        encoder
          .codepage(line.codePage)
          .align(style.align)
          .bold(style.bold)
          .size(style.size, style.size)
          .line(line.text)
          .bold(false)
          .size(1, 1)
          .align('left')
        heightDots += textLineDots(style.size)
        break
      }
      case 'raster': {
        // Line spacing 0 so the LF after each image feeds nothing: images stack without gaps.
        if (!rasterRun) encoder.lineSpacing('none')
        rasterRun = true
        encoder.image(
          { data: toRgba(line.bitmap), width: line.bitmap.width, height: line.bitmap.height },
          line.bitmap.width,
          line.bitmap.height,
          'threshold',
          128,
        )
        heightDots += line.bitmap.height
        break
      }
      case 'qr':
        endRasterRun()
        encoder
          .align('center')
          .qrcode(line.data, { model: 2, size: line.moduleDots, errorlevel: QR_ERROR_LEVEL })
          .align('left')
        heightDots += line.modules * line.moduleDots + DEFAULT_LINE_SPACING_DOTS
        break
      case 'feed':
        endRasterRun()
        encoder.newline(line.lines)
        heightDots += line.lines * DEFAULT_LINE_SPACING_DOTS
        break
    }
  }
  endRasterRun()
  encoder.cut(profile.cut)
  // The encoder feeds to the cutter, cuts, then starts a new line.
  heightDots += (profile.cutFeedLines + 1) * DEFAULT_LINE_SPACING_DOTS
  const textLines = planned.filter((line) => line.kind === 'text').length
  const rasterTextLines = planned.filter(
    (line) =>
      line.kind === 'raster' &&
      (line.reason === 'unencodable' || line.reason === 'no-text-code-page'),
  ).length
  const mode = rasterTextLines === 0 ? 'text' : textLines === 0 ? 'raster' : 'mixed'
  return {
    bytes: encoder.encode(),
    mode,
    lines: planned,
    heightDots,
    paperMm: Math.round((heightDots / profile.dotsPerMm) * 10) / 10,
  }
}
