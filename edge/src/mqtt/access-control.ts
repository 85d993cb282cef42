import type { Role } from '@kqms/shared/api'
import type { BranchId } from '@kqms/shared/domain'
import {
  filterCovers,
  parseDeviceTopic,
  topicMatches,
  topics,
  type DeviceKind,
} from '@kqms/shared/mqtt'

/**
 * The broker's ACL, compiled from the device registry (design/devices.md §8.4): each identity may
 * publish and subscribe only the filters listed for it. Nobody gets `#`, `$SYS/#` or
 * `$quarantine/#`; staff browser apps only read their branch's state.
 */

export interface Acl {
  readonly publish: readonly string[]
  readonly subscribe: readonly string[]
}

/** The parts of a registry row the ACL depends on. */
export interface AclDevice {
  readonly id: string
  readonly kind: DeviceKind
  readonly counterId: string | null
}

export type AclSubject =
  | { readonly kind: 'device'; readonly device: AclDevice; readonly owned: readonly AclDevice[] }
  | { readonly kind: 'staff'; readonly role: Role }

/** Topics every device uses for itself: birth/state/events out, desired/commands/responses in. */
function ownTopics(branchId: BranchId, deviceId: string): Acl {
  return {
    publish: [
      topics.deviceAvailability(branchId, deviceId),
      topics.deviceMeta(branchId, deviceId),
      topics.deviceState(branchId, deviceId),
      topics.deviceEventAll(branchId, deviceId),
      topics.deviceReplyAll(branchId, deviceId),
    ],
    subscribe: [
      topics.deviceDesired(branchId, deviceId),
      topics.deviceCommandAll(branchId, deviceId),
      topics.deviceResponse(branchId, deviceId),
    ],
  }
}

/** The branch state a device of this kind reads. */
function stateTopicsFor(branchId: BranchId, device: AclDevice): string[] {
  const counter = device.counterId
  switch (device.kind) {
    case 'kiosk':
      return [topics.queueSnapshot(branchId), topics.hallNowServing(branchId)]
    case 'hall-display':
      return [
        topics.hallNowServing(branchId),
        topics.hallAnnounce(branchId),
        topics.queueSnapshot(branchId),
        topics.counterStateAll(branchId),
      ]
    case 'counter-display':
    case 'button-panel':
      return counter === null ? [] : [topics.counterState(branchId, counter)]
    case 'operator-terminal':
      return [
        counter === null
          ? topics.counterStateAll(branchId)
          : topics.counterState(branchId, counter),
        topics.queueSnapshot(branchId),
        topics.hallNowServing(branchId),
      ]
    case 'printer':
    case 'card-reader':
    case 'firmware-bridge':
      return []
  }
}

function deviceAcl(branchId: BranchId, device: AclDevice): Acl {
  const own = ownTopics(branchId, device.id)
  return {
    publish: own.publish,
    subscribe: [...own.subscribe, ...stateTopicsFor(branchId, device)],
  }
}

/** The ACL of an identity. A firmware bridge also acts for every device it drives. */
export function compileAcl(branchId: BranchId, subject: AclSubject): Acl {
  const core = topics.coreStatus(branchId)
  if (subject.kind === 'staff') {
    const read = [
      core,
      topics.hallNowServing(branchId),
      topics.hallAnnounce(branchId),
      topics.queueSnapshot(branchId),
      topics.counterStateAll(branchId),
    ]
    const health =
      subject.role === 'operator'
        ? []
        : [
            topics.deviceAvailabilityAll(branchId),
            topics.deviceMeta(branchId, '+'),
            topics.deviceState(branchId, '+'),
          ]
    return { publish: [], subscribe: [...read, ...health] }
  }
  const parts = [subject.device, ...subject.owned].map((d) => deviceAcl(branchId, d))
  return {
    publish: unique(parts.flatMap((p) => p.publish)),
    subscribe: unique([core, ...parts.flatMap((p) => p.subscribe)]),
  }
}

const unique = (items: readonly string[]): string[] => [...new Set(items)]

/** May this identity publish on `topic`? `$`-topics never. */
export function canPublish(acl: Acl, topic: string): boolean {
  if (topic.startsWith('$')) return false
  return acl.publish.some((filter) => topicMatches(filter, topic))
}

/** May this identity subscribe to `filter`? Only filters inside an allowed one; `$…` never. */
export function canSubscribe(acl: Acl, filter: string): boolean {
  if (filter.startsWith('$') || filter === '#' || filter.startsWith('+')) return false
  return acl.subscribe.some((allowed) => filterCovers(allowed, filter))
}

const RETAINED_DEVICE_TOPICS: readonly string[] = ['availability', 'meta', 'state']

/** Retained publishes are state: a device may retain only its availability, meta and state. */
export function mayRetain(branchId: BranchId, topic: string): boolean {
  const parsed = parseDeviceTopic(branchId, topic)
  return parsed?.rest.length === 1 && RETAINED_DEVICE_TOPICS.includes(parsed.rest[0] ?? '')
}
