import { describe, expect, it } from 'vitest'
import { applyStatusFrame, blockOf, INITIAL_STATUS, statusCodec } from './status.js'
import type { PrinterStatusBits, RealtimeStatusRequest, StatusFrame } from './status.js'

const decodeAll = (bytes: number[]) => statusCodec.decode(Uint8Array.from(bytes))

/** Feeds a stream chunk by chunk, carrying the remainder, like the driver does. */
function decodeStream(chunks: number[][]): StatusFrame[] {
  let rest: Uint8Array = new Uint8Array(0)
  const frames: StatusFrame[] = []
  for (const chunk of chunks) {
    const buffer = new Uint8Array([...rest, ...chunk])
    const result = statusCodec.decode(buffer)
    frames.push(...result.frames)
    rest = result.rest
  }
  return frames
}

const realtime = (
  byte: number,
  request: RealtimeStatusRequest,
  from: PrinterStatusBits = INITIAL_STATUS,
) => applyStatusFrame(from, { kind: 'realtime', byte }, request)
const asb = (bytes: [number, number, number, number]) =>
  applyStatusFrame(INITIAL_STATUS, { kind: 'asb', bytes })

describe('statusCodec', () => {
  it('encodes DLE EOT n', () => {
    expect(Array.from(statusCodec.encode(1))).toEqual([0x10, 0x04, 0x01])
    expect(Array.from(statusCodec.encode(4))).toEqual([0x10, 0x04, 0x04])
  })

  it('splits real-time bytes and ASB frames', () => {
    expect(decodeAll([0x12, 0x10, 0x00, 0x0c, 0x00, 0x16])).toEqual({
      frames: [
        { kind: 'realtime', byte: 0x12 },
        { kind: 'asb', bytes: [0x10, 0x00, 0x0c, 0x00] },
        { kind: 'realtime', byte: 0x16 },
      ],
      rest: new Uint8Array(0),
    })
  })

  it('reassembles an ASB frame fed byte by byte', () => {
    const stream = [0x38, 0x08, 0x0f, 0x00, 0x72]
    expect(decodeStream(stream.map((byte) => [byte]))).toEqual([
      { kind: 'asb', bytes: [0x38, 0x08, 0x0f, 0x00] },
      { kind: 'realtime', byte: 0x72 },
    ])
  })

  it('keeps an unfinished ASB frame as the remainder', () => {
    const { frames, rest } = decodeAll([0x12, 0x10, 0x00])
    expect(frames).toEqual([{ kind: 'realtime', byte: 0x12 }])
    expect(Array.from(rest)).toEqual([0x10, 0x00])
  })

  it('skips XON and XOFF, also inside an ASB frame', () => {
    expect(
      decodeStream([
        [0x11, 0x10],
        [0x13, 0x00, 0x11],
        [0x03, 0x13, 0x00],
        [0x11, 0x12],
      ]),
    ).toEqual([
      { kind: 'asb', bytes: [0x10, 0x00, 0x03, 0x00] },
      { kind: 'realtime', byte: 0x12 },
    ])
  })

  it('skips garbage and resynchronises after a broken ASB frame', () => {
    // 0xff, 0x80 and 0x01 match no status pattern; 0x10 0x00 then 0x12 is an ASB lead broken by a real-time byte.
    expect(decodeAll([0xff, 0x80, 0x01, 0x10, 0x00, 0x12, 0x10, 0x00, 0x00, 0x00]).frames).toEqual([
      { kind: 'realtime', byte: 0x12 },
      { kind: 'asb', bytes: [0x10, 0x00, 0x00, 0x00] },
    ])
  })
})

