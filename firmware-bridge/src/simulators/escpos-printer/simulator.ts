import QRCode from 'qrcode'
import { decodeText } from '../../devices/printer/code-pages.js'
import type { CodePageName } from '../../devices/printer/code-pages.js'
import type { MonoBitmap } from '../../devices/printer/raster.js'

/**
 * An ESC/POS ticket printer in software (design/devices.md §8.6): fed the bytes a driver writes,
 * it decodes them into ticket records (one per cut), answers `DLE EOT n` with its status byte and
 * sends automatic status back (`GS a`) when its status changes. Paper and cover are switches a test
 * or an engineer flips. Rendering records to PNG lives in `render.ts`.
 */

export type SimulatedPaper = 'ok' | 'near-end' | 'out'

/** A printed line of text with the mode it was printed in. */
export interface PrintedText {
  readonly kind: 'text'
  readonly text: string
  readonly bold: boolean
  /** GS ! multipliers. */
  readonly width: number
  readonly height: number
  readonly align: 'left' | 'center' | 'right'
  readonly codePage: CodePageName | `unknown-${number}`
}

export type PrintedItem =
  | PrintedText
  | { readonly kind: 'raster'; readonly bitmap: MonoBitmap }
  | {
      readonly kind: 'qr'
      readonly data: string
      readonly moduleDots: number
      readonly errorLevel: string
    }
  | { readonly kind: 'feed'; readonly dots: number }

/** One job, up to and including a cut. */
export interface TicketRecord {
  readonly sequence: number
  readonly items: readonly PrintedItem[]
  readonly cut: 'partial' | 'full'
  /** Paper fed for the job, in dots. */
  readonly fedDots: number
  /** Commands the simulator did not understand (hex of the first bytes). */
  readonly unknownCommands: readonly string[]
}

export interface EscPosPrinterSimulatorOptions {
  /** Answers to the host (status bytes). */
  readonly send: (bytes: Uint8Array) => void
  /** `ESC t n` → code page; default the Epson numbering (0 cp437, 17 cp866, 53 rk1048). */
  readonly codePages?: Readonly<Record<number, CodePageName>>
  readonly widthDots?: number
}

export const EPSON_CODE_PAGES: Readonly<Record<number, CodePageName>> = {
  0: 'cp437',
  17: 'cp866',
  53: 'rk1048',
}
export const XPRINTER_CODE_PAGES: Readonly<Record<number, CodePageName>> = {
  0: 'cp437',
  17: 'cp866',
}

const LINE_SPACING_DEFAULT = 34
const FONT_HEIGHT = 24
const ESC = 0x1b
const GS = 0x1d
const DLE = 0x10
const FS = 0x1c

/** Needs more bytes before the command at the head of the buffer can be decoded. */
const INCOMPLETE = -1

interface Mode {
  bold: boolean
  width: number
  height: number
  align: 'left' | 'center' | 'right'
  codePage: number
  lineSpacing: number
}

const initialMode = (): Mode => ({
  bold: false,
  width: 1,
  height: 1,
  align: 'left',
  codePage: 0,
  lineSpacing: LINE_SPACING_DEFAULT,
})

