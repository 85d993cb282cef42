import { z } from 'zod'
import type { DeviceDriver, DriverContext, DriverFactory } from '../src/devices/driver.js'

/**
 * A small driver of the bridge's own tests (the real drivers live in src/devices/<kind>/): a line
 * protocol `INIT` → `READY`, `PING` → `PONG`, `SHOW <text>`; from the device `KEY <key>` (a button
 * event) and `STATUS <text>` (a state change). It exercises the runtime (links, supervisor, MQTT) without a real device kind.
 */
export const LineDisplayOptions = z.strictObject({
  columns: z.number().int().min(1).max(64).default(16),
  replyTimeoutMs: z.number().int().positive().default(500),
})
export type LineDisplayOptions = z.infer<typeof LineDisplayOptions>

export function createLineDisplayDriver(
  options: LineDisplayOptions,
  kind: 'counter-display' | 'printer' = 'counter-display',
): DeviceDriver & {
  readonly executed: string[]
} {
  let context: DriverContext | null = null
  let buffer = ''
  const waiters: { line: string; resolve: () => void; reject: (error: Error) => void }[] = []
  const executed: string[] = []

  const send = (line: string) => {
    if (context === null) return Promise.reject(new Error('not attached'))
    return context.link.write(new TextEncoder().encode(`${line}\n`))
  }
  const expectLine = (line: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const ctx = context
      if (ctx === null) return reject(new Error('not attached'))
      const waiter = {
        line,
        resolve: () => {
          timer.cancel()
          resolve()
        },
        reject,
      }
      const timer = ctx.clock.setTimeout(() => {
        const index = waiters.indexOf(waiter)
        if (index >= 0) waiters.splice(index, 1)
        reject(new Error(`no ${line} within ${options.replyTimeoutMs} ms`))
      }, options.replyTimeoutMs)
      waiters.push(waiter)
    })
  const show = async (text: string) => {
    const shown = text.slice(0, options.columns)
    await send(`SHOW ${shown}`)
    context?.reportState({ kind: 'counter-display', shown: { text: shown, blink: false } })
  }

  return {
    kind,
    model: 'line-display',
    capabilities: ['display.text'],
    executed,
    async init(ctx) {
      context = ctx
      buffer = ''
      const ready = expectLine('READY')
      await send('INIT')
      await ready
      ctx.reportState({ kind: 'counter-display', online: true })
    },
    onData(chunk) {
      buffer += new TextDecoder().decode(chunk)
      let newline = buffer.indexOf('\n')
      while (newline >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        newline = buffer.indexOf('\n')
        if (line.startsWith('STATUS ')) {
          context?.reportState({ status: line.slice(7) })
          continue
        }
        if (line.startsWith('KEY ')) {
          context?.emitEvent('button', { key: line.slice(4) })
          continue
        }
        const index = waiters.findIndex((w) => w.line === line)
        if (index >= 0) waiters.splice(index, 1)[0]?.resolve()
      }
    },
    async applyDesired(desired) {
      const text = typeof desired['text'] === 'string' ? desired['text'] : ''
      await show(text)
    },
    async execute(command) {
      executed.push(command.id)
      if (command.name === 'show') {
        const args = z.object({ text: z.string() }).safeParse(command.args)
        if (!args.success)
          return { ok: false, error: { code: 'INVALID_COMMAND', message: 'args.text missing' } }
        await show(args.data.text)
        return { ok: true, data: { shown: args.data.text } }
      }
      if (command.name === 'print') {
        await send(`PRINT ${command.id}`)
        return { ok: true, data: { printed: command.id } }
      }
      return { ok: false, error: { code: 'UNKNOWN_COMMAND', message: `no ${command.name}` } }
    },
    async healthCheck() {
      const pong = expectLine('PONG')
      await send('PING')
      try {
        await pong
        return 'ok'
      } catch {
        return 'offline'
      }
    },
    detach() {
      context = null
      for (const waiter of waiters.splice(0)) waiter.reject(new Error('link closed'))
    },
  }
}

export const lineDisplayDriver: DriverFactory<LineDisplayOptions> = {
  kind: 'counter-display',
  optionsSchema: LineDisplayOptions,
  create: (options) => createLineDisplayDriver(options),
}

/** The same line protocol posing as a printer (`PRINT <job id>` per job). */
export const linePrinterDriver: DriverFactory<LineDisplayOptions> = {
  kind: 'printer',
  optionsSchema: LineDisplayOptions,
  create: (options) => createLineDisplayDriver(options, 'printer'),
}

/** The device side of the line protocol over a fake link's far end (answers INIT and PING). */
export function answerLines(
  far: { onWrite(listener: (chunk: Uint8Array) => void): void; send(chunk: string): void },
  behaviour: { ready: boolean; pong: boolean } = { ready: true, pong: true },
): { ready: boolean; pong: boolean; lines: string[] } {
  const state = { ...behaviour, lines: [] as string[] }
  far.onWrite((chunk) => {
    for (const line of new TextDecoder().decode(chunk).split('\n').filter(Boolean)) {
      state.lines.push(line)
      if (line === 'INIT' && state.ready) queueMicrotask(() => far.send('READY\n'))
      if (line === 'PING' && state.pong) queueMicrotask(() => far.send('PONG\n'))
    }
  })
  return state
}
