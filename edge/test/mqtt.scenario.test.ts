import {
  CounterState,
  DeviceResponse,
  HallAnnounce,
  NowServing,
  QueueSnapshot,
  topics,
  type CoreStatus,
} from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import {
  collectMessages,
  DEMO_BRANCH,
  eventually,
  nextMessage,
  startTestEdge,
  type TestEdge,
} from './test-edge.js'

/**
 * The appliance's MQTT side as devices and browser apps live it: retained state for late
 * subscribers and after a restart, HTTP calls announced over WebSocket in order, hardware buttons
 * through the same write path as HTTP, and pairing a device from the manager dashboard.
 */

const b = DEMO_BRANCH as Parameters<typeof topics.coreStatus>[0]

/** Aigerim signs in at counter c1 and `tickets` cash tickets are taken at the kiosk. */
async function openCounterWithTickets(edge: TestEdge, tickets: number) {
  const aigerim = await edge.login('aigerim', '1111')
  expect(
    (await edge.api('POST', '/api/v1/counters/c1/sign-in', { token: aigerim.token })).status,
  ).toBe(200)
  const numbers: string[] = []
  for (let i = 0; i < tickets; i++) {
    const issued = await edge.api('POST', '/api/v1/register', {
      body: { serviceId: 'cash', language: i % 2 === 0 ? 'kk' : 'ru' },
    })
    expect(issued.status).toBe(201)
    numbers.push(String(issued.body['number']))
  }
  return { aigerim, numbers }
}

async function retained<T>(
  edge: TestEdge,
  topic: string,
  parse: { parse(value: unknown): T },
): Promise<T> {
  const display = await edge.connect({ clientId: 'hall-1', password: edge.demoSecret('hall-1') })
  await display.subscribeAsync(topic, { qos: 1 })
  const message = await nextMessage(display, topic)
  expect(message.retain).toBe(true)
  await display.endAsync()
  return parse.parse(message.payload)
}

describe('MQTT: retained queue state', () => {
  it('gives a display that connects after a call the now-serving list and counter state, also after a restart', async () => {
    await using edge = await startTestEdge()
    const { aigerim, numbers } = await openCounterWithTickets(edge, 2)
    const called = await edge.api('POST', '/api/v1/counters/c1/call-next', {
      token: aigerim.token,
    })
    expect(called.body).toMatchObject({ outcome: 'called', ticket: { number: numbers[0] } })

    const nowServing = await retained(edge, topics.hallNowServing(b), NowServing)
    expect(nowServing.items).toMatchObject([
      { number: numbers[0], counterId: 'c1', counterLabel: '1', language: 'kk', recallCount: 0 },
    ])
    const counter = await retained(edge, topics.counterState(b, 'c1'), CounterState)
    expect(counter).toMatchObject({
      counterId: 'c1',
      label: '1',
      current: { number: numbers[0], status: 'called' },
      operator: { operatorId: 'aigerim', status: 'serving' },
    })
    await new Promise((resolve) => setTimeout(resolve, 400)) // the snapshot is debounced 250 ms
    const snapshot = await retained(edge, topics.queueSnapshot(b), QueueSnapshot)
    expect(snapshot.services.find((s) => s.id === 'cash')).toMatchObject({
      prefix: 'A',
      waiting: 1,
      isOpen: true,
      newTicketWait: { expectedSeconds: expect.any(Number) },
    })
    const before = await retained(edge, topics.coreStatus(b), { parse: (v) => v as CoreStatus })

    await edge.restart() // same SQLite file; the broker starts empty

    const after = await retained(edge, topics.coreStatus(b), { parse: (v) => v as CoreStatus })
    expect(after.state).toBe('online')
    expect(after.epoch).not.toBe(before.epoch)
    expect((await retained(edge, topics.hallNowServing(b), NowServing)).items).toEqual(
      nowServing.items,
    )
    expect(await retained(edge, topics.counterState(b, 'c1'), CounterState)).toMatchObject({
      current: counter.current,
      operator: counter.operator,
    })
  })
})

