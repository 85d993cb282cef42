import { z } from 'zod'
import type { FrameCodec } from '../driver.js'

/**
 * Addressed ASCII frames of RS-485 counter displays (design/devices.md §7.1):
 *
 *   START  ADDRESS  COMMAND  PAYLOAD…  [CHECKSUM]  END
 *
 * - ADDRESS: two uppercase hex digits (`01`…`FE`) or one binary byte, per `addressFormat`.
 * - COMMAND: `T` show text (payload `0`/`1` blink flag, then printable ASCII), `C` clear,
 *   `B` brightness (payload three decimal digits `000`…`100`), `S` status (echo, no payload).
 * - CHECKSUM over ADDRESS…PAYLOAD: XOR or 8-bit sum, as two uppercase hex digits; absent with `none`.
 * - Replies: the ACK or NAK byte, followed by the address (in `addressFormat`) when
 *   `reply: 'addressed'`. `ack: null` means the display never answers (state is then assumed).
 *
 * Text bytes are printable ASCII only, so START and END never occur inside a frame (except a
 * binary address, which sits at a fixed offset).
 */

const Byte = z.number().int().min(0).max(255)

export const DisplayFrameFormat = z.object({
  start: Byte.default(0x02),
  end: Byte.default(0x03),
  addressFormat: z.enum(['hex2', 'binary']).default('hex2'),
  checksum: z.enum(['xor', 'sum8', 'none']).default('xor'),
  ack: Byte.nullable().default(0x06),
  nak: Byte.default(0x15),
  reply: z.enum(['byte', 'addressed']).default('byte'),
})
export type DisplayFrameFormat = z.infer<typeof DisplayFrameFormat>

export const DISPLAY_ADDRESS_MIN = 1
export const DISPLAY_ADDRESS_MAX = 254
export const BRIGHTNESS_MAX = 100
/** Longest text a frame carries; a display shows fewer (the driver's `maxTextLength`). */
export const DISPLAY_TEXT_MAX = 64

export type DisplayRequest =
  | {
      readonly address: number
      readonly command: 'text'
      readonly text: string
      readonly blink: boolean
    }
  | { readonly address: number; readonly command: 'clear' }
  | { readonly address: number; readonly command: 'brightness'; readonly level: number }
  | { readonly address: number; readonly command: 'status' }

export interface DisplayReply {
  readonly kind: 'ack' | 'nak'
  /** The replying address (`reply: 'addressed'`), or null for a bare ACK/NAK byte. */
  readonly address: number | null
}

const COMMAND_LETTER = { text: 0x54, clear: 0x43, brightness: 0x42, status: 0x53 } as const
const QUESTION_MARK = 0x3f
const HEX_DIGITS = '0123456789ABCDEF'

/** Printable ASCII of `text`; anything else (Cyrillic, control characters) becomes `?`. */
export function toDisplayAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index)
    out[index] = code >= 0x20 && code <= 0x7e ? code : QUESTION_MARK
  }
  return out
}

export function computeChecksum(kind: DisplayFrameFormat['checksum'], bytes: Uint8Array): number {
  let value = 0
  for (const byte of bytes) value = kind === 'xor' ? value ^ byte : (value + byte) & 0xff
  return value
}

const hex2 = (value: number): number[] => [
  HEX_DIGITS.charCodeAt(value >> 4),
  HEX_DIGITS.charCodeAt(value & 0x0f),
]

function parseHex2(high: number | undefined, low: number | undefined): number | null {
  if (high === undefined || low === undefined) return null
  const h = HEX_DIGITS.indexOf(String.fromCharCode(high))
  const l = HEX_DIGITS.indexOf(String.fromCharCode(low))
  return h < 0 || l < 0 ? null : h * 16 + l
}

const addressBytes = (format: DisplayFrameFormat, address: number): number[] =>
  format.addressFormat === 'hex2' ? hex2(address) : [address]

const addressLength = (format: DisplayFrameFormat): number =>
  format.addressFormat === 'hex2' ? 2 : 1

function checkAddress(address: number): void {
  if (
    !Number.isInteger(address) ||
    address < DISPLAY_ADDRESS_MIN ||
    address > DISPLAY_ADDRESS_MAX
  ) {
    throw new RangeError(`A display address is ${DISPLAY_ADDRESS_MIN}…${DISPLAY_ADDRESS_MAX}`)
  }
}

function payloadOf(format: DisplayFrameFormat, request: DisplayRequest): number[] {
  switch (request.command) {
    case 'text': {
      // START or END configured as printable characters must not appear inside the text.
      const text = [...toDisplayAscii(request.text.slice(0, DISPLAY_TEXT_MAX))].map((byte) =>
        byte === format.start || byte === format.end ? QUESTION_MARK : byte,
      )
      return [request.blink ? 0x31 : 0x30, ...text]
    }
    case 'brightness': {
      const level = Math.max(0, Math.min(BRIGHTNESS_MAX, Math.round(request.level)))
      return [...String(level).padStart(3, '0')].map((char) => char.charCodeAt(0))
    }
    case 'clear':
    case 'status':
      return []
  }
}

/** The bytes of one request frame. */
export function encodeDisplayRequest(
  format: DisplayFrameFormat,
  request: DisplayRequest,
): Uint8Array {
  checkAddress(request.address)
  const body = Uint8Array.from([
    ...addressBytes(format, request.address),
    COMMAND_LETTER[request.command],
    ...payloadOf(format, request),
  ])
  const checksum = format.checksum === 'none' ? [] : hex2(computeChecksum(format.checksum, body))
  return Uint8Array.from([format.start, ...body, ...checksum, format.end])
}

