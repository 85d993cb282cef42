/**
 * HID boot-keyboard input reports (8 bytes: modifiers, reserved, six key usages) → the ASCII a
 * keyboard-wedge card reader "types". A key produces its character when it first appears in a
 * report (key-down); keys held over from the previous report do not repeat. Enter becomes CR.
 *
 * The decoder keeps only the previous report's key usages, and `reset()` wipes them.
 */

const LEFT_SHIFT = 0x02
const RIGHT_SHIFT = 0x20
const ERROR_ROLL_OVER = 0x01
export const BOOT_KEYBOARD_REPORT_BYTES = 8

/** [unshifted, shifted] ASCII per HID usage (Keyboard/Keypad page 0x07); US layout. */
const USAGE_TO_ASCII = new Map<number, readonly [number, number]>()
for (let usage = 0x04; usage <= 0x1d; usage += 1) {
  const offset = usage - 0x04
  USAGE_TO_ASCII.set(usage, [0x61 + offset, 0x41 + offset])
}
const DIGITS_SHIFTED = '!@#$%^&*()'
for (let usage = 0x1e; usage <= 0x27; usage += 1) {
  const digit = usage === 0x27 ? 0x30 : 0x31 + (usage - 0x1e)
  USAGE_TO_ASCII.set(usage, [digit, DIGITS_SHIFTED.charCodeAt(usage - 0x1e)])
}
const PUNCTUATION: readonly (readonly [number, string, string])[] = [
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
]
for (const [usage, plain, shifted] of PUNCTUATION) {
  USAGE_TO_ASCII.set(usage, [plain.charCodeAt(0), shifted.charCodeAt(0)])
}
const CR = 0x0d
USAGE_TO_ASCII.set(0x28, [CR, CR]) // Enter
USAGE_TO_ASCII.set(0x58, [CR, CR]) // Keypad Enter
for (let usage = 0x59; usage <= 0x62; usage += 1) {
  const digit = usage === 0x62 ? 0x30 : 0x31 + (usage - 0x59)
  USAGE_TO_ASCII.set(usage, [digit, digit]) // Keypad 1…9, 0
}

export interface KeyboardReportDecoder {
  /** One 8-byte boot report → the characters of the keys pressed in it (possibly none). */
  decode(report: Uint8Array): number[]
  reset(): void
}

export function createKeyboardReportDecoder(): KeyboardReportDecoder {
  const held = new Uint8Array(6)
  return {
    decode(report) {
      const out: number[] = []
      if (report.length < BOOT_KEYBOARD_REPORT_BYTES) return out
      const keys = report.subarray(2, BOOT_KEYBOARD_REPORT_BYTES)
      if (keys.every((usage) => usage === ERROR_ROLL_OVER)) return out
      const shifted = ((report[0] ?? 0) & (LEFT_SHIFT | RIGHT_SHIFT)) !== 0
      for (const usage of keys) {
        if (usage === 0 || held.includes(usage)) continue
        const ascii = USAGE_TO_ASCII.get(usage)
        if (ascii !== undefined) out.push(shifted ? ascii[1] : ascii[0])
      }
      held.set(keys)
      return out
    },
    reset() {
      held.fill(0)
    },
  }
}

/**
 * The reports a keyboard-wedge reader sends for `text` (key-down then all-keys-up per character),
 * for simulators and tests. Characters with no key are skipped.
 */
export function toKeyboardReports(text: string): Uint8Array[] {
  const reports: Uint8Array[] = []
  for (const char of text) {
    const code = char === '\r' || char === '\n' ? CR : char.charCodeAt(0)
    for (const [usage, [plain, shifted]] of USAGE_TO_ASCII) {
      if (usage >= 0x58) continue // prefer the main block over the keypad
      const modifiers = plain === code ? 0 : shifted === code ? LEFT_SHIFT : -1
      if (modifiers < 0) continue
      reports.push(Uint8Array.of(modifiers, 0, usage, 0, 0, 0, 0, 0))
      reports.push(new Uint8Array(BOOT_KEYBOARD_REPORT_BYTES))
      break
    }
  }
  return reports
}
