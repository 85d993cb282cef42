/**
 * The demo branch's simulated hardware for `pnpm start`: socat PTY pairs with an ESC/POS printer,
 * a card reader, an LED counter display and a call-button panel on the far ends, and the
 * configuration of firmware bridge `bridge-1` for the near ends (firmware-bridge/src/simulators/
 * demo-rig.ts). Printed tickets appear as PNG files under `.data/printed/`.
 *
 * A small control server on 127.0.0.1 (DEMO_CONTROL_PORT, default 8090) flips the hardware, e.g.
 *   curl -X POST localhost:8090/printer/paper/out     (…/ok, …/near-end; /printer/cover/open|closed)
 *   curl -X POST localhost:8090/card/swipe            (a synthetic test card, never a real one)
 *   curl -X POST localhost:8090/buttons/next          (…/recall, /start, /pause, /resume at counter 2)
 * Prints `devices ready: <bridge config>` once the simulators listen.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:http'
import path from 'node:path'
import { z } from 'zod'
import { demoDeviceSecret } from '../edge/src/demo-devices.js'
import { startDemoRig } from '../firmware-bridge/src/simulators/demo-rig.js'

const Env = z.object({
  KQMS_DATA_DIR: z.string().min(1).default('.data'),
  EDGE_BRANCH_ID: z.string().min(1).default('almaty-demo'),
  EDGE_MQTT_PORT: z.coerce.number().int().min(1).max(65_535).default(1883),
  DEMO_CONTROL_PORT: z.coerce.number().int().min(0).max(65_535).default(8090),
})
const env = Env.parse(process.env)
const dataDir = path.resolve(env.KQMS_DATA_DIR)
const demoDir = path.join(dataDir, 'demo')
mkdirSync(demoDir, { recursive: true })

// A card token key of this installation, made once (a real bridge gets a managed key).
const keyFile = path.join(demoDir, 'card-token-key')
if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 })

const rig = await startDemoRig({
  dir: demoDir,
  printedDir: path.join(dataDir, 'printed'),
  branchId: env.EDGE_BRANCH_ID,
  mqttUrl: `mqtt://127.0.0.1:${env.EDGE_MQTT_PORT}`,
  bridgePassword: demoDeviceSecret(env.EDGE_BRANCH_ID, 'bridge-1'),
  cardTokenKey: readFileSync(keyFile, 'utf8').trim(),
})
rig.printer.simulator.onTicket((ticket) => {
  const file = rig.printer.pngFiles.at(-1)
  process.stdout.write(`printed ticket #${ticket.sequence}${file ? ` → ${file}` : ''}\n`)
})

/** Well-known test card numbers (Luhn-valid, issued to nobody). */
const TEST_CARD = '4111111111111111'

const Action = z.union([
  z.tuple([z.literal('printer'), z.literal('paper'), z.enum(['ok', 'near-end', 'out'])]),
  z.tuple([z.literal('printer'), z.literal('cover'), z.enum(['open', 'closed'])]),
  z.tuple([z.literal('card'), z.literal('swipe')]),
  z.tuple([z.literal('buttons'), z.enum(['next', 'recall', 'start', 'pause', 'resume'])]),
])

const HELP = [
  'POST /printer/paper/{ok|near-end|out}',
  'POST /printer/cover/{open|closed}',
  'POST /card/swipe',
  'POST /buttons/{next|recall|start|pause|resume}',
].join('\n')

const control = createServer((request, response) => {
  const reply = (status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
    response.end(`${body}\n`)
  }
  const parts = (request.url ?? '/').split('?')[0]?.split('/').filter(Boolean) ?? []
  const action = Action.safeParse(parts)
  if (request.method !== 'POST' || !action.success) return reply(404, HELP)
  const run = async (): Promise<string> => {
    const [device, what, value] = action.data
    if (device === 'printer' && what === 'paper') rig.printer.simulator.setPaper(value)
    else if (device === 'printer' && what === 'cover')
      rig.printer.simulator.setCoverOpen(value === 'open')
    else if (device === 'card') await rig.cardReader.reader.swipe(TEST_CARD)
    else if (device === 'buttons') await rig.buttons.panel.press(what)
    return `ok: ${parts.join(' ')}`
  }
  run().then(
    (text) => reply(200, text),
    (error: unknown) => reply(409, `failed: ${(error as Error).message}`),
  )
})
control.listen(env.DEMO_CONTROL_PORT, '127.0.0.1', () => {
  const address = control.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  process.stdout.write(`control: http://127.0.0.1:${port}\n`)
  process.stdout.write(`devices ready: ${rig.bridgeConfigPath}\n`)
})

let stopping = false
const stop = (): void => {
  if (stopping) return
  stopping = true
  control.close()
  void rig.stop().finally(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
