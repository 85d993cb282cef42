import { readdir, readFile, realpath } from 'node:fs/promises'
import path from 'node:path'

/**
 * Finds a USB device's node without `SerialPort.list()` (it spawns `udevadm` and crashes without
 * udev, design/devices.md §5): by a `/dev/serial/by-id` name pattern, or by USB vendor/product
 * (and serial number) read from sysfs, as zigbee-herdsman's adapter discovery does. The roots are
 * parameters so tests build a fake sysfs tree.
 */
export interface LocateRoots {
  /** `/sys` */
  readonly sys: string
  /** `/dev` */
  readonly dev: string
}

export const SYSTEM_ROOTS: LocateRoots = { sys: '/sys', dev: '/dev' }

export interface UsbFingerprint {
  /** 4 lower-case hex digits, e.g. `0403`. */
  readonly vendorId: string
  readonly productId: string
  readonly serialNumber?: string | undefined
}

export const describeFingerprint = (f: UsbFingerprint): string =>
  `${f.vendorId}:${f.productId}${f.serialNumber === undefined ? '' : ` serial ${f.serialNumber}`}`

/** The one `/dev/serial/by-id/*` entry whose name matches `pattern` (a regular expression). */
export async function findByIdPath(pattern: string, roots: LocateRoots): Promise<string> {
  const folder = path.join(roots.dev, 'serial', 'by-id')
  const names = await readdir(folder).catch(() => [] as string[])
  const regex = new RegExp(pattern)
  const matches = names.filter((name) => regex.test(name)).sort()
  if (matches.length === 0)
    throw new Error(`no device in ${folder} matches /${pattern}/: is it plugged in?`)
  if (matches.length > 1)
    throw new Error(
      `${matches.length} devices in ${folder} match /${pattern}/ (${matches.join(', ')}): make the pattern specific`,
    )
  return path.join(folder, matches[0] ?? '')
}

const readTrimmed = (file: string): Promise<string | null> =>
  readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => null,
  )

/** The USB identity of a class device (`/sys/class/tty/ttyUSB0`): walks up to the USB device. */
async function usbIdentityOf(classDevice: string, sysRoot: string): Promise<UsbFingerprint | null> {
  let current = await realpath(path.join(classDevice, 'device')).catch(() => null)
  const stop = path.resolve(sysRoot)
  while (current !== null && current.startsWith(stop) && current !== stop) {
    const vendorId = await readTrimmed(path.join(current, 'idVendor'))
    if (vendorId !== null) {
      const productId = (await readTrimmed(path.join(current, 'idProduct'))) ?? ''
      const serialNumber = (await readTrimmed(path.join(current, 'serial'))) ?? undefined
      return { vendorId: vendorId.toLowerCase(), productId: productId.toLowerCase(), serialNumber }
    }
    current = path.dirname(current)
  }
  return null
}

/**
 * The `/dev` node of the one device of `subsystem` (`tty` for serial, `usbmisc` for `usb/lp*`)
 * with this USB fingerprint. Two matches without a serial number to tell them apart is an error.
 */
export async function findByFingerprint(
  fingerprint: UsbFingerprint,
  options: { subsystem: 'tty' | 'usbmisc'; roots: LocateRoots },
): Promise<string> {
  const { roots, subsystem } = options
  const classFolder = path.join(roots.sys, 'class', subsystem)
  const names = await readdir(classFolder).catch(() => [] as string[])
  const matches: string[] = []
  for (const name of names.sort()) {
    const identity = await usbIdentityOf(path.join(classFolder, name), roots.sys)
    if (identity === null) continue
    if (identity.vendorId !== fingerprint.vendorId || identity.productId !== fingerprint.productId)
      continue
    if (
      fingerprint.serialNumber !== undefined &&
      identity.serialNumber !== fingerprint.serialNumber
    )
      continue
    matches.push(name)
  }
  const what = describeFingerprint(fingerprint)
  if (matches.length === 0) throw new Error(`no USB device ${what} found: is it plugged in?`)
  if (matches.length > 1)
    throw new Error(
      `${matches.length} USB devices match ${what} (${matches.join(', ')}): add serialNumber`,
    )
  const node = matches[0] ?? ''
  return subsystem === 'usbmisc' ? path.join(roots.dev, 'usb', node) : path.join(roots.dev, node)
}
