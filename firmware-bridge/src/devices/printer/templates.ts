import type { PrintTicketArgs } from '@kqms/shared/mqtt'
import { ALPHABET_SAMPLES, TICKET_LABELS } from './labels.js'
import type { PrinterProfile } from './profiles.js'

/**
 * Ticket layouts as data (pure): what goes on the paper, line by line, before anyone decides text
 * versus raster. Text lines are already wrapped to the profile's columns.
 */

export type Align = 'left' | 'center' | 'right'

export type TicketLine =
  /** A line of text; `size` multiplies width and height. */
  | {
      readonly kind: 'text'
      readonly text: string
      readonly align: Align
      readonly bold: boolean
      readonly size: 1 | 2
    }
  /** The ticket number in large type: always raster. */
  | { readonly kind: 'number'; readonly text: string }
  /** The branch logo when the printer has one; otherwise the bold branch name. */
  | { readonly kind: 'header'; readonly branchName: string }
  | { readonly kind: 'qr'; readonly data: string }
  /** Blank lines. */
  | { readonly kind: 'feed'; readonly lines: number }

export type TextLine = Extract<TicketLine, { kind: 'text' }>

/**
 * Formats `ms` as `dd.MM.yyyy HH:mm` in `timeZone` (a no-break space between date and time, so
 * they never wrap apart); throws RangeError for an unknown zone.
 */
export function formatLocalTime(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms)
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((candidate) => candidate.type === type)?.value ?? '??'
  return `${part('day')}.${part('month')}.${part('year')}\u00A0${part('hour')}:${part('minute')}`
}

/** Splits text into lines of at most `width` characters, at (breaking) spaces where it can. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = []
  let current = ''
  for (const word of text.split(/[ \t\n]+/).filter((candidate) => candidate.length > 0)) {
    let rest = word
    while (Array.from(rest).length > width) {
      if (current) {
        lines.push(current)
        current = ''
      }
      const chars = Array.from(rest)
      lines.push(chars.slice(0, width).join(''))
      rest = chars.slice(width).join('')
    }
    if (!rest) continue
    const candidate = current ? `${current} ${rest}` : rest
    if (Array.from(candidate).length > width) {
      lines.push(current)
      current = rest
    } else current = candidate
  }
  if (current) lines.push(current)
  return lines
}

interface TextOptions {
  readonly align?: Align
  readonly bold?: boolean
  readonly size?: 1 | 2
}

function text(value: string, columns: number, options: TextOptions = {}): TicketLine[] {
  const size = options.size ?? 1
  return wrapText(value, Math.floor(columns / size)).map((line) => ({
    kind: 'text',
    text: line,
    align: options.align ?? 'left',
    bold: options.bold ?? false,
    size,
  }))
}

/** What a template needs to know about the printer. */
export type LayoutProfile = Pick<PrinterProfile, 'name' | 'columns' | 'textCodePages'>

/** The lines of a ticket (`ticket`, `appointment-ticket`, `test-page`) for a printer profile. */
export function layoutTicket(args: PrintTicketArgs, profile: LayoutProfile): TicketLine[] {
  const labels = TICKET_LABELS[args.language]
  const { columns } = profile
  const issued = formatLocalTime(args.issuedAt, args.timeZone)
  const header: TicketLine[] = [
    { kind: 'header', branchName: args.branchName },
    { kind: 'feed', lines: 1 },
  ]
  const footer: TicketLine[] = [
    { kind: 'feed', lines: 1 },
    ...text(labels.trackOnPhone, columns, { align: 'center' }),
    { kind: 'qr', data: args.statusUrl },
  ]

  if (args.template === 'test-page') {
    const codePages = profile.textCodePages.map((page) => page.name).join(', ')
    return [
      ...header,
      ...text(labels.testPage, columns, { align: 'center', bold: true }),
      { kind: 'number', text: args.number },
      ...text(`${labels.testProfile}: ${profile.name}`, columns),
      ...text(`${labels.testTextCodePages}: ${codePages || labels.testRasterOnly}`, columns),
      ...text(`${labels.issuedAt}: ${issued}`, columns),
      { kind: 'feed', lines: 1 },
      ...text(ALPHABET_SAMPLES.kk, columns),
      ...text(ALPHABET_SAMPLES.ru, columns),
      ...text(ALPHABET_SAMPLES.en, columns),
      ...footer,
    ]
  }

  const wait = args.waitMinutes
    ? labels.wait(args.waitMinutes.low, args.waitMinutes.high)
    : labels.waitUnknown
  const appointment =
    args.template === 'appointment-ticket' && args.appointmentAt !== undefined
      ? text(
          `${labels.appointmentAt}: ${formatLocalTime(args.appointmentAt, args.timeZone)}`,
          columns,
          {
            bold: true,
          },
        )
      : []
  return [
    ...header,
    ...text(labels.ticketNumber, columns, { align: 'center' }),
    { kind: 'number', text: args.number },
    ...text(args.serviceName, columns, { align: 'center', bold: true }),
    { kind: 'feed', lines: 1 },
    ...appointment,
    ...text(`${labels.issuedAt}: ${issued}`, columns),
    ...text(labels.ahead(args.ahead), columns),
    ...text(wait, columns),
    ...footer,
    ...text(labels.keepTicket, columns, { align: 'center' }),
  ]
}
