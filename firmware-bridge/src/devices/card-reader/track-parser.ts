/**
 * Magstripe track parsing (ISO/IEC 7813): Track 1 `%B<PAN>^<NAME>^<YYMM><svc>…?`, Track 2
 * `;<PAN>=<YYMM><svc>…?`. Pure and byte-based: track data never becomes a JS string (strings
 * cannot be wiped). The PAN comes back in a fresh Buffer the caller must `fill(0)` after use.
 */

const PERCENT = 0x25
const SEMICOLON = 0x3b
const QUESTION = 0x3f
const CARET = 0x5e
const EQUALS = 0x3d
const UPPER_B = 0x42
const UPPER_E = 0x45
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39

export const PAN_MIN_DIGITS = 13
export const PAN_MAX_DIGITS = 19

/** Why a swipe was refused; safe to log (it says nothing about the card). */
export type TrackRejectReason =
  | 'no-track' // no start sentinel: noise, a keyboard, a barcode…
  | 'partial' // a start sentinel without its field separator or end sentinel
  | 'read-error' // the reader reported a bad read (`%E?`, `;E?`)
  | 'malformed' // a PAN field with non-digits or an unknown Track 1 format code
  | 'pan-length' // fewer than 13 or more than 19 digits
  | 'luhn' // the check digit does not match
  | 'mismatch' // Track 1 and Track 2 carry different numbers
  | 'overflow' // longer than any swipe (set by the driver's framer)

export type TrackParseResult =
  | { readonly kind: 'card'; readonly pan: Buffer }
  | { readonly kind: 'rejected'; readonly reason: TrackRejectReason }

type TrackOutcome =
  | { readonly kind: 'absent' }
  | { readonly kind: 'pan'; readonly start: number; readonly end: number }
  | { readonly kind: 'rejected'; readonly reason: TrackRejectReason }

const isDigit = (byte: number): boolean => byte >= DIGIT_0 && byte <= DIGIT_9

/** Luhn (mod 10) over ASCII digits. */
export function isLuhnValid(digits: Uint8Array): boolean {
  let sum = 0
  let double = false
  for (let index = digits.length - 1; index >= 0; index -= 1) {
    let value = (digits[index] ?? DIGIT_0) - DIGIT_0
    if (double) {
      value *= 2
      if (value > 9) value -= 9
    }
    sum += value
    double = !double
  }
  return sum % 10 === 0
}

/** The PAN field of one track: from `fieldStart` to the separator, then an end sentinel later. */
function scanTrack(
  frame: Uint8Array,
  spec: {
    readonly sentinel: number
    readonly separator: number
    readonly formatCode: number | null
  },
): TrackOutcome {
  const at = frame.indexOf(spec.sentinel)
  if (at < 0) return { kind: 'absent' }
  let fieldStart = at + 1
  const first = frame[fieldStart]
  if (first === undefined) return { kind: 'rejected', reason: 'partial' }
  if (first === UPPER_E) return { kind: 'rejected', reason: 'read-error' }
  if (spec.formatCode !== null) {
    if (first !== spec.formatCode) return { kind: 'rejected', reason: 'malformed' }
    fieldStart += 1
  }
  const separator = frame.indexOf(spec.separator, fieldStart)
  const endSentinel = frame.indexOf(QUESTION, fieldStart)
  if (separator < 0 || endSentinel < 0 || endSentinel < separator) {
    return { kind: 'rejected', reason: 'partial' }
  }
  for (let index = fieldStart; index < separator; index += 1) {
    if (!isDigit(frame[index] ?? 0)) return { kind: 'rejected', reason: 'malformed' }
  }
  const length = separator - fieldStart
  if (length < PAN_MIN_DIGITS || length > PAN_MAX_DIGITS) {
    return { kind: 'rejected', reason: 'pan-length' }
  }
  if (!isLuhnValid(frame.subarray(fieldStart, separator)))
    return { kind: 'rejected', reason: 'luhn' }
  return { kind: 'pan', start: fieldStart, end: separator }
}

function samePan(
  frame: Uint8Array,
  a: { readonly start: number; readonly end: number },
  b: { readonly start: number; readonly end: number },
): boolean {
  if (a.end - a.start !== b.end - b.start) return false
  for (let offset = 0; offset < a.end - a.start; offset += 1) {
    if (frame[a.start + offset] !== frame[b.start + offset]) return false
  }
  return true
}

/**
 * Parses one swipe (the bytes between two terminators). A good track wins over a failed one
 * (readers often misread one track); two good tracks must agree.
 */
export function parseSwipe(frame: Uint8Array): TrackParseResult {
  const track1 = scanTrack(frame, { sentinel: PERCENT, separator: CARET, formatCode: UPPER_B })
  const track2 = scanTrack(frame, { sentinel: SEMICOLON, separator: EQUALS, formatCode: null })
  if (track1.kind === 'pan' && track2.kind === 'pan' && !samePan(frame, track1, track2)) {
    return { kind: 'rejected', reason: 'mismatch' }
  }
  const good = track2.kind === 'pan' ? track2 : track1.kind === 'pan' ? track1 : null
  if (good !== null) return { kind: 'card', pan: Buffer.from(frame.subarray(good.start, good.end)) }
  if (track1.kind === 'rejected') return track1
  if (track2.kind === 'rejected') return track2
  return { kind: 'rejected', reason: 'no-track' }
}
