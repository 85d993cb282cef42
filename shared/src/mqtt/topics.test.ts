import { describe, expect, it } from 'vitest'
import type { BranchId } from '../domain/ids.js'
import { DeviceId, isStaffClientId, parseStaffUsername, staffUsername } from './identity.js'
import { ButtonEvent, HallAnnounce, isExpired, parsePayload } from './messages.js'
import { filterCovers, parseDeviceTopic, topicMatches, topics } from './topics.js'

const b = 'almaty-01' as BranchId

describe('topics', () => {
  it('spells every topic under kqms/v1/{branchId}', () => {
    expect(topics.coreStatus(b)).toBe('kqms/v1/almaty-01/core/status')
    expect(topics.hallNowServing(b)).toBe('kqms/v1/almaty-01/hall/now-serving')
    expect(topics.hallAnnounce(b)).toBe('kqms/v1/almaty-01/hall/announce')
    expect(topics.queueSnapshot(b)).toBe('kqms/v1/almaty-01/queue/snapshot')
    expect(topics.counterState(b, 'c1')).toBe('kqms/v1/almaty-01/counter/c1/state')
    expect(topics.counterStateAll(b)).toBe('kqms/v1/almaty-01/counter/+/state')
    expect(topics.deviceAvailability(b, 'hall-1')).toBe('kqms/v1/almaty-01/dev/hall-1/availability')
    expect(topics.deviceAvailabilityAll(b)).toBe('kqms/v1/almaty-01/dev/+/availability')
    expect(topics.deviceMeta(b, 'hall-1')).toBe('kqms/v1/almaty-01/dev/hall-1/meta')
    expect(topics.deviceState(b, 'hall-1')).toBe('kqms/v1/almaty-01/dev/hall-1/state')
    expect(topics.deviceDesired(b, 'hall-1')).toBe('kqms/v1/almaty-01/dev/hall-1/desired')
    expect(topics.deviceEvent(b, 'bp-1', 'button')).toBe('kqms/v1/almaty-01/dev/bp-1/event/button')
    expect(topics.deviceEventAll(b, 'bp-1')).toBe('kqms/v1/almaty-01/dev/bp-1/event/+')
    expect(topics.deviceEventAny(b)).toBe('kqms/v1/almaty-01/dev/+/event/+')
    expect(topics.deviceResponse(b, 'bp-1')).toBe('kqms/v1/almaty-01/dev/bp-1/response')
    expect(topics.deviceCommand(b, 'p-1', 'print')).toBe('kqms/v1/almaty-01/dev/p-1/cmd/print')
    expect(topics.deviceCommandAll(b, 'p-1')).toBe('kqms/v1/almaty-01/dev/p-1/cmd/+')
    expect(topics.deviceReply(b, 'p-1', 'x1')).toBe('kqms/v1/almaty-01/dev/p-1/reply/x1')
    expect(topics.deviceReplyAll(b, 'p-1')).toBe('kqms/v1/almaty-01/dev/p-1/reply/+')
    expect(topics.branchAll(b)).toBe('kqms/v1/almaty-01/#')
    expect(topics.quarantine('kiosk-1')).toBe('$quarantine/kiosk-1')
  })
})

describe(parseDeviceTopic.name, () => {
  it('splits a device topic of this branch and ignores anything else', () => {
    expect(parseDeviceTopic(b, 'kqms/v1/almaty-01/dev/bp-1/event/button')).toEqual({
      deviceId: 'bp-1',
      rest: ['event', 'button'],
    })
    expect(parseDeviceTopic(b, 'kqms/v1/other/dev/bp-1/event/button')).toBeNull()
    expect(parseDeviceTopic(b, 'kqms/v1/almaty-01/dev/bp-1')).toBeNull()
    expect(parseDeviceTopic(b, 'kqms/v1/almaty-01/dev//state')).toBeNull()
  })
})

describe(topicMatches.name, () => {
  it.each([
    ['a/b/c', 'a/b/c', true],
    ['a/+/c', 'a/b/c', true],
    ['a/#', 'a/b/c', true],
    ['a/#', 'a', true],
    ['#', 'a/b', true],
    ['a/+', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['a/b', 'a/x', false],
    ['#', '$SYS/x', false],
    ['+/x', '$quarantine/x', false],
    ['$quarantine/+', '$quarantine/x', true],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected)
  })
})

describe(filterCovers.name, () => {
  it.each([
    ['a/+/c', 'a/b/c', true],
    ['a/+/c', 'a/+/c', true],
    ['a/+/c', 'a/#', false],
    ['a/#', 'a/b/#', true],
    ['a/#', 'a/+/c', true],
    ['#', '$SYS/#', false],
    ['+/b', '$x/b', false],
    ['a/b', 'a/b/c', false],
    ['a/b/c', 'a/b', false],
    ['a/b', 'a/x', false],
    ['a/b', 'a/+', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(filterCovers(outer, inner)).toBe(expected)
  })
})

describe('identities', () => {
  it('names staff apps staff-<userId> and lets them add a per-tab suffix to the client id', () => {
    const username = staffUsername('u-1')
    expect(username).toBe('staff-u-1')
    expect(parseStaffUsername(username)).toBe('u-1')
    expect(parseStaffUsername('staff-')).toBeNull()
    expect(parseStaffUsername('kiosk-1')).toBeNull()
    expect(isStaffClientId(username, 'staff-u-1')).toBe(true)
    expect(isStaffClientId(username, 'staff-u-1-tab_2')).toBe(true)
    expect(isStaffClientId(username, 'staff-u-1-has space')).toBe(false)
    expect(isStaffClientId(username, 'staff-u-2')).toBe(false)
  })

  it('keeps device ids topic-safe and apart from staff names', () => {
    expect(DeviceId.safeParse('counter-display-c1').success).toBe(true)
    for (const bad of ['Kiosk-1', 'k', 'a/b', 'kiosk+1', 'staff-kiosk', '-x1'])
      expect(DeviceId.safeParse(bad).success).toBe(false)
  })
})

describe(parsePayload.name, () => {
  const press = { id: 'press-0001', key: 'next', ts: 1, expiresAt: 2 }

  it('parses JSON text or bytes with a schema and drops anything else', () => {
    expect(parsePayload(ButtonEvent, JSON.stringify(press))).toEqual(press)
    expect(parsePayload(ButtonEvent, new TextEncoder().encode(JSON.stringify(press)))).toEqual(
      press,
    )
    expect(parsePayload(ButtonEvent, '{"id":')).toBeNull()
    expect(parsePayload(ButtonEvent, JSON.stringify({ ...press, key: 'explode' }))).toBeNull()
    expect(parsePayload(HallAnnounce, '{}')).toBeNull()
  })

  it('treats a message as expired from its expiresAt on', () => {
    expect(isExpired(press, 1)).toBe(false)
    expect(isExpired(press, 2)).toBe(true)
  })
})
