import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import {
  EPSON_CODE_PAGES,
  runSerialPrinterSimulator,
  runTcpPrinterSimulator,
  XPRINTER_CODE_PAGES,
} from './index.js'
import type { RunningPrinterSimulator } from './index.js'

/**
 * `tsx firmware-bridge/src/simulators/escpos-printer/main.ts --port <path> --out <dir>`
 * (or `--tcp 9100`). Control lines on stdin: `paper out`, `paper ok`, `paper near-end`,
 * `cover open`, `cover closed`, `cutter error`, `cutter ok`, `status`.
 */

const Cli = z
  .object({
    port: z.string().min(1).optional(),
    tcp: z.coerce.number().int().min(0).max(65_535).optional(),
    out: z.string().min(1).default('./printed-tickets'),
    width: z.enum(['80', '58']).default('80'),
    mapping: z.enum(['epson', 'xprinter']).default('epson'),
  })
  .refine((cli) => (cli.port === undefined) !== (cli.tcp === undefined), {
    message: 'give exactly one of --port <serial path> or --tcp <port>',
  })

const USAGE =
  'usage: main.ts (--port <serial path> | --tcp <port>) [--out <dir>] [--width 80|58] [--mapping epson|xprinter]'

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      tcp: { type: 'string' },
      out: { type: 'string' },
      width: { type: 'string' },
      mapping: { type: 'string' },
    },
  })
  const parsed = Cli.safeParse(values)
  if (!parsed.success) {
    console.error(`${parsed.error.issues.map((issue) => issue.message).join('\n')}\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const cli = parsed.data
  const common = {
    outDir: cli.out,
    widthDots: cli.width === '80' ? 576 : 384,
    codePages: cli.mapping === 'epson' ? EPSON_CODE_PAGES : XPRINTER_CODE_PAGES,
  }
  const running: RunningPrinterSimulator =
    cli.port !== undefined
      ? await runSerialPrinterSimulator({ ...common, path: cli.port })
      : await runTcpPrinterSimulator({ ...common, port: cli.tcp })
  const { simulator } = running
  simulator.onTicket((ticket) =>
    console.log(`printed ticket ${ticket.sequence} (${ticket.items.length} items)`),
  )
  console.log(
    `printer simulator ready on ${cli.port ?? `tcp ${'port' in running ? String(running.port) : ''}`}; PNGs in ${cli.out}`,
  )
  const controls: Record<string, () => void> = {
    'paper out': () => simulator.setPaper('out'),
    'paper ok': () => simulator.setPaper('ok'),
    'paper near-end': () => simulator.setPaper('near-end'),
    'cover open': () => simulator.setCoverOpen(true),
    'cover closed': () => simulator.setCoverOpen(false),
    'cutter error': () => simulator.setCutterError(true),
    'cutter ok': () => simulator.setCutterError(false),
    status: () => undefined,
  }
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    const control = controls[line.trim().toLowerCase()]
    if (!control) {
      console.error(`unknown control "${line.trim()}"; one of: ${Object.keys(controls).join(', ')}`)
      return
    }
    control()
    console.log(
      `status: printing ${simulator.canPrint ? 'possible' : 'blocked'}, ${simulator.tickets.length} printed, ${simulator.droppedJobs} dropped`,
    )
  })
  const stop = () => {
    lines.close()
    void running.stop()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  lines.once('close', () => void running.stop())
}

await main()
