import { z } from 'zod'
import { IdempotencyKey, WaitRange } from '../api/common.js'
import { PauseReason } from '../domain/catalogue.js'
import {
  CounterId,
  Language,
  LocalizedText,
  OperatorId,
  ServiceId,
  TicketId,
} from '../domain/ids.js'
import { DeviceKind } from './identity.js'

/**
 * Payload schemas of the topics in `topics.ts`. Every payload is UTF-8 JSON, parsed with these
 * schemas on receipt (never cast). Times are milliseconds since the Unix epoch (`ts`, `expiresAt`,
 * `calledAt`); MQTT 3.1.1 has no message expiry, so messages carry their own `expiresAt`.
 */

/** Milliseconds since the Unix epoch. */
export const Millis = z.number().int().nonnegative()
export type Millis = z.infer<typeof Millis>

/** Id of a message, command or event: also the idempotency key of what it causes. */
export const MessageId = IdempotencyKey
export type MessageId = z.infer<typeof MessageId>

// ── state (retained, QoS 1) ──────────────────────────────────────────────────────────────────

/** `core/status`: a new `epoch` on every appliance start means "everyone publish your birth again". */
export const CoreStatus = z.object({
  state: z.enum(['online', 'maintenance', 'offline']),
  epoch: z.string().min(1).max(64),
  version: z.string().max(64),
  startedAt: Millis,
  ts: Millis,
})
export type CoreStatus = z.infer<typeof CoreStatus>

export const NowServingItem = z.object({
  ticketId: TicketId,
  number: z.string(),
  counterId: CounterId,
  /** What customers see and hear: "5" in "go to counter 5". */
  counterLabel: z.string(),
  /** The ticket's language (the voice announces in it first). */
  language: Language,
  calledAt: Millis,
  recallCount: z.number().int().nonnegative(),
})
export type NowServingItem = z.infer<typeof NowServingItem>

/** `hall/now-serving`: the last calls, newest first (at most `NOW_SERVING_LIMIT`). */
export const NowServing = z.object({
  items: z.array(NowServingItem).max(20),
  ts: Millis,
})
export type NowServing = z.infer<typeof NowServing>
export const NOW_SERVING_LIMIT = 8

export const QueueSnapshotService = z.object({
  id: ServiceId,
  prefix: z.string(),
  name: LocalizedText,
  isOpen: z.boolean(),
  waiting: z.number().int().nonnegative(),
  /** Predicted wait of a ticket taken now; null while closed or when nobody can serve it. */
  newTicketWait: WaitRange.nullable(),
})
export type QueueSnapshotService = z.infer<typeof QueueSnapshotService>

/** `queue/snapshot`: every active service, in catalogue order. */
export const QueueSnapshot = z.object({
  services: z.array(QueueSnapshotService),
  ts: Millis,
})
export type QueueSnapshot = z.infer<typeof QueueSnapshot>

export const CounterTicket = z.object({
  ticketId: TicketId,
  number: z.string(),
  status: z.enum(['called', 'serving']),
  language: Language,
  calledAt: Millis,
  recallCount: z.number().int().nonnegative(),
})
export type CounterTicket = z.infer<typeof CounterTicket>

export const CounterOperator = z.object({
  operatorId: OperatorId,
  displayName: z.string(),
  status: z.enum(['available', 'serving', 'paused']),
  pauseReason: PauseReason.nullable(),
})
export type CounterOperator = z.infer<typeof CounterOperator>

/** `counter/{counterId}/state`: what the counter display shows. */
export const CounterState = z.object({
  counterId: CounterId,
  label: z.string(),
  name: LocalizedText,
  active: z.boolean(),
  /** The ticket called to or served at this counter; null when none. */
  current: CounterTicket.nullable(),
  /** The operator signed in here; null when the counter is closed. */
  operator: CounterOperator.nullable(),
  ts: Millis,
})
export type CounterState = z.infer<typeof CounterState>

/**
 * `dev/{deviceId}/availability`, published by the device (retained) on every connect with a
 * `bdSeq` one higher than the last, and set as its Will with the same `bdSeq` and
 * `state: 'offline'`. An offline message whose `bdSeq` is below the last birth's is stale.
 */
export const DeviceAvailability = z.object({
  state: z.enum(['online', 'offline']),
  bdSeq: z.number().int().nonnegative(),
  /** Why offline: `lwt` (the Will), `shutdown`, `revoked`… */
  reason: z.string().max(64).optional(),
  ts: Millis,
})
export type DeviceAvailability = z.infer<typeof DeviceAvailability>

/** `dev/{deviceId}/meta` (retained): what the device is. */
export const DeviceMeta = z.object({
  kind: DeviceKind,
  model: z.string().max(80).optional(),
  version: z.string().max(64).optional(),
  capabilities: z.array(z.string().max(64)).max(64),
  bdSeq: z.number().int().nonnegative(),
  ts: Millis,
})
export type DeviceMeta = z.infer<typeof DeviceMeta>

