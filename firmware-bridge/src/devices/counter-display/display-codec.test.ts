import { describe, expect, it } from 'vitest'
import {
  DisplayFrameFormat,
  decodeDisplayReplies,
  decodeDisplayRequests,
  encodeDisplayReply,
  encodeDisplayRequest,
} from './display-codec.js'

const format = (overrides: Partial<DisplayFrameFormat> = {}): DisplayFrameFormat =>
  DisplayFrameFormat.parse(overrides)
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text)
const join = (...parts: Uint8Array[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => [...part]))

describe(encodeDisplayRequest.name, () => {
  // Golden bytes worked out by hand: STX, address, command, payload, checksum (2 hex), ETX.
  it('frames text with an XOR checksum', () => {
    const frame = encodeDisplayRequest(format(), {
      address: 1,
      command: 'text',
      text: 'A042',
      blink: false,
    })
    // body 30 31 54 30 41 30 34 32 → XOR 0x12 → "12"
    expect(hex(frame)).toBe('02' + '3031' + '54' + '30' + '41303432' + '3132' + '03')
  })

  it('frames text with an 8-bit sum checksum and the blink flag', () => {
    const frame = encodeDisplayRequest(format({ checksum: 'sum8' }), {
      address: 1,
      command: 'text',
      text: 'A042',
      blink: true,
    })
    // body 30 31 54 31 41 30 34 32 → sum 0x1bd → 0xBD → "BD"
    expect(hex(frame)).toBe('02' + '3031' + '54' + '31' + '41303432' + '4244' + '03')
  })

  it('frames text without a checksum', () => {
    const frame = encodeDisplayRequest(format({ checksum: 'none' }), {
      address: 1,
      command: 'text',
      text: 'A042',
      blink: false,
    })
    expect(hex(frame)).toBe('02303154304130343203')
  })

  it('frames clear with a binary address', () => {
    const frame = encodeDisplayRequest(format({ addressFormat: 'binary' }), {
      address: 10,
      command: 'clear',
    })
    // body 0a 43 → XOR 0x49 → "49"
    expect(hex(frame)).toBe('020a43343903')
  })

  it('frames brightness as three decimal digits', () => {
    const frame = encodeDisplayRequest(format({ checksum: 'sum8' }), {
      address: 0x1f,
      command: 'brightness',
      level: 75,
    })
    // body 31 46 42 30 37 35 → sum 0x155 → "55"
    expect(hex(frame)).toBe('02' + '3146' + '42' + '303735' + '3535' + '03')
  })

  it('frames status for the highest address, with custom START/END bytes', () => {
    const frame = encodeDisplayRequest(format({ start: 0x7c, end: 0x21 }), {
      address: 254,
      command: 'status',
    })
    // body 46 45 53 → XOR 0x50 → "50"
    expect(hex(frame)).toBe('7c' + '4645' + '53' + '3530' + '21')
  })

  it('sends non-ASCII text and START/END look-alikes as ?', () => {
    const frame = encodeDisplayRequest(format({ checksum: 'none', start: 0x7c, end: 0x21 }), {
      address: 1,
      command: 'text',
      text: 'Ә5!|',
      blink: false,
    })
    expect(Buffer.from(frame.subarray(5, -1)).toString('latin1')).toBe('?5??')
  })

  it('refuses addresses outside 1…254', () => {
    expect(() => encodeDisplayRequest(format(), { address: 0, command: 'clear' })).toThrow(
      RangeError,
    )
    expect(() => encodeDisplayRequest(format(), { address: 255, command: 'clear' })).toThrow(
      RangeError,
    )
  })
})

describe(decodeDisplayReplies.name, () => {
  it('reads bare ACK/NAK bytes and skips noise', () => {
    const { frames, rest } = decodeDisplayReplies(format(), Uint8Array.of(0x06, 0x00, 0x15, 0xff))
    expect(frames).toEqual([
      { kind: 'ack', address: null },
      { kind: 'nak', address: null },
    ])
    expect(rest.length).toBe(0)
  })

  it('reassembles addressed replies split across chunks', () => {
    const f = format({ reply: 'addressed' })
    const first = decodeDisplayReplies(f, Uint8Array.of(0x06, 0x30))
    expect(first.frames).toEqual([])
    const second = decodeDisplayReplies(f, join(first.rest, Uint8Array.of(0x37, 0x15), ascii('0')))
    expect(second.frames).toEqual([{ kind: 'ack', address: 7 }])
    const third = decodeDisplayReplies(f, join(second.rest, ascii('A')))
    expect(third.frames).toEqual([{ kind: 'nak', address: 10 }])
  })

  it('round-trips what a display sends', () => {
    const f = format({ reply: 'addressed', addressFormat: 'binary' })
    const bytes = join(
      encodeDisplayReply(f, { kind: 'nak', address: 3 }),
      encodeDisplayReply(f, { kind: 'ack', address: 200 }),
    )
    expect(decodeDisplayReplies(f, bytes).frames).toEqual([
      { kind: 'nak', address: 3 },
      { kind: 'ack', address: 200 },
    ])
  })
})

describe(decodeDisplayRequests.name, () => {
  const f = format()
  const text = encodeDisplayRequest(f, { address: 2, command: 'text', text: 'B107', blink: true })
  const clear = encodeDisplayRequest(f, { address: 3, command: 'clear' })

  it('decodes frames split anywhere, with noise between them', () => {
    const stream = join(ascii('zz'), text, Uint8Array.of(0x00), clear)
    const frames = []
    let rest: Uint8Array = new Uint8Array(0)
    for (const byte of stream) {
      const decoded = decodeDisplayRequests(f, join(rest, Uint8Array.of(byte)))
      frames.push(...decoded.frames)
      rest = decoded.rest
    }
    expect(frames).toEqual([
      { ok: true, request: { address: 2, command: 'text', text: 'B107', blink: true } },
      { ok: true, request: { address: 3, command: 'clear' } },
    ])
  })

  it('refuses a frame whose checksum does not match, keeping the address for the NAK', () => {
    const corrupted = Uint8Array.from(text)
    corrupted[5] = 0x38 // 'B107' → 'B187'
    expect(decodeDisplayRequests(f, corrupted).frames).toEqual([
      { ok: false, address: 2, reason: 'checksum' },
    ])
  })

  it('drops a frame cut short by a new START and keeps the next one', () => {
    const stream = join(text.subarray(0, 6), clear)
    expect(decodeDisplayRequests(f, stream).frames).toEqual([
      { ok: true, request: { address: 3, command: 'clear' } },
    ])
  })

  it('reads a binary address equal to the END byte', () => {
    const binary = format({ addressFormat: 'binary' })
    const frame = encodeDisplayRequest(binary, { address: 3, command: 'status' })
    expect(decodeDisplayRequests(binary, frame).frames).toEqual([
      { ok: true, request: { address: 3, command: 'status' } },
    ])
  })

  it('refuses unknown commands and bad brightness as malformed', () => {
    const none = format({ checksum: 'none' })
    expect(
      decodeDisplayRequests(none, join(Uint8Array.of(2), ascii('01X'), Uint8Array.of(3))).frames,
    ).toEqual([{ ok: false, address: 1, reason: 'malformed' }])
    expect(
      decodeDisplayRequests(none, join(Uint8Array.of(2), ascii('01B200'), Uint8Array.of(3))).frames,
    ).toEqual([{ ok: false, address: 1, reason: 'malformed' }])
  })
})
