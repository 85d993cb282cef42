import type { Clock } from '../src/clock.js'
import type { DevicePublisher } from '../src/supervisor.js'

export interface Published {
  readonly what: 'meta' | 'state' | 'availability' | 'reply' | 'event'
  readonly deviceId: string
  readonly payload: Record<string, unknown>
  readonly at: number
}

/** A publisher that records what a supervisor hands to MQTT, with the (fake) time it did. */
export function recordingPublisher(clock: Clock): DevicePublisher & { readonly out: Published[] } {
  const out: Published[] = []
  const push = (what: Published['what'], deviceId: string, payload: object) =>
    out.push({ what, deviceId, payload: { ...payload }, at: clock.now() })
  return {
    out,
    meta: (deviceId, meta) => push('meta', deviceId, meta),
    state: (deviceId, state) => push('state', deviceId, state),
    availability: (deviceId, availability) => push('availability', deviceId, availability),
    reply: (deviceId, reply) => push('reply', deviceId, reply),
    event: (deviceId, type, event) => push('event', deviceId, { type, ...event }),
  }
}