/** A reply as the display sends it (simulators). */
export function encodeDisplayReply(
  format: DisplayFrameFormat,
  reply: { readonly kind: 'ack' | 'nak'; readonly address: number },
): Uint8Array {
  const byte = reply.kind === 'ack' ? format.ack : format.nak
  if (byte === null) return new Uint8Array(0)
  return Uint8Array.from(
    format.reply === 'addressed' ? [byte, ...addressBytes(format, reply.address)] : [byte],
  )
}

/** Host side: replies from the bus. Other bytes (line noise, a neighbour's echo) are skipped. */
export function decodeDisplayReplies(
  format: DisplayFrameFormat,
  buffer: Uint8Array,
): { frames: DisplayReply[]; rest: Uint8Array } {
  const frames: DisplayReply[] = []
  let index = 0
  while (index < buffer.length) {
    const byte = buffer[index]
    const kind = byte === format.ack ? 'ack' : byte === format.nak ? 'nak' : null
    if (kind === null) {
      index += 1
      continue
    }
    if (format.reply === 'byte') {
      frames.push({ kind, address: null })
      index += 1
      continue
    }
    const length = addressLength(format)
    if (index + 1 + length > buffer.length) break // the address has not arrived yet
    const address =
      format.addressFormat === 'hex2'
        ? parseHex2(buffer[index + 1], buffer[index + 2])
        : (buffer[index + 1] ?? null)
    if (address === null) {
      index += 1 // an ACK-valued noise byte: resynchronise on the next one
      continue
    }
    frames.push({ kind, address })
    index += 1 + length
  }
  return { frames, rest: buffer.slice(index) }
}

/** The codec the driver uses: requests out, replies in. */
export function createDisplayCodec(
  format: DisplayFrameFormat,
): FrameCodec<DisplayRequest, DisplayReply> {
  return {
    encode: (request) => encodeDisplayRequest(format, request),
    decode: (buffer) => decodeDisplayReplies(format, buffer),
  }
}

/** A request frame as a display sees it: valid, or refused with the address when readable. */
export type ReceivedDisplayFrame =
  | { readonly ok: true; readonly request: DisplayRequest }
  | {
      readonly ok: false
      readonly address: number | null
      readonly reason: 'checksum' | 'malformed'
    }

/** Longest frame a display accepts before it drops a START that never saw its END. */
const MAX_FRAME_BYTES = 1 + 2 + 1 + 1 + DISPLAY_TEXT_MAX + 2 + 1

function parseBody(format: DisplayFrameFormat, body: Uint8Array): ReceivedDisplayFrame {
  const length = addressLength(format)
  const address = format.addressFormat === 'hex2' ? parseHex2(body[0], body[1]) : (body[0] ?? null)
  const checksumLength = format.checksum === 'none' ? 0 : 2
  if (address === null || body.length < length + 1 + checksumLength) {
    return { ok: false, address, reason: 'malformed' }
  }
  const content = body.subarray(0, body.length - checksumLength)
  if (format.checksum !== 'none') {
    const given = parseHex2(body[body.length - 2], body[body.length - 1])
    if (given !== computeChecksum(format.checksum, content)) {
      return { ok: false, address, reason: 'checksum' }
    }
  }
  const letter = content[length]
  const payload = content.subarray(length + 1)
  const text = String.fromCharCode(...payload)
  if (letter === COMMAND_LETTER.text && (text.startsWith('0') || text.startsWith('1'))) {
    return {
      ok: true,
      request: { address, command: 'text', blink: text.startsWith('1'), text: text.slice(1) },
    }
  }
  if (letter === COMMAND_LETTER.clear && payload.length === 0) {
    return { ok: true, request: { address, command: 'clear' } }
  }
  if (letter === COMMAND_LETTER.status && payload.length === 0) {
    return { ok: true, request: { address, command: 'status' } }
  }
  if (
    letter === COMMAND_LETTER.brightness &&
    /^\d{3}$/.test(text) &&
    Number(text) <= BRIGHTNESS_MAX
  ) {
    return { ok: true, request: { address, command: 'brightness', level: Number(text) } }
  }
  return { ok: false, address, reason: 'malformed' }
}

/** Display side (simulators): request frames from the bus, with a remainder for split frames. */
export function decodeDisplayRequests(
  format: DisplayFrameFormat,
  buffer: Uint8Array,
): { frames: ReceivedDisplayFrame[]; rest: Uint8Array } {
  const frames: ReceivedDisplayFrame[] = []
  let index = 0
  for (;;) {
    const start = buffer.indexOf(format.start, index)
    if (start < 0) return { frames, rest: new Uint8Array(0) }
    // A binary address may equal END: look for END after it.
    const end = buffer.indexOf(format.end, start + 1 + addressLength(format))
    if (end < 0) {
      if (buffer.length - start > MAX_FRAME_BYTES) {
        index = start + 1 // a START that lost its END: drop it, look for the next START
        continue
      }
      return { frames, rest: buffer.slice(start) }
    }
    const nextStart = buffer.indexOf(format.start, start + 1 + addressLength(format))
    if (nextStart >= 0 && nextStart < end) {
      index = nextStart // a frame cut short by a new START
      continue
    }
    frames.push(parseBody(format, buffer.subarray(start + 1, end)))
    index = end + 1
  }
}