export class EscPosPrinterSimulator {
  readonly widthDots: number
  readonly #send: (bytes: Uint8Array) => void
  readonly #codePages: Readonly<Record<number, CodePageName>>
  #buffer = new Uint8Array(0)
  #mode = initialMode()
  #line = {
    text: '',
    bold: false,
    width: 1,
    height: 1,
    align: null as Mode['align'] | null,
    codePage: null as PrintedText['codePage'] | null,
  }
  #items: PrintedItem[] = []
  #fedDots = 0
  #unknown: string[] = []
  #qr = { data: '', moduleDots: 3, errorLevel: 'l' }
  #asb = 0
  #paper: SimulatedPaper = 'ok'
  #coverOpen = false
  #cutterError = false
  #sequence = 0
  #discarding = false
  readonly #tickets: TicketRecord[] = []
  readonly #ticketListeners = new Set<(ticket: TicketRecord) => void>()
  /** Jobs that arrived while the printer could not print (paper out, cover open): not printed. */
  droppedJobs = 0
  /** Real-time command sequences found inside image data (a driver should send none). */
  realtimeCommandsInData = 0

  constructor(options: EscPosPrinterSimulatorOptions) {
    this.#send = options.send
    this.#codePages = options.codePages ?? EPSON_CODE_PAGES
    this.widthDots = options.widthDots ?? 576
  }

  get tickets(): readonly TicketRecord[] {
    return this.#tickets
  }

  get asbEnabled(): boolean {
    return this.#asb !== 0
  }

  /** Calls `listener` with every ticket printed from now on; returns the unsubscribe function. */
  onTicket(listener: (ticket: TicketRecord) => void): () => void {
    this.#ticketListeners.add(listener)
    return () => this.#ticketListeners.delete(listener)
  }

  setPaper(paper: SimulatedPaper): void {
    this.#changeStatus(() => (this.#paper = paper))
  }

  setCoverOpen(open: boolean): void {
    this.#changeStatus(() => (this.#coverOpen = open))
  }

  setCutterError(error: boolean): void {
    this.#changeStatus(() => (this.#cutterError = error))
  }

  get canPrint(): boolean {
    return this.#paper !== 'out' && !this.#coverOpen && !this.#cutterError
  }

  /** The real-time status byte for `DLE EOT n`. */
  statusByte(n: number): number {
    const offline = !this.canPrint
    switch (n) {
      case 1:
        return 0x12 | (offline ? 0x08 : 0)
      case 2:
        return (
          0x12 |
          (this.#coverOpen ? 0x04 : 0) |
          (this.#paper === 'out' ? 0x20 : 0) |
          (this.#cutterError ? 0x40 : 0)
        )
      case 3:
        return 0x12 | (this.#cutterError ? 0x08 : 0)
      case 4:
        return 0x12 | (this.#paper === 'near-end' ? 0x0c : 0) | (this.#paper === 'out' ? 0x6c : 0)
      default:
        return 0x12
    }
  }

  /** The four ASB bytes of the current status. */
  asbBytes(): Uint8Array {
    const offline = !this.canPrint
    return Uint8Array.of(
      0x10 | (offline ? 0x08 : 0) | (this.#coverOpen ? 0x20 : 0),
      this.#cutterError ? 0x08 : 0,
      (this.#paper === 'near-end' ? 0x03 : 0) | (this.#paper === 'out' ? 0x0f : 0),
      0,
    )
  }

  #changeStatus(change: () => void): void {
    const before = this.asbBytes()
    change()
    const after = this.asbBytes()
    if (this.#asb !== 0 && before.some((byte, index) => byte !== after[index])) this.#send(after)
  }

  /** Bytes from the host, in order; commands split across calls are reassembled. */
  receive(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#buffer.length + chunk.length)
    joined.set(this.#buffer)
    joined.set(chunk, this.#buffer.length)
    let index = 0
    while (index < joined.length) {
      const used = this.#decodeAt(joined, index)
      if (used === INCOMPLETE) break
      index += used
    }
    this.#buffer = joined.slice(index)
  }

  /** Decodes the command at `at`; returns how many bytes it used, or INCOMPLETE. */
  #decodeAt(buffer: Uint8Array, at: number): number {
    const byte = buffer[at] ?? 0
    const available = buffer.length - at
    const arg = (offset: number) => buffer[at + offset] ?? 0
    const need = (count: number) => available >= count
    if (byte >= 0x20 && byte !== 0x7f) {
      this.#addCharacter(byte)
      return 1
    }
    switch (byte) {
      case 0x0a:
        this.#lineFeed()
        return 1
      case 0x0d:
      case 0x09:
      case 0x00:
        return 1
      case DLE:
        return this.#decodeDle(buffer, at)
      case ESC: {
        if (!need(2)) return INCOMPLETE
        const command = arg(1)
        switch (command) {
          case 0x40: // ESC @
            this.#mode = initialMode()
            this.#asb = 0
            return 2
          case 0x32: // ESC 2
            this.#mode.lineSpacing = LINE_SPACING_DEFAULT
            return 2
          case 0x33: // ESC 3 n
            if (!need(3)) return INCOMPLETE
            this.#mode.lineSpacing = arg(2)
            return 3
          case 0x74: // ESC t n
            if (!need(3)) return INCOMPLETE
            this.#mode.codePage = arg(2)
            return 3
          case 0x45: // ESC E n
            if (!need(3)) return INCOMPLETE
            this.#mode.bold = (arg(2) & 1) === 1
            return 3
          case 0x61: // ESC a n
            if (!need(3)) return INCOMPLETE
            this.#mode.align = (['left', 'center', 'right'] as const)[arg(2) % 48] ?? 'left'
            return 3
          case 0x21: // ESC ! n
            if (!need(3)) return INCOMPLETE
            this.#mode.bold = (arg(2) & 0x08) !== 0
            this.#mode.height = (arg(2) & 0x10) !== 0 ? 2 : 1
            this.#mode.width = (arg(2) & 0x20) !== 0 ? 2 : 1
            return 3
          case 0x64: // ESC d n: print and feed n lines
            if (!need(3)) return INCOMPLETE
            this.#endLine()
            this.#feed(arg(2) * this.#mode.lineSpacing)
            return 3
          case 0x4a: // ESC J n: feed n dots
            if (!need(3)) return INCOMPLETE
            this.#endLine()
            this.#feed(arg(2))
            return 3
          case 0x4d: // ESC M n
          case 0x2d: // ESC - n
          case 0x47: // ESC G n
          case 0x7b: // ESC { n
          case 0x56: // ESC V n
          case 0x20: // ESC SP n
          case 0x52: // ESC R n
            return need(3) ? 3 : INCOMPLETE
          case 0x24: // ESC $ nL nH
            return need(4) ? 4 : INCOMPLETE
          case 0x70: // ESC p m t1 t2
            return need(5) ? 5 : INCOMPLETE
          default:
            this.#unknown.push(hex(buffer.subarray(at, at + 2)))
            return 2
        }
      }
      case FS: {
        if (!need(2)) return INCOMPLETE
        const command = arg(1)
        if (command === 0x2e || command === 0x26) return 2 // FS . / FS &: Kanji off / on
        if (command === 0x43) return need(3) ? 3 : INCOMPLETE // FS C n
        this.#unknown.push(hex(buffer.subarray(at, at + 2)))
        return 2
      }
      case GS:
        return this.#decodeGs(buffer, at)
      default:
        return 1 // other control bytes are ignored
    }
  }

  #decodeDle(buffer: Uint8Array, at: number): number {
    const available = buffer.length - at
    if (available < 3) return INCOMPLETE
    const command = buffer[at + 1] ?? 0
    const n = buffer[at + 2] ?? 0
    if (command === 0x04) {
      this.#send(Uint8Array.of(this.statusByte(n)))
      return 3
    }
    if (command === 0x05) return 3 // DLE ENQ n: recover
    if (command === 0x14) {
      // DLE DC4 fn …: 1 pulse (5 bytes), 2 power off (5), 7 transmit status (4), 8 clear buffer (10)
      const length = n === 7 ? 4 : n === 8 ? 10 : 5
      if (available < length) return INCOMPLETE
      if (n === 7) this.#send(this.asbBytes())
      return length
    }
    return 1
  }

  #decodeGs(buffer: Uint8Array, at: number): number {
    const available = buffer.length - at
    if (available < 2) return INCOMPLETE
    const arg = (offset: number) => buffer[at + offset] ?? 0
    const command = arg(1)
    switch (command) {
      case 0x21: // GS ! n
        if (available < 3) return INCOMPLETE
        this.#mode.width = ((arg(2) >> 4) & 0x07) + 1
        this.#mode.height = (arg(2) & 0x07) + 1
        return 3
      case 0x61: // GS a n
        if (available < 3) return INCOMPLETE
        this.#asb = arg(2)
        if (this.#asb !== 0) this.#send(this.asbBytes()) // Epson sends the first status at once
        return 3
      case 0x56: {
        // GS V m [n]
        if (available < 3) return INCOMPLETE
        const m = arg(2)
        const withFeed = m === 65 || m === 66
        if (withFeed && available < 4) return INCOMPLETE
        this.#endLine()
        if (withFeed) this.#feed(arg(3))
        this.#cut(m === 1 || m === 49 || m === 66 ? 'partial' : 'full')
        return withFeed ? 4 : 3
      }
      case 0x76: {
        // GS v 0 m xL xH yL yH data
        if (available < 8) return INCOMPLETE
        const rowBytes = arg(4) + arg(5) * 256
        const rows = arg(6) + arg(7) * 256
        const length = 8 + rowBytes * rows
        if (available < length) return INCOMPLETE
        this.#endLine()
        this.#realtimeInData(buffer.subarray(at + 8, at + length))
        const bitmap: MonoBitmap = {
          width: rowBytes * 8,
          height: rows,
          bits: buffer.slice(at + 8, at + length),
        }
        this.#print({ kind: 'raster', bitmap })
        this.#fedDots += rows
        return length
      }
      case 0x28: {
        // GS ( X pL pH …
        if (available < 5) return INCOMPLETE
        const length = 5 + arg(3) + arg(4) * 256
        if (available < length) return INCOMPLETE
        if (arg(2) === 0x6b) this.#qrFunction(buffer.subarray(at + 5, at + length))
        return length
      }
      case 0x6b: {
        // GS k m …: barcodes (not printed by KQMS; skipped)
        if (available < 3) return INCOMPLETE
        const m = arg(2)
        if (m >= 65) {
          if (available < 4) return INCOMPLETE
          const length = 4 + arg(3)
          return available < length ? INCOMPLETE : length
        }
        const end = buffer.indexOf(0, at + 3)
        return end === -1 ? INCOMPLETE : end - at + 1
      }
      case 0x50: // GS P x y
      case 0x4c: // GS L nL nH
      case 0x57: // GS W nL nH
        return available < 4 ? INCOMPLETE : 4
      case 0x42: // GS B n
      case 0x48: // GS H n
      case 0x66: // GS f n
      case 0x68: // GS h n
      case 0x77: // GS w n
        return available < 3 ? INCOMPLETE : 3
      default:
        this.#unknown.push(hex(buffer.subarray(at, at + 2)))
        return 2
    }
  }

  /** Like a real printer, answers `DLE EOT n` even inside image data (and counts it). */
  #realtimeInData(data: Uint8Array): void {
    for (let index = 0; index + 2 < data.length; index++) {
      if (data[index] !== DLE) continue
      const command = data[index + 1]
      if (command === 0x04 || command === 0x05 || command === 0x14) this.realtimeCommandsInData++
      const n = data[index + 2] ?? 0
      if (command === 0x04 && n >= 1 && n <= 4) this.#send(Uint8Array.of(this.statusByte(n)))
    }
  }

  /** `GS ( k` for QR codes (cn = 49): model, size, error level, store, print. */
  #qrFunction(body: Uint8Array): void {
    const [cn, fn, ...rest] = body
    if (cn !== 0x31) return
    switch (fn) {
      case 0x43:
        this.#qr.moduleDots = rest[0] ?? 3
        return
      case 0x45:
        this.#qr.errorLevel = ['l', 'm', 'q', 'h'][(rest[0] ?? 48) - 48] ?? 'l'
        return
      case 0x50:
        this.#qr.data = new TextDecoder().decode(Uint8Array.from(rest.slice(1)))
        return
      case 0x51:
        this.#endLine()
        this.#print({
          kind: 'qr',
          data: this.#qr.data,
          moduleDots: this.#qr.moduleDots,
          errorLevel: this.#qr.errorLevel,
        })
        this.#fedDots += qrModules(this.#qr.data, this.#qr.errorLevel) * this.#qr.moduleDots
        return
      default:
        return
    }
  }

  #print(item: PrintedItem): void {
    if (!this.canPrint) {
      // Paper fed with nothing on it is not a lost job; anything else is.
      if (item.kind !== 'feed') this.#discarding = true
      return
    }
    this.#items.push(item)
  }

  #feed(dots: number): void {
    if (dots <= 0) return
    this.#fedDots += dots
    this.#print({ kind: 'feed', dots })
  }

  #addCharacter(byte: number): void {
    const mode = this.#mode
    const page = this.#codePages[mode.codePage]
    this.#line.text += page ? decodeText(Uint8Array.of(byte), page) : '\uFFFD'
    if (byte === 0x20) return
    this.#line.bold ||= mode.bold
    this.#line.width = Math.max(this.#line.width, mode.width)
    this.#line.height = Math.max(this.#line.height, mode.height)
    this.#line.align ??= mode.align
    this.#line.codePage = page ?? `unknown-${mode.codePage}`
  }

  /** LF: prints the pending line, or feeds one line of the current spacing when there is none. */
  #lineFeed(): void {
    if (this.#line.text.length === 0) this.#feed(this.#mode.lineSpacing)
    else this.#endLine()
  }

  /** Prints the pending text line, if any (before images, QR codes, feeds and cuts). */
  #endLine(): void {
    const line = this.#line
    if (line.text.length === 0) return
    // The encoder aligns with leading spaces; report the text without them and the alignment seen.
    const text = line.text.trim()
    const leading = line.text.length - line.text.trimStart().length
    const align = line.align && line.align !== 'left' ? line.align : leading > 0 ? 'center' : 'left'
    this.#print({
      kind: 'text',
      text,
      bold: line.bold,
      width: line.width,
      height: line.height,
      align,
      codePage: line.codePage ?? 'cp437',
    })
    this.#fedDots += Math.max(this.#mode.lineSpacing, FONT_HEIGHT * line.height)
    this.#line = { text: '', bold: false, width: 1, height: 1, align: null, codePage: null }
  }

  #cut(cut: 'partial' | 'full'): void {
    const items = this.#items
    const printable = items.some((item) => item.kind !== 'feed')
    if (this.#discarding || !this.canPrint) {
      this.droppedJobs++
    } else if (printable) {
      const ticket: TicketRecord = {
        sequence: ++this.#sequence,
        items,
        cut,
        fedDots: this.#fedDots,
        unknownCommands: this.#unknown,
      }
      this.#tickets.push(ticket)
      for (const listener of this.#ticketListeners) listener(ticket)
    }
    this.#items = []
    this.#fedDots = 0
    this.#unknown = []
    this.#discarding = false
  }
}

/** Modules per side of the QR code a printer draws for `data` (smallest version that fits). */
export function qrModules(data: string, errorLevel: string): number {
  const level = ({ l: 'L', m: 'M', q: 'Q', h: 'H' } as const)[errorLevel as 'l'] ?? 'L'
  return QRCode.create(data, { errorCorrectionLevel: level }).modules.size
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')
