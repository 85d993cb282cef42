import { connect } from 'node:net'
import { topics } from '@kqms/shared/mqtt'
import type { MqttClient } from 'mqtt'
import { describe, expect, it } from 'vitest'
import {
  DEMO_BRANCH,
  eventually,
  nextMessage,
  startTestEdge,
  type TestEdge,
} from '../../test/test-edge.js'
import { startMqttBroker } from './broker.js'

/**
 * The embedded broker's authentication and ACL, end to end: the real appliance on port 0, real
 * MQTT.js clients over TCP (devices) and WebSocket on the HTTP server (browser apps).
 */

const b = DEMO_BRANCH as Parameters<typeof topics.coreStatus>[0]

async function metric(edge: TestEdge, name: string): Promise<number> {
  const response = await fetch(`${edge.edge.url}/metrics`)
  const text = await response.text()
  return text
    .split('\n')
    .filter((line) => line.startsWith(name) && !line.startsWith('#'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
}

/** Counts the events that would betray a reconnect storm. */
function watchConnection(client: MqttClient) {
  const counts = { reconnect: 0, close: 0, offline: 0 }
  client.on('reconnect', () => counts.reconnect++)
  client.on('close', () => counts.close++)
  client.on('offline', () => counts.offline++)
  return counts
}

/** How MQTT.js rejects a subscription the broker refused (SUBACK return code 0x80). */
const SUBACK_REFUSED = { packet: { cmd: 'suback', granted: [0x80] } }

/** MQTT 3.1.1 packets by hand, for a client that must not read (MQTT.js always does). */
const utf8 = (text: string) => {
  const bytes = Buffer.from(text, 'utf8')
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes])
}
const remainingLength = (n: number) => {
  const out: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    out.push(byte)
  } while (n > 0)
  return Buffer.from(out)
}
const packet = (type: number, body: Buffer) =>
  Buffer.concat([Buffer.from([type]), remainingLength(body.length), body])
const connectPacket = (input: { clientId: string; password: string }) =>
  packet(
    0x10,
    Buffer.concat([
      utf8('MQTT'),
      Buffer.from([4, 0xc2, 0, 60]), // 3.1.1; username, password, clean; keepalive 60 s
      utf8(input.clientId),
      utf8(input.clientId),
      utf8(input.password),
    ]),
  )