/** `dev/{deviceId}/state` (retained): the device's full reported state, kind-specific fields. */
export const DeviceState = z.looseObject({ ts: Millis })
export type DeviceState = z.infer<typeof DeviceState>

/** `dev/{deviceId}/desired` (retained): the idempotent target state set by the core. */
export const DeviceDesired = z.looseObject({ version: z.number().int().nonnegative(), ts: Millis })
export type DeviceDesired = z.infer<typeof DeviceDesired>

// ── messages (not retained, QoS 1, with id and expiresAt) ───────────────────────────────────────

/** `hall/announce`: play the chime and the call once; drop it after `expiresAt`. */
export const HallAnnounce = z.object({
  id: MessageId,
  kind: z.enum(['call', 'recall']),
  ticketId: TicketId,
  number: z.string(),
  counterId: CounterId,
  counterLabel: z.string(),
  language: Language,
  /** 0 for the first call, then 1, 2… for each recall. */
  recallCount: z.number().int().nonnegative(),
  ts: Millis,
  expiresAt: Millis,
})
export type HallAnnounce = z.infer<typeof HallAnnounce>

/** The envelope of every device event: its `id` is the idempotency key of what it causes. */
const eventBase = { id: MessageId, ts: Millis, expiresAt: Millis }

export const ButtonKey = z.enum(['next', 'recall', 'start', 'pause', 'resume'])
export type ButtonKey = z.infer<typeof ButtonKey>

/** `dev/{deviceId}/event/button`: a key of a counter's call-button panel. */
export const ButtonEvent = z.object({ ...eventBase, key: ButtonKey })
export type ButtonEvent = z.infer<typeof ButtonEvent>

/**
 * `dev/{deviceId}/event/card`: a keyed hash of a card and its masked number (first 6 and last 4
 * digits, PCI DSS 3.4) — never the card number itself.
 */
export const CardEvent = z.object({
  ...eventBase,
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be an HMAC-SHA-256 in base64url'),
  tokenKeyId: z.string().min(1).max(64),
  masked: z.string().regex(/^\d{6}\*{2,9}\d{4}$/, 'must show at most the first 6 and last 4 digits'),
  /** How the card was read. */
  source: z.enum(['magstripe', 'chip', 'contactless']),
})
export type CardEvent = z.infer<typeof CardEvent>

/** `dev/{deviceId}/event/printer-status`: a change of the printer's status. */
export const PrinterStatusEvent = z.looseObject({ ...eventBase })
export type PrinterStatusEvent = z.infer<typeof PrinterStatusEvent>

/** What a button press did, in `DeviceResponse.data` for a button event. */
export const ButtonOutcome = z.object({
  outcome: z.enum(['called', 'queue_empty', 'recalled', 'started', 'paused', 'resumed']),
  /** The ticket called, recalled or started; null otherwise. */
  ticketNumber: z.string().nullable(),
})
export type ButtonOutcome = z.infer<typeof ButtonOutcome>

/**
 * `dev/{deviceId}/response`: the result of the device event whose `id` is `transaction`
 * (zigbee2mqtt's request/response envelope). A repeated event gets the first result again.
 */
export const DeviceResponse = z.discriminatedUnion('status', [
  z.object({ transaction: MessageId, status: z.literal('ok'), data: z.unknown(), ts: Millis }),
  z.object({
    transaction: MessageId,
    status: z.literal('error'),
    error: z.object({ code: z.string().max(64), message: z.string().max(500) }),
    ts: Millis,
  }),
])
export type DeviceResponse = z.infer<typeof DeviceResponse>

/** `dev/{deviceId}/cmd/{name}`: a command to a device; never retained, dropped after expiry. */
export const CommandEnvelope = z.object({
  id: MessageId,
  name: z.string().min(1).max(64),
  ts: Millis,
  expiresAt: Millis,
  args: z.unknown(),
})
export type CommandEnvelope = z.infer<typeof CommandEnvelope>

/** `dev/{deviceId}/reply/{id}`: the device's answer to a command. */
export const CommandReply = z.discriminatedUnion('ok', [
  z.object({ id: MessageId, ok: z.literal(true), data: z.unknown().optional(), ts: Millis }),
  z.object({
    id: MessageId,
    ok: z.literal(false),
    error: z.object({ code: z.string().max(64), message: z.string().max(500) }),
    ts: Millis,
  }),
])
export type CommandReply = z.infer<typeof CommandReply>

/** True once a message's `expiresAt` has passed: drop it unhandled. */
export const isExpired = (message: { readonly expiresAt: number }, now: number): boolean =>
  message.expiresAt <= now

/**
 * Parses a JSON payload with a schema: the value, or null for malformed JSON or a payload that
 * does not match (log and drop it; never throw at a subscriber).
 */
export function parsePayload<TSchema extends z.ZodType>(
  schema: TSchema,
  payload: Uint8Array | string,
): z.infer<TSchema> | null {
  let json: unknown
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload))
  } catch {
    return null
  }
  const parsed = schema.safeParse(json)
  return parsed.success ? parsed.data : null
}
