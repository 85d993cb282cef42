import { createHash } from 'node:crypto'
import type { DeviceKind } from '@kqms/shared/mqtt'
import { isDomainError } from '@kqms/shared/errors'
import type { Logger } from 'pino'
import type { DeviceRegistry } from './usecases/device-registry.js'

/**
 * Devices of the demo branch, enrolled with secrets derived from the branch id so that the demo
 * web apps and `pnpm start` know them: `base64url(sha256("kqms-demo:<branchId>:<deviceId>"))`.
 * Demo only: a real device gets 256 random bits through a pairing code.
 */
export interface DemoDevice {
  readonly id: string
  readonly kind: DeviceKind
  readonly name: string
  readonly counterId: string | null
  /** The firmware bridge that drives it. */
  readonly bridgeId?: string
  /** The kiosk a printer or card reader serves. */
  readonly attachedTo?: string
}

const COUNTERS = [1, 2, 3, 4, 5, 6]

export const DEMO_DEVICES: readonly DemoDevice[] = [
  { id: 'kiosk-1', kind: 'kiosk', name: 'Kiosk at the entrance', counterId: null },
  { id: 'hall-1', kind: 'hall-display', name: 'Hall display', counterId: null },
  ...COUNTERS.map((n) => ({
    id: `counter-display-c${n}`,
    kind: 'counter-display' as const,
    name: `Counter ${n} display`,
    counterId: `c${n}`,
  })),
  { id: 'button-panel-c1', kind: 'button-panel', name: 'Counter 1 call buttons', counterId: 'c1' },
  // Hardware driven by the firmware bridge `bridge-1` (enrolled first: the others name it).
  { id: 'bridge-1', kind: 'firmware-bridge', name: 'Firmware bridge', counterId: null },
  {
    id: 'printer-1',
    kind: 'printer',
    name: 'Kiosk ticket printer',
    counterId: null,
    bridgeId: 'bridge-1',
    attachedTo: 'kiosk-1',
  },
  {
    id: 'card-reader-1',
    kind: 'card-reader',
    name: 'Kiosk card reader',
    counterId: null,
    bridgeId: 'bridge-1',
    attachedTo: 'kiosk-1',
  },
  {
    id: 'led-c2',
    kind: 'counter-display',
    name: 'Counter 2 LED display',
    counterId: 'c2',
    bridgeId: 'bridge-1',
  },
  {
    id: 'buttons-c2',
    kind: 'button-panel',
    name: 'Counter 2 call buttons',
    counterId: 'c2',
    bridgeId: 'bridge-1',
  },
]

export function demoDeviceSecret(branchId: string, deviceId: string): string {
  return createHash('sha256')
    .update(`kqms-demo:${branchId}:${deviceId}`, 'utf8')
    .digest('base64url')
}

/** Enrols the demo devices not enrolled yet (idempotent). */
export async function seedDemoDevices(deps: {
  registry: DeviceRegistry
  log: Logger
}): Promise<void> {
  const { registry, log } = deps
  let enrolled = 0
  for (const device of DEMO_DEVICES) {
    if (registry.find(device.id)) continue
    try {
      await registry.enrol({ ...device, secret: demoDeviceSecret(registry.branchId, device.id) })
      enrolled++
    } catch (error) {
      if (!isDomainError(error)) throw error
      log.warn({ deviceId: device.id, code: error.code }, 'demo device not enrolled')
    }
  }
  if (enrolled > 0) log.info({ devices: enrolled }, 'demo devices enrolled')
}
