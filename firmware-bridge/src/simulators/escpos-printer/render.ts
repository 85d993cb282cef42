import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createCanvas } from '@napi-rs/canvas'
import QRCode from 'qrcode'
import { isBlack, MONO_FONT_FAMILY, registerFonts } from '../../devices/printer/raster.js'
import type { TicketRecord } from './simulator.js'

/**
 * Draws a decoded ticket as the paper would look: text in DejaVu Sans Mono on the printer's
 * 12×24 cell grid, raster images blitted dot for dot, QR codes drawn from the stored data.
 */
export function renderTicketPng(ticket: TicketRecord, widthDots: number): Buffer {
  registerFonts()
  const margin = 16
  const height = Math.max(ticket.fedDots, 8) + 2 * margin
  const canvas = createCanvas(widthDots + 2 * margin, height)
  const context = canvas.getContext('2d')
  context.fillStyle = '#fff'
  context.fillRect(0, 0, canvas.width, canvas.height)
  context.fillStyle = '#000'
  context.textBaseline = 'alphabetic'
  let y = margin
  for (const item of ticket.items) {
    switch (item.kind) {
      case 'text': {
        const cell = 12 * item.width
        const lineHeight = Math.max(34, 24 * item.height)
        context.font = `${item.bold ? 'bold ' : ''}${20 * item.height}px "${MONO_FONT_FAMILY}"`
        const chars = Array.from(item.text)
        const textWidth = chars.length * cell
        const x =
          item.align === 'center'
            ? (widthDots - textWidth) / 2
            : item.align === 'right'
              ? widthDots - textWidth
              : 0
        chars.forEach((char, index) => {
          // One character per cell, squeezed like the printer's fixed-pitch font.
          context.fillText(char, margin + x + index * cell, y + 20 * item.height, cell)
        })
        y += lineHeight
        break
      }
      case 'raster': {
        const image = context.createImageData(item.bitmap.width, item.bitmap.height)
        for (let row = 0; row < item.bitmap.height; row++) {
          for (let column = 0; column < item.bitmap.width; column++) {
            const value = isBlack(item.bitmap, column, row) ? 0 : 255
            const offset = (row * item.bitmap.width + column) * 4
            image.data[offset] = value
            image.data[offset + 1] = value
            image.data[offset + 2] = value
            image.data[offset + 3] = 255
          }
        }
        context.putImageData(image, margin, y)
        y += item.bitmap.height
        break
      }
      case 'qr': {
        const level = ({ l: 'L', m: 'M', q: 'Q', h: 'H' } as const)[item.errorLevel as 'l'] ?? 'L'
        const qr = QRCode.create(item.data, { errorCorrectionLevel: level })
        const size = qr.modules.size
        const left = margin + Math.floor((widthDots - size * item.moduleDots) / 2)
        context.fillStyle = '#000'
        for (let row = 0; row < size; row++) {
          for (let column = 0; column < size; column++) {
            if (qr.modules.get(row, column)) {
              context.fillRect(
                left + column * item.moduleDots,
                y + row * item.moduleDots,
                item.moduleDots,
                item.moduleDots,
              )
            }
          }
        }
        y += size * item.moduleDots
        break
      }
      case 'feed':
        y += item.dots
        break
    }
  }
  // The cut.
  context.strokeStyle = '#999'
  context.setLineDash([6, 6])
  context.beginPath()
  context.moveTo(0, height - 1)
  context.lineTo(canvas.width, height - 1)
  context.stroke()
  return canvas.toBuffer('image/png')
}

/** Writes `ticket-0001.png`… into `outDir`; returns the file path. */
export async function writeTicketPng(options: {
  readonly ticket: TicketRecord
  readonly widthDots: number
  readonly outDir: string
}): Promise<string> {
  await mkdir(options.outDir, { recursive: true })
  const path = join(
    options.outDir,
    `ticket-${String(options.ticket.sequence).padStart(4, '0')}.png`,
  )
  await writeFile(path, renderTicketPng(options.ticket, options.widthDots))
  return path
}