const subscribePacket = (filter: string) =>
  packet(0x82, Buffer.concat([Buffer.from([0, 1]), utf8(filter), Buffer.from([1])]))

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe(startMqttBroker.name, () => {
  it('refuses a wrong secret with CONNACK 5 (not authorized) and accepts the right one', async () => {
    await using edge = await startTestEdge()
    await expect(
      edge.connect({ clientId: 'kiosk-1', password: 'A'.repeat(43) }),
    ).rejects.toMatchObject({ code: 5 })
    await expect(edge.connect({ clientId: 'kiosk-1' })).rejects.toMatchObject({ code: 5 })
    await expect(
      edge.connect({ clientId: 'no-such-device', password: edge.demoSecret('no-such-device') }),
    ).rejects.toMatchObject({ code: 5 })
    const kiosk = await edge.connect({ clientId: 'kiosk-1', password: edge.demoSecret('kiosk-1') })
    expect(kiosk.connected).toBe(true)
    expect(await metric(edge, 'kqms_mqtt_refused_connections_total')).toBe(3)
  })

  it('refuses a device whose client id is not its username (no takeover of another device)', async () => {
    await using edge = await startTestEdge()
    await expect(
      edge.connect({
        clientId: 'hall-1',
        username: 'kiosk-1',
        password: edge.demoSecret('kiosk-1'),
      }),
    ).rejects.toMatchObject({ code: 5 })
  })

  it('disconnects a revoked device at once and refuses it from then on', async () => {
    await using edge = await startTestEdge()
    const hall = await edge.connect({
      clientId: 'hall-1',
      password: edge.demoSecret('hall-1'),
      reconnectPeriod: 50,
    })
    const closed = new Promise<void>((resolve) => hall.once('close', () => resolve()))
    const manager = await edge.login('manager', 'manager-demo-2026')

    const revoked = await edge.api('POST', '/api/admin/devices/hall-1/revoke', {
      token: manager.token,
    })

    expect(revoked.status).toBe(200)
    expect(revoked.body).toMatchObject({ id: 'hall-1', revokedAt: expect.any(String) })
    await closed
    // MQTT.js retries, and every retry is refused: the device stays out.
    await eventually(() => hall.reconnecting || !hall.connected)
    await wait(200)
    expect(hall.connected).toBe(false)
    hall.options.reconnectPeriod = 0
    await expect(
      edge.connect({ clientId: 'hall-1', password: edge.demoSecret('hall-1') }),
    ).rejects.toMatchObject({ code: 5 })
    const list = await edge.api('GET', '/api/admin/devices', { token: manager.token })
    const devices = list.body['devices'] as { id: string; health: { connected: boolean } }[]
    expect(devices.find((d) => d.id === 'hall-1')?.health.connected).toBe(false)
    // Dashboards see it offline, retained, whatever its Will said.
    const dashboard = await edge.connect({
      transport: 'ws',
      clientId: `staff-${manager.userId}`,
      password: manager.token,
    })
    await dashboard.subscribeAsync(topics.deviceAvailability(b, 'hall-1'), { qos: 1 })
    expect(
      (await nextMessage(dashboard, topics.deviceAvailability(b, 'hall-1'))).payload,
    ).toMatchObject({ state: 'offline', reason: 'revoked' })
  })

  it('answers forbidden subscriptions with SUBACK 0x80 and keeps the connection', async () => {
    await using edge = await startTestEdge()
    const display = await edge.connect({
      clientId: 'counter-display-c1',
      password: edge.demoSecret('counter-display-c1'),
    })
    const counts = watchConnection(display)
    for (const filter of [
      '#',
      '$SYS/#',
      '$quarantine/#',
      `kqms/v1/${b}/#`,
      topics.counterState(b, 'c2'),
      topics.counterStateAll(b),
      topics.hallAnnounce(b),
      topics.deviceCommandAll(b, 'kiosk-1'),
      'kqms/v1/other-branch/core/status',
    ])
      await expect(display.subscribeAsync(filter, { qos: 1 })).rejects.toMatchObject(SUBACK_REFUSED)
    const granted = await display.subscribeAsync(topics.counterState(b, 'c1'), { qos: 1 })
    expect(granted).toMatchObject([{ qos: 1 }])
    expect(counts).toEqual({ reconnect: 0, close: 0, offline: 0 })
    expect(await metric(edge, 'kqms_mqtt_denied_subscriptions_total')).toBe(9)
  })

  it('quarantines a forbidden publish, acknowledges it, and the client never reconnects', async () => {
    await using edge = await startTestEdge()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const dashboard = await edge.connect({
      transport: 'ws',
      clientId: `staff-${manager.userId}`,
      password: manager.token,
    })
    await dashboard.subscribeAsync(topics.counterState(b, 'c1'), { qos: 1 })
    await nextMessage(dashboard, topics.counterState(b, 'c1')) // the retained state
    const spoofed: unknown[] = []
    dashboard.on('message', (topic, payload) => {
      if (topic === topics.counterState(b, 'c1')) spoofed.push(payload.toString())
    })
    const kiosk = await edge.connect({
      clientId: 'kiosk-1',
      password: edge.demoSecret('kiosk-1'),
      reconnectPeriod: 100,
    })
    const counts = watchConnection(kiosk)

    // A kiosk may not speak for a counter: QoS 1 and retained, the storm's worst case.
    await kiosk.publishAsync(topics.counterState(b, 'c1'), '{"label":"HACKED"}', {
      qos: 1,
      retain: true,
    })
    await kiosk.publishAsync(topics.deviceState(b, 'hall-1'), '{"ts":1}', { qos: 1 })
    await kiosk.publishAsync('$SYS/fake', 'x', { qos: 1 })
    await wait(600)

    expect(counts).toEqual({ reconnect: 0, close: 0, offline: 0 })
    expect(kiosk.connected).toBe(true)
    expect(spoofed).toEqual([])
    expect(await metric(edge, 'kqms_mqtt_quarantined_publishes_total')).toBe(3)
    // Not retained either: a late subscriber sees the core's state, not the spoof.
    const late = await edge.connect({
      clientId: 'counter-display-c1',
      password: edge.demoSecret('counter-display-c1'),
    })
    await late.subscribeAsync(topics.counterState(b, 'c1'), { qos: 1 })
    const state = await nextMessage(late, topics.counterState(b, 'c1'))
    expect(state.payload).toMatchObject({ counterId: 'c1', label: '1' })
  })

  it('quarantines a malformed retained availability instead of replaying it to dashboards', async () => {
    await using edge = await startTestEdge()
    const hall = await edge.connect({ clientId: 'hall-1', password: edge.demoSecret('hall-1') })
    await hall.publishAsync(topics.deviceAvailability(b, 'hall-1'), 'not json', {
      qos: 1,
      retain: true,
    })
    expect(await metric(edge, 'kqms_mqtt_quarantined_publishes_total')).toBe(1)
  })

  it('quarantines a Will on a forbidden topic', async () => {
    await using edge = await startTestEdge()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const dashboard = await edge.connect({
      transport: 'ws',
      clientId: `staff-${manager.userId}-dashboard`,
      username: `staff-${manager.userId}`,
      password: manager.token,
    })
    await dashboard.subscribeAsync(topics.counterStateAll(b), { qos: 1 })
    const seen: string[] = []
    dashboard.on('message', (_topic, payload, packet) => {
      if (!packet.retain) seen.push(payload.toString())
    })
    const kiosk = await edge.connect({
      clientId: 'kiosk-1',
      password: edge.demoSecret('kiosk-1'),
      will: {
        topic: topics.counterState(b, 'c2'),
        payload: Buffer.from('spoof'),
        qos: 1,
        retain: true,
      },
    })

    kiosk.stream.destroy() // an abrupt loss: the broker publishes the Will

    await eventually(
      () => seen.length > 0 || edge.logLines.some((l) => l['msg'] === 'publish quarantined'),
    )
    expect(await metric(edge, 'kqms_mqtt_quarantined_publishes_total')).toBe(1)
    await wait(100)
    expect(seen).toEqual([])
  })

  it("publishes a device's Will: its availability turns offline, retained for late subscribers", async () => {
    await using edge = await startTestEdge()
    const availability = topics.deviceAvailability(b, 'hall-1')
    const hall = await edge.connect({
      clientId: 'hall-1',
      password: edge.demoSecret('hall-1'),
      will: {
        topic: availability,
        payload: Buffer.from(JSON.stringify({ state: 'offline', bdSeq: 1, reason: 'lwt', ts: 0 })),
        qos: 1,
        retain: true,
      },
    })
    await hall.publishAsync(availability, JSON.stringify({ state: 'online', bdSeq: 1, ts: 0 }), {
      qos: 1,
      retain: true,
    })
    const manager = await edge.login('manager', 'manager-demo-2026')
    const health = async () => {
      const list = await edge.api('GET', '/api/admin/devices', { token: manager.token })
      return (list.body['devices'] as { id: string; health: Record<string, unknown> }[]).find(
        (d) => d.id === 'hall-1',
      )?.health
    }
    await eventually(() => edge.edge.devices.presence('hall-1').availability === 'online')
    expect(await health()).toMatchObject({ connected: true, availability: 'online', bdSeq: 1 })

    hall.stream.destroy()

    const dashboard = await edge.connect({
      transport: 'ws',
      clientId: `staff-${manager.userId}`,
      password: manager.token,
    })
    await eventually(() => edge.edge.devices.presence('hall-1').availability === 'offline')
    await dashboard.subscribeAsync(topics.deviceAvailabilityAll(b), { qos: 1 })
    const retained = await nextMessage(dashboard, availability)
    expect(retained).toEqual({
      retain: true,
      payload: { state: 'offline', bdSeq: 1, reason: 'lwt', ts: 0 },
    })
    expect(await health()).toMatchObject({
      connected: false,
      availability: 'offline',
      reason: 'lwt',
    })
  })

  it('disconnects a subscriber that stops reading (drainTimeout), and only that one', async () => {
    await using edge = await startTestEdge({ drainTimeoutMs: 300 })
    // A display that hangs: it connects and subscribes, then never reads its socket again.
    const frozen = connect(edge.edge.mqttTcpPort ?? 0, '127.0.0.1')
    await new Promise((resolve) => frozen.once('connect', resolve))
    frozen.write(connectPacket({ clientId: 'hall-1', password: edge.demoSecret('hall-1') }))
    frozen.write(subscribePacket(topics.hallAnnounce(b)))
    await eventually(() => edge.edge.devices.presence('hall-1').connected)
    frozen.pause()
    const manager = await edge.login('manager', 'manager-demo-2026')
    const healthy = await edge.connect({
      transport: 'ws',
      clientId: `staff-${manager.userId}`,
      password: manager.token,
    })
    await healthy.subscribeAsync(topics.hallAnnounce(b), { qos: 1 })
    let received = 0
    healthy.on('message', () => received++)

    const big = { padding: 'x'.repeat(64 * 1024) }
    for (let i = 0; i < 300; i++)
      void edge.edge.broker.publish(topics.hallAnnounce(b), big, { retain: false })

    await eventually(() => !edge.edge.devices.presence('hall-1').connected, 10_000)
    await eventually(() => received === 300, 10_000)
    frozen.destroy()
  })

  it('lets a staff app read branch state over WebSocket with its session token, read-only', async () => {
    await using edge = await startTestEdge()
    const operator = await edge.login('aigerim', '1111')
    const terminal = await edge.connect({
      transport: 'ws',
      clientId: `staff-${operator.userId}`,
      password: operator.token,
    })
    await terminal.subscribeAsync(topics.coreStatus(b), { qos: 1 })
    const status = await nextMessage(terminal, topics.coreStatus(b))
    expect(status).toMatchObject({
      retain: true,
      payload: { state: 'online', epoch: expect.any(String) },
    })
    // Operators see no device health; nobody in a staff app publishes.
    await expect(
      terminal.subscribeAsync(topics.deviceAvailabilityAll(b), { qos: 1 }),
    ).rejects.toMatchObject(SUBACK_REFUSED)
    await terminal.publishAsync(topics.hallAnnounce(b), '{}', { qos: 1 })
    expect(await metric(edge, 'kqms_mqtt_quarantined_publishes_total')).toBe(1)
    // Another user's name, a wrong token, a foreign client id: refused.
    await expect(
      edge.connect({ transport: 'ws', clientId: 'staff-someone-else', password: operator.token }),
    ).rejects.toMatchObject({ code: 5 })
    await expect(
      edge.connect({
        transport: 'ws',
        clientId: 'mqttjs_1234',
        username: `staff-${operator.userId}`,
        password: operator.token,
      }),
    ).rejects.toMatchObject({ code: 5 })
  })

  it('disconnects a staff app once its session ends (logout) and refuses the dead token', async () => {
    await using edge = await startTestEdge()
    const operator = await edge.login('aigerim', '1111')
    const terminal = await edge.connect({
      transport: 'ws',
      clientId: `staff-${operator.userId}`,
      password: operator.token,
    })
    const closed = new Promise<void>((resolve) => terminal.once('close', () => resolve()))
    await edge.api('POST', '/api/v1/auth/logout', { token: operator.token })
    await closed // the session recheck (30 s in production, 100 ms here) closed it
    await expect(
      edge.connect({
        transport: 'ws',
        clientId: `staff-${operator.userId}-2`,
        password: operator.token,
      }),
    ).rejects.toMatchObject({ code: 5 })
  })
})
