import { z } from 'zod'

/** Ids are short, readable slugs (`cash`, `c-01`) or UUIDs; never free text. */
const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits, "-", "_" or "."')

export const BranchId = slug.brand<'BranchId'>()
export type BranchId = z.infer<typeof BranchId>
export const ServiceId = slug.brand<'ServiceId'>()
export type ServiceId = z.infer<typeof ServiceId>
export const CounterId = slug.brand<'CounterId'>()
export type CounterId = z.infer<typeof CounterId>
export const OperatorId = slug.brand<'OperatorId'>()
export type OperatorId = z.infer<typeof OperatorId>
export const TicketId = z.uuid().brand<'TicketId'>()
export type TicketId = z.infer<typeof TicketId>

/** Milliseconds since the Unix epoch. Domain code receives it; it never reads a clock. */
export const Instant = z.number().int().nonnegative().brand<'Instant'>()
export type Instant = z.infer<typeof Instant>
export const toInstant = (ms: number): Instant => ms as Instant

/** A business day in the branch's time zone, `YYYY-MM-DD`. */
export const BusinessDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .brand<'BusinessDay'>()
export type BusinessDay = z.infer<typeof BusinessDay>

export const Language = z.enum(['kk', 'ru', 'en'])
export type Language = z.infer<typeof Language>
export const LANGUAGES: readonly Language[] = Language.options

/** Text a customer reads or hears exists in all three languages. */
export const LocalizedText = z.object({
  kk: z.string().min(1).max(200),
  ru: z.string().min(1).max(200),
  en: z.string().min(1).max(200),
})
export type LocalizedText = z.infer<typeof LocalizedText>
