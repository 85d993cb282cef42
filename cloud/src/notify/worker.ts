import { eq, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { queryRows, type CloudDb } from '../db/open-database.js'
import { notificationOutbox, webhooks } from '../db/schema.js'
import type { Clock } from '../usecases/ports.js'
import type { NotificationAdapter, OutgoingMessage } from './adapters.js'
import type { MessageKind } from './outbox.js'

/** How a stored message is turned into text (the kk/ru/en templates). */
export type RenderMessage = (input: {
  kind: MessageKind
  language: 'kk' | 'ru' | 'en'
  data: Record<string, unknown>
}) => {
  sms: string
  push: { title: string; body: string }
  email: { subject: string; text: string }
}

export interface OutboxWorkerOptions {
  readonly db: CloudDb
  readonly clock: Clock
  readonly log: Logger
  readonly render: RenderMessage
  /** Provider per channel. */
  readonly adapters: Readonly<Record<'sms' | 'push' | 'email' | 'webhook', NotificationAdapter>>
  readonly pollMs?: number
  readonly batchSize?: number
  /** After this many failed attempts a message is `failed` for good. */
  readonly maxAttempts?: number
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  readonly baseBackoffMs?: number
  readonly maxBackoffMs?: number
  /** A claimed message not finished within this is retried by another worker. */
  readonly leaseMs?: number
}

export interface OutboxWorker {
  /** Claims and sends one batch of due messages; returns how many were attempted. */
  runOnce(): Promise<number>
  stop(): Promise<void>
}

/** Retry delay after `attempts` failures: base × 2^(attempts−1), capped. */
export function backoffMs(input: { attempts: number; baseMs: number; maxMs: number }): number {
  return Math.min(input.maxMs, input.baseMs * 2 ** Math.max(0, input.attempts - 1))
}

interface ClaimedRow {
  id: string
  channel: 'sms' | 'push' | 'email' | 'webhook'
  kind: string
  recipient: string
  payload: Record<string, unknown>
  attempts: number
}

/**
 * The outbox worker: claims due messages with `FOR UPDATE SKIP LOCKED` (several cloud instances
 * never send one message twice), leases them, sends through the channel's adapter, then marks
 * them sent, or schedules a retry with exponential backoff, or gives up after `maxAttempts`.
 * `startOutboxWorker` polls every `pollMs`; tests call `runOnce()` with a fake clock.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const {
    db,
    clock,
    render,
    adapters,
    batchSize = 20,
    maxAttempts = 8,
    baseBackoffMs = 10_000,
    maxBackoffMs = 3_600_000,
    leaseMs = 60_000,
  } = options
  const log = options.log.child({ module: 'outbox' })
  let running: Promise<number> | null = null

  async function claim(now: number): Promise<ClaimedRow[]> {
    return db.transaction(async (tx) =>
      queryRows<ClaimedRow>(
        tx,
        sql`UPDATE notification_outbox SET next_attempt_at = ${now + leaseMs}, attempts = attempts + 1
            WHERE id IN (
              SELECT id FROM notification_outbox
              WHERE status = 'pending' AND next_attempt_at <= ${now}
              ORDER BY next_attempt_at
              LIMIT ${batchSize}
              FOR UPDATE SKIP LOCKED)
            RETURNING id, channel, kind, recipient, payload, attempts`,
      ),
    )
  }

  async function toMessage(row: ClaimedRow, now: number): Promise<OutgoingMessage | null> {
    if (row.channel === 'webhook') {
      const [target] = await db.select().from(webhooks).where(eq(webhooks.id, row.recipient))
      if (!target?.active) return null
      return {
        channel: 'webhook',
        id: row.id,
        kind: row.kind,
        url: target.url,
        secret: target.secret,
        body: JSON.stringify(row.payload),
        timestampSeconds: Math.floor(now / 1000),
      }
    }
    const payload = row.payload as { language: 'kk' | 'ru' | 'en'; data: Record<string, unknown> }
    const text = render({
      kind: row.kind as MessageKind,
      language: payload.language,
      data: payload.data,
    })
    switch (row.channel) {
      case 'sms':
        return { channel: 'sms', id: row.id, kind: row.kind, to: row.recipient, text: text.sms }
      case 'push':
        return { channel: 'push', id: row.id, kind: row.kind, to: row.recipient, ...text.push }
      case 'email':
        return { channel: 'email', id: row.id, kind: row.kind, to: row.recipient, ...text.email }
    }
  }

  async function deliver(row: ClaimedRow): Promise<void> {
    const now = clock.now()
    try {
      const message = await toMessage(row, now)
      if (message === null) {
        await db
          .update(notificationOutbox)
          .set({ status: 'cancelled' })
          .where(eq(notificationOutbox.id, row.id))
        return
      }
      await adapters[row.channel].send(message)
      await db
        .update(notificationOutbox)
        .set({ status: 'sent', sentAt: clock.now(), lastError: null })
        .where(eq(notificationOutbox.id, row.id))
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const giveUp = row.attempts >= maxAttempts
      const retryAt =
        now + backoffMs({ attempts: row.attempts, baseMs: baseBackoffMs, maxMs: maxBackoffMs })
      await db
        .update(notificationOutbox)
        .set(
          giveUp
            ? { status: 'failed', lastError: reason.slice(0, 500) }
            : { nextAttemptAt: retryAt, lastError: reason.slice(0, 500) },
        )
        .where(eq(notificationOutbox.id, row.id))
      if (giveUp)
        log.error(
          { id: row.id, channel: row.channel, kind: row.kind, attempts: row.attempts, reason },
          'notification failed for good',
        )
      else
        log.warn(
          { id: row.id, channel: row.channel, attempts: row.attempts, retryAt, reason },
          'notification failed; will retry',
        )
    }
  }

  async function runBatch(): Promise<number> {
    const rows = await claim(clock.now())
    for (const row of rows) await deliver(row)
    return rows.length
  }

  return {
    runOnce() {
      // One batch at a time per worker: a timer tick during a slow send waits for it.
      running ??= runBatch().finally(() => {
        running = null
      })
      return running
    },
    async stop() {
      await running?.catch(() => 0)
    },
  }
}

function ignore(): void {
  // The batch error was logged above; the next tick tries again.
}

/** Runs the worker every `pollMs` until stopped. */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const worker = createOutboxWorker(options)
  const pollMs = options.pollMs ?? 1000
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  const tick = (): void => {
    timer = null
    if (stopped) return
    worker
      .runOnce()
      .catch((error: unknown) => {
        options.log.error({ err: error, module: 'outbox' }, 'outbox batch failed')
        return 0
      })
      .then((count) => {
        if (!stopped) timer = setTimeout(tick, count > 0 ? 0 : pollMs)
      }, ignore)
  }
  timer = setTimeout(tick, pollMs)
  return {
    runOnce: () => worker.runOnce(),
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await worker.stop()
    },
  }
}
