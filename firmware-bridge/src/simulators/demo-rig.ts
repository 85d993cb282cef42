import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  runSerialButtonPanelSimulator,
  type SerialButtonPanelSimulator,
} from './button-panel/index.js'
import { runSerialCardSwipeSimulator, type SerialCardSwipeSimulator } from './card-swipe/index.js'
import {
  runSerialCounterDisplaySimulator,
  type SerialCounterDisplaySimulator,
} from './counter-display/index.js'
import {
  EPSON_CODE_PAGES,
  runSerialPrinterSimulator,
  type RunningPrinterSimulator,
} from './escpos-printer/index.js'
import { startPtyPair, type PtyPair } from './pty-pair.js'

/**
 * The demo branch's hardware, simulated: the devices firmware bridge `bridge-1` drives in the
 * demo (`edge/src/demo-devices.ts`) each sit behind a socat PTY pair, with a simulator on the far
 * end — an Epson-class ESC/POS printer at kiosk-1 that renders every ticket to a PNG, a card reader
 * at kiosk-1, the LED display (RS-485 address 2) and the call-button panel of counter 2. The
 * bridge runs as a real process against the near ends with the configuration written here.
 */

export interface DemoRigOptions {
  /** Folder for the PTY links and the bridge's configuration and state. */
  readonly dir: string
  /** Where printed tickets appear as PNG files. */
  readonly printedDir: string
  readonly branchId: string
  /** The appliance's broker, e.g. `mqtt://127.0.0.1:1883`. */
  readonly mqttUrl: string
  /** bridge-1's MQTT password (its enrolment secret). */
  readonly bridgePassword: string
  /** The card token HMAC key (hex, at least 32 bytes). */
  readonly cardTokenKey: string
}

export interface DemoRig extends AsyncDisposable {
  /** The bridge configuration file to start `kqms-bridge --config` with. */
  readonly bridgeConfigPath: string
  readonly printer: RunningPrinterSimulator
  readonly display: SerialCounterDisplaySimulator
  readonly cardReader: SerialCardSwipeSimulator
  readonly buttons: SerialButtonPanelSimulator
  stop(): Promise<void>
}

const LED_ADDRESS = 2
const CARD_KEY_ID = 'demo-card-key'

export async function startDemoRig(options: DemoRigOptions): Promise<DemoRig> {
  const ptyDir = path.join(options.dir, 'pty')
  mkdirSync(ptyDir, { recursive: true })
  mkdirSync(options.printedDir, { recursive: true })
  const pairs: PtyPair[] = []
  const stops: (() => Promise<void>)[] = []
  const pair = async (name: string): Promise<PtyPair> => {
    const created = await startPtyPair({ dir: ptyDir, names: [`${name}`, `${name}-device`] })
    pairs.push(created)
    return created
  }
  try {
    const printerPty = await pair('printer-1')
    const printer = await runSerialPrinterSimulator({
      path: printerPty.deviceEnd,
      outDir: options.printedDir,
      codePages: EPSON_CODE_PAGES,
      widthDots: 576,
    })
    stops.push(() => printer.stop())
    const displayPty = await pair('led-c2')
    const display = await runSerialCounterDisplaySimulator({
      path: displayPty.deviceEnd,
      addresses: [LED_ADDRESS],
    })
    stops.push(() => display.stop())
    const cardPty = await pair('card-reader-1')
    const cardReader = await runSerialCardSwipeSimulator({ path: cardPty.deviceEnd })
    stops.push(() => cardReader.stop())
    const buttonsPty = await pair('buttons-c2')
    const buttons = await runSerialButtonPanelSimulator({ path: buttonsPty.deviceEnd })
    stops.push(() => buttons.stop())

    const serial = (end: string, baudRate: number) => ({ type: 'serial', path: end, baudRate })
    const config = {
      branchId: options.branchId,
      mqtt: { url: options.mqttUrl, username: 'bridge-1', password: options.bridgePassword },
      stateDir: path.join(options.dir, 'bridge-state'),
      logLevel: 'info',
      secrets: { [CARD_KEY_ID]: options.cardTokenKey },
      devices: [
        {
          id: 'printer-1',
          kind: 'printer',
          link: serial(printerPty.bridgeEnd, 115_200),
          options: { profile: 'epson-tm-t20', rollLengthMm: 80_000 },
        },
        {
          id: 'card-reader-1',
          kind: 'card-reader',
          link: serial(cardPty.bridgeEnd, 9600),
          options: { tokenKeyId: CARD_KEY_ID, input: 'serial' },
        },
        {
          id: 'led-c2',
          kind: 'counter-display',
          link: serial(displayPty.bridgeEnd, 9600),
          options: { address: LED_ADDRESS },
        },
        {
          id: 'buttons-c2',
          kind: 'button-panel',
          link: serial(buttonsPty.bridgeEnd, 9600),
          options: {},
        },
      ],
    }
    const bridgeConfigPath = path.join(options.dir, 'bridge.json')
    writeFileSync(bridgeConfigPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })

    const stop = async (): Promise<void> => {
      for (const s of stops.reverse()) await s().catch(() => undefined)
      for (const p of pairs) await p.stop()
    }
    return {
      bridgeConfigPath,
      printer,
      display,
      cardReader,
      buttons,
      stop,
      [Symbol.asyncDispose]: stop,
    }
  } catch (error) {
    for (const s of stops.reverse()) await s().catch(() => undefined)
    for (const p of pairs) await p.stop()
    throw error
  }
}
