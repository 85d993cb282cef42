import { SerialPort } from 'serialport'

/** One end of a serial line for a simulator (a PTY end in tests, a USB adapter on a bench). */
export interface SimulatorPort {
  write(bytes: Uint8Array): Promise<void>
  onData(listener: (chunk: Uint8Array) => void): void
  close(): Promise<void>
}

export interface SimulatorPortOptions {
  readonly path: string
  readonly baudRate?: number
}

/** Opens `path` with the real serialport binding; rejects with what to check. */
export async function openSimulatorPort(options: SimulatorPortOptions): Promise<SimulatorPort> {
  const port = new SerialPort({
    path: options.path,
    baudRate: options.baudRate ?? 9600,
    autoOpen: false,
  })
  await new Promise<void>((resolve, reject) => {
    port.open((error) => {
      if (error)
        reject(
          new Error(`Cannot open ${options.path} for the simulator: ${error.message}`, {
            cause: error,
          }),
        )
      else resolve()
    })
  })
  // A simulator outlives the bridge end in tests (unplug): a write error is not a crash.
  port.on('error', () => undefined)
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => {
          if (error) {
            reject(error)
            return
          }
          port.drain((drainError) => {
            if (drainError) reject(drainError)
            else resolve()
          })
        })
      }),
    onData(listener) {
      port.on('data', (chunk: Buffer) => {
        listener(new Uint8Array(chunk))
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          resolve()
          return
        }
        port.close(() => {
          resolve()
        })
      }),
  }
}
