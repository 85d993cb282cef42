import type { BranchId } from '@kqms/shared/domain'
import { topics } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import {
  canPublish,
  canSubscribe,
  compileAcl,
  mayRetain,
  type AclDevice,
} from './access-control.js'

const b = 'almaty-01' as BranchId
const device = (id: string, kind: AclDevice['kind'], counterId: string | null = null) => ({
  kind: 'device' as const,
  device: { id, kind, counterId },
  owned: [] as AclDevice[],
})

describe(compileAcl.name, () => {
  it('lets a counter display read only its counter and write only its own topics', () => {
    const acl = compileAcl(b, device('cd-1', 'counter-display', 'c1'))
    expect(canSubscribe(acl, topics.counterState(b, 'c1'))).toBe(true)
    expect(canSubscribe(acl, topics.coreStatus(b))).toBe(true)
    expect(canSubscribe(acl, topics.deviceCommandAll(b, 'cd-1'))).toBe(true)
    expect(canSubscribe(acl, topics.counterState(b, 'c2'))).toBe(false)
    expect(canSubscribe(acl, topics.counterStateAll(b))).toBe(false)
    expect(canSubscribe(acl, topics.hallAnnounce(b))).toBe(false)
    expect(canPublish(acl, topics.deviceAvailability(b, 'cd-1'))).toBe(true)
    expect(canPublish(acl, topics.deviceEvent(b, 'cd-1', 'button'))).toBe(true)
    expect(canPublish(acl, topics.deviceAvailability(b, 'cd-2'))).toBe(false)
    expect(canPublish(acl, topics.counterState(b, 'c1'))).toBe(false)
    expect(canPublish(acl, topics.deviceDesired(b, 'cd-1'))).toBe(false)
  })

  it('gives each kind the branch state it shows', () => {
    const reads = (kind: AclDevice['kind'], counterId: string | null = null) => {
      const acl = compileAcl(b, device('d-1', kind, counterId))
      return [
        topics.hallNowServing(b),
        topics.hallAnnounce(b),
        topics.queueSnapshot(b),
        topics.counterState(b, 'c1'),
        topics.counterStateAll(b),
      ].filter((t) => canSubscribe(acl, t))
    }
    expect(reads('hall-display')).toHaveLength(5)
    expect(reads('kiosk')).toEqual([topics.hallNowServing(b), topics.queueSnapshot(b)])
    expect(reads('button-panel', 'c1')).toEqual([topics.counterState(b, 'c1')])
    expect(reads('button-panel')).toEqual([])
    expect(reads('operator-terminal', 'c1')).toEqual([
      topics.hallNowServing(b),
      topics.queueSnapshot(b),
      topics.counterState(b, 'c1'),
    ])
    expect(reads('operator-terminal')).toHaveLength(4)
    expect(reads('printer')).toEqual([])
    expect(reads('card-reader')).toEqual([])
  })

  it('lets a firmware bridge act for the devices it drives, and only those', () => {
    const acl = compileAcl(b, {
      kind: 'device',
      device: { id: 'bridge-1', kind: 'firmware-bridge', counterId: null },
      owned: [
        { id: 'printer-1', kind: 'printer', counterId: null },
        { id: 'led-c3', kind: 'counter-display', counterId: 'c3' },
      ],
    })
    expect(canPublish(acl, topics.deviceAvailability(b, 'bridge-1'))).toBe(true)
    expect(canPublish(acl, topics.deviceState(b, 'printer-1'))).toBe(true)
    expect(canPublish(acl, topics.deviceReply(b, 'printer-1', 'job-1'))).toBe(true)
    expect(canSubscribe(acl, topics.deviceCommandAll(b, 'printer-1'))).toBe(true)
    expect(canSubscribe(acl, topics.counterState(b, 'c3'))).toBe(true)
    expect(canPublish(acl, topics.deviceState(b, 'printer-2'))).toBe(false)
    expect(canSubscribe(acl, topics.counterState(b, 'c1'))).toBe(false)
  })

  it('lets staff read branch state, managers also device health, and nobody publish', () => {
    const operator = compileAcl(b, { kind: 'staff', role: 'operator' })
    const manager = compileAcl(b, { kind: 'staff', role: 'manager' })
    for (const acl of [operator, manager]) {
      expect(canSubscribe(acl, topics.counterStateAll(b))).toBe(true)
      expect(canSubscribe(acl, topics.hallAnnounce(b))).toBe(true)
      expect(canPublish(acl, topics.hallAnnounce(b))).toBe(false)
      expect(canSubscribe(acl, topics.deviceCommandAll(b, 'kiosk-1'))).toBe(false)
    }
    expect(canSubscribe(operator, topics.deviceAvailabilityAll(b))).toBe(false)
    expect(canSubscribe(manager, topics.deviceAvailabilityAll(b))).toBe(true)
    expect(canSubscribe(manager, topics.deviceState(b, 'kiosk-1'))).toBe(true)
  })

  it('never grants #, $SYS/#, $quarantine/#, a branch wildcard or another branch', () => {
    const acl = compileAcl(b, { kind: 'staff', role: 'admin' })
    for (const filter of [
      '#',
      '+/#',
      '$SYS/#',
      '$quarantine/#',
      '$quarantine/kiosk-1',
      topics.branchAll(b),
      'kqms/v1/+/core/status',
      'kqms/v1/other/core/status',
    ])
      expect(canSubscribe(acl, filter)).toBe(false)
    expect(canPublish(acl, '$quarantine/x')).toBe(false)
  })
})

describe(mayRetain.name, () => {
  it('lets devices retain only their availability, meta and state', () => {
    expect(mayRetain(b, topics.deviceAvailability(b, 'k-1'))).toBe(true)
    expect(mayRetain(b, topics.deviceMeta(b, 'k-1'))).toBe(true)
    expect(mayRetain(b, topics.deviceState(b, 'k-1'))).toBe(true)
    expect(mayRetain(b, topics.deviceEvent(b, 'k-1', 'button'))).toBe(false)
    expect(mayRetain(b, topics.deviceReply(b, 'k-1', 'x'))).toBe(false)
    expect(mayRetain(b, topics.counterState(b, 'c1'))).toBe(false)
  })
})
