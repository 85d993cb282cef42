import type { PaperLevel, PrinterBlock } from '@kqms/shared/mqtt'
import type { FrameCodec } from '../driver.js'

/**
 * ESC/POS status (design/devices.md §4.4): `DLE EOT n` real-time replies (one byte `0xx1xx10`) and
 * automatic status back (`GS a`) frames (four bytes, the first `0xx1xx00`, the rest `0xx0xxxx`).
 * The codec splits a byte stream into frames, skipping XON/XOFF and garbage and keeping a split
 * ASB frame as the remainder; `applyStatusFrame` folds frames into a status. Both are pure.
 */

export type RealtimeStatusRequest = 1 | 2 | 3 | 4

export type StatusFrame =
  | { readonly kind: 'realtime'; readonly byte: number }
  | { readonly kind: 'asb'; readonly bytes: readonly [number, number, number, number] }

const XON = 0x11
const XOFF = 0x13
const isRealtimeByte = (byte: number) => (byte & 0x93) === 0x12
const isAsbLead = (byte: number) => (byte & 0x93) === 0x10
const isAsbFollower = (byte: number) => (byte & 0x90) === 0x00

export const statusCodec: FrameCodec<RealtimeStatusRequest, StatusFrame> = {
  encode: (n) => Uint8Array.of(0x10, 0x04, n),
  decode(buffer) {
    const frames: StatusFrame[] = []
    let index = 0
    while (index < buffer.length) {
      const byte = buffer[index] ?? 0
      if (byte === XON || byte === XOFF) {
        index++
      } else if (isRealtimeByte(byte)) {
        frames.push({ kind: 'realtime', byte })
        index++
      } else if (isAsbLead(byte)) {
        // Collect three followers, skipping XON/XOFF between them; anything else breaks the frame.
        const followers: number[] = []
        let cursor = index + 1
        let broken = false
        while (followers.length < 3 && cursor < buffer.length) {
          const next = buffer[cursor] ?? 0
          if (next === XON || next === XOFF) cursor++
          else if (isAsbFollower(next)) {
            followers.push(next)
            cursor++
          } else {
            broken = true
            break
          }
        }
        if (broken) {
          index++ // drop the lead; resynchronise on the byte that broke the frame
        } else if (followers.length < 3) {
          return { frames, rest: buffer.slice(index) }
        } else {
          const [b2 = 0, b3 = 0, b4 = 0] = followers
          frames.push({ kind: 'asb', bytes: [byte, b2, b3, b4] })
          index = cursor
        }
      } else {
        index++ // garbage
      }
    }
    return { frames, rest: new Uint8Array(0) }
  },
}

/** What the printer said about itself. */
export interface PrinterStatusBits {
  /** The printer's own offline flag (DLE EOT 1 bit 3, ASB byte 1 bit 3). */
  readonly offline: boolean
  readonly coverOpen: boolean
  readonly paper: PaperLevel
  /** Printing stopped because the paper ran out (DLE EOT 2 bit 5). */
  readonly paperEndStop: boolean
  readonly cutterError: boolean
  readonly mechanicalError: boolean
  readonly unrecoverableError: boolean
  readonly recoverableError: boolean
  readonly feedButton: boolean
}

export const INITIAL_STATUS: PrinterStatusBits = {
  offline: false,
  coverOpen: false,
  paper: 'ok',
  paperEndStop: false,
  cutterError: false,
  mechanicalError: false,
  unrecoverableError: false,
  recoverableError: false,
  feedButton: false,
}

const bit = (byte: number, n: number) => (byte & (1 << n)) !== 0

/**
 * Folds a frame into the status. A real-time byte means nothing without the `n` it answers:
 * pass `request`, the oldest unanswered `DLE EOT n`; without it the byte is ignored.
 */
export function applyStatusFrame(
  status: PrinterStatusBits,
  frame: StatusFrame,
  request?: RealtimeStatusRequest,
): PrinterStatusBits {
  if (frame.kind === 'asb') {
    const [b1, b2, b3] = frame.bytes
    return {
      ...status,
      offline: bit(b1, 3),
      coverOpen: bit(b1, 5),
      feedButton: bit(b1, 6),
      mechanicalError: bit(b2, 2),
      cutterError: bit(b2, 3),
      unrecoverableError: bit(b2, 5),
      recoverableError: bit(b2, 6),
      paper: (b3 & 0x0c) !== 0 ? 'out' : (b3 & 0x03) !== 0 ? 'near-end' : 'ok',
      paperEndStop: (b3 & 0x0c) !== 0,
    }
  }
  const { byte } = frame
  switch (request) {
    case 1:
      return { ...status, offline: bit(byte, 3), feedButton: bit(byte, 6) }
    case 2:
      return {
        ...status,
        coverOpen: bit(byte, 2),
        paperEndStop: bit(byte, 5),
        // The error flag alone: the cause comes with DLE EOT 3.
        ...(bit(byte, 6)
          ? {}
          : { cutterError: false, unrecoverableError: false, mechanicalError: false }),
      }
    case 3:
      return {
        ...status,
        mechanicalError: bit(byte, 2),
        cutterError: bit(byte, 3),
        unrecoverableError: bit(byte, 5),
        recoverableError: bit(byte, 6),
      }
    case 4:
      return {
        ...status,
        paper: (byte & 0x60) !== 0 ? 'out' : (byte & 0x0c) !== 0 ? 'near-end' : 'ok',
      }
    case undefined:
      return status
  }
}

/** Why the printer cannot print now, in `PrinterBlock` order; null when it can. */
export function blockOf(status: PrinterStatusBits, answering: boolean): PrinterBlock | null {
  if (!answering) return 'offline'
  if (status.paper === 'out' || status.paperEndStop) return 'paper-out'
  if (status.coverOpen) return 'cover-open'
  if (status.cutterError) return 'cutter-error'
  if (status.unrecoverableError || status.mechanicalError) return 'unrecoverable-error'
  if (status.offline) return 'offline'
  return null
}
