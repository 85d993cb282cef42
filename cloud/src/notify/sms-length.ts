/**
 * SMS length rules (3GPP TS 23.038 / 23.040). A message is GSM-7 when every character is in the
 * GSM 03.38 default alphabet or its extension table (extension characters take two septets);
 * otherwise the whole message is UCS-2 (UTF-16 code units). One segment holds 160 septets or 70
 * UCS-2 units; a concatenated message loses room to its header: 153 septets or 67 units per part.
 * Cyrillic (Russian and Kazakh) is never GSM-7.
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
const GSM7_EXTENSION = '\f^{}\\[~]|€'

const BASIC = new Set(GSM7_BASIC)
const EXTENSION = new Set(GSM7_EXTENSION)

export type SmsEncoding = 'GSM-7' | 'UCS-2'

export interface SmsLength {
  encoding: SmsEncoding
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number
  segments: number
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (!BASIC.has(char) && !EXTENSION.has(char)) return false
  return true
}

export function smsLength(text: string): SmsLength {
  if (isGsm7(text)) {
    let units = 0
    for (const char of text) units += EXTENSION.has(char) ? 2 : 1
    return { encoding: 'GSM-7', units, segments: segmentsFor(units, 160, 153) }
  }
  const units = text.length
  return { encoding: 'UCS-2', units, segments: segmentsFor(units, 70, 67) }
}

function segmentsFor(units: number, single: number, perPart: number): number {
  if (units === 0) return 0
  return units <= single ? 1 : Math.ceil(units / perPart)
}
