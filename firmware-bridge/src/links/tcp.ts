import { Socket } from 'node:net'
import { LinkBase, throwIfAborted } from './base.js'
import type { LinkKind } from './link.js'

export interface TcpLinkOptions {
  readonly host: string
  /** 9100: raw printing (JetDirect) on network ticket printers. */
  readonly port: number
  readonly connectTimeoutMs: number
  /** TCP keep-alive probes: a printer switched off is noticed without a write. */
  readonly keepAliveMs: number
  readonly writeTimeoutMs?: number
}

/** A network device on a raw TCP port (ESC/POS printers on 9100). */
export class TcpLink extends LinkBase {
  readonly kind: LinkKind = 'tcp'
  readonly description: string
  readonly #options: TcpLinkOptions
  #socket: Socket | null = null

  constructor(options: TcpLinkOptions) {
    super(options.writeTimeoutMs)
    this.#options = options
    this.description = `tcp ${options.host}:${options.port}`
  }

  get isOpen(): boolean {
    return this.#socket !== null && !this.#socket.destroyed
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.#socket !== null) await this.close()
    throwIfAborted(signal, this.description)
    const { host, port, connectTimeoutMs, keepAliveMs } = this.#options
    const socket = new Socket()
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        cleanup()
        socket.destroy()
        reject(new Error(`cannot connect to ${host}:${port}: ${error.message}`, { cause: error }))
      }
      const timer = setTimeout(
        () => fail(new Error(`no answer within ${connectTimeoutMs} ms`)),
        connectTimeoutMs,
      )
      const onAbort = () => fail(new Error('cancelled'))
      const cleanup = () => {
        clearTimeout(timer)
        socket.off('error', fail)
        signal?.removeEventListener('abort', onAbort)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      socket.once('error', fail)
      socket.connect({ host, port }, () => {
        cleanup()
        resolve()
      })
    })
    socket.setKeepAlive(true, keepAliveMs)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      if (this.#socket === socket) this.emitData(new Uint8Array(chunk))
    })
    let lastError: Error | null = null
    socket.on('error', (error) => {
      lastError = error
    })
    socket.on('close', () => {
      if (this.#socket !== socket) return
      this.#socket = null
      this.emitClose({ disconnected: true, message: lastError?.message ?? 'connection closed' })
    })
    this.#socket = socket
  }

  close(): Promise<void> {
    const socket = this.#socket
    this.#socket = null
    socket?.destroy()
    return Promise.resolve()
  }

  protected writeNow(data: Uint8Array): Promise<void> {
    const socket = this.#socket
    if (socket === null) return Promise.reject(new Error(`${this.description} is not open`))
    return new Promise<void>((resolve, reject) => {
      socket.write(data, (error) => (error ? reject(error) : resolve()))
    })
  }
}
