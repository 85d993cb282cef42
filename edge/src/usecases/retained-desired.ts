import type { Logger } from 'pino'
import type { Clock } from './ports.js'

/**
 * Retained `dev/{id}/desired` payloads (design/devices.md §8.2): the idempotent target state of a
 * device. A topic is published only when its content changes, and each change gets a higher
 * `version`: at least one more than the last and at least the clock's milliseconds, so versions
 * keep increasing across appliance restarts too.
 */

export type PublishRetained = (topic: string, payload: unknown) => Promise<void>

export interface DesiredPublisher {
  /** Publishes `content` with a new version when it differs from what the topic holds. */
  set(topic: string, content: Record<string, unknown>): void
  /** The last payload published on a topic (tests, diagnostics). */
  current(topic: string): Record<string, unknown> | null
  /** Waits for the publishes so far. */
  flush(): Promise<void>
}

export function createDesiredPublisher(deps: {
  publish: PublishRetained
  clock: Clock
  log: Logger
}): DesiredPublisher {
  const last = new Map<string, { key: string; payload: Record<string, unknown>; version: number }>()
  const pending = new Set<Promise<void>>()
  return {
    set(topic, content) {
      const key = JSON.stringify(content)
      const before = last.get(topic)
      if (before?.key === key) return
      const now = deps.clock.now()
      const version = Math.max((before?.version ?? 0) + 1, now)
      const payload = { ...content, version, ts: now }
      last.set(topic, { key, payload, version })
      const sent = deps.publish(topic, payload).catch((error: unknown) => {
        deps.log.error({ err: error, topic }, 'desired state not published')
      })
      pending.add(sent)
      void sent.finally(() => pending.delete(sent))
    },
    current: (topic) => last.get(topic)?.payload ?? null,
    async flush() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}
