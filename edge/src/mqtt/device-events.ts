import type { CounterId, TicketId } from '@kqms/shared/domain'
import { isDomainError } from '@kqms/shared/errors'
import {
  ButtonEvent,
  DeviceAvailability,
  isExpired,
  parseDeviceTopic,
  parsePayload,
  topics,
  type ButtonKey,
  type ButtonOutcome,
  type DeviceResponse,
} from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import type { Command } from '../domain/commands.js'
import type { QueueState } from '../domain/state.js'
import { operatorAtCounter } from '../views/counter.views.js'
import type { DeviceRow } from '../db/device.store.js'
import type { DeviceRegistry } from '../usecases/device-registry.js'
import type { Clock, CommandResult, QueueRuntime } from '../usecases/ports.js'
import type { MqttBroker } from './broker.js'

/**
 * What devices send the core: button presses become queue commands through the same
 * `runtime.execute` as HTTP (the event id is the idempotency key, so a QoS 1 duplicate changes
 * nothing and gets the first result again), and availability messages feed the device health the
 * manager dashboard shows.
 */

export interface DeviceEventDeps {
  readonly runtime: Pick<QueueRuntime, 'execute' | 'state'>
  readonly broker: Pick<MqttBroker, 'publish' | 'subscribe'>
  readonly registry: DeviceRegistry
  readonly clock: Clock
  readonly log: Logger
}

export interface DeviceEventHandler {
  stop(): Promise<void>
}

class ButtonRefused extends Error {
  override readonly name = 'ButtonRefused'
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** The command a button key stands for at a counter. */
function toCommand(state: QueueState, input: { key: ButtonKey; counterId: CounterId }): Command {
  const { key, counterId } = input
  const operatorId = () => {
    const id = operatorAtCounter(state, counterId)
    if (id === null)
      throw new ButtonRefused('OPERATOR_NOT_SIGNED_IN', `Nobody is signed in at ${counterId}`)
    return id
  }
  switch (key) {
    case 'next':
      return { type: 'CallNext', counterId }
    case 'recall':
      return { type: 'Recall', counterId }
    case 'start':
      return { type: 'StartService', counterId }
    case 'pause':
      return { type: 'Pause', operatorId: operatorId(), reason: 'other' }
    case 'resume':
      return { type: 'Resume', operatorId: operatorId() }
  }
}

/** What a key did when the command produced no event of its own (a replay of an empty call). */
const QUIET_OUTCOME: Record<ButtonKey, ButtonOutcome['outcome']> = {
  next: 'queue_empty',
  recall: 'recalled',
  start: 'started',
  pause: 'paused',
  resume: 'resumed',
}

function toOutcome(key: ButtonKey, result: CommandResult, state: QueueState): ButtonOutcome {
  const numberOf = (ticketId: TicketId) => state.tickets.get(ticketId)?.number ?? null
  for (const { event } of result.events) {
    switch (event.type) {
      case 'TicketCalledV1':
      case 'TicketResumedV1':
        return { outcome: 'called', ticketNumber: numberOf(event.ticketId) }
      case 'TicketRecalledV1':
      case 'TicketNoShowV1':
        return { outcome: 'recalled', ticketNumber: numberOf(event.ticketId) }
      case 'TicketServiceStartedV1':
        return { outcome: 'started', ticketNumber: numberOf(event.ticketId) }
      case 'OperatorPausedV1':
        return { outcome: 'paused', ticketNumber: null }
      case 'OperatorResumedV1':
        return { outcome: 'resumed', ticketNumber: null }
      default:
        break
    }
  }
  return { outcome: QUIET_OUTCOME[key], ticketNumber: null }
}

export async function startDeviceEventHandler(deps: DeviceEventDeps): Promise<DeviceEventHandler> {
  const { runtime, broker, registry, clock } = deps
  const log = deps.log.child({ module: 'mqtt-devices' })
  const branchId = registry.branchId

  const respond = (deviceId: string, response: DeviceResponse): void => {
    broker
      .publish(topics.deviceResponse(branchId, deviceId), response, { retain: false })
      .catch((error: unknown) => log.error({ err: error, deviceId }, 'device response failed'))
  }

  const onButton = (device: DeviceRow, payload: Buffer): void => {
    const event = parsePayload(ButtonEvent, payload)
    if (!event) {
      log.warn({ deviceId: device.id }, 'malformed button event dropped')
      return
    }
    const transaction = event.id
    const fail = (code: string, message: string): void =>
      respond(device.id, {
        transaction,
        status: 'error',
        error: { code, message },
        ts: clock.now(),
      })
    if (isExpired(event, clock.now())) return fail('EXPIRED', 'The event expired before it arrived')
    if (device.kind !== 'button-panel' || device.counterId === null)
      return fail('FORBIDDEN', 'Only a button panel bound to a counter may call tickets')
    const counterId = device.counterId as CounterId
    try {
      const state = runtime.state()
      if (!state.counters.has(counterId)) return fail('NOT_FOUND', `No counter ${counterId}`)
      const result = runtime.execute({
        command: toCommand(state, { key: event.key, counterId }),
        idempotencyKey: `device:${device.id}:${event.id}`,
        actor: { kind: 'device', deviceId: device.id },
      })
      log.info(
        {
          transaction,
          deviceId: device.id,
          key: event.key,
          events: result.events.length,
          replayed: result.replayed,
        },
        'button pressed',
      )
      const data = toOutcome(event.key, result, runtime.state())
      respond(device.id, { transaction, status: 'ok', data, ts: clock.now() })
    } catch (error) {
      if (isDomainError(error) || error instanceof ButtonRefused) {
        fail(error.code, error.message)
        return
      }
      log.error({ err: error, transaction, deviceId: device.id }, 'button event failed')
      fail('INTERNAL', 'Internal error')
    }
  }

  const stopEvents = await broker.subscribe(topics.deviceEventAny(branchId), (topic, payload) => {
    const parsed = parseDeviceTopic(branchId, topic)
    if (parsed?.rest[0] !== 'event') return
    const device = registry.find(parsed.deviceId)
    if (device?.revokedAt !== null) return
    if (parsed.rest[1] === 'button') onButton(device, payload)
  })

  const stopAvailability = await broker.subscribe(
    topics.deviceAvailabilityAll(branchId),
    (topic, payload) => {
      const parsed = parseDeviceTopic(branchId, topic)
      const availability = parsePayload(DeviceAvailability, payload)
      if (!parsed || !availability) return
      registry.recordAvailability({
        id: parsed.deviceId,
        state: availability.state,
        bdSeq: availability.bdSeq,
        reason: availability.reason ?? null,
      })
    },
  )

  return {
    async stop() {
      await stopEvents()
      await stopAvailability()
    },
  }
}
