import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { CreatedWebhook } from '@kqms/shared/cloud'
import { renderStoredMessage } from '../src/app.js'
import type { CloudDatabase } from '../src/db/open-database.js'
import { notificationOutbox } from '../src/db/schema.js'
import {
  createWebhookAdapter,
  type NotificationAdapter,
  type OutgoingMessage,
} from '../src/notify/adapters.js'
import { enqueueMessage } from '../src/notify/outbox.js'
import { verifyWebhookSignature } from '../src/notify/webhook-signature.js'
import { backoffMs, createOutboxWorker } from '../src/notify/worker.js'
import {
  createTestCloud,
  driversToRun,
  openTestDatabase,
  silentLog,
  type TestCloud,
} from './test-cloud.js'

/** An SMS provider that is down for the first `failures` sends, recording what it got. */
function flakyProvider(
  failures: number,
): NotificationAdapter & { sent: OutgoingMessage[]; calls: number } {
  const provider = {
    sent: [] as OutgoingMessage[],
    calls: 0,
    send(message: OutgoingMessage) {
      provider.calls++
      if (provider.calls <= failures)
        return Promise.reject(new Error('provider unavailable (HTTP 503)'))
      provider.sent.push(message)
      return Promise.resolve()
    },
  }
  return provider
}

describe('backoffMs', () => {
  it('doubles per attempt from the base and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 10].map((attempts) =>
      backoffMs({ attempts, baseMs: 10_000, maxMs: 60_000 }),
    )
    expect(delays).toEqual([10_000, 20_000, 40_000, 60_000, 60_000])
  })
})

describe.each(driversToRun())('notification outbox on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  beforeAll(async () => {
    database = await openTestDatabase(driver)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    cloud = await createTestCloud(database)
  })

  const worker = (sms: NotificationAdapter, webhook?: NotificationAdapter) =>
    createOutboxWorker({
      db: database.db,
      clock: cloud.clock,
      log: silentLog,
      render: renderStoredMessage,
      adapters: { sms, push: sms, email: sms, webhook: webhook ?? sms },
      baseBackoffMs: 10_000,
      maxAttempts: 5,
    })

  it('retries a failing provider with exponential backoff, then delivers the rendered text once', async () => {
    const now = cloud.clock.now()
    const id = await database.db.transaction((tx) =>
      enqueueMessage(tx, {
        channel: 'sms',
        kind: 'otp',
        recipient: '+77011234567',
        language: 'ru',
        data: { code: '424242', ttlMinutes: 5 },
        notBefore: now,
        createdAt: now,
      }),
    )
    const provider = flakyProvider(2)
    const run = worker(provider)
    const row = async () =>
      (await database.db.select().from(notificationOutbox).where(eq(notificationOutbox.id, id)))[0]

    expect(await run.runOnce()).toBe(1) // attempt 1 fails
    expect(await row()).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAttemptAt: now + 10_000,
      lastError: 'provider unavailable (HTTP 503)',
    })
    expect(await run.runOnce()).toBe(0) // not due yet
    cloud.clock.advance(10_000)
    expect(await run.runOnce()).toBe(1) // attempt 2 fails: 20 s later
    expect(await row()).toMatchObject({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: now + 10_000 + 20_000,
    })
    cloud.clock.advance(19_999)
    expect(await run.runOnce()).toBe(0)
    cloud.clock.advance(1)
    expect(await run.runOnce()).toBe(1) // attempt 3 succeeds
    expect(await row()).toMatchObject({ status: 'sent', attempts: 3, sentAt: cloud.clock.now() })
    expect(provider.sent).toEqual([
      expect.objectContaining({
        channel: 'sms',
        to: '+77011234567',
        text: expect.stringContaining('424242'),
      }),
    ])
    cloud.clock.advance(3_600_000)
    expect(await run.runOnce()).toBe(0) // sent once, never again
  })

  it('gives up after the last attempt and marks the message failed', async () => {
    const now = cloud.clock.now()
    await database.db.transaction((tx) =>
      enqueueMessage(tx, {
        channel: 'sms',
        kind: 'otp',
        recipient: '+77011234567',
        language: 'en',
        data: { code: '111111', ttlMinutes: 5 },
        notBefore: now,
        createdAt: now,
      }),
    )
    const run = worker(flakyProvider(100))
    for (let n = 0; n < 5; n++) {
      await run.runOnce()
      cloud.clock.advance(3_600_000)
    }
    const [row] = await database.db.select().from(notificationOutbox)
    expect(row).toMatchObject({ status: 'failed', attempts: 5 })
  })

  it('sends two workers’ batches without sending any message twice (FOR UPDATE SKIP LOCKED)', async () => {
    const now = cloud.clock.now()
    await database.db.transaction(async (tx) => {
      for (let n = 0; n < 30; n++)
        await enqueueMessage(tx, {
          channel: 'sms',
          kind: 'otp',
          recipient: `+7701000${String(n).padStart(4, '0')}`,
          language: 'en',
          data: { code: '123456', ttlMinutes: 5 },
          notBefore: now,
          createdAt: now,
        })
    })
    const provider = flakyProvider(0)
    const a = worker(provider)
    const b = worker(provider)
    let total = 0
    for (;;) {
      const [x, y] = await Promise.all([a.runOnce(), b.runOnce()])
      total += x + y
      if (x + y === 0) break
    }
    expect(total).toBe(30)
    expect(new Set(provider.sent.map((m) => m.id)).size).toBe(30)
    expect(provider.sent).toHaveLength(30)
  })

  it('delivers a booking webhook signed with HMAC-SHA-256 that the integrator can verify', async () => {
    const received: { headers: IncomingMessage['headers']; body: string }[] = []
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const admin = await cloud.staffToken('admin')
      const created = await cloud.request('/api/admin/webhooks', {
        token: admin,
        body: { url: `http://127.0.0.1:${port}/hooks`, events: ['appointment.booked'] },
      })
      const hook = created.body as CreatedWebhook
      const token = await cloud.customerToken('+77010000001')
      await cloud.request('/api/v1/appointments', {
        token,
        body: { branchId: 'almaty-demo', serviceId: 'loan', startsAt: '2026-03-02T05:00:00.000Z' },
      })
      const sms = flakyProvider(0)
      await worker(sms, createWebhookAdapter({})).runOnce()
      expect(received).toHaveLength(1)
      const [delivery] = received as [{ headers: IncomingMessage['headers']; body: string }]
      const signature = String(delivery.headers['x-kqms-signature'])
      const timestampSeconds = Number(delivery.headers['x-kqms-timestamp'])
      expect(timestampSeconds).toBe(Math.floor(cloud.clock.now() / 1000))
      const verify = (secret: string, body: string) =>
        verifyWebhookSignature({
          secret,
          signature,
          timestampSeconds,
          body,
          nowSeconds: timestampSeconds + 10,
        })
      expect(verify(hook.secret, delivery.body)).toBe(true)
      expect(verify('another-secret', delivery.body)).toBe(false)
      expect(verify(hook.secret, delivery.body.replace('loan', 'cash'))).toBe(false)
      expect(JSON.parse(delivery.body)).toMatchObject({
        event: 'appointment.booked',
        data: { branchId: 'almaty-demo', serviceId: 'loan' },
      })
      // The customer's confirmation and reminder went to the SMS provider in the same batch.
      expect(sms.sent.map((m) => m.kind).sort()).toContain('appointment-confirmed')
      expect(sms.sent.every((m) => !('to' in m) || m.to !== '')).toBe(true)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
