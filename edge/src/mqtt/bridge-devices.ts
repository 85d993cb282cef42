import type { CounterId } from '@kqms/shared/domain'
import {
  CardEvent,
  DeviceAvailability,
  PrinterState,
  isExpired,
  parseDeviceTopic,
  parsePayload,
  topics,
  type CommandEnvelope,
  type DeviceResponse,
} from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { Counter } from 'prom-client'
import type { EdgeDatabase } from '../db/open-database.js'
import type { DeviceRow } from '../db/device.store.js'
import { createCardReads, type CardReads } from '../usecases/card-reads.js'
import type { DeviceRegistry } from '../usecases/device-registry.js'
import type { Clock, IdSource, QueueRuntime } from '../usecases/ports.js'
import { createPrintJobs, type PrintJobs } from '../usecases/print-jobs.js'
import { createDesiredPublisher, type DesiredPublisher } from '../usecases/retained-desired.js'
import type { MqttBroker } from './broker.js'
import { toKioskPrinter, toLedDesired, type KioskDesired } from './bridge-devices.messages.js'
import { toCounterState } from './queue.messages.js'

/**
 * The core's side of devices driven by a firmware bridge (design/devices.md §8):
 * - printers: their availability and retained `PrinterState` are followed, print jobs are sent
 *   as `cmd/print` and settled from `reply/{id}` (see `print-jobs.ts`);
 * - kiosks: a retained `dev/{kioskId}/desired` tells each kiosk whether its printer can print and
 *   whether its card reader is there;
 * - LED counter displays: a retained `dev/{id}/desired` `{ version, text, blink, brightness }`
 *   follows the counter's state;
 * - card readers: a `CardEvent` from a reader attached to a kiosk is relayed to that kiosk as
 *   `dev/{kioskId}/cmd/card-read` (masked number and token; never a card number).
 * Button panels behind a bridge need nothing here: `device-events.ts` handles their events by the
 * device's id, whoever publishes them.
 */

export interface BridgeDevicesDeps {
  readonly broker: Pick<MqttBroker, 'publish' | 'subscribe'>
  readonly registry: DeviceRegistry
  readonly runtime: Pick<QueueRuntime, 'state' | 'onCommitted'>
  readonly database: EdgeDatabase
  readonly clock: Clock
  readonly ids: IdSource
  readonly log: Logger
  readonly publicBaseUrl: string
  readonly metricsRegistry?: Registry
  /** How long a print request waits for the printer (default 4 s). */
  readonly printReplyWaitMs?: number
}

export interface BridgeDevices {
  readonly printing: PrintJobs
  readonly cardReads: CardReads
  readonly desired: DesiredPublisher
  stop(): Promise<void>
}

/** A card read relayed to a kiosk stays on its screen this long. */
export const CARD_READ_TTL_MS = 30_000
/** Brightness of LED counter displays (0–100). */
const LED_BRIGHTNESS = 100

