import type { Server as HttpServer } from 'node:http'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { SessionDeps } from '../http/auth/staff-sessions.js'
import type { DeviceRegistry } from '../usecases/device-registry.js'
import type { Clock, IdSource, QueueRuntime } from '../usecases/ports.js'
import { startMqttBroker, type MqttBroker } from './broker.js'
import { startDeviceEventHandler } from './device-events.js'
import { startQueuePublisher, type QueuePublisher } from './queue-publisher.js'

/**
 * The appliance's MQTT side in one lifecycle: the broker (TCP now, WebSocket once the HTTP server
 * exists), the queue publisher (retained state from the runtime, announces on calls) and the
 * device event handler (button panels → the same `runtime.execute` as HTTP).
 */

export interface MqttDeps {
  readonly runtime: QueueRuntime
  readonly registry: DeviceRegistry
  readonly sessions: SessionDeps
  readonly clock: Clock
  readonly ids: IdSource
  readonly log: Logger
  readonly metricsRegistry?: Registry
}

export interface MqttOptions {
  readonly host: string
  /** TCP port (0: any free port); null: WebSocket only. */
  readonly port: number | null
  readonly drainTimeoutMs?: number
  readonly staffRecheckMs?: number
  readonly version: string
  readonly snapshotDebounceMs?: number
}

export interface Mqtt {
  readonly broker: MqttBroker
  readonly publisher: QueuePublisher
  readonly tcpPort: number | null
  attachWebSocket(server: HttpServer): void
  /** Ends MQTT over WebSocket (before the HTTP server stops: upgraded sockets keep it open). */
  closeWebSockets(): void
  stop(): Promise<void>
}

export async function startMqtt(deps: MqttDeps, options: MqttOptions): Promise<Mqtt> {
  const broker = await startMqttBroker(deps, {
    host: options.host,
    port: options.port,
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
    ...(options.staffRecheckMs === undefined ? {} : { staffRecheckMs: options.staffRecheckMs }),
  })
  try {
    const events = await startDeviceEventHandler({ ...deps, broker })
    const publisher = startQueuePublisher(
      { ...deps, broker, branchId: deps.registry.branchId },
      {
        version: options.version,
        ...(options.snapshotDebounceMs === undefined
          ? {}
          : { snapshotDebounceMs: options.snapshotDebounceMs }),
      },
    )
    return {
      broker,
      publisher,
      tcpPort: broker.tcpPort,
      attachWebSocket: (server) => broker.attachWebSocket(server, '/mqtt'),
      closeWebSockets: () => broker.closeWebSockets(),
      async stop() {
        const steps: [string, () => Promise<void>][] = [
          ['publisher', () => publisher.stop()],
          ['device events', () => events.stop()],
          ['broker', () => broker.stop()],
        ]
        for (const [part, step] of steps) {
          try {
            await step()
          } catch (error) {
            deps.log.error({ err: error, part }, 'mqtt stop failed')
          }
        }
      },
    }
  } catch (error) {
    await broker.stop()
    throw error
  }
}
