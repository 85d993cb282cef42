import type { BranchId } from '@kqms/shared/domain'
import {
  CommandEnvelope as CommandEnvelopeSchema,
  CoreStatus,
  parseDeviceTopic,
  parsePayload,
  topics,
  type DeviceEventType,
} from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import type { Clock } from './clock.js'
import type { BridgeMqtt } from './mqtt-client.js'
import type { DevicePublisher, Supervisor } from './supervisor.js'

/**
 * The MQTT side of the bridge (design/devices.md §8.2): puts the supervisors' output on the
 * device topics (with the bridge's `bdSeq` and `ts`), publishes the births, and routes `desired`
 * and `cmd/+` messages to the supervisors. A new `core/status` epoch means "rebirth everything".
 */

export const BRIDGE_VERSION = '0.1.0'

/** The supervisors' output on MQTT: availability and meta carry the bridge's `bdSeq`. */
export function createDevicePublisher(deps: {
  branchId: BranchId
  mqtt: BridgeMqtt
  clock: Clock
}): DevicePublisher {
  const { branchId, mqtt, clock } = deps
  return {
    meta(deviceId, meta) {
      mqtt.publish(
        topics.deviceMeta(branchId, deviceId),
        { ...meta, capabilities: [...meta.capabilities], bdSeq: mqtt.bdSeq, ts: clock.now() },
        { retain: true },
      )
    },
    state(deviceId, state) {
      mqtt.publish(
        topics.deviceState(branchId, deviceId),
        { ...state, ts: clock.now() },
        { retain: true },
      )
    },
    availability(deviceId, availability) {
      mqtt.publish(
        topics.deviceAvailability(branchId, deviceId),
        { ...availability, bdSeq: mqtt.bdSeq, ts: clock.now() },
        { retain: true },
      )
    },
    reply(deviceId, reply) {
      mqtt.publish(topics.deviceReply(branchId, deviceId, reply.id), reply, { retain: false })
    },
    event(deviceId, type: DeviceEventType, event) {
      mqtt.publish(topics.deviceEvent(branchId, deviceId, type), event, { retain: false })
    },
  }
}

export interface BridgeRouter {
  /** Every filter the bridge subscribes to. */
  subscriptions(): string[]
  /** The connection is up (subscribed): the bridge's own birth, then every device's. */
  onConnect(): void
  onMessage(message: { topic: string; payload: Buffer; retain: boolean }): void
  /** Births of the bridge and every device again. */
  rebirth(reason: string): void
}

export function createBridgeRouter(deps: {
  branchId: BranchId
  bridgeId: string
  mqtt: BridgeMqtt
  clock: Clock
  log: Logger
  supervisors: ReadonlyMap<string, Supervisor>
  /** Kinds of the devices this bridge drives (for the bridge's meta). */
  kinds: readonly string[]
  host: string
}): BridgeRouter {
  const { branchId, bridgeId, mqtt, clock, log, supervisors } = deps
  let epoch: string | null = null
  let statusSinceConnect = false

  const birthOfBridge = (): void => {
    mqtt.publish(
      topics.deviceMeta(branchId, bridgeId),
      {
        kind: 'firmware-bridge',
        model: 'kqms-bridge',
        version: BRIDGE_VERSION,
        capabilities: [...new Set(deps.kinds)].map((kind) => `drives.${kind}`),
        bdSeq: mqtt.bdSeq,
        ts: clock.now(),
      },
      { retain: true },
    )
    mqtt.publish(
      topics.deviceState(branchId, bridgeId),
      { host: deps.host, devices: [...supervisors.keys()], ts: clock.now() },
      { retain: true },
    )
    mqtt.publish(
      topics.deviceAvailability(branchId, bridgeId),
      { state: 'online', bdSeq: mqtt.bdSeq, ts: clock.now() },
      { retain: true },
    )
  }

  const rebirth = (reason: string): void => {
    log.info({ reason, bdSeq: mqtt.bdSeq }, 'birth')
    birthOfBridge()
    for (const supervisor of supervisors.values()) supervisor.rebirth()
  }

  const replyToBridgeCommand = (name: string, payload: Buffer): void => {
    const envelope = parsePayload(
      // The bridge's own commands: only `rebirth` for now.
      CommandEnvelopeSchema,
      payload,
    )
    if (envelope === null) return
    const ok = name === 'rebirth' && envelope.name === 'rebirth' && envelope.expiresAt > clock.now()
    if (ok) rebirth('rebirth command')
    mqtt.publish(
      topics.deviceReply(branchId, bridgeId, envelope.id),
      ok
        ? { id: envelope.id, ok: true, ts: clock.now() }
        : {
            id: envelope.id,
            ok: false,
            error: {
              code: envelope.expiresAt <= clock.now() ? 'EXPIRED' : 'UNKNOWN_COMMAND',
              message: `the bridge does not run "${name}"`,
            },
            ts: clock.now(),
          },
      { retain: false },
    )
  }

  return {
    subscriptions() {
      return [
        topics.coreStatus(branchId),
        topics.deviceCommandAll(branchId, bridgeId),
        ...[...supervisors.keys()].flatMap((id) => [
          topics.deviceDesired(branchId, id),
          topics.deviceCommandAll(branchId, id),
        ]),
      ]
    },

    onConnect() {
      statusSinceConnect = false
      rebirth('connected')
    },

    onMessage({ topic, payload }) {
      if (topic === topics.coreStatus(branchId)) {
        if (payload.length === 0) return
        const status = parsePayload(CoreStatus, payload)
        if (status === null) {
          log.warn({}, 'malformed core status ignored')
          return
        }
        const changed = epoch !== null && epoch !== status.epoch
        const first = !statusSinceConnect
        statusSinceConnect = true
        epoch = status.epoch
        // The first status after a connect follows our birth already; a later new epoch means
        // the core restarted without the broker: everyone publishes their birth again.
        if (changed && !first) rebirth(`core epoch ${status.epoch}`)
        return
      }
      const parsed = parseDeviceTopic(branchId, topic)
      if (parsed === null) return
      const [channel, name] = parsed.rest
      if (parsed.deviceId === bridgeId) {
        if (channel === 'cmd' && name !== undefined) replyToBridgeCommand(name, payload)
        return
      }
      const supervisor = supervisors.get(parsed.deviceId)
      if (!supervisor) return
      if (channel === 'desired' && parsed.rest.length === 1) supervisor.handleDesired(payload)
      else if (channel === 'cmd' && name !== undefined && parsed.rest.length === 2)
        supervisor.handleCommand(name, payload).catch((error: unknown) => {
          log.error(
            { err: error, deviceId: parsed.deviceId, command: name },
            'command handling failed',
          )
        })
    },

    rebirth,
  }
}
