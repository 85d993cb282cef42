import { describe, expect, it } from 'vitest'
import type { LinkCloseReason } from '../src/links/index.js'
import { FakeLink, SharedPort, createLinks } from '../src/links/index.js'
import type { LinkConfig } from '../src/config.js'

/** Several devices on one port (one RS-485 bus): handles on a `SharedPort` over a fake link. */

const text = (chunk: Uint8Array): string => new TextDecoder().decode(chunk)
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)

function bus(names: readonly string[] = ['display-1', 'display-2', 'display-3']) {
  const port = new FakeLink({ description: 'fake rs485' })
  const shared = new SharedPort(port)
  const handles = names.map((name) => {
    const handle = shared.handle(name)
    const received: string[] = []
    const closes: LinkCloseReason[] = []
    handle.on('data', (chunk) => received.push(text(chunk)))
    handle.on('close', (reason) => closes.push(reason))
    return { handle, received, closes }
  })
  return { port, shared, handles }
}

const at = <T>(list: readonly T[], index: number): T => {
  const item = list[index]
  if (item === undefined) throw new Error(`no item ${index}`)
  return item
}

describe('SharedPort', () => {
  it('opens the port once for the first handle and closes it only when the last handle closes', async () => {
    const { port, shared, handles } = bus()
    const [one, two, three] = [at(handles, 0), at(handles, 1), at(handles, 2)]
    expect(port.isOpen).toBe(false)
    await Promise.all([one.handle.open(), two.handle.open(), three.handle.open()])
    expect(port.far.opens).toBe(1)
    expect(shared.openHandles).toBe(3)
    expect([one, two, three].map((h) => h.handle.isOpen)).toEqual([true, true, true])

    await one.handle.close()
    expect(port.isOpen).toBe(true)
    expect(one.handle.isOpen).toBe(false)
    await two.handle.close()
    expect(port.isOpen).toBe(true)
    await two.handle.close() // idempotent: does not release someone else's share
    expect(shared.openHandles).toBe(1)
    await three.handle.close()
    expect(port.isOpen).toBe(false)
    expect(shared.openHandles).toBe(0)
    // close() never emits close
    expect([one, two, three].flatMap((h) => h.closes)).toEqual([])

    await two.handle.open()
    expect(port.far.opens).toBe(2)
    expect(port.isOpen).toBe(true)
  })

  it('delivers every incoming chunk to every open handle, and none to a closed one', async () => {
    const { port, handles } = bus()
    const [one, two, three] = [at(handles, 0), at(handles, 1), at(handles, 2)]
    await one.handle.open()
    await two.handle.open()
    port.far.send('\x0601')
    expect(one.received).toEqual(['\x0601'])
    expect(two.received).toEqual(['\x0601'])
    expect(three.received).toEqual([])
    await one.handle.close()
    port.far.send('\x0602')
    expect(one.received).toEqual(['\x0601'])
    expect(two.received).toEqual(['\x0601', '\x0602'])
  })

  it('puts the writes of all handles through the one serialised write queue, in call order', async () => {
    const { port, handles } = bus()
    const [one, two] = [at(handles, 0), at(handles, 1)]
    await one.handle.open()
    await two.handle.open()
    await Promise.all([
      one.handle.write(bytes('A')),
      two.handle.write(bytes('B')),
      one.handle.bus?.write(bytes('C')),
      two.handle.write(bytes('D')),
    ])
    expect(port.far.written.map(text)).toEqual(['A', 'B', 'C', 'D'])
    // A handle that is not open cannot write even though the port is open for the others.
    await one.handle.close()
    await expect(one.handle.write(bytes('E'))).rejects.toThrow(/display-1.*is not open/)
    await two.handle.write(bytes('F'))
    expect(port.far.written.map(text)).toEqual(['A', 'B', 'C', 'D', 'F'])
  })

  it('gives every handle of a port the same bus object (drivers serialise request/reply on it)', () => {
    const { handles } = bus()
    const [one, two] = [at(handles, 0), at(handles, 1)]
    expect(one.handle.bus).toBeDefined()
    expect(one.handle.bus).toBe(two.handle.bus)
    expect(one.handle).not.toBe(two.handle)
  })

  it('an unplug closes every open handle with `disconnected`; the first reopen opens the port, the others join', async () => {
    const { port, shared, handles } = bus()
    const [one, two, three] = [at(handles, 0), at(handles, 1), at(handles, 2)]
    await one.handle.open()
    await two.handle.open()
    port.far.unplug()
    for (const h of [one, two]) {
      expect(h.closes).toEqual([{ disconnected: true, message: 'device unplugged' }])
      expect(h.handle.isOpen).toBe(false)
    }
    expect(three.closes).toEqual([]) // it was not open
    expect(shared.openHandles).toBe(0)
    // Each supervisor closes its handle (goOffline) and retries: still unplugged.
    await Promise.all([one.handle.close(), two.handle.close()])
    await expect(one.handle.open()).rejects.toThrow(/no such device/)
    expect(shared.openHandles).toBe(0)
    port.far.plug()
    await one.handle.open()
    await two.handle.open()
    await three.handle.open()
    expect(port.far.opens).toBe(2)
    expect(shared.openHandles).toBe(3)
    port.far.send('x')
    expect([one, two, three].map((h) => h.received)).toEqual([['x'], ['x'], ['x']])
  })

  it("one handle's close (a silent display failing its health check) keeps the port for the others", async () => {
    const { port, handles } = bus()
    const [one, two] = [at(handles, 0), at(handles, 1)]
    await one.handle.open()
    await two.handle.open()
    await one.handle.close()
    expect(two.closes).toEqual([])
    expect(two.handle.isOpen).toBe(true)
    port.far.send('\x0602')
    expect(two.received).toEqual(['\x0602'])
    await two.handle.write(bytes('still here'))
    expect(port.far.written.map(text)).toEqual(['still here'])
    // It reopens later and joins the open port.
    await one.handle.open()
    expect(port.far.opens).toBe(1)
  })

  it('a write that never drains closes the port for every handle (the adapter hung)', async () => {
    const port = new FakeLink({ description: 'fake rs485', writeTimeoutMs: 50 })
    const shared = new SharedPort(port)
    const one = shared.handle('display-1')
    const two = shared.handle('display-2')
    const closes: string[] = []
    one.on('close', () => closes.push('display-1'))
    two.on('close', () => closes.push('display-2'))
    await one.open()
    await two.open()
    port.far.stallWrites = true
    await expect(one.write(bytes('A'))).rejects.toThrow(/timed out/)
    expect(closes).toEqual(['display-1', 'display-2'])
    expect(port.isOpen).toBe(false)
  })

  it("a cancelled open does not hold the port, and does not cancel the others' opens", async () => {
    const { port, shared, handles } = bus()
    const [one, two] = [at(handles, 0), at(handles, 1)]
    const abort = new AbortController()
    abort.abort()
    await expect(one.handle.open(abort.signal)).rejects.toThrow(/cancelled/)
    expect(port.isOpen).toBe(false)
    await two.handle.open()
    expect(shared.openHandles).toBe(1)
    expect(one.handle.isOpen).toBe(false)
  })
})

