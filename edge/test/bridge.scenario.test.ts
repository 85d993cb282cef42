import {
  CommandEnvelope,
  DeviceResponse,
  PrintTicketArgs,
  topics,
  type CommandReply,
  type PrinterState,
} from '@kqms/shared/mqtt'
import type { MqttClient } from 'mqtt'
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
 * The appliance with the firmware bridge `bridge-1` as a scripted MQTT.js client acting for the
 * demo devices it drives: `printer-1` and `card-reader-1` at `kiosk-1`, `led-c2` and `buttons-c2`
 * at counter 2. Print requests come from the kiosk over HTTP with its device credentials.
 */

const b = DEMO_BRANCH as Parameters<typeof topics.coreStatus>[0]
const PRINT_TOPIC = topics.deviceCommand(b, 'printer-1', 'print')

const basic = (edge: TestEdge, deviceId: string): string =>
  `Basic ${Buffer.from(`${deviceId}:${edge.demoSecret(deviceId)}`).toString('base64')}`

const printerState = (edge: TestEdge, patch: Partial<PrinterState> = {}): PrinterState => ({
  kind: 'printer',
  online: true,
  paper: 'ok',
  coverOpen: false,
  cutterError: false,
  blockedBy: null,
  paperUsedMm: 12_000,
  rollLengthMm: 80_000,
  paperRemainingPercent: 85,
  ticketsPrinted: 140,
  profile: 'xprinter-xp58',
  lastJob: null,
  ts: edge.clock.now(),
  ...patch,
})

interface ScriptedBridge {
  readonly client: MqttClient
  /** Every `cmd/print` the printer received, in order. */
  readonly commands: CommandEnvelope[]
  /** printer-1's birth: state then availability online with this bdSeq. */
  birth(bdSeq: number, state?: PrinterState): Promise<void>
  death(bdSeq: number): Promise<void>
  reply(reply: CommandReply | string, commandId?: string): Promise<void>
}

/** bridge-1 as the firmware bridge would be: answers print commands only when told to. */
async function connectBridge(edge: TestEdge): Promise<ScriptedBridge> {
  const client = await edge.connect({ clientId: 'bridge-1', password: edge.demoSecret('bridge-1') })
  await client.subscribeAsync(topics.deviceCommandAll(b, 'printer-1'), { qos: 1 })
  const commands: CommandEnvelope[] = []
  client.on('message', (topic, payload) => {
    if (topic === PRINT_TOPIC)
      commands.push(CommandEnvelope.parse(JSON.parse(payload.toString('utf8'))))
  })
  const publish = (topic: string, payload: unknown, retain: boolean) =>
    client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
      qos: 1,
      retain,
    })
  return {
    client,
    commands,
    async birth(bdSeq, state = printerState(edge)) {
      await publish(topics.deviceState(b, 'printer-1'), state, true)
      await publish(
        topics.deviceAvailability(b, 'printer-1'),
        { state: 'online', bdSeq, ts: edge.clock.now() },
        true,
      )
    },
    async death(bdSeq) {
      await publish(
        topics.deviceAvailability(b, 'printer-1'),
        { state: 'offline', bdSeq, reason: 'lwt', ts: edge.clock.now() },
        true,
      )
    },
    async reply(reply, commandId) {
      const id = commandId ?? (typeof reply === 'string' ? 'unknown' : reply.id)
      await publish(topics.deviceReply(b, 'printer-1', id), reply, false)
    },
  }
}

const ok = (edge: TestEdge, id: string): CommandReply => ({
  id,
  ok: true,
  data: { mode: 'text', bytes: 812, paperUsedMm: 74, duplicate: false },
  ts: edge.clock.now(),
})

async function takeTicket(edge: TestEdge, input: { service: string; language: string }) {
  const issued = await edge.api('POST', '/api/v1/register', {
    body: { serviceId: input.service, language: input.language },
  })
  expect(issued.status).toBe(201)
  return { id: String(issued.body['id']), number: String(issued.body['number']) }
}

