import { and, eq, sql, type SQL } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type { WebhookEvent } from '@kqms/shared/cloud'
import type { CloudTx } from '../db/open-database.js'
import { notificationOutbox, webhooks } from '../db/schema.js'

/**
 * The notification outbox: messages are written in the transaction of the change that causes
 * them (so a booking and its confirmation SMS commit together) and sent later by the worker.
 */

export type Channel = 'sms' | 'push' | 'email' | 'webhook'
export type MessageKind =
  | 'otp'
  | 'joined'
  | 'turn-near'
  | 'called'
  | 'appointment-confirmed'
  | 'appointment-reminder'
  | 'appointment-cancelled'
  | 'appointment-rescheduled'

type OutboxRow = typeof notificationOutbox.$inferInsert

export interface MessageInput {
  channel: Exclude<Channel, 'webhook'>
  kind: MessageKind
  recipient: string
  language: 'kk' | 'ru' | 'en'
  data: Record<string, unknown>
  /** Not sent before this instant (reminders). */
  notBefore: number
  createdAt: number
  /** The appointment or request the message is about: a later change may cancel it. */
  subjectId?: string
}

/** The outbox row of a customer message (insert it with `insertOutbox`). */
export function messageRow(message: MessageInput): OutboxRow {
  return {
    id: uuidv7(),
    channel: message.channel,
    kind: message.kind,
    recipient: message.recipient,
    payload: { language: message.language, data: message.data },
    status: 'pending',
    attempts: 0,
    nextAttemptAt: message.notBefore,
    subjectId: message.subjectId ?? null,
    createdAt: message.createdAt,
  }
}

/** Several outbox rows in one statement. */
export async function insertOutbox(tx: CloudTx, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length > 0) await tx.insert(notificationOutbox).values([...rows])
}

/**
 * Outbox rows as a `SELECT` of literal rows (typed for the table), for an `INSERT … SELECT` that
 * must run inside a larger statement (e.g. only when a booking's insert happened).
 */
export function outboxRowsSelect(rows: readonly OutboxRow[]): SQL {
  if (rows.length === 0)
    return sql`SELECT NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::text, NULL::integer, NULL::bigint, NULL::text, NULL::bigint WHERE false`
  const values = rows.map(
    (r) =>
      sql`(${r.id}::uuid, ${r.channel}::text, ${r.kind}::text, ${r.recipient}::text, ${JSON.stringify(r.payload)}::jsonb, ${r.status ?? 'pending'}::text, ${r.attempts ?? 0}::integer, ${r.nextAttemptAt}::bigint, ${r.subjectId ?? null}::text, ${r.createdAt}::bigint)`,
  )
  return sql`SELECT * FROM (VALUES ${sql.join(values, sql`, `)}) AS v (id, channel, kind, recipient, payload, status, attempts, next_attempt_at, subject_id, created_at)`
}

/** The column list that `outboxRowsSelect` fills. */
export const OUTBOX_COLUMNS = sql.raw(
  'notification_outbox (id, channel, kind, recipient, payload, status, attempts, next_attempt_at, subject_id, created_at)',
)

export async function enqueueMessage(tx: CloudTx, message: MessageInput): Promise<string> {
  const row = messageRow(message)
  await insertOutbox(tx, [row])
  return row.id ?? ''
}

/** Active webhooks subscribed to `event` (read once, before a transaction that enqueues). */
export async function webhookTargets(tx: CloudTx, event: WebhookEvent): Promise<string[]> {
  const targets = await tx
    .select({ id: webhooks.id, events: webhooks.events })
    .from(webhooks)
    .where(eq(webhooks.active, true))
  return targets.filter((t) => t.events.includes(event)).map((t) => t.id)
}

/** One outbox row per webhook target of an event. */
export function webhookRows(
  targets: readonly string[],
  input: { event: WebhookEvent; data: Record<string, unknown>; at: number; subjectId?: string },
): OutboxRow[] {
  return targets.map((target) => {
    const id = uuidv7()
    return {
      id,
      channel: 'webhook' as const,
      kind: input.event,
      recipient: target,
      payload: {
        id,
        event: input.event,
        occurredAt: new Date(input.at).toISOString(),
        data: input.data,
      },
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: input.at,
      subjectId: input.subjectId ?? null,
      createdAt: input.at,
    }
  })
}

/** One outbox row per active webhook subscribed to `event`. */
export async function enqueueWebhookEvent(
  tx: CloudTx,
  input: { event: WebhookEvent; data: Record<string, unknown>; at: number; subjectId?: string },
): Promise<number> {
  const rows = webhookRows(await webhookTargets(tx, input.event), input)
  await insertOutbox(tx, rows)
  return rows.length
}

/** Cancels messages not yet sent about a subject (e.g. the reminder of a cancelled appointment). */
export async function cancelPendingMessages(
  tx: CloudTx,
  input: { subjectId: string; kind: MessageKind },
): Promise<void> {
  await tx
    .update(notificationOutbox)
    .set({ status: 'cancelled' })
    .where(
      and(
        eq(notificationOutbox.subjectId, input.subjectId),
        eq(notificationOutbox.kind, input.kind),
        eq(notificationOutbox.status, 'pending'),
        sql`true`,
      ),
    )
}
