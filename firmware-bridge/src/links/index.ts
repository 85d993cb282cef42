import type { LinkConfig } from '../config.js'
import { FakeLink } from './fake.js'
import { HidLink } from './hid.js'
import type { Link } from './link.js'
import { SYSTEM_ROOTS, type LocateRoots } from './locate.js'
import { SerialLink } from './serial.js'
import { TcpLink } from './tcp.js'
import { UsbLpLink } from './usb-lp.js'

export type { Link, LinkCloseReason, LinkKind } from './link.js'
export { FakeLink } from './fake.js'

export interface CreateLinkDeps {
  /** Where sysfs and /dev are (tests: a fake tree). */
  readonly roots?: LocateRoots
  /** `type: 'fake'` links by device id (tests and the demo hold the far ends). */
  readonly fakeLinks?: ReadonlyMap<string, FakeLink>
}

const usb = (link: { vendorId?: string; productId?: string; serialNumber?: string }) => ({
  vendorId: link.vendorId ?? '',
  productId: link.productId ?? '',
  serialNumber: link.serialNumber,
})

/** The link a device's configuration describes (nothing is opened yet). */
export function createLink(
  input: { deviceId: string; config: LinkConfig },
  deps: CreateLinkDeps = {},
): Link {
  const { config } = input
  const roots = deps.roots ?? SYSTEM_ROOTS
  switch (config.type) {
    case 'serial':
      return new SerialLink({
        locator:
          config.path !== undefined
            ? { path: config.path }
            : config.byIdPattern !== undefined
              ? { byIdPattern: config.byIdPattern }
              : { usb: usb(config) },
        baudRate: config.baudRate,
        dataBits: config.dataBits,
        stopBits: config.stopBits,
        parity: config.parity,
        rtscts: config.rtscts,
        xon: config.xon,
        writeTimeoutMs: config.writeTimeoutMs,
        roots,
      })
    case 'usb-lp':
      return new UsbLpLink({
        locator: config.path !== undefined ? { path: config.path } : { usb: usb(config) },
        readIntervalMs: config.readIntervalMs,
        writeTimeoutMs: config.writeTimeoutMs,
        roots,
      })
    case 'tcp':
      return new TcpLink(config)
    case 'hid':
      return new HidLink({
        vendorId: Number.parseInt(config.vendorId, 16),
        productId: Number.parseInt(config.productId, 16),
        serialNumber: config.serialNumber,
        writeTimeoutMs: config.writeTimeoutMs,
      })
    case 'fake':
      return (
        deps.fakeLinks?.get(input.deviceId) ??
        new FakeLink({ description: `fake ${input.deviceId}` })
      )
  }
}