export async function startBridgeDevices(deps: BridgeDevicesDeps): Promise<BridgeDevices> {
  const { broker, registry, runtime, clock } = deps
  const log = deps.log.child({ module: 'bridge-devices' })
  const branchId = registry.branchId
  const droppedReplies = deps.metricsRegistry
    ? new Counter({
        name: 'kqms_mqtt_dropped_replies_total',
        help: 'Command replies dropped: malformed, to an unknown command, or repeated.',
        labelNames: ['reason'] as const,
        registers: [deps.metricsRegistry],
      })
    : null

  const printing = createPrintJobs({
    database: deps.database,
    clock,
    log: deps.log,
    registry,
    runtime,
    publicBaseUrl: deps.publicBaseUrl,
    publish: (topic, payload: CommandEnvelope) => broker.publish(topic, payload, { retain: false }),
    ...(deps.printReplyWaitMs === undefined ? {} : { replyWaitMs: deps.printReplyWaitMs }),
  })
  const cardReads = createCardReads({ database: deps.database, clock, ids: deps.ids })
  const desired = createDesiredPublisher({
    publish: (topic, payload) => broker.publish(topic, payload, { retain: true }),
    clock,
    log,
  })
  const readerOnline = new Map<string, boolean>()

  const live = (id: string): DeviceRow | null => {
    const device = registry.find(id)
    return device?.revokedAt === null ? device : null
  }

  // ── kiosks ──
  const publishKiosk = (kioskId: string): void => {
    const printer = registry.attachedTo({ kioskId, kind: 'printer' })[0] ?? null
    const reader = registry.attachedTo({ kioskId, kind: 'card-reader' })[0] ?? null
    const content: KioskDesired = {
      printer: toKioskPrinter(printer === null ? null : printing.status(printer.id)),
      cardReader:
        reader === null
          ? null
          : { readerId: reader.id, online: readerOnline.get(reader.id) ?? false },
    }
    desired.set(topics.deviceDesired(branchId, kioskId), content)
  }
  const publishKiosks = (): void => {
    for (const device of registry.list())
      if (device.kind === 'kiosk' && device.revokedAt === null) publishKiosk(device.id)
  }
  const stopPrinterWatch = printing.onPrinterChange((printerId) => {
    const kioskId = live(printerId)?.attachedTo ?? null
    if (kioskId !== null) publishKiosk(kioskId)
  })

  // ── LED counter displays ──
  const publishLeds = (): void => {
    const state = runtime.state()
    const now = clock.now()
    for (const device of registry.list()) {
      if (device.kind !== 'counter-display' || device.bridgeId === null) continue
      if (device.revokedAt !== null || device.counterId === null) continue
      const counter = state.counters.get(device.counterId as CounterId)
      const content = toLedDesired(
        counter ? toCounterState(state, counter, now) : null,
        LED_BRIGHTNESS,
      )
      desired.set(topics.deviceDesired(branchId, device.id), content)
    }
  }

  // ── subscriptions ──
  const onAvailability = (topic: string, payload: Buffer): void => {
    const parsed = parseDeviceTopic(branchId, topic)
    const device = parsed ? live(parsed.deviceId) : null
    if (!device) return
    const availability = parsePayload(DeviceAvailability, payload)
    if (!availability) return
    if (device.kind === 'firmware-bridge') return onBridgeAvailability(device, availability)
    if (device.kind === 'printer') printing.onAvailability({ deviceId: device.id, availability })
    else if (device.kind === 'card-reader' && device.attachedTo !== null) {
      readerOnline.set(device.id, availability.state === 'online')
      publishKiosk(device.attachedTo)
    }
  }

  /**
   * A bridge's Will covers only its own availability: the devices it drives would stay retained
   * `online` while nobody drives them. When a bridge goes offline the core marks each of its
   * devices offline with the bridge's bdSeq (device topics carry their bridge's bdSeq), so kiosks,
   * the manager and print jobs see it at once; the bridge's next birth overwrites it.
   */
  const bridgeBdSeq = new Map<string, number>()
  const onBridgeAvailability = (bridge: DeviceRow, availability: DeviceAvailability): void => {
    const last = bridgeBdSeq.get(bridge.id)
    if (availability.state === 'online') {
      bridgeBdSeq.set(bridge.id, availability.bdSeq)
      return
    }
    if (last !== undefined && availability.bdSeq < last) return // a stale Will
    for (const owned of registry.ownedBy(bridge.id)) {
      const offline: DeviceAvailability = {
        state: 'offline',
        bdSeq: availability.bdSeq,
        reason: 'bridge-offline',
        ts: clock.now(),
      }
      broker
        .publish(topics.deviceAvailability(branchId, owned.id), offline, { retain: true })
        .catch((error: unknown) =>
          log.error({ err: error, deviceId: owned.id }, 'bridge device offline not published'),
        )
    }
    log.warn(
      { bridgeId: bridge.id, reason: availability.reason },
      'bridge offline: its devices too',
    )
  }

  const onState = (topic: string, payload: Buffer): void => {
    const parsed = parseDeviceTopic(branchId, topic)
    const device = parsed ? live(parsed.deviceId) : null
    if (device?.kind !== 'printer') return
    if (payload.length === 0) return printing.onState({ deviceId: device.id, state: null })
    const state = parsePayload(PrinterState, payload)
    if (!state) {
      log.warn({ deviceId: device.id }, 'malformed printer state dropped')
      return
    }
    printing.onState({ deviceId: device.id, state })
  }

  const countedBefore = { malformed: 0, foreign: 0, duplicate: 0 }
  const onReply = (topic: string, payload: Buffer): void => {
    const parsed = parseDeviceTopic(branchId, topic)
    if (parsed?.rest[0] !== 'reply' || parsed.rest[1] === undefined) return
    printing.onReply({ deviceId: parsed.deviceId, commandId: parsed.rest[1], payload })
    if (droppedReplies) {
      const now = printing.droppedReplies()
      for (const reason of ['malformed', 'foreign', 'duplicate'] as const) {
        const delta = now[reason] - countedBefore[reason]
        if (delta > 0) droppedReplies.inc({ reason }, delta)
        countedBefore[reason] = now[reason]
      }
    }
  }

  const respond = (deviceId: string, response: DeviceResponse): void => {
    broker
      .publish(topics.deviceResponse(branchId, deviceId), response, { retain: false })
      .catch((error: unknown) => log.error({ err: error, deviceId }, 'device response failed'))
  }

  const onCard = (topic: string, payload: Buffer): void => {
    const parsed = parseDeviceTopic(branchId, topic)
    const device = parsed ? live(parsed.deviceId) : null
    if (!device) return
    const event = parsePayload(CardEvent, payload)
    // Never log the payload: a broken reader might send what it must not.
    if (!event) {
      log.warn({ deviceId: device.id }, 'malformed card event dropped')
      return
    }
    const now = clock.now()
    const fail = (code: string, message: string): void =>
      respond(device.id, {
        transaction: event.id,
        status: 'error',
        error: { code, message },
        ts: now,
      })
    if (isExpired(event, now)) return fail('EXPIRED', 'The event expired before it arrived')
    const kioskId = device.attachedTo
    if (device.kind !== 'card-reader' || kioskId === null || !live(kioskId))
      return fail('FORBIDDEN', 'Only a card reader attached to a kiosk may send cards')
    const { read, fresh } = cardReads.record({ readerId: device.id, kioskId, event })
    if (fresh) {
      const envelope: CommandEnvelope = {
        id: read.readId,
        name: 'card-read',
        ts: now,
        expiresAt: now + CARD_READ_TTL_MS,
        args: {
          readId: read.readId,
          masked: read.masked,
          token: read.token,
          tokenKeyId: read.tokenKeyId,
          source: read.source,
          readerId: device.id,
        },
      }
      broker
        .publish(topics.deviceCommand(branchId, kioskId, 'card-read'), envelope, { retain: false })
        .catch((error: unknown) => log.error({ err: error, kioskId }, 'card read not relayed'))
      log.info({ readerId: device.id, kioskId, masked: read.masked }, 'card read relayed')
    }
    respond(device.id, {
      transaction: event.id,
      status: 'ok',
      data: { relayedTo: kioskId },
      ts: now,
    })
  }

  const stops = [
    await broker.subscribe(topics.deviceAvailabilityAll(branchId), onAvailability),
    await broker.subscribe(topics.deviceState(branchId, '+'), onState),
    await broker.subscribe(topics.deviceReplyAll(branchId, '+'), onReply),
    await broker.subscribe(topics.deviceEvent(branchId, '+', 'card'), onCard),
  ]
  const stopCommitted = runtime.onCommitted(() => publishLeds())
  const stopRegistry = registry.onChange(() => {
    publishKiosks()
    publishLeds()
  })
  publishKiosks()
  publishLeds()
  log.info('bridge devices followed')

  return {
    printing,
    cardReads,
    desired,
    async stop() {
      stopCommitted()
      stopRegistry()
      stopPrinterWatch()
      printing.stop()
      for (const stop of stops) await stop()
      await desired.flush()
    },
  }
}