const printTicket = (edge: TestEdge, ticketId: string, kioskId = 'kiosk-1') =>
  edge.api('POST', `/api/v1/tickets/${ticketId}/print`, {
    headers: { authorization: basic(edge, kioskId) },
  })

/** The printer prints every job it gets (after `delayMs`), as a healthy bridge would. */
function answerPrints(edge: TestEdge, bridge: ScriptedBridge): void {
  bridge.client.on('message', (topic, payload) => {
    if (topic !== PRINT_TOPIC) return
    const envelope = CommandEnvelope.parse(JSON.parse(payload.toString('utf8')))
    void bridge.reply(ok(edge, envelope.id))
  })
}

describe('bridge printer: print jobs', () => {
  it('prints a ticket in the customer’s language (kk, ru, en) and answers printed', async () => {
    await using edge = await startTestEdge()
    const yerlan = await edge.login('yerlan', '1222')
    await edge.api('POST', '/api/v1/counters/c2/sign-in', { token: yerlan.token })
    const bridge = await connectBridge(edge)
    answerPrints(edge, bridge)
    await bridge.birth(1)
    const expected = {
      kk: { service: 'Қолма-қол ақша', branch: 'Алматы демо бөлімшесі' },
      ru: { service: 'Наличные', branch: 'Демо-отделение Алматы' },
      en: { service: 'Cash', branch: 'Almaty demo branch' },
    } as const
    for (const [index, language] of (['kk', 'ru', 'en'] as const).entries()) {
      const ticket = await takeTicket(edge, { service: 'cash', language })
      const answer = await printTicket(edge, ticket.id)
      expect(answer).toMatchObject({
        status: 200,
        body: {
          state: 'printed',
          jobId: `print-${ticket.id}`,
          printerId: 'printer-1',
          duplicate: false,
        },
      })
      const command = bridge.commands[index]
      expect(command).toMatchObject({
        id: `print-${ticket.id}`,
        name: 'print',
        expiresAt: edge.clock.now() + 60_000,
      })
      const args = PrintTicketArgs.parse(command?.args)
      expect(args).toMatchObject({
        template: 'ticket',
        language,
        ticketId: ticket.id,
        number: ticket.number,
        serviceName: expected[language].service,
        branchName: expected[language].branch,
        timeZone: 'Asia/Almaty',
        ahead: index,
        statusUrl: `http://localhost:8080/status/${ticket.id}`,
      })
      expect(args.waitMinutes).not.toBeNull()
      expect(args.waitMinutes?.high).toBeGreaterThanOrEqual(args.waitMinutes?.low ?? 0)
    }
    expect(bridge.commands).toHaveLength(3)
  })

  it('never sends a ticket twice: a repeated request answers from the same job', async () => {
    await using edge = await startTestEdge()
    const bridge = await connectBridge(edge)
    answerPrints(edge, bridge)
    await bridge.birth(1)
    const ticket = await takeTicket(edge, { service: 'fx', language: 'ru' })
    const [first, second] = await Promise.all([
      printTicket(edge, ticket.id),
      printTicket(edge, ticket.id),
    ])
    const third = await printTicket(edge, ticket.id)
    expect([first.body['state'], second.body['state'], third.body['state']]).toEqual([
      'printed',
      'printed',
      'printed',
    ])
    expect(third.body['duplicate']).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(bridge.commands.map((c) => c.id)).toEqual([`print-${ticket.id}`])
  })

  it('refuses at once, without a publish, when the printer is out of paper or offline', async () => {
    await using edge = await startTestEdge()
    const bridge = await connectBridge(edge)
    await bridge.birth(
      1,
      printerState(edge, { paper: 'out', blockedBy: 'paper-out', paperRemainingPercent: 0 }),
    )
    const ticket = await takeTicket(edge, { service: 'cash', language: 'kk' })
    await eventually(() => edge.edge.bridgeDevices.printing.status('printer-1').state !== null)
    const refused = await printTicket(edge, ticket.id)
    expect(refused).toMatchObject({
      status: 200,
      body: { state: 'unavailable', code: 'PRINTER_PAPER_OUT', printerId: 'printer-1' },
    })

    await bridge.death(1)
    await eventually(
      () => edge.edge.bridgeDevices.printing.status('printer-1').availability === 'offline',
    )
    const offline = await printTicket(edge, ticket.id)
    expect(offline.body).toMatchObject({ state: 'unavailable', code: 'PRINTER_OFFLINE' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(bridge.commands).toEqual([])
  })

  it('takes the printer offline with its bridge: a bridge that dies leaves no device “online”', async () => {
    await using edge = await startTestEdge()
    const willPayload = JSON.stringify({ state: 'offline', bdSeq: 3, reason: 'lwt', ts: 0 })
    const client = await edge.connect({
      clientId: 'bridge-1',
      password: edge.demoSecret('bridge-1'),
      will: {
        topic: topics.deviceAvailability(b, 'bridge-1'),
        payload: Buffer.from(willPayload),
        qos: 1,
        retain: true,
      },
    })
    const online = () => ({ state: 'online', bdSeq: 3, ts: edge.clock.now() })
    for (const id of ['bridge-1', 'printer-1']) {
      if (id === 'printer-1')
        await client.publishAsync(topics.deviceState(b, id), JSON.stringify(printerState(edge)), {
          qos: 1,
          retain: true,
        })
      await client.publishAsync(topics.deviceAvailability(b, id), JSON.stringify(online()), {
        qos: 1,
        retain: true,
      })
    }
    await eventually(
      () => edge.edge.bridgeDevices.printing.status('printer-1').availability === 'online',
    )
    const ticket = await takeTicket(edge, { service: 'cash', language: 'ru' })

    client.stream.destroy() // the bridge process dies: the broker publishes its Will
    await eventually(
      () => edge.edge.bridgeDevices.printing.status('printer-1').availability === 'offline',
    )
    const refused = await printTicket(edge, ticket.id)
    expect(refused.body).toMatchObject({ state: 'unavailable', code: 'PRINTER_OFFLINE' })
  })

  it('re-sends an unanswered job with the same id when the printer is born again, not after expiry', async () => {
    await using edge = await startTestEdge({ printReplyWaitMs: 300 })
    const bridge = await connectBridge(edge)
    await bridge.birth(1)
    const first = await takeTicket(edge, { service: 'cash', language: 'en' })
    const unanswered = await printTicket(edge, first.id)
    expect(unanswered.body).toMatchObject({ state: 'unavailable', code: 'PRINT_TIMEOUT' })
    expect(bridge.commands.map((c) => c.id)).toEqual([`print-${first.id}`])

    // The bridge restarts: a death, then a birth with the next bdSeq → the same job again.
    await bridge.death(1)
    await bridge.birth(1) // the same birth repeated is not a rebirth
    await bridge.birth(2)
    await eventually(() => bridge.commands.length === 2)
    expect(bridge.commands[1]).toMatchObject({
      id: `print-${first.id}`,
      expiresAt: bridge.commands[0]?.expiresAt,
    })
    await bridge.reply(ok(edge, `print-${first.id}`))
    await eventually(() =>
      edge.logLines.some((l) => l['msg'] === 'print job settled' && l['state'] === 'printed'),
    )
    const again = await printTicket(edge, first.id)
    expect(again.body).toMatchObject({ state: 'printed', duplicate: true })

    // A job whose printer comes back after the job's minute is over is not printed any more.
    const second = await takeTicket(edge, { service: 'cash', language: 'en' })
    expect((await printTicket(edge, second.id)).body).toMatchObject({ code: 'PRINT_TIMEOUT' })
    await bridge.death(2)
    edge.clock.advance(61_000)
    await bridge.birth(3)
    await eventually(() =>
      edge.logLines.some(
        (l) => l['msg'] === 'print job expired' && l['jobId'] === `print-${second.id}`,
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(bridge.commands.map((c) => c.id)).toEqual([
      `print-${first.id}`,
      `print-${first.id}`,
      `print-${second.id}`,
    ])
    const expired = await printTicket(edge, second.id)
    expect(expired.body).toMatchObject({ state: 'unavailable', code: 'PRINT_EXPIRED' })
  })

  it('drops malformed and foreign replies, counts them, and settles on the real one', async () => {
    await using edge = await startTestEdge({ printReplyWaitMs: 2_000 })
    const bridge = await connectBridge(edge)
    await bridge.birth(1)
    const ticket = await takeTicket(edge, { service: 'cash', language: 'kk' })
    const jobId = `print-${ticket.id}`
    bridge.client.on('message', (topic) => {
      if (topic !== PRINT_TOPIC) return
      void (async () => {
        await bridge.reply('{not json', jobId)
        await bridge.reply(JSON.stringify({ id: jobId, ok: 'yes', ts: 1 }), jobId)
        await bridge.reply(ok(edge, 'print-someone-elses-job'))
        await bridge.reply(ok(edge, jobId), 'print-another-id') // id and topic disagree
        await bridge.reply({
          id: jobId,
          ok: false,
          error: { code: 'PRINTER_COVER_OPEN', message: 'Cover open' },
          ts: edge.clock.now(),
        })
        await bridge.reply(ok(edge, jobId)) // too late: the job is settled
      })()
    })
    const answer = await printTicket(edge, ticket.id)
    expect(answer.body).toMatchObject({ state: 'failed', code: 'PRINTER_COVER_OPEN' })
    await eventually(() => edge.edge.bridgeDevices.printing.droppedReplies().duplicate === 1)
    expect(edge.edge.bridgeDevices.printing.droppedReplies()).toEqual({
      malformed: 2,
      foreign: 2,
      duplicate: 1,
    })
    const metrics = await fetch(`${edge.edge.url}/metrics`).then((r) => r.text())
    expect(metrics).toContain('kqms_mqtt_dropped_replies_total{reason="malformed"} 2')
  })

  it('refuses a print without the kiosk’s credentials, and for an unknown ticket', async () => {
    await using edge = await startTestEdge()
    const ticket = await takeTicket(edge, { service: 'cash', language: 'kk' })
    const anonymous = await edge.api('POST', `/api/v1/tickets/${ticket.id}/print`)
    expect([anonymous.status, anonymous.body['error']]).toMatchObject([
      401,
      { code: 'UNAUTHENTICATED' },
    ])
    const wrong = await edge.api('POST', `/api/v1/tickets/${ticket.id}/print`, {
      headers: { authorization: `Basic ${Buffer.from('kiosk-1:wrong-secret').toString('base64')}` },
    })
    expect(wrong.status).toBe(401)
    const asDisplay = await printTicket(edge, ticket.id, 'hall-1')
    expect([asDisplay.status, asDisplay.body['error']]).toMatchObject([403, { code: 'FORBIDDEN' }])
    const unknown = await printTicket(edge, '00000000-0000-7000-8000-000000000999')
    expect([unknown.status, unknown.body['error']]).toMatchObject([404, { code: 'NOT_FOUND' }])
    const badId = await printTicket(edge, 'not-a-ticket')
    expect([badId.status, badId.body['error']]).toMatchObject([400, { code: 'VALIDATION_FAILED' }])
  })
})

describe('bridge printer: what the kiosk and the manager see', () => {
  it('publishes the kiosk’s retained desired state from the printer’s real state', async () => {
    await using edge = await startTestEdge()
    const kiosk = await edge.connect({ clientId: 'kiosk-1', password: edge.demoSecret('kiosk-1') })
    const desiredTopic = topics.deviceDesired(b, 'kiosk-1')
    await kiosk.subscribeAsync(desiredTopic, { qos: 1 })
    const seen = collectMessages(kiosk, desiredTopic)
    const bridge = await connectBridge(edge)
    await bridge.birth(1)
    await eventually(() => seen.some((m) => (m['printer'] as { state?: string }).state === 'ok'))
    await bridge.client.publishAsync(
      topics.deviceState(b, 'printer-1'),
      JSON.stringify(
        printerState(edge, { paper: 'out', blockedBy: 'paper-out', paperRemainingPercent: 0 }),
      ),
      { qos: 1, retain: true },
    )
    await eventually(() => seen.some((m) => (m['printer'] as { state?: string }).state === 'out'))
    await bridge.death(1)
    await eventually(() => (seen.at(-1)?.['printer'] as { state?: string }).state === 'offline')
    const versions = seen.map((m) => Number(m['version']))
    expect(versions).toEqual([...versions].sort((x, y) => x - y))
    expect(new Set(versions).size).toBe(versions.length)
    expect(seen.at(-1)).toMatchObject({
      printer: { printerId: 'printer-1', state: 'offline', blockedBy: 'paper-out' },
    })

    // A late subscriber (the kiosk page reloading) gets it retained.
    const reloaded = await edge.connect({
      clientId: 'kiosk-1',
      password: edge.demoSecret('kiosk-1'),
    })
    await reloaded.subscribeAsync(desiredTopic, { qos: 1 })
    const retained = await nextMessage(reloaded, desiredTopic)
    expect(retained.retain).toBe(true)
    expect(retained.payload).toMatchObject({ printer: { state: 'offline' } })
  })

  it('shows the manager the printer’s paper left', async () => {
    await using edge = await startTestEdge()
    const bridge = await connectBridge(edge)
    await bridge.birth(
      1,
      printerState(edge, { paper: 'near-end', paperRemainingPercent: 7.4, ticketsPrinted: 901 }),
    )
    const manager = await edge.login('manager', 'manager-demo-2026')
    await eventually(() => edge.edge.bridgeDevices.printing.status('printer-1').state !== null)
    const devices = await edge.api('GET', '/api/admin/devices', { token: manager.token })
    const list = devices.body['devices'] as Record<string, unknown>[]
    expect(list.find((d) => d['id'] === 'printer-1')).toMatchObject({
      kind: 'printer',
      bridgeId: 'bridge-1',
      attachedTo: 'kiosk-1',
      printer: { paper: 'near-end', paperRemainingPercent: 7.4, ticketsPrinted: 901 },
      health: { availability: 'online' },
    })
    expect(list.find((d) => d['id'] === 'kiosk-1')).toMatchObject({ printer: null })
  })

  it('accepts attachedTo only for printers and card readers, naming an enrolled kiosk', async () => {
    await using edge = await startTestEdge()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const code = (body: Record<string, unknown>) =>
      edge.api('POST', '/api/admin/devices/pairing-codes', { token: manager.token, body })
    const good = await code({ kind: 'printer', bridgeId: 'bridge-1', attachedTo: 'kiosk-1' })
    expect(good).toMatchObject({ status: 201, body: { attachedTo: 'kiosk-1' } })
    expect((await code({ kind: 'printer', attachedTo: 'hall-1' })).status).toBe(404)
    expect((await code({ kind: 'printer', attachedTo: 'kiosk-nowhere' })).status).toBe(404)
    expect((await code({ kind: 'hall-display', attachedTo: 'kiosk-1' })).status).toBe(422)
    const invalid = await code({ kind: 'printer', attachedTo: 'Kiosk 1!' })
    expect([invalid.status, invalid.body['error']]).toMatchObject([
      400,
      { code: 'VALIDATION_FAILED' },
    ])
  })
})

describe('bridge counter 2: LED display and call buttons', () => {
  it('calls at c2 with a button pressed through bridge-1, and the LED display follows', async () => {
    await using edge = await startTestEdge()
    const bridge = await edge.connect({
      clientId: 'bridge-1',
      password: edge.demoSecret('bridge-1'),
    })
    const ledTopic = topics.deviceDesired(b, 'led-c2')
    const led = collectMessages(bridge, ledTopic)
    const responses = collectMessages(bridge, topics.deviceResponse(b, 'buttons-c2'))
    await bridge.subscribeAsync(ledTopic, { qos: 1 })
    await bridge.subscribeAsync(topics.deviceResponse(b, 'buttons-c2'), { qos: 1 })
    await eventually(() => led.length === 1) // the retained desired state of a closed counter
    expect(led[0]).toMatchObject({ text: '—', blink: false, brightness: 100 })

    const yerlan = await edge.login('yerlan', '1222')
    await edge.api('POST', '/api/v1/counters/c2/sign-in', { token: yerlan.token })
    const ticket = await takeTicket(edge, { service: 'cash', language: 'ru' })
    await eventually(() => led.at(-1)?.['text'] === '')

    const now = edge.clock.now()
    const press = (id: string, key: string) =>
      bridge.publishAsync(
        topics.deviceEvent(b, 'buttons-c2', 'button'),
        JSON.stringify({ id, key, ts: edge.clock.now(), expiresAt: now + 60_000 }),
        { qos: 1 },
      )
    await press('bridge-press-0001', 'next')
    await eventually(() => responses.length === 1)
    expect(DeviceResponse.parse(responses[0])).toMatchObject({
      transaction: 'bridge-press-0001',
      status: 'ok',
      data: { outcome: 'called', ticketNumber: ticket.number },
    })
    const counter = await edge.api('GET', '/api/v1/counters/c2', { token: yerlan.token })
    expect(counter.body).toMatchObject({ current: { number: ticket.number, status: 'called' } })
    await eventually(() => led.at(-1)?.['text'] === ticket.number)
    const called = led.at(-1)
    expect(called).toMatchObject({ text: ticket.number, blink: true })

    // Recall: same number, blinks again (a new version); start: steady.
    edge.clock.advance(21_000)
    await press('bridge-press-0002', 'recall')
    await eventually(() => Number(led.at(-1)?.['version']) > Number(called?.['version']))
    expect(led.at(-1)).toMatchObject({ text: ticket.number, blink: true })
    await press('bridge-press-0003', 'start')
    await eventually(() => led.at(-1)?.['blink'] === false)
    expect(led.at(-1)).toMatchObject({ text: ticket.number })

    // Nothing else changes the desired state: no new version without new content.
    const count = led.length
    await edge.api('POST', '/api/v1/register', { body: { serviceId: 'fx', language: 'kk' } })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(led.length).toBe(count)
    const versions = led.map((m) => Number(m['version']))
    expect(versions).toEqual([...versions].sort((x, y) => x - y))
  })
})

describe('bridge card reader', () => {
  const TOKEN = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c'
  const card = (edge: TestEdge, id: string) => ({
    id,
    ts: edge.clock.now(),
    expiresAt: edge.clock.now() + 10_000,
    token: TOKEN,
    tokenKeyId: 'k2026',
    masked: '440043******1234',
    source: 'chip',
  })

  it('relays a card read to its kiosk, and the ticket records the masked number and token only', async () => {
    await using edge = await startTestEdge()
    const kiosk = await edge.connect({ clientId: 'kiosk-1', password: edge.demoSecret('kiosk-1') })
    const cardTopic = topics.deviceCommand(b, 'kiosk-1', 'card-read')
    await kiosk.subscribeAsync(topics.deviceCommandAll(b, 'kiosk-1'), { qos: 1 })
    const relayed = collectMessages(kiosk, cardTopic)
    const bridge = await edge.connect({
      clientId: 'bridge-1',
      password: edge.demoSecret('bridge-1'),
    })
    await bridge.subscribeAsync(topics.deviceResponse(b, 'card-reader-1'), { qos: 1 })
    const responses = collectMessages(bridge, topics.deviceResponse(b, 'card-reader-1'))
    const topic = topics.deviceEvent(b, 'card-reader-1', 'card')

    const event = JSON.stringify(card(edge, 'card-event-0001'))
    await bridge.publishAsync(topic, event, { qos: 1 })
    await bridge.publishAsync(topic, event, { qos: 1, dup: true }) // a QoS 1 duplicate
    // A reader that (wrongly) sends a full card number is refused by the contract.
    const pan = '4400430012341234'
    await bridge.publishAsync(
      topic,
      JSON.stringify({ ...card(edge, 'card-event-0002'), masked: pan }),
      { qos: 1 },
    )
    await eventually(() => responses.length === 2)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(relayed).toHaveLength(1)
    const envelope = CommandEnvelope.parse(relayed[0])
    expect(envelope).toMatchObject({
      name: 'card-read',
      expiresAt: edge.clock.now() + 30_000,
      args: { masked: '440043******1234', token: TOKEN, readerId: 'card-reader-1' },
    })
    expect(responses).toMatchObject([
      { transaction: 'card-event-0001', status: 'ok', data: { relayedTo: 'kiosk-1' } },
      { transaction: 'card-event-0001', status: 'ok' },
    ])

    const issued = await edge.api('POST', '/api/v1/register', {
      body: { serviceId: 'cash', language: 'kk', cardReadId: envelope.id },
    })
    expect(issued).toMatchObject({ status: 201, body: { cardMasked: '440043******1234' } })
    const row = edge.edge.bridgeDevices.cardReads.ofTicket(String(issued.body['id']))
    expect(row).toEqual({ masked: '440043******1234', token: TOKEN })
    const unknown = await edge.api('POST', '/api/v1/register', {
      body: { serviceId: 'cash', language: 'kk', cardReadId: 'card-00000000-0000-0000' },
    })
    expect([unknown.status, unknown.body['error']]).toMatchObject([404, { code: 'NOT_FOUND' }])

    const logged = JSON.stringify(edge.logLines)
    expect(logged).toContain('440043******1234')
    expect(logged).not.toContain(pan)
    expect(logged).not.toContain(TOKEN)
    expect(edge.logLines.filter((l) => l['msg'] === 'card read relayed')).toHaveLength(1)
  })

  it('relays nothing from a reader not attached to a kiosk or an expired read', async () => {
    await using edge = await startTestEdge()
    const kiosk = await edge.connect({ clientId: 'kiosk-1', password: edge.demoSecret('kiosk-1') })
    await kiosk.subscribeAsync(topics.deviceCommandAll(b, 'kiosk-1'), { qos: 1 })
    const relayed = collectMessages(kiosk, topics.deviceCommand(b, 'kiosk-1', 'card-read'))
    const bridge = await edge.connect({
      clientId: 'bridge-1',
      password: edge.demoSecret('bridge-1'),
    })
    await bridge.subscribeAsync(topics.deviceResponse(b, 'card-reader-1'), { qos: 1 })
    const responses = collectMessages(bridge, topics.deviceResponse(b, 'card-reader-1'))
    const stale = { ...card(edge, 'card-event-0009'), expiresAt: edge.clock.now() - 1 }
    await bridge.publishAsync(
      topics.deviceEvent(b, 'card-reader-1', 'card'),
      JSON.stringify(stale),
      { qos: 1 },
    )
    await eventually(() => responses.length === 1)
    expect(responses[0]).toMatchObject({ status: 'error', error: { code: 'EXPIRED' } })
    expect(relayed).toEqual([])
  })
})
