import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findByFingerprint, findByIdPath } from '../src/links/locate.js'
import { TcpLink } from '../src/links/tcp.js'
import { UsbLpLink } from '../src/links/usb-lp.js'

/** Links and device location without hardware: a fake sysfs tree, a TCP server, a plain file. */

const root = mkdtempSync(path.join(tmpdir(), 'kqms-links-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** sysfs as the kernel lays it out: /sys/class/tty/ttyUSBn/device → …/usb1/1-1/1-1:1.0/ttyUSBn. */
function fakeSys(
  devices: {
    node: string
    subsystem: 'tty' | 'usbmisc'
    vendor: string
    product: string
    serial?: string
    port: string
  }[],
) {
  const sys = path.join(root, `sys-${Math.random().toString(16).slice(2)}`)
  for (const d of devices) {
    const usbDevice = path.join(sys, 'devices', 'pci0000:00', 'usb1', d.port)
    const iface = path.join(usbDevice, `${d.port}:1.0`, d.node)
    mkdirSync(iface, { recursive: true })
    writeFileSync(path.join(usbDevice, 'idVendor'), `${d.vendor}\n`)
    writeFileSync(path.join(usbDevice, 'idProduct'), `${d.product}\n`)
    if (d.serial !== undefined) writeFileSync(path.join(usbDevice, 'serial'), `${d.serial}\n`)
    const classDevice = path.join(sys, 'class', d.subsystem, d.node)
    mkdirSync(classDevice, { recursive: true })
    symlinkSync(iface, path.join(classDevice, 'device'))
  }
  return { sys, dev: path.join(root, 'dev') }
}

describe('device location without SerialPort.list()', () => {
  const roots = fakeSys([
    {
      node: 'ttyUSB0',
      subsystem: 'tty',
      vendor: '0403',
      product: '6001',
      serial: 'A50285BI',
      port: '1-1',
    },
    {
      node: 'ttyUSB1',
      subsystem: 'tty',
      vendor: '0403',
      product: '6001',
      serial: 'B77',
      port: '1-2',
    },
    { node: 'ttyACM0', subsystem: 'tty', vendor: '2341', product: '0043', port: '1-3' },
    { node: 'lp0', subsystem: 'usbmisc', vendor: '04b8', product: '0202', port: '1-4' },
  ])

  it('finds a serial node by vendor/product (and serial number when two share the ids)', async () => {
    expect(
      await findByFingerprint({ vendorId: '2341', productId: '0043' }, { subsystem: 'tty', roots }),
    ).toBe(path.join(roots.dev, 'ttyACM0'))
    expect(
      await findByFingerprint(
        { vendorId: '0403', productId: '6001', serialNumber: 'B77' },
        { subsystem: 'tty', roots },
      ),
    ).toBe(path.join(roots.dev, 'ttyUSB1'))
    await expect(
      findByFingerprint({ vendorId: '0403', productId: '6001' }, { subsystem: 'tty', roots }),
    ).rejects.toThrow(/2 USB devices match 0403:6001 \(ttyUSB0, ttyUSB1\): add serialNumber/)
    await expect(
      findByFingerprint({ vendorId: '1a86', productId: '7523' }, { subsystem: 'tty', roots }),
    ).rejects.toThrow(/no USB device 1a86:7523 found: is it plugged in\?/)
  })

  it('finds a USB printer-class node (/dev/usb/lpN) by vendor/product', async () => {
    expect(
      await findByFingerprint(
        { vendorId: '04b8', productId: '0202' },
        { subsystem: 'usbmisc', roots },
      ),
    ).toBe(path.join(roots.dev, 'usb', 'lp0'))
  })

  it('finds the one /dev/serial/by-id name matching a pattern, and explains none or many', async () => {
    const byId = path.join(roots.dev, 'serial', 'by-id')
    mkdirSync(byId, { recursive: true })
    writeFileSync(path.join(byId, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'), '')
    writeFileSync(path.join(byId, 'usb-FTDI_FT232R_USB_UART_B77-if00-port0'), '')
    expect(await findByIdPath('A50285BI', roots)).toBe(
      path.join(byId, 'usb-FTDI_FT232R_USB_UART_A50285BI-if00-port0'),
    )
    await expect(findByIdPath('FTDI', roots)).rejects.toThrow(
      /2 devices .* match \/FTDI\/.*make the pattern specific/,
    )
    await expect(findByIdPath('Prolific', roots)).rejects.toThrow(
      /no device .* matches \/Prolific\/: is it plugged in\?/,
    )
  })
})

describe(TcpLink.name, () => {
  it('exchanges bytes, serialises writes, and reports the printer going away as disconnected', async () => {
    const received: Buffer[] = []
    const sockets: Socket[] = []
    const server = createServer((socket) => {
      sockets.push(socket)
      socket.on('data', (chunk) => received.push(chunk))
      socket.write(Buffer.from([0x14])) // a status byte
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    const link = new TcpLink({
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 1_000,
      keepAliveMs: 1_000,
    })
    const data: number[] = []
    const closed = new Promise<{ disconnected: boolean }>((resolve) => link.on('close', resolve))
    link.on('data', (chunk) => data.push(...chunk))
    await link.open()
    await Promise.all([
      link.write(Buffer.from('AAAA')),
      link.write(Buffer.from('BBBB')),
      link.write(Buffer.from('CCCC')),
    ])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(Buffer.concat(received).toString()).toBe('AAAABBBBCCCC')
    expect(data).toEqual([0x14])
    for (const socket of sockets) socket.destroy()
    expect(await closed).toMatchObject({ disconnected: true })
    expect(link.isOpen).toBe(false)
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('fails to open with what to check: refused, or no answer in time', async () => {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const refused = new TcpLink({
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 1_000,
      keepAliveMs: 1_000,
    })
    await expect(refused.open()).rejects.toThrow(
      new RegExp(`cannot connect to 127.0.0.1:${port}: .*ECONNREFUSED`),
    )
    // 192.0.2.0/24 (TEST-NET-1) is never routed: the connect times out (or the host says unreachable).
    const silent = new TcpLink({
      host: '192.0.2.1',
      port: 9100,
      connectTimeoutMs: 200,
      keepAliveMs: 1_000,
    })
    await expect(silent.open()).rejects.toThrow(/cannot connect to 192\.0\.2\.1:9100/)
  })
})

describe(UsbLpLink.name, () => {
  it('writes through the device file, and explains a missing device', async () => {
    const file = path.join(root, 'lp0')
    writeFileSync(file, '')
    const link = new UsbLpLink({
      locator: { path: file },
      readIntervalMs: 20,
      roots: { sys: root, dev: root },
    })
    await link.open()
    await link.write(Buffer.from([0x1b, 0x40]))
    await link.write(Buffer.from('hello'))
    expect(readFileSync(file)).toEqual(
      Buffer.concat([Buffer.from([0x1b, 0x40]), Buffer.from('hello')]),
    )
    await link.close()
    const missing = new UsbLpLink({
      locator: { path: path.join(root, 'lp9') },
      readIntervalMs: 20,
      roots: { sys: root, dev: root },
    })
    await expect(missing.open()).rejects.toThrow(/cannot open .*lp9: ENOENT/)
  })
})
