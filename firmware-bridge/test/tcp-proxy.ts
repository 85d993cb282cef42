import { createServer, Socket, type AddressInfo } from 'node:net'

/**
 * A TCP proxy in front of the broker that a test can cut: `cut()` kills every connection without
 * a DISCONNECT (the broker then publishes the Will) and refuses new ones until `restore()`.
 */
export interface TcpProxy extends AsyncDisposable {
  readonly port: number
  readonly connections: number
  cut(): void
  restore(): void
  /** Every byte that crossed the proxy, both directions (when started with `record: true`). */
  recorded(): Buffer
  stop(): Promise<void>
}

export async function startTcpProxy(
  target: { host: string; port: number },
  options: { record?: boolean } = {},
): Promise<TcpProxy> {
  const chunks: Buffer[] = []
  const record = (chunk: Buffer) => {
    if (options.record === true) chunks.push(chunk)
  }
  const pairs = new Set<[Socket, Socket]>()
  let down = false
  let connections = 0
  const server = createServer((client) => {
    if (down) {
      client.destroy()
      return
    }
    connections++
    const upstream = new Socket()
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    const drop = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop)
    upstream.on('error', drop)
    client.on('close', drop)
    upstream.on('close', drop)
    upstream.connect(target.port, target.host, () => {
      client.on('data', record)
      upstream.on('data', record)
      client.pipe(upstream)
      upstream.pipe(client)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const cut = () => {
    down = true
    for (const [client, upstream] of pairs) {
      client.destroy()
      upstream.destroy()
    }
    pairs.clear()
  }
  const stop = async () => {
    cut()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return {
    port,
    recorded: () => Buffer.concat(chunks),
    get connections() {
      return connections
    },
    cut,
    restore() {
      down = false
    },
    stop,
    [Symbol.asyncDispose]: stop,
  }
}
