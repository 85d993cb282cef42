import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, parseBridgeConfig } from '../src/config.js'
import { DRIVER_FACTORIES } from '../src/devices/index.js'

/** Devices on one serial port (one RS-485 bus): who may share it, and on what settings. */

const dir = mkdtempSync(path.join(tmpdir(), 'kqms-bridge-shared-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BUS = '/dev/serial/by-id/usb-FTDI_USB-RS485_Cable_FT5KQMS2-if00-port0'

const display = (id: string, address: number, link: Record<string, unknown> = {}) => ({
  id,
  kind: 'counter-display',
  link: { type: 'serial', path: BUS, baudRate: 9600, ...link },
  options: { address },
})

const file = (devices: unknown[]) => ({
  branchId: 'almaty-demo',
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'bridge-1', password: 'secret' },
  stateDir: path.join(dir, 'state'),
  devices,
})

const parse = (raw: unknown) => parseBridgeConfig(raw, { factories: DRIVER_FACTORIES })
const problems = (raw: unknown): { path: string; message: string }[] => {
  try {
    parse(raw)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues]
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('devices sharing one serial port', () => {
  it('accepts several counter displays at different addresses on one bus', () => {
    const config = parse(
      file([
        display('led-c1', 1),
        display('led-c2', 2),
        display('led-c3', 3, { path: `${BUS}/../usb-FTDI_USB-RS485_Cable_FT5KQMS2-if00-port0` }),
      ]),
    )
    expect(config.devices.map((d) => d.id)).toEqual(['led-c1', 'led-c2', 'led-c3'])
  })

  it('rejects devices on one port that disagree on serial settings, naming both devices', () => {
    const found = problems(
      file([
        display('led-c1', 1),
        display('led-c2', 2, { baudRate: 19200, parity: 'even' }),
        display('led-c3', 3, { writeTimeoutMs: 2_000 }),
      ]),
    )
    expect(found).toEqual([
      {
        path: 'devices[1].link.baudRate',
        message: expect.stringMatching(
          /"led-c1" \(devices\[0\], counter-display\) and "led-c2" \(devices\[1\], counter-display\) share the serial port .*FT5KQMS2.* but disagree on baudRate: 9600 for "led-c1", 19200 for "led-c2"/,
        ) as string,
      },
      {
        path: 'devices[1].link.parity',
        message: expect.stringMatching(
          /disagree on parity: "none" for "led-c1", "even" for "led-c2"/,
        ) as string,
      },
      {
        path: 'devices[2].link.writeTimeoutMs',
        message: expect.stringMatching(/"led-c1".*"led-c3".*disagree on writeTimeoutMs/) as string,
      },
    ])
  })

  it('compares the defaults too: a display that leaves baudRate out shares at 9600', () => {
    const found = problems(
      file([
        display('led-c1', 1, { baudRate: 115200 }),
        { ...display('led-c2', 2), link: { type: 'serial', path: BUS } },
      ]),
    )
    expect(found).toHaveLength(1)
    expect(found[0]?.message).toMatch(/115200 for "led-c1", 9600 for "led-c2"/)
  })

  it('refuses a printer or a button panel on a display bus: they cannot share a port', () => {
    const found = problems(
      file([
        display('led-c1', 1),
        {
          id: 'printer-1',
          kind: 'printer',
          link: { type: 'serial', path: BUS, baudRate: 9600 },
          options: { profile: 'epson-tm-t20' },
        },
        {
          id: 'buttons-c1',
          kind: 'button-panel',
          link: { type: 'serial', path: BUS, baudRate: 9600 },
        },
      ]),
    )
    expect(found.map((p) => p.path)).toEqual(['devices[1].link', 'devices[2].link'])
    expect(found[0]?.message).toMatch(
      /"led-c1" \(devices\[0\], counter-display\) and "printer-1" \(devices\[1\], printer\) name the same serial port .*: a printer cannot share a port; only counter-display devices can share an RS-485 bus/,
    )
    expect(found[1]?.message).toMatch(/"buttons-c1".*a button-panel cannot share a port/)
  })

  it('matches ports by by-id pattern and by USB fingerprint as well as by path', () => {
    const byId = problems(
      file([
        display('led-c1', 1, { path: undefined, byIdPattern: 'FT5KQMS2' }),
        {
          id: 'buttons-c1',
          kind: 'button-panel',
          link: { type: 'serial', byIdPattern: 'FT5KQMS2' },
        },
      ]),
    )
    expect(byId).toHaveLength(1)
    expect(byId[0]?.message).toMatch(/same serial port \(by-id \/FT5KQMS2\/\)/)
    const usb = problems(
      file([
        display('led-c1', 1, { path: undefined, vendorId: '0403', productId: '6001' }),
        display('led-c2', 2, {
          path: undefined,
          vendorId: 0x403,
          productId: 0x6001,
          parity: 'odd',
        }),
      ]),
    )
    expect(usb).toHaveLength(1)
    expect(usb[0]?.message).toMatch(/share the serial port usb 0403:6001 but disagree on parity/)
  })

  it('follows symlinks: two names of one existing node are one port', () => {
    const node = path.join(dir, 'ttyRS485')
    writeFileSync(node, '')
    const alias = path.join(dir, 'rs485-bus')
    symlinkSync(node, alias)
    const found = problems(
      file([
        display('led-c1', 1, { path: node }),
        {
          id: 'printer-1',
          kind: 'printer',
          link: { type: 'serial', path: alias },
          options: { profile: 'epson-tm-t20' },
        },
      ]),
    )
    expect(found).toHaveLength(1)
    expect(found[0]?.message).toMatch(/a printer cannot share a port/)
  })
})
