/**
 * Single-byte code pages the ticket printer profiles use for text, as data: the upper half (0x80–0xFF)
 * of each table; 0x20–0x7E are ASCII in all of them. Taken from @point-of-sale/codepage-encoder 3.0.2
 * (the tables the receipt encoder uses), so what we decide here matches what the encoder emits.
 * `\uFFFD` marks an unassigned byte.
 */

export type CodePageName = 'cp437' | 'cp866' | 'rk1048'

const UPPER_HALF: Readonly<Record<CodePageName, string>> = {
  cp437:
    'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
    '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00A0',
  cp866:
    'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмноп░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
    '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀рстуфхцчшщъыьэюяЁёЄєЇїЎў°∙·√№¤■\u00A0',
  rk1048:
    'ЂЃ‚ѓ„…†‡€‰Љ‹ЊҚҺЏђ‘’“”•–—\uFFFD™љ›њқһџ\u00A0ҰұӘ¤Ө¦§Ё©Ғ«¬\u00AD®Ү°' +
    '±Ііөµ¶·ё№ғ»әҢңүАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя',
}

const REPLACEMENT = 0x3f // '?', what an encoder substitutes for a character the code page lacks

const encodeTables = new Map<CodePageName, ReadonlyMap<string, number>>()

function encodeTable(codePage: CodePageName): ReadonlyMap<string, number> {
  const cached = encodeTables.get(codePage)
  if (cached) return cached
  const table = new Map<string, number>()
  for (let byte = 0x20; byte < 0x7f; byte++) table.set(String.fromCharCode(byte), byte)
  Array.from(UPPER_HALF[codePage]).forEach((char, index) => {
    if (char !== '\uFFFD' && !table.has(char)) table.set(char, 0x80 + index)
  })
  encodeTables.set(codePage, table)
  return table
}

/** Encodes text as a printer would receive it: a character the code page lacks becomes `?`. */
export function encodeText(text: string, codePage: CodePageName): Uint8Array {
  const table = encodeTable(codePage)
  return Uint8Array.from(Array.from(text), (char) => table.get(char) ?? REPLACEMENT)
}

/** Decodes printable bytes in a code page; control bytes and unassigned bytes become U+FFFD. */
export function decodeText(bytes: Uint8Array, codePage: CodePageName): string {
  const upper = Array.from(UPPER_HALF[codePage])
  let text = ''
  for (const byte of bytes) {
    if (byte >= 0x20 && byte < 0x7f) text += String.fromCharCode(byte)
    else if (byte >= 0x80) text += upper[byte - 0x80] ?? '\uFFFD'
    else text += '\uFFFD'
  }
  return text
}

/** True when `text` survives encode → decode in `codePage` unchanged (no `?` substitution). */
export function roundTrips(text: string, codePage: CodePageName): boolean {
  return decodeText(encodeText(text, codePage), codePage) === text
}

/** The characters of `text` that `codePage` cannot encode, each once, in order. */
export function unencodable(text: string, codePage: CodePageName): string[] {
  const table = encodeTable(codePage)
  return [...new Set(Array.from(text).filter((char) => !table.has(char)))]
}
