import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, configPathFrom, loadConfig, parseBridgeConfig } from '../src/config.js'
import { DRIVER_FACTORIES } from '../src/devices/index.js'
import { lineDisplayDriver } from './line-display-driver.js'

/** The configuration file: every bad entry is named with its path and a message to act on. */

const dir = mkdtempSync(path.join(tmpdir(), 'kqms-bridge-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const passwordFile = path.join(dir, 'password')
writeFileSync(passwordFile, 'bridge-secret-from-file\n')

const valid = () => ({
  branchId: 'almaty-demo',
  mqtt: { url: 'mqtt://127.0.0.1:1883', username: 'bridge-1', passwordFile },
  stateDir: path.join(dir, 'state'),
  devices: [
    {
      id: 'led-c2',
      kind: 'counter-display',
      link: {
        type: 'serial',
        path: '/dev/serial/by-id/usb-FTDI_FT232R_A50285BI-if00-port0',
        baudRate: 9600,
      },
      options: { columns: 8 },
    },
  ],
})

const factories = [lineDisplayDriver]
const parse = (raw: unknown) => parseBridgeConfig(raw, { factories })
const problems = (raw: unknown): { path: string; message: string }[] => {
  try {
    parse(raw)
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues]
    throw error
  }
  throw new Error('expected a ConfigError')
}

type Mutation = (config: ReturnType<typeof valid>) => unknown
const device = (c: ReturnType<typeof valid>) => c.devices[0] as Record<string, unknown>

const CASES: [string, Mutation, string, RegExp][] = [
  [
    'a bare /dev/ttyUSB0',
    (c) => ((device(c)['link'] as Record<string, unknown>)['path'] = '/dev/ttyUSB0'),
    'devices[0].link.path',
    /numbered by plug order.*\/dev\/serial\/by-id/,
  ],
  [
    'a bare /dev/ttyACM1',
    (c) => ((device(c)['link'] as Record<string, unknown>)['path'] = '/dev/ttyACM1'),
    'devices[0].link.path',
    /\/dev\/ttyACM1 is numbered by plug order/,
  ],
  [
    'a relative path',
    (c) => ((device(c)['link'] as Record<string, unknown>)['path'] = 'tty0'),
    'devices[0].link.path',
    /absolute path/,
  ],
  [
    'two locators',
    (c) => Object.assign(device(c)['link'] as object, { vendorId: '0403', productId: '6001' }),
    'devices[0].link',
    /exactly one of path, byIdPattern or vendorId\+productId/,
  ],
  [
    'a vendorId without productId',
    (c) => (device(c)['link'] = { type: 'serial', vendorId: '0403' }),
    'devices[0].link',
    /vendorId and productId go together/,
  ],
  [
    'a bad USB id',
    (c) => (device(c)['link'] = { type: 'hid', vendorId: 'xyz', productId: '0001' }),
    'devices[0].link.vendorId',
    /USB id: 4 hex digits/,
  ],
  [
    'a bad byId pattern',
    (c) => (device(c)['link'] = { type: 'serial', byIdPattern: 'usb-(' }),
    'devices[0].link.byIdPattern',
    /valid regular expression/,
  ],
  [
    'an odd baud rate',
    (c) => ((device(c)['link'] as Record<string, unknown>)['baudRate'] = 12345),
    'devices[0].link.baudRate',
    /standard baud rate/,
  ],
  [
    'a bad TCP port',
    (c) => (device(c)['link'] = { type: 'tcp', host: '10.0.0.5', port: 70000 }),
    'devices[0].link.port',
    /TCP port number/,
  ],
  [
    'a bad host',
    (c) => (device(c)['link'] = { type: 'tcp', host: 'printer one' }),
    'devices[0].link.host',
    /host name or an IP address/,
  ],
  [
    'an unknown link type',
    (c) => (device(c)['link'] = { type: 'bluetooth' }),
    'devices[0].link.type',
    /link.type must be one of serial, usb-lp, tcp, hid, fake/,
  ],
  [
    'an unknown link option',
    (c) => ((device(c)['link'] as Record<string, unknown>)['speed'] = 9600),
    'devices[0].link',
    /speed/,
  ],
  [
    'an unknown kind',
    (c) => (device(c)['kind'] = 'coffee-machine'),
    'devices[0].kind',
    /unknown device kind "coffee-machine"; known: counter-display/,
  ],
  [
    'bad driver options',
    (c) => (device(c)['options'] = { columns: 0 }),
    'devices[0].options.columns',
    /.+/,
  ],
  [
    'an unknown driver option',
    (c) => (device(c)['options'] = { colour: 'red' }),
    'devices[0].options',
    /colour/,
  ],
  [
    'a bad device id',
    (c) => (device(c)['id'] = 'LED C2'),
    'devices[0].id',
    /lower-case letters, digits or "-"/,
  ],
  [
    'a duplicate device id',
    (c) => c.devices.push({ ...c.devices[0]! }),
    'devices[1].id',
    /duplicate device id "led-c2" \(also devices\[0\]\)/,
  ],
  [
    'the bridge id as a device id',
    (c) => (device(c)['id'] = 'bridge-1'),
    'devices[0].id',
    /the bridge's own id/,
  ],
  ['no devices', (c) => (c.devices = []), 'devices', /at least one device/],
  [
    'a password and a password file',
    (c) => Object.assign(c.mqtt, { password: 'x' }),
    'mqtt',
    /exactly one of password or passwordFile/,
  ],
  [
    'a missing password file',
    (c) => (c.mqtt.passwordFile = path.join(dir, 'missing')),
    'mqtt.passwordFile',
    /cannot read .*missing \(ENOENT\)/,
  ],
  ['a bad MQTT URL', (c) => (c.mqtt.url = 'http://x'), 'mqtt.url', /MQTT URL/],
  ['a bad branch id', (c) => (c.branchId = 'Almaty Demo'), 'branchId', /.+/],
  ['a relative state folder', (c) => (c.stateDir = 'state'), 'stateDir', /absolute path/],
  [
    'a secret file that is missing',
    (c) => Object.assign(c, { secrets: { cardKey: { file: path.join(dir, 'nokey') } } }),
    'secrets.cardKey.file',
    /cannot read .*nokey \(ENOENT\)/,
  ],
  ['an unknown top-level key', (c) => Object.assign(c, { devicez: [] }), '', /devicez/],
]

describe('parseBridgeConfig', () => {
  it('accepts a valid file: password read from its file, defaults filled in, options parsed', () => {
    const config = parse(valid())
    expect(config.bridgeId).toBe('bridge-1')
    expect(config.mqtt.password).toBe('bridge-secret-from-file')
    expect(config.mqtt.keepaliveSeconds).toBe(30)
    expect(config.supervisor.availabilityDebounceSeconds).toBe(5)
    expect(config.devices[0]).toMatchObject({
      id: 'led-c2',
      required: false,
      options: { columns: 8, replyTimeoutMs: 500 },
      link: { type: 'serial', dataBits: 8, parity: 'none', writeTimeoutMs: 10_000 },
    })
  })

  it('accepts every link type, USB ids in any spelling, and PTY paths outside /dev', () => {
    const links = [
      { type: 'serial', path: path.join(dir, 'ttyV0') },
      { type: 'serial', byIdPattern: '^usb-Prolific.*-port0$' },
      { type: 'serial', vendorId: '0x0403', productId: 6001, serialNumber: 'A50285BI' },
      { type: 'usb-lp', path: '/dev/usb/lp0' },
      { type: 'usb-lp', vendorId: '04b8', productId: '0202' },
      { type: 'tcp', host: '10.1.2.3' },
      { type: 'hid', vendorId: 2049, productId: '0x0001' },
      { type: 'fake' },
    ]
    const config = parse({
      ...valid(),
      devices: links.map((link, i) => ({ id: `dev-${i}`, kind: 'counter-display', link })),
    })
    expect(config.devices.map((d) => d.link)).toMatchObject([
      { path: path.join(dir, 'ttyV0') },
      { byIdPattern: '^usb-Prolific.*-port0$' },
      { vendorId: '0403', productId: '1771', serialNumber: 'A50285BI' },
      { path: '/dev/usb/lp0' },
      { vendorId: '04b8', productId: '0202' },
      { host: '10.1.2.3', port: 9100 },
      { vendorId: '0801', productId: '0001' },
      { type: 'fake' },
    ])
  })

  it.each(CASES)('refuses %s with a clear message at its path', (...[, mutate, at, message]) => {
    const config = valid()
    mutate(config)
    const found = problems(config)
    expect(found, JSON.stringify(found)).toContainEqual({
      path: at,
      message: expect.stringMatching(message),
    })
  })

  it('reports every problem of a file at once, each on its own line', () => {
    const config = valid()
    config.branchId = 'Bad Branch'
    config.devices.push(
      {
        id: 'led-c2',
        kind: 'nope',
        link: { type: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 },
        options: { columns: 8 },
      },
      {
        id: 'printer-1',
        kind: 'counter-display',
        link: { type: 'tcp', host: 'x', port: 0 } as never,
        options: { columns: 99 },
      },
    )
    let error: unknown
    try {
      parse(config)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    const issues = (error as ConfigError).issues.map((i) => i.path)
    expect(issues).toEqual(
      expect.arrayContaining([
        'branchId',
        'devices[1].id',
        'devices[1].kind',
        'devices[1].link.path',
        'devices[2].link.port',
        'devices[2].options.columns',
      ]),
    )
    const lines = (error as ConfigError).message.split('\n')
    expect(lines[0]).toMatch(/problems$/)
    expect(lines.length).toBe(issues.length + 1)
  })
})

describe('systemd/bridge.example.json', () => {
  it('is a valid configuration for the drivers this build has (the example cannot rot)', () => {
    const example = JSON.parse(
      readFileSync(new URL('../systemd/bridge.example.json', import.meta.url), 'utf8'),
    ) as unknown
    const files: string[] = []
    const config = parseBridgeConfig(example, {
      factories: DRIVER_FACTORIES,
      readFile: (file) => {
        files.push(file)
        return 'from-a-systemd-credential'
      },
    })
    expect(config.devices.map((d) => `${d.id}:${d.kind}:${d.link.type}`)).toEqual([
      'printer-1:printer:usb-lp',
      'card-reader-1:card-reader:hid',
      'led-c1:counter-display:serial', // two displays on one RS-485 adapter
      'led-c2:counter-display:serial',
      'buttons-c2:button-panel:serial',
    ])
    expect(files.every((f) => f.startsWith('/run/credentials/kqms-bridge.service/'))).toBe(true)
    expect(config.mqtt.password).toBe('from-a-systemd-credential')
  })
})

describe('loadConfig', () => {
  it('reads --config, --config=, or KQMS_BRIDGE_CONFIG, in that order', () => {
    expect(configPathFrom(['--config', '/a.json'], { KQMS_BRIDGE_CONFIG: '/b.json' })).toBe(
      '/a.json',
    )
    expect(configPathFrom(['--config=/c.json'], {})).toBe('/c.json')
    expect(configPathFrom([], { KQMS_BRIDGE_CONFIG: '/b.json' })).toBe('/b.json')
    expect(configPathFrom([], {})).toBeNull()
  })

  it('explains a missing file, malformed JSON and a missing --config', () => {
    const bad = path.join(dir, 'bad.json')
    writeFileSync(bad, '{ "branchId": ')
    const message = (argv: string[]) => {
      try {
        loadConfig({ factories, argv, env: {} })
      } catch (error) {
        return (error as Error).message
      }
      return ''
    }
    expect(message([])).toMatch(/pass --config <file> or set KQMS_BRIDGE_CONFIG/)
    expect(message(['--config', path.join(dir, 'none.json')])).toMatch(
      /cannot read the file \(ENOENT\)/,
    )
    expect(message(['--config', bad])).toMatch(/not valid JSON/)
    const good = path.join(dir, 'good.json')
    writeFileSync(good, JSON.stringify(valid()))
    expect(loadConfig({ factories, argv: ['--config', good], env: {} }).devices).toHaveLength(1)
  })
})
