import type { BranchId } from '@kqms/shared/domain'
import { NOW_SERVING_LIMIT, topics, type CoreStatus } from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import type { QueueState } from '../domain/state.js'
import type { Clock, IdSource, QueueRuntime, StoredEvent } from '../usecases/ports.js'
import type { MqttBroker } from './broker.js'
import { toCounterState, toHallAnnounce, toNowServing, toQueueSnapshot } from './queue.messages.js'

/**
 * Publishes the committed queue state on MQTT: `core/status` (a new epoch per start), retained
 * `hall/now-serving`, `counter/{id}/state` and `queue/snapshot`, and a non-retained
 * `hall/announce` per call or recall. Everything is rendered from the runtime's state after the
 * commit, so a restart republishes the same retained state from the database.
 */

export interface QueuePublisherDeps {
  readonly runtime: Pick<QueueRuntime, 'state' | 'onCommitted'>
  readonly broker: Pick<MqttBroker, 'publish'>
  readonly branchId: BranchId
  readonly clock: Clock
  readonly ids: IdSource
  readonly log: Logger
}

export interface QueuePublisherOptions {
  /** Appliance version in `core/status`. */
  readonly version: string
  readonly nowServingLimit?: number
  /** How long a display may still play an announce (default 60 s after the call). */
  readonly announceTtlMs?: number
  /**
   * Delay of the queue snapshot after a change: changes within it are published once (default
   * 250 ms; 0 publishes on every commit). Its wait prediction replays the queue, so it is not free.
   */
  readonly snapshotDebounceMs?: number
  /** Waits change as time passes: the snapshot is re-rendered this often (default 30 s). */
  readonly snapshotRefreshMs?: number
}

export interface QueuePublisher {
  readonly epoch: string
  /** Publishes a pending snapshot now and waits until every publish so far is delivered. */
  flush(): Promise<void>
  /** Stops following the runtime and marks the core offline (retained). */
  stop(): Promise<void>
}

/** Event types after which a ticket may enter or leave the hall's now-serving list. */
const NOW_SERVING_EVENTS: ReadonlySet<string> = new Set([
  'TicketCalledV1',
  'TicketResumedV1',
  'TicketRecalledV1',
  'TicketServiceStartedV1',
  'TicketFinishedV1',
  'TicketNoShowV1',
  'TicketReactivatedV1',
  'TicketTransferredV1',
  'TicketRedirectedV1',
  'TicketParkedV1',
  'TicketCancelledV1',
  'DayClosedV1',
  'CounterConfiguredV1',
])

export function startQueuePublisher(
  deps: QueuePublisherDeps,
  options: QueuePublisherOptions,
): QueuePublisher {
  const { runtime, broker, branchId, clock } = deps
  const log = deps.log.child({ module: 'mqtt-publisher' })
  const limit = options.nowServingLimit ?? NOW_SERVING_LIMIT
  const ttlMs = options.announceTtlMs ?? 60_000
  const debounceMs = options.snapshotDebounceMs ?? 250
  const epoch = deps.ids.uuid()
  const startedAt = clock.now()
  const pending = new Set<Promise<void>>()
  /** What each retained topic holds now (without `ts`): unchanged state is not published again. */
  const retained = new Map<string, string>()
  let snapshotTimer: NodeJS.Timeout | null = null
  let stopped = false

  const send = (topic: string, payload: unknown, retain: boolean): void => {
    const sent = broker.publish(topic, payload, { retain }).catch((error: unknown) => {
      log.error({ err: error, topic }, 'mqtt publish failed')
    })
    pending.add(sent)
    void sent.finally(() => pending.delete(sent))
  }

  const publishState = (topic: string, payload: { ts: number }): void => {
    const key = JSON.stringify({ ...payload, ts: 0 })
    if (retained.get(topic) === key) return
    retained.set(topic, key)
    send(topic, payload, true)
  }

  const coreStatus = (state: CoreStatus['state']): CoreStatus => ({
    state,
    epoch,
    version: options.version,
    startedAt,
    ts: clock.now(),
  })

  const publishNowServing = (state: QueueState): void =>
    publishState(topics.hallNowServing(branchId), toNowServing(state, { limit, now: clock.now() }))

  const publishCounters = (state: QueueState): void => {
    const now = clock.now()
    for (const counter of state.counters.values())
      publishState(topics.counterState(branchId, counter.id), toCounterState(state, counter, now))
  }

  const publishSnapshot = (): void => {
    if (snapshotTimer) clearTimeout(snapshotTimer)
    snapshotTimer = null
    if (stopped) return
    const started = performance.now()
    const snapshot = toQueueSnapshot(runtime.state(), clock.now())
    log.debug({ ms: Math.round((performance.now() - started) * 100) / 100 }, 'queue snapshot')
    publishState(topics.queueSnapshot(branchId), snapshot)
  }

  const scheduleSnapshot = (): void => {
    if (debounceMs <= 0) return publishSnapshot()
    // Trailing debounce without postponement: a steady stream still publishes every `debounceMs`.
    snapshotTimer ??= setTimeout(publishSnapshot, debounceMs)
  }

  const onCommitted = (events: readonly StoredEvent[], state: QueueState): void => {
    const now = clock.now()
    // The sound first: it is what customers wait for.
    for (const stored of events) {
      const announce = toHallAnnounce(state, { stored, now, ttlMs })
      if (announce) send(topics.hallAnnounce(branchId), announce, false)
    }
    if (events.some((e) => NOW_SERVING_EVENTS.has(e.event.type))) publishNowServing(state)
    publishCounters(state)
    scheduleSnapshot()
  }

  send(topics.coreStatus(branchId), coreStatus('online'), true)
  const initial = runtime.state()
  publishNowServing(initial)
  publishCounters(initial)
  publishSnapshot()
  const unsubscribe = runtime.onCommitted(onCommitted)
  const refresh = setInterval(publishSnapshot, options.snapshotRefreshMs ?? 30_000)
  refresh.unref()
  log.info({ epoch, branchId }, 'queue state published')

  const flush = async (): Promise<void> => {
    if (snapshotTimer) publishSnapshot()
    while (pending.size > 0) await Promise.all([...pending])
  }

  return {
    epoch,
    flush,
    async stop() {
      unsubscribe()
      clearInterval(refresh)
      await flush()
      stopped = true
      send(topics.coreStatus(branchId), coreStatus('offline'), true)
      await flush()
    },
  }
}
