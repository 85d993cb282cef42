import type { BranchId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import { COUNTER_1 } from '../../test/given.js'
import { captureLog, startTestRuntime } from '../../test/test-runtime.js'
import {
  createDeviceRegistry,
  normalizePairingCode,
  type RegistryChange,
} from './device-registry.js'

function startRegistry() {
  const test = startTestRuntime()
  test.given.branch()
  const registry = createDeviceRegistry({
    database: test.database,
    clock: test.clock,
    log: captureLog().log,
    runtime: test.runtime,
    branchId: 'almaty-test' as BranchId,
  })
  const changes: RegistryChange['kind'][] = []
  registry.onChange((change) => changes.push(change.kind))
  return Object.assign(test, { registry, changes })
}

describe(createDeviceRegistry.name, () => {
  it('enrols a device once per pairing code, with a 256-bit secret of which only a hash is kept', async () => {
    using test = startRegistry()
    const issued = test.registry.createPairingCode({
      kind: 'counter-display',
      counterId: COUNTER_1,
    })
    expect(issued.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/)
    expect(issued.expiresAt).toBe(test.clock.now() + 10 * 60_000)

    const { device, secret } = await test.registry.redeemPairingCode(issued.code.toLowerCase())

    expect(device).toMatchObject({ kind: 'counter-display', counterId: COUNTER_1, revokedAt: null })
    expect(device.id).toMatch(/^counter-display-[0-9a-z]{8}$/)
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32)
    expect(device.secretHash).not.toContain(secret)
    expect(await test.registry.verify(device.id, secret)).toMatchObject({ id: device.id })
    expect(await test.registry.verify(device.id, `${secret}x`)).toBeNull()
    await expect(test.registry.redeemPairingCode(issued.code)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(test.changes).toEqual(['enrolled'])
  })

  it('attaches printers and card readers to an enrolled kiosk, through pairing too', async () => {
    using test = startRegistry()
    const secret = 'a-secret-of-enough-length-0001'
    await test.registry.enrol({ id: 'kiosk-a', kind: 'kiosk', name: 'K', counterId: null, secret })
    await test.registry.enrol({
      id: 'hall-a',
      kind: 'hall-display',
      name: 'H',
      counterId: null,
      secret,
    })
    const printer = await test.registry.enrol({
      id: 'printer-a',
      kind: 'printer',
      name: 'P',
      counterId: null,
      attachedTo: 'kiosk-a',
      secret,
    })
    expect(printer.attachedTo).toBe('kiosk-a')
    const issued = test.registry.createPairingCode({ kind: 'card-reader', attachedTo: 'kiosk-a' })
    expect(issued.attachedTo).toBe('kiosk-a')
    const { device: reader } = await test.registry.redeemPairingCode(issued.code)
    expect(reader.attachedTo).toBe('kiosk-a')
    expect(
      test.registry.attachedTo({ kioskId: 'kiosk-a', kind: 'printer' }).map((d) => d.id),
    ).toEqual(['printer-a'])
    expect(test.registry.attachedTo({ kioskId: 'kiosk-a', kind: 'card-reader' })).toHaveLength(1)

    const refused = (input: { kind: 'printer' | 'hall-display'; attachedTo: string }) => {
      try {
        test.registry.createPairingCode(input)
        return null
      } catch (error) {
        return (error as { code?: string }).code
      }
    }
    expect(refused({ kind: 'printer', attachedTo: 'hall-a' })).toBe('NOT_FOUND')
    expect(refused({ kind: 'printer', attachedTo: 'kiosk-zz' })).toBe('NOT_FOUND')
    expect(refused({ kind: 'hall-display', attachedTo: 'kiosk-a' })).toBe('INVALID_CONFIGURATION')
    test.registry.revoke('kiosk-a')
    expect(refused({ kind: 'printer', attachedTo: 'kiosk-a' })).toBe('NOT_FOUND')
    test.registry.revoke('printer-a')
    expect(test.registry.attachedTo({ kioskId: 'kiosk-a', kind: 'printer' })).toEqual([])
  })

  it('redeems a code once even when two devices race for it', async () => {
    using test = startRegistry()
    const { code } = test.registry.createPairingCode({ kind: 'kiosk' })
    const results = await Promise.allSettled([
      test.registry.redeemPairingCode(code),
      test.registry.redeemPairingCode(code),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    expect(test.registry.list()).toHaveLength(1)
  })

  it('refuses a code from its expiry on', async () => {
    using test = startRegistry()
    const { code } = test.registry.createPairingCode({ kind: 'kiosk' })
    test.clock.advance(10 * 60_000)
    await expect(test.registry.redeemPairingCode(code)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('reads codes the way people type them (case, dash, I/L for 1, O for 0)', () => {
    expect(normalizePairingCode('abcde-fghjk')).toBe('ABCDEFGHJK')
    expect(normalizePairingCode('1O1IL-o0000')).toBe('1011100000')
  })

  it('needs a known counter for counter-bound kinds and a known bridge for bridged devices', () => {
    using test = startRegistry()
    expect(() => test.registry.createPairingCode({ kind: 'button-panel' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIGURATION' }),
    )
    expect(() =>
      test.registry.createPairingCode({ kind: 'button-panel', counterId: 'nope' as never }),
    ).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
    expect(() =>
      test.registry.createPairingCode({ kind: 'printer', bridgeId: 'bridge-nope' }),
    ).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }))
  })

  it('revokes a device for good: verification fails even with a cached secret', async () => {
    using test = startRegistry()
    const device = await test.registry.enrol({
      id: 'kiosk-7',
      kind: 'kiosk',
      name: 'Kiosk 7',
      counterId: null,
      secret: 'a-secret-of-the-kiosk',
    })
    expect(await test.registry.verify('kiosk-7', 'a-secret-of-the-kiosk')).not.toBeNull()

    expect(test.registry.revoke(device.id).revokedAt).toBe(test.clock.now())
    expect(test.registry.revoke(device.id).revokedAt).toBe(test.clock.now())

    expect(await test.registry.verify('kiosk-7', 'a-secret-of-the-kiosk')).toBeNull()
    expect(test.changes).toEqual(['enrolled', 'revoked'])
    expect(() => test.registry.revoke('kiosk-nope')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    )
    await expect(
      test.registry.enrol({
        id: 'kiosk-7',
        kind: 'kiosk',
        name: 'x',
        counterId: null,
        secret: 's',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('lists the devices a bridge drives', async () => {
    using test = startRegistry()
    await test.registry.enrol({
      id: 'bridge-1',
      kind: 'firmware-bridge',
      name: 'Bridge',
      counterId: null,
      secret: 'bridge-secret',
    })
    const { code } = test.registry.createPairingCode({ kind: 'printer', bridgeId: 'bridge-1' })
    const { device } = await test.registry.redeemPairingCode(code)
    expect(test.registry.ownedBy('bridge-1').map((d) => d.id)).toEqual([device.id])
    expect(device.name).toBe('printer')
  })

  it('keeps health from the broker, ignoring a death older than the current birth', () => {
    using test = startRegistry()
    const { registry } = test
    expect(registry.presence('hall-1')).toEqual({
      connected: false,
      availability: 'unknown',
      bdSeq: null,
      reason: null,
      since: null,
    })
    registry.recordConnection({ id: 'hall-1', connected: true })
    registry.recordAvailability({ id: 'hall-1', state: 'online', bdSeq: 4, reason: null })
    // A takeover: the old connection's Will (bdSeq 3) arrives after the new birth.
    registry.recordConnection({ id: 'hall-1', connected: true })
    registry.recordConnection({ id: 'hall-1', connected: false })
    registry.recordAvailability({ id: 'hall-1', state: 'offline', bdSeq: 3, reason: 'lwt' })
    expect(registry.presence('hall-1')).toMatchObject({
      connected: true,
      availability: 'online',
      bdSeq: 4,
    })
    registry.recordAvailability({ id: 'hall-1', state: 'offline', bdSeq: 4, reason: 'lwt' })
    expect(registry.presence('hall-1')).toMatchObject({ availability: 'offline', reason: 'lwt' })
  })
})