describe('MQTT: hall announcements', () => {
  it('announces calls and recalls made over HTTP to a WebSocket display, in order', async () => {
    await using edge = await startTestEdge()
    const { aigerim, numbers } = await openCounterWithTickets(edge, 4)
    const yerlan = await edge.login('yerlan', '1222')
    await edge.api('POST', '/api/v1/counters/c2/sign-in', { token: yerlan.token })
    const manager = await edge.login('manager', 'manager-demo-2026')
    const display = await edge.connect({
      transport: 'ws',
      clientId: `staff-${manager.userId}`,
      password: manager.token,
    })
    await display.subscribeAsync(topics.hallAnnounce(b), { qos: 1 })
    const announces = collectMessages(display, topics.hallAnnounce(b))
    const at = (counter: string, token: string) => (action: string, body?: unknown) =>
      edge.api('POST', `/api/v1/counters/${counter}/${action}`, { token, body })
    const c1 = at('c1', aigerim.token)
    const c2 = at('c2', yerlan.token)

    await c1('call-next')
    await c2('call-next')
    await c1('start')
    await c1('finish', { outcome: 'served' })
    await c1('call-next')
    edge.clock.advance(21_000) // past the recall cooldown
    await c2('recall')

    await eventually(() => announces.length === 4)
    const parsed = announces.map((a) => HallAnnounce.parse(a))
    expect(parsed.map((a) => [a.kind, a.number, a.counterLabel, a.recallCount])).toEqual([
      ['call', numbers[0], '1', 0],
      ['call', numbers[1], '2', 0],
      ['call', numbers[2], '1', 0],
      ['recall', numbers[1], '2', 1],
    ])
    expect(parsed[0]).toMatchObject({ language: 'kk', expiresAt: parsed[0]!.ts + 60_000 })
    expect(new Set(parsed.map((a) => a.id)).size).toBe(4)
  })
})

describe('MQTT: call-button panel', () => {
  it('calls the next ticket exactly once when the button event arrives twice (QoS 1 duplicate)', async () => {
    await using edge = await startTestEdge()
    const { aigerim, numbers } = await openCounterWithTickets(edge, 2)
    const panel = await edge.connect({
      clientId: 'button-panel-c1',
      password: edge.demoSecret('button-panel-c1'),
    })
    await panel.subscribeAsync(topics.deviceResponse(b, 'button-panel-c1'), { qos: 1 })
    const responses = collectMessages(panel, topics.deviceResponse(b, 'button-panel-c1'))
    const now = edge.clock.now()
    const press = JSON.stringify({
      id: 'press-0001-c1',
      key: 'next',
      ts: now,
      expiresAt: now + 30_000,
    })
    const topic = topics.deviceEvent(b, 'button-panel-c1', 'button')

    await panel.publishAsync(topic, press, { qos: 1 })
    await panel.publishAsync(topic, press, { qos: 1, dup: true })

    await eventually(() => responses.length === 2)
    for (const response of responses)
      expect(DeviceResponse.parse(response)).toMatchObject({
        transaction: 'press-0001-c1',
        status: 'ok',
        data: { outcome: 'called', ticketNumber: numbers[0] },
      })
    const counter = await edge.api('GET', '/api/v1/counters/c1', { token: aigerim.token })
    expect(counter.body).toMatchObject({ current: { number: numbers[0], status: 'called' } })
    expect((counter.body['waiting'] as unknown[]).length).toBe(1)
    const calls = edge.logLines.filter((l) => l['msg'] === 'button pressed')
    expect(calls.map((l) => l['replayed'])).toEqual([false, true])

    // Recall works the same way; a press that expired on the way is refused.
    edge.clock.advance(21_000)
    const later = edge.clock.now()
    await panel.publishAsync(
      topic,
      JSON.stringify({ id: 'press-0002-c1', key: 'recall', ts: later, expiresAt: later + 30_000 }),
      { qos: 1 },
    )
    await panel.publishAsync(
      topic,
      JSON.stringify({
        id: 'press-0003-c1',
        key: 'next',
        ts: later - 60_000,
        expiresAt: later - 1,
      }),
      { qos: 1 },
    )
    await eventually(() => responses.length === 4)
    expect(responses.slice(2)).toMatchObject([
      { transaction: 'press-0002-c1', status: 'ok', data: { outcome: 'recalled' } },
      { transaction: 'press-0003-c1', status: 'error', error: { code: 'EXPIRED' } },
    ])
  })

  it('answers a press of a panel at a closed counter with the domain error', async () => {
    await using edge = await startTestEdge()
    const panel = await edge.connect({
      clientId: 'button-panel-c1',
      password: edge.demoSecret('button-panel-c1'),
    })
    await panel.subscribeAsync(topics.deviceResponse(b, 'button-panel-c1'), { qos: 1 })
    const now = edge.clock.now()
    const response = nextMessage(panel, topics.deviceResponse(b, 'button-panel-c1'))
    await panel.publishAsync(
      topics.deviceEvent(b, 'button-panel-c1', 'button'),
      JSON.stringify({ id: 'press-closed-1', key: 'next', ts: now, expiresAt: now + 30_000 }),
      { qos: 1 },
    )
    expect((await response).payload).toMatchObject({
      transaction: 'press-closed-1',
      status: 'error',
      error: { code: 'COUNTER_CLOSED' },
    })
  })
})

