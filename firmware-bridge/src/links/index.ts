import { serialPortKey, type LinkConfig } from '../config.js'
import { FakeLink } from './fake.js'
import { HidLink } from './hid.js'
import type { Link } from './link.js'
import { SYSTEM_ROOTS, type LocateRoots } from './locate.js'
import { SerialLink } from './serial.js'
import { SharedPort } from './shared.js'
import { TcpLink } from './tcp.js'
import { UsbLpLink } from './usb-lp.js'

export type { Link, LinkCloseReason, LinkKind } from './link.js'
export { FakeLink } from './fake.js'
export { SharedLinkHandle, SharedPort } from './shared.js'

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

/**
 * The links of all devices: devices whose serial links name the same port (same resolved path,
 * by-id pattern or USB fingerprint; the configuration checked that they may share it and agree on
 * its settings) get handles on one `SharedPort`; every other device gets a link of its own.
 */
export function createLinks(
  devices: readonly { readonly id: string; readonly link: LinkConfig }[],
  deps: CreateLinkDeps = {},
): Map<string, Link> {
  const byPort = new Map<string, { id: string; link: LinkConfig }[]>()
  for (const device of devices) {
    const key = serialPortKey(device.link)
    if (key === null) continue
    byPort.set(key, [...(byPort.get(key) ?? []), device])
  }
  const links = new Map<string, Link>()
  for (const group of byPort.values()) {
    const [first] = group
    if (first === undefined || group.length < 2) continue
    const port = new SharedPort(createLink({ deviceId: first.id, config: first.link }, deps))
    for (const device of group) links.set(device.id, port.handle(device.id))
  }
  for (const device of devices)
    if (!links.has(device.id))
      links.set(device.id, createLink({ deviceId: device.id, config: device.link }, deps))
  return links
}
