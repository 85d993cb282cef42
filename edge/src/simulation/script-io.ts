import { PriorityClass, WEEKDAYS, type TicketId } from '@kqms/shared/domain'
import { z } from 'zod'
import type { DayScript, ScriptedCustomer, ScriptedOperator } from './script.js'

/**
 * Day scripts as artefacts (design/queueing.md §5.6): one JSON object per line, first the day,
 * then its operators, then its customers in arrival order; times are integer milliseconds after
 * local midnight (dayStart: UTC epoch ms). The text is a pure function of the script, so its
 * SHA-256 (computed by the caller: `node:crypto` is I/O-side) identifies a day's inputs, and
 * `parseScriptJsonl` gives the same script back, so a stored day replays identically even where
 * `Math.log` or `Math.exp` would draw differently.
 */

const ms = (x: number): number => Math.round(x)

export function scriptToJsonl(script: DayScript): string {
  const lines: unknown[] = [
    {
      type: 'day',
      scenarioId: script.scenarioId,
      seed: script.seed,
      replication: script.replication,
      date: script.date,
      weekday: script.weekday,
      dayStart: ms(script.dayStart),
      open: ms(script.open),
      close: ms(script.close),
      dayFactor: script.dayFactor,
      appointmentNoShows: script.appointmentNoShows,
    },
    ...script.operators.map((o) => ({
      type: 'operator',
      index: o.index,
      id: o.id,
      role: o.role,
      skills: o.skills,
      shiftStart: o.shiftStart,
      shiftEnd: o.shiftEnd,
      shiftStartMs: ms(o.shiftStartMs),
      shiftEndMs: ms(o.shiftEndMs),
      breaks: o.breaks.map((b) => ({ start: ms(b.start), duration: ms(b.duration) })),
    })),
    ...script.customers.map((c) => ({
      type: 'customer',
      index: c.index,
      ticketId: c.ticketId,
      arrival: ms(c.arrival),
      serviceId: c.serviceId,
      priorityClass: c.priorityClass,
      work: ms(c.work),
      patience: c.patience === null ? null : ms(c.patience),
      isGhost: c.isGhost,
      appointmentSlot: c.appointmentSlot === null ? null : ms(c.appointmentSlot),
      tieBreak: c.tieBreak,
    })),
  ]
  return lines.map((line) => JSON.stringify(line)).join('\n') + '\n'
}

const Ms = z.number().int()
const DayLine = z.object({
  type: z.literal('day'),
  scenarioId: z.string(),
  seed: z.number(),
  replication: z.number().int(),
  date: z.iso.date(),
  weekday: z.enum(WEEKDAYS),
  dayStart: Ms,
  open: Ms,
  close: Ms,
  dayFactor: z.number().positive(),
  appointmentNoShows: z.number().int().min(0),
})
const OperatorLine = z.object({
  type: z.literal('operator'),
  index: z.number().int().min(0),
  id: z.string(),
  role: z.string(),
  skills: z.record(z.string(), z.union([z.literal(1), z.literal(2), z.literal(3)])),
  shiftStart: z.number(),
  shiftEnd: z.number(),
  shiftStartMs: Ms,
  shiftEndMs: Ms,
  breaks: z.array(z.object({ start: Ms, duration: Ms })),
})
const CustomerLine = z.object({
  type: z.literal('customer'),
  index: z.number().int().min(0),
  ticketId: z.string(),
  arrival: Ms,
  serviceId: z.string(),
  priorityClass: PriorityClass,
  work: Ms.positive(),
  patience: Ms.nullable(),
  isGhost: z.boolean(),
  appointmentSlot: Ms.nullable(),
  tieBreak: z.number().min(0).max(1),
})

/** Reads a script written by `scriptToJsonl`, checking every line. */
export function parseScriptJsonl(text: string): DayScript {
  const rows = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown
      } catch {
        throw new Error(`script line ${i + 1}: not JSON`)
      }
    })
  const day = DayLine.parse(rows[0])
  const operators: ScriptedOperator[] = []
  const customers: ScriptedCustomer[] = []
  rows.slice(1).forEach((row, i) => {
    const type = (row as { type?: unknown }).type
    if (type === 'operator') {
      const { type: _type, ...operator } = OperatorLine.parse(row)
      operators.push(operator)
    } else if (type === 'customer') {
      const { type: _type, ...customer } = CustomerLine.parse(row)
      customers.push({ ...customer, ticketId: customer.ticketId as TicketId })
    } else throw new Error(`script line ${i + 2}: unknown type ${String(type)}`)
  })
  const { type: _type, ...meta } = day
  return { ...meta, operators, customers }
}
