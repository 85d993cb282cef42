import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas'
import type { Align } from './templates.js'

/**
 * Raster rendering of ticket lines with @napi-rs/canvas and the bundled DejaVu Sans (never system
 * fonts), to 1-bit bitmaps in `GS v 0` layout.
 */

/** A 1-bit image: rows of `width / 8` bytes, most significant bit first, 1 = black (GS v 0 layout). */
export interface MonoBitmap {
  readonly width: number
  readonly height: number
  readonly bits: Uint8Array
}

const require = createRequire(import.meta.url)
export const FONT_FAMILY = 'KQMS DejaVu Sans'
export const MONO_FONT_FAMILY = 'KQMS DejaVu Sans Mono'
const FONT_FILES: readonly (readonly [string, string])[] = [
  ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', FONT_FAMILY],
  ['dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf', FONT_FAMILY],
  ['dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf', MONO_FONT_FAMILY],
  ['dejavu-fonts-ttf/ttf/DejaVuSansMono-Bold.ttf', MONO_FONT_FAMILY],
]
let fontsRegistered = false

/** Registers the bundled DejaVu fonts once (idempotent). */
export function registerFonts(): void {
  if (fontsRegistered) return
  for (const [file, family] of FONT_FILES) {
    const path = require.resolve(file)
    if (!GlobalFonts.registerFromPath(path, family)) throw new Error(`Cannot load font ${path}`)
  }
  fontsRegistered = true
}

const roundUp8 = (value: number) => Math.ceil(value / 8) * 8

/**
 * Printers execute real-time commands (`DLE EOT n`, `DLE ENQ n`, `DLE DC4 …`) wherever the bytes
 * appear, image data included (NCR 7193 "Rules for Using Real Time Commands"): a stray status reply
 * would be taken as the answer to our next query. Clearing the one dot of a `0x10` byte followed by
 * 0x04, 0x05 or 0x14 breaks every such sequence; one white dot is invisible on paper.
 */
export function withoutRealtimeSequences(bits: Uint8Array): Uint8Array {
  for (let index = 0; index + 1 < bits.length; index++) {
    const next = bits[index + 1]
    if (bits[index] === 0x10 && (next === 0x04 || next === 0x05 || next === 0x14)) bits[index] = 0
  }
  return bits
}

/** Thresholds RGBA pixels (luminance below 128 → black) into a bitmap. */
export function toMonoBitmap(rgba: {
  readonly data: Uint8ClampedArray
  readonly width: number
  readonly height: number
}): MonoBitmap {
  const { width, height, data } = rgba
  const rowBytes = width / 8
  const bits = new Uint8Array(rowBytes * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4
      const alpha = (data[offset + 3] ?? 0) / 255
      const luminance =
        255 * (1 - alpha) +
        alpha *
          (0.299 * (data[offset] ?? 0) +
            0.587 * (data[offset + 1] ?? 0) +
            0.114 * (data[offset + 2] ?? 0))
      if (luminance < 128) {
        const index = y * rowBytes + (x >> 3)
        bits[index] = (bits[index] ?? 0) | (0x80 >> (x & 7))
      }
    }
  }
  return { width, height, bits: withoutRealtimeSequences(bits) }
}

/** Pure black and white RGBA of a bitmap: what the encoder's `image()` thresholds back exactly. */
export function toRgba(bitmap: MonoBitmap): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(bitmap.width * bitmap.height * 4)
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      const black = isBlack(bitmap, x, y)
      const offset = (y * bitmap.width + x) * 4
      const value = black ? 0 : 255
      rgba[offset] = value
      rgba[offset + 1] = value
      rgba[offset + 2] = value
      rgba[offset + 3] = 255
    }
  }
  return rgba
}

export function isBlack(bitmap: MonoBitmap, x: number, y: number): boolean {
  const byte = bitmap.bits[y * (bitmap.width / 8) + (x >> 3)] ?? 0
  return (byte & (0x80 >> (x & 7))) !== 0
}

export interface RasterTextRequest {
  readonly text: string
  readonly align: Align
  readonly bold: boolean
  /** Font size in dots (the cap-to-descender height is about 1.2 × this). */
  readonly fontDots: number
  readonly widthDots: number
}

/** Renders one line of text, shrinking the font if the line would not fit the paper width. */
export function renderTextBitmap(request: RasterTextRequest): MonoBitmap {
  registerFonts()
  const margin = 4
  const height = roundUp8(request.fontDots * 1.25)
  const canvas = createCanvas(request.widthDots, height)
  const context = canvas.getContext('2d')
  context.fillStyle = '#fff'
  context.fillRect(0, 0, request.widthDots, height)
  let fontDots = request.fontDots
  const font = (size: number) => `${request.bold ? 'bold ' : ''}${size}px "${FONT_FAMILY}"`
  context.font = font(fontDots)
  const available = request.widthDots - 2 * margin
  const measured = context.measureText(request.text).width
  if (measured > available) {
    fontDots = Math.floor((fontDots * available) / measured)
    context.font = font(fontDots)
  }
  const textWidth = context.measureText(request.text).width
  const x =
    request.align === 'left'
      ? margin
      : request.align === 'right'
        ? request.widthDots - margin - textWidth
        : (request.widthDots - textWidth) / 2
  context.fillStyle = '#000'
  context.textBaseline = 'alphabetic'
  // Baseline at 80% of the band leaves room for descenders (у, р, ғ, ұ).
  context.fillText(request.text, Math.round(x), Math.round(height * 0.8))
  return toMonoBitmap(context.getImageData(0, 0, request.widthDots, height))
}

/**
 * Loads a logo (PNG or JPEG file) scaled to fit `widthDots` × `maxHeightDots`, centred, thresholded.
 * Rejects with an Error naming the file when it cannot be read or decoded.
 */
export async function loadLogoBitmap(options: {
  readonly path: string
  readonly widthDots: number
  readonly maxHeightDots: number
}): Promise<MonoBitmap> {
  let image: Awaited<ReturnType<typeof loadImage>>
  try {
    image = await loadImage(await readFile(options.path))
  } catch (error) {
    throw new Error(`Cannot read the printer logo ${options.path}`, { cause: error })
  }
  const scale = Math.min(options.widthDots / image.width, options.maxHeightDots / image.height, 1)
  const drawWidth = Math.max(1, Math.round(image.width * scale))
  const drawHeight = Math.max(1, Math.round(image.height * scale))
  const height = roundUp8(drawHeight)
  const canvas = createCanvas(options.widthDots, height)
  const context = canvas.getContext('2d')
  context.fillStyle = '#fff'
  context.fillRect(0, 0, options.widthDots, height)
  context.drawImage(
    image,
    Math.round((options.widthDots - drawWidth) / 2),
    0,
    drawWidth,
    drawHeight,
  )
  return toMonoBitmap(context.getImageData(0, 0, options.widthDots, height))
}