describe('MQTT: pairing a device from the manager dashboard', () => {
  it('enrols a counter display with a one-time code; it reads only its own counter', async () => {
    await using edge = await startTestEdge()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const created = await edge.api('POST', '/api/admin/devices/pairing-codes', {
      token: manager.token,
      body: { kind: 'counter-display', counterId: 'c2', name: 'LED above counter 2' },
    })
    expect(created.status).toBe(201)
    const code = String(created.body['code'])
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/)

    const paired = await edge.api('POST', '/api/v1/devices/pair', {
      body: { code: code.toLowerCase() },
    })
    expect(paired.status).toBe(201)
    expect(paired.body).toMatchObject({
      kind: 'counter-display',
      name: 'LED above counter 2',
      counterId: 'c2',
      branchId: DEMO_BRANCH,
      mqtt: { wsPath: '/mqtt', tcpPort: edge.edge.mqttTcpPort },
    })
    const deviceId = String(paired.body['deviceId'])
    const secret = String(paired.body['secret'])
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
    // Once only.
    expect((await edge.api('POST', '/api/v1/devices/pair', { body: { code } })).status).toBe(404)

    const display = await edge.connect({ clientId: deviceId, password: secret })
    await display.subscribeAsync(topics.counterState(b, 'c2'), { qos: 1 })
    expect((await nextMessage(display, topics.counterState(b, 'c2'))).payload).toMatchObject({
      counterId: 'c2',
    })
    await expect(
      display.subscribeAsync(topics.counterState(b, 'c1'), { qos: 1 }),
    ).rejects.toMatchObject({ packet: { granted: [0x80] } })

    const list = await edge.api('GET', '/api/admin/devices', { token: manager.token })
    expect(list.body['devices']).toContainEqual(
      expect.objectContaining({
        id: deviceId,
        counterId: 'c2',
        health: expect.objectContaining({ connected: true }),
      }),
    )
    const listed = JSON.stringify(list.body)
    expect(listed).not.toContain(secret)
    expect(listed).not.toContain('scrypt')
  })

  it('refuses a code after 10 minutes and throttles guessing', async () => {
    await using edge = await startTestEdge()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const created = await edge.api('POST', '/api/admin/devices/pairing-codes', {
      token: manager.token,
      body: { kind: 'kiosk' },
    })
    edge.clock.advance(10 * 60_000)
    const late = await edge.api('POST', '/api/v1/devices/pair', {
      body: { code: created.body['code'] },
    })
    expect(late.status).toBe(404)
    const statuses: number[] = []
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await edge.api('POST', '/api/v1/devices/pair', { body: { code: `AAAAA-${10000 + i}` } }))
          .status,
      )
    expect(statuses.slice(0, 9)).toEqual(Array(9).fill(404))
    expect(statuses.at(-1)).toBe(429)
  })

  it('needs a counter for counter-bound kinds and refuses unknown counters', async () => {
    await using edge = await startTestEdge()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const create = (body: unknown) =>
      edge.api('POST', '/api/admin/devices/pairing-codes', { token: manager.token, body })
    expect((await create({ kind: 'button-panel' })).status).toBe(422)
    expect((await create({ kind: 'counter-display', counterId: 'c99' })).status).toBe(404)
    expect((await create({ kind: 'hall-display' })).status).toBe(201)
  })
})