describe(applyStatusFrame.name, () => {
  it('reads DLE EOT 1: offline (bit 3) and FEED button (bit 6)', () => {
    expect(realtime(0x16, 1)).toMatchObject({ offline: false })
    expect(realtime(0x1e, 1)).toMatchObject({ offline: true, feedButton: false })
    expect(realtime(0x56, 1)).toMatchObject({ offline: false, feedButton: true })
  })

  it('reads DLE EOT 2: cover open (bit 2), paper-end stop (bit 5), error (bit 6)', () => {
    expect(realtime(0x16, 2)).toMatchObject({ coverOpen: true, paperEndStop: false })
    expect(realtime(0x32, 2)).toMatchObject({ coverOpen: false, paperEndStop: true })
    const withCutterError = realtime(0x1a, 3)
    expect(realtime(0x52, 2, withCutterError)).toMatchObject({ cutterError: true })
    expect(realtime(0x12, 2, withCutterError)).toMatchObject({ cutterError: false })
  })

  it('reads DLE EOT 3: mechanical (bit 2), cutter (bit 3), unrecoverable (bit 5), recoverable (bit 6)', () => {
    expect(realtime(0x16, 3)).toMatchObject({ mechanicalError: true, cutterError: false })
    expect(realtime(0x1a, 3)).toMatchObject({ cutterError: true, mechanicalError: false })
    expect(realtime(0x32, 3)).toMatchObject({ unrecoverableError: true })
    expect(realtime(0x52, 3)).toMatchObject({ recoverableError: true, unrecoverableError: false })
  })

  it('reads DLE EOT 4: near end (0x0C) and paper end (0x60)', () => {
    expect(realtime(0x12, 4).paper).toBe('ok')
    expect(realtime(0x1e, 4).paper).toBe('near-end')
    expect(realtime(0x72, 4).paper).toBe('out')
    expect(realtime(0x7e, 4).paper).toBe('out')
  })

  it('ignores a real-time byte it cannot match to a query', () => {
    expect(applyStatusFrame(INITIAL_STATUS, { kind: 'realtime', byte: 0x7e })).toBe(INITIAL_STATUS)
  })

  it('reads every ASB bit', () => {
    expect(asb([0x10, 0, 0, 0])).toEqual(INITIAL_STATUS)
    expect(asb([0x18, 0, 0, 0])).toMatchObject({ offline: true })
    expect(asb([0x30, 0, 0, 0])).toMatchObject({ coverOpen: true })
    expect(asb([0x50, 0, 0, 0])).toMatchObject({ feedButton: true })
    expect(asb([0x10, 0x04, 0, 0])).toMatchObject({ mechanicalError: true })
    expect(asb([0x10, 0x08, 0, 0])).toMatchObject({ cutterError: true })
    expect(asb([0x10, 0x20, 0, 0])).toMatchObject({ unrecoverableError: true })
    expect(asb([0x10, 0x40, 0, 0])).toMatchObject({ recoverableError: true })
    expect(asb([0x10, 0, 0x03, 0])).toMatchObject({ paper: 'near-end' })
    expect(asb([0x10, 0, 0x0c, 0])).toMatchObject({ paper: 'out', paperEndStop: true })
    expect(asb([0x10, 0, 0x0f, 0])).toMatchObject({ paper: 'out' })
  })
})

describe(blockOf.name, () => {
  it('names the first reason the printer cannot print', () => {
    expect(blockOf(INITIAL_STATUS, true)).toBeNull()
    expect(blockOf(INITIAL_STATUS, false)).toBe('offline')
    expect(blockOf({ ...INITIAL_STATUS, paper: 'near-end' }, true)).toBeNull()
    expect(blockOf({ ...INITIAL_STATUS, paper: 'out', coverOpen: true }, true)).toBe('paper-out')
    expect(blockOf({ ...INITIAL_STATUS, coverOpen: true, offline: true }, true)).toBe('cover-open')
    expect(blockOf({ ...INITIAL_STATUS, cutterError: true }, true)).toBe('cutter-error')
    expect(blockOf({ ...INITIAL_STATUS, unrecoverableError: true }, true)).toBe(
      'unrecoverable-error',
    )
    expect(blockOf({ ...INITIAL_STATUS, offline: true }, true)).toBe('offline')
  })
})
