import type { BranchId, CounterId } from '../domain/ids.js'
import type { DeviceId } from './identity.js'

/**
 * The MQTT topic contract of a branch appliance: every topic is spelled here and nowhere else.
 * Root `kqms/v1/{branchId}`; each topic has a payload schema in `messages.ts`, parsed on receipt.
 *
 * State (retained, QoS 1, last value wins; a late subscriber gets it at once):
 * - `core/status`                 core → all      CoreStatus (new `epoch` on every appliance start)
 * - `hall/now-serving`            core → displays NowServing (the last calls, newest first)
 * - `queue/snapshot`              core → all      QueueSnapshot (per service waiting + wait range)
 * - `counter/{counterId}/state`   core → all      CounterState
 * - `dev/{deviceId}/availability` device → core   DeviceAvailability (also the device's Will)
 * - `dev/{deviceId}/meta`         device → core   DeviceMeta
 * - `dev/{deviceId}/state`        device → core   DeviceState (the device's full reported state)
 * - `dev/{deviceId}/desired`      core → device   DeviceDesired
 *
 * Messages (not retained, QoS 1, with `id` and `expiresAt`; handlers are idempotent by `id`):
 * - `hall/announce`               core → displays HallAnnounce (play the chime and voice once)
 * - `dev/{deviceId}/event/{type}` device → core   DeviceEvent, e.g. `event/button` ButtonEvent
 * - `dev/{deviceId}/response`     core → device   DeviceResponse (the result of a device event)
 * - `dev/{deviceId}/cmd/{name}`   core → device   CommandEnvelope (never retained)
 * - `dev/{deviceId}/reply/{id}`   device → core   CommandReply
 */

export const MQTT_ROOT = 'kqms/v1'

const root = (branchId: BranchId): string => `${MQTT_ROOT}/${branchId}`
const device = (branchId: BranchId, deviceId: DeviceId | string): string =>
  `${root(branchId)}/dev/${deviceId}`

/** Event types a device may send under `dev/{deviceId}/event/{type}`. */
export const DEVICE_EVENT_TYPES = ['button', 'card', 'printer-status'] as const
export type DeviceEventType = (typeof DEVICE_EVENT_TYPES)[number]

export const topics = {
  /** `kqms/v1/{branchId}/#`: everything of one branch (diagnostics only; no client gets it). */
  branchAll: (branchId: BranchId): string => `${root(branchId)}/#`,
  coreStatus: (branchId: BranchId): string => `${root(branchId)}/core/status`,
  hallNowServing: (branchId: BranchId): string => `${root(branchId)}/hall/now-serving`,
  hallAnnounce: (branchId: BranchId): string => `${root(branchId)}/hall/announce`,
  queueSnapshot: (branchId: BranchId): string => `${root(branchId)}/queue/snapshot`,
  counterState: (branchId: BranchId, counterId: CounterId | string): string =>
    `${root(branchId)}/counter/${counterId}/state`,
  /** Filter: the state of every counter. */
  counterStateAll: (branchId: BranchId): string => `${root(branchId)}/counter/+/state`,

  deviceAvailability: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/availability`,
  /** Filter: the availability of every device. */
  deviceAvailabilityAll: (branchId: BranchId): string => `${root(branchId)}/dev/+/availability`,
  deviceMeta: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/meta`,
  deviceState: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/state`,
  deviceDesired: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/desired`,
  deviceEvent: (branchId: BranchId, deviceId: DeviceId | string, type: DeviceEventType): string =>
    `${device(branchId, deviceId)}/event/${type}`,
  /** Filter: every event of one device. */
  deviceEventAll: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/event/+`,
  /** Filter: every event of every device (the core's own subscription). */
  deviceEventAny: (branchId: BranchId): string => `${root(branchId)}/dev/+/event/+`,
  deviceResponse: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/response`,
  deviceCommand: (branchId: BranchId, deviceId: DeviceId | string, name: string): string =>
    `${device(branchId, deviceId)}/cmd/${name}`,
  /** Filter: every command to one device. */
  deviceCommandAll: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/cmd/+`,
  deviceReply: (branchId: BranchId, deviceId: DeviceId | string, commandId: string): string =>
    `${device(branchId, deviceId)}/reply/${commandId}`,
  /** Filter: every reply of one device. */
  deviceReplyAll: (branchId: BranchId, deviceId: DeviceId | string): string =>
    `${device(branchId, deviceId)}/reply/+`,

  /** Where the broker parks a publish its sender may not make (never delivered to clients). */
  quarantine: (clientId: string): string => `$quarantine/${clientId}`,
} as const

/** A topic under `kqms/v1/{branchId}/dev/{deviceId}/…`, split; null for any other topic. */
export interface DeviceTopic {
  readonly deviceId: string
  /** The levels after the device id, e.g. `['event', 'button']`. */
  readonly rest: readonly string[]
}

export function parseDeviceTopic(branchId: BranchId, topic: string): DeviceTopic | null {
  const prefix = `${root(branchId)}/dev/`
  if (!topic.startsWith(prefix)) return null
  const [deviceId, ...rest] = topic.slice(prefix.length).split('/')
  if (deviceId === undefined || deviceId === '' || rest.length === 0) return null
  return { deviceId, rest }
}

/** True when `topic` (no wildcards) matches the subscription `filter` (MQTT 3.1.1 §4.7). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/')
  const t = topic.split('/')
  // A `$…` topic is never matched by a filter starting with a wildcard (MQTT-4.7.2-1).
  if (topic.startsWith('$') && (f[0] === '#' || f[0] === '+')) return false
  for (let i = 0; i < f.length; i++) {
    const level = f[i]
    if (level === '#') return true
    if (i >= t.length) return false
    if (level !== '+' && level !== t[i]) return false
  }
  return f.length === t.length
}

/**
 * True when every topic the filter `inner` matches is also matched by `outer`: `a/+/c` covers
 * `a/b/c` and `a/+/c`, but not `a/#`. Used to authorise subscriptions against allowed filters.
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split('/')
  const n = inner.split('/')
  for (let i = 0; i < o.length; i++) {
    const level = o[i]
    if (level === '#') return !(i === 0 && inner.startsWith('$'))
    const other = n[i]
    if (other === undefined) return false
    if (other === '#') return false
    if (level === '+') {
      if (i === 0 && other.startsWith('$')) return false
      continue
    }
    if (level !== other) return false
  }
  return o.length === n.length
}
