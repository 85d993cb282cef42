import { z } from 'zod'
import type { CodePageName } from './code-pages.js'

/**
 * Printer profiles: what a class of ticket printer can do (design/devices.md §4.2). Each names the
 * receipt-encoder model whose code-page mapping (`ESC t n` numbers) it shares. Text prints only in
 * `textCodePages`; a line none of them can encode is printed as a raster image.
 */

export const PrinterProfileName = z.enum(['epson-tm-t20', 'xprinter-xp58', 'generic-80'])
export type PrinterProfileName = z.infer<typeof PrinterProfileName>

export interface TextCodePage {
  readonly name: CodePageName
  /** `ESC t n` in this printer's mapping (epson: rk1048 = 53, cp866 = 17). */
  readonly escT: number
}

export interface PrinterProfile {
  readonly name: PrinterProfileName
  /** For `meta.model`. */
  readonly model: string
  /** The receipt encoder's `printerModel` (its code-page mapping, fonts, cutter feed). */
  readonly encoderModel: 'epson-tm-t20iii' | 'xprinter-xp-n160ii'
  readonly paperWidthMm: 80 | 58
  /** Printable width in dots (203 dpi). */
  readonly widthDots: number
  /** Font A (12×24) characters per line. */
  readonly columns: number
  readonly dotsPerMm: number
  /** Tried in order for every line; empty: everything prints as raster. */
  readonly textCodePages: readonly TextCodePage[]
  /** Prints QR codes itself (`GS ( k`); otherwise the QR code is sent as a raster image. */
  readonly nativeQr: boolean
  /** Automatic status back (`GS a`); without it the driver polls `DLE EOT`. */
  readonly asb: boolean
  readonly cut: 'partial' | 'full'
  /** Lines fed before the cut so the cut does not go through the last line (encoder's cutter feed). */
  readonly cutFeedLines: number
}

/** Default line spacing (`ESC 2`): 1/6 inch ≈ 4.23 mm ≈ 34 dots at 203 dpi. */
export const DEFAULT_LINE_SPACING_DOTS = 34
/** Font A cell height. */
export const FONT_A_HEIGHT_DOTS = 24

export const PRINTER_PROFILES: Readonly<Record<PrinterProfileName, PrinterProfile>> = {
  'epson-tm-t20': {
    name: 'epson-tm-t20',
    model: 'Epson TM-T20 class (80 mm)',
    encoderModel: 'epson-tm-t20iii',
    paperWidthMm: 80,
    widthDots: 576,
    columns: 48,
    dotsPerMm: 8,
    // KZ-1048 covers ASCII, Russian and Kazakh; CP437 catches Latin accents (a "Café" in a name).
    textCodePages: [
      { name: 'rk1048', escT: 53 },
      { name: 'cp437', escT: 0 },
    ],
    nativeQr: true,
    asb: true,
    cut: 'partial',
    cutFeedLines: 4,
  },
  'xprinter-xp58': {
    name: 'xprinter-xp58',
    model: 'Xprinter XP-58 class (58 mm)',
    encoderModel: 'xprinter-xp-n160ii',
    paperWidthMm: 58,
    widthDots: 384,
    columns: 32,
    dotsPerMm: 8,
    // No KZ code page in the Xprinter mapping: Kazakh lines go raster.
    textCodePages: [
      { name: 'cp866', escT: 17 },
      { name: 'cp437', escT: 0 },
    ],
    nativeQr: true,
    asb: false,
    cut: 'partial',
    cutFeedLines: 4,
  },
  'generic-80': {
    name: 'generic-80',
    model: 'Generic ESC/POS 80 mm (raster only)',
    encoderModel: 'epson-tm-t20iii',
    paperWidthMm: 80,
    widthDots: 576,
    columns: 48,
    dotsPerMm: 8,
    textCodePages: [],
    nativeQr: false,
    asb: false,
    cut: 'partial',
    cutFeedLines: 4,
  },
}

/** What the profile can do, for `dev/{id}/meta`. */
export function profileCapabilities(profile: PrinterProfile): string[] {
  return [
    'print.raster',
    ...profile.textCodePages.map((page) => `print.text.${page.name}`),
    ...(profile.nativeQr ? ['print.qr'] : []),
    profile.asb ? 'status.asb' : 'status.poll',
    `cut.${profile.cut}`,
  ]
}
