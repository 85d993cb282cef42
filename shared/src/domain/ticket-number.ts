/** `A` + 7 → `A007`; numbers past 999 keep growing (`A1000`) rather than wrap within a day. */
export function formatTicketNumber(prefix: string, sequence: number): string {
  return `${prefix}${String(sequence).padStart(3, '0')}`
}

/** Masks a phone number for receipts, screens and logs: `+77011234567` → `+7701***4567`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, '')
  const plus = phone.trim().startsWith('+') ? '+' : ''
  if (digits.length <= 6) return plus + '*'.repeat(Math.max(digits.length, 3))
  const head = digits.slice(0, Math.min(4, digits.length - 7))
  const tail = digits.slice(-4)
  return `${plus}${head}${'*'.repeat(digits.length - head.length - tail.length)}${tail}`
}