describe('createLinks', () => {
  const serial = (over: Partial<Extract<LinkConfig, { type: 'serial' }>>): LinkConfig => ({
    type: 'serial',
    baudRate: 9600,
    dataBits: 8,
    stopBits: 1,
    parity: 'none',
    rtscts: false,
    xon: false,
    writeTimeoutMs: 10_000,
    ...over,
  })

  it('gives devices naming the same port handles on one shared port, and the others their own link', () => {
    const links = createLinks([
      { id: 'led-1', link: serial({ path: '/dev/serial/by-id/usb-FTDI_RS485-if00-port0' }) },
      {
        id: 'led-2',
        link: serial({ path: '/dev/serial/by-id/../by-id/usb-FTDI_RS485-if00-port0' }),
      },
      { id: 'led-3', link: serial({ byIdPattern: 'FTDI_RS485_B' }) },
      { id: 'led-4', link: serial({ byIdPattern: 'FTDI_RS485_B' }) },
      { id: 'led-5', link: serial({ vendorId: '0403', productId: '6001', serialNumber: 'A1' }) },
      { id: 'led-6', link: serial({ vendorId: '0403', productId: '6001', serialNumber: 'B2' }) },
      {
        id: 'printer',
        link: {
          type: 'tcp',
          host: '10.0.0.5',
          port: 9100,
          connectTimeoutMs: 5_000,
          keepAliveMs: 10_000,
          writeTimeoutMs: 10_000,
        },
      },
    ])
    const link = (id: string) => {
      const found = links.get(id)
      if (found === undefined) throw new Error(`no link for ${id}`)
      return found
    }
    expect(link('led-1').bus).toBeDefined()
    expect(link('led-1').bus).toBe(link('led-2').bus)
    expect(link('led-3').bus).toBe(link('led-4').bus)
    expect(link('led-3').bus).not.toBe(link('led-1').bus)
    expect(link('led-1').description).toMatch(/usb-FTDI_RS485-if00-port0 @9600 \(shared, led-1\)/)
    // Different serial numbers are different adapters: not shared.
    expect(link('led-5').bus).toBeUndefined()
    expect(link('led-6').bus).toBeUndefined()
    expect(link('printer').kind).toBe('tcp')
    expect(links.size).toBe(7)
  })
})
