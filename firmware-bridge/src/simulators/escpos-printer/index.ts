import { createServer } from 'node:net'
import type { Socket } from 'node:net'
import { SerialPort } from 'serialport'
import { writeTicketPng } from './render.js'
import { EscPosPrinterSimulator } from './simulator.js'
import type { EscPosPrinterSimulatorOptions, TicketRecord } from './simulator.js'

/** The ESC/POS printer simulator on a real serial port (a socat PTY end) or a TCP port (9100). */

export { EscPosPrinterSimulator, EPSON_CODE_PAGES, XPRINTER_CODE_PAGES } from './simulator.js'
export type { PrintedItem, PrintedText, SimulatedPaper, TicketRecord } from './simulator.js'
export { renderTicketPng, writeTicketPng } from './render.js'

export interface RunningPrinterSimulator {
  readonly simulator: EscPosPrinterSimulator
  /** PNG files written so far, in print order. */
  readonly pngFiles: readonly string[]
  /** Resolves once `count` tickets are printed and their PNGs written. */
  waitForTickets(count: number, timeoutMs?: number): Promise<readonly TicketRecord[]>
  stop(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

export interface SimulatorRunOptions {
  /** Folder for `ticket-0001.png`…; none: no PNGs. */
  readonly outDir?: string
  readonly widthDots?: number
  readonly codePages?: EscPosPrinterSimulatorOptions['codePages']
}

interface Output {
  readonly pngFiles: string[]
  readonly waitForTickets: (count: number, timeoutMs?: number) => Promise<readonly TicketRecord[]>
  readonly flush: () => Promise<void>
}

function attachOutput(simulator: EscPosPrinterSimulator, options: SimulatorRunOptions): Output {
  const pngFiles: string[] = []
  let writes: Promise<unknown> = Promise.resolve()
  const waiters = new Set<() => void>()
  simulator.onTicket((ticket) => {
    const { outDir } = options
    if (outDir) {
      writes = writes.then(async () => {
        pngFiles.push(await writeTicketPng({ ticket, widthDots: simulator.widthDots, outDir }))
      })
    }
    void writes.then(() => {
      for (const waiter of waiters) waiter()
    })
  })
  return {
    pngFiles,
    flush: async () => {
      await writes
    },
    waitForTickets: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (
            simulator.tickets.length >= count &&
            pngFiles.length >= (options.outDir ? count : 0)
          ) {
            clearTimeout(timer)
            waiters.delete(check)
            resolve(simulator.tickets)
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(
              `The printer simulator printed ${simulator.tickets.length} of ${count} tickets in ${timeoutMs} ms`,
            ),
          )
        }, timeoutMs)
        waiters.add(check)
        check()
      }),
  }
}

/** Opens `path` with the real serial binding and wires the simulator to it. */
export async function runSerialPrinterSimulator(
  options: SimulatorRunOptions & { readonly path: string; readonly baudRate?: number },
): Promise<RunningPrinterSimulator> {
  const port = new SerialPort({
    path: options.path,
    baudRate: options.baudRate ?? 115_200,
    autoOpen: false,
  })
  await new Promise<void>((resolve, reject) =>
    port.open((error) => (error ? reject(error) : resolve())),
  )
  const simulator = new EscPosPrinterSimulator({
    send: (bytes) => port.write(Buffer.from(bytes)),
    widthDots: options.widthDots,
    codePages: options.codePages,
  })
  port.on('data', (chunk: Buffer) => simulator.receive(new Uint8Array(chunk)))
  const output = attachOutput(simulator, options)
  const stop = async () => {
    await output.flush()
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()))
  }
  return {
    simulator,
    pngFiles: output.pngFiles,
    waitForTickets: output.waitForTickets,
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

/** Listens like a network printer (port 9100; 0 picks a free port) and prints what clients send. */
export async function runTcpPrinterSimulator(
  options: SimulatorRunOptions & { readonly port?: number; readonly host?: string },
): Promise<RunningPrinterSimulator & { readonly port: number }> {
  const sockets = new Set<Socket>()
  const simulator = new EscPosPrinterSimulator({
    // Status goes to every connected host (usually one).
    send: (bytes) => {
      for (const socket of sockets) socket.write(bytes)
    },
    widthDots: options.widthDots,
    codePages: options.codePages,
  })
  const server = createServer((socket) => {
    socket.setNoDelay(true)
    sockets.add(socket)
    socket.on('data', (chunk) => simulator.receive(new Uint8Array(chunk)))
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 9100, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const output = attachOutput(simulator, options)
  const stop = async () => {
    await output.flush()
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return {
    simulator,
    port,
    pngFiles: output.pngFiles,
    waitForTickets: output.waitForTickets,
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
