import { startBridge } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { DRIVER_FACTORIES } from './devices/index.js'
import { createLogger } from './log.js'

/**
 * `kqms-bridge`: the firmware bridge process, the only place with process-wide side effects.
 * Exit codes (systemd/kqms-bridge.service): 0 stopped by a signal, 2 a required device keeps
 * failing (restart), 78 a bad configuration (do not restart until it is fixed), 1 a crash.
 */
export const EXIT_DEVICE_FAILED = 2
export const EXIT_CONFIG = 78

function main(): void {
  let config
  try {
    config = loadConfig({ factories: DRIVER_FACTORIES })
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kqms-bridge: invalid configuration\n${error.message}\n`)
      process.exitCode = EXIT_CONFIG
      return
    }
    throw error
  }
  const log = createLogger({ level: config.logLevel })
  let stopping = false
  const shutdown = (input: { reason: string; exitCode: number }) => {
    if (stopping) return
    stopping = true
    log.info({ reason: input.reason }, 'shutting down')
    // A hung device must not keep systemd waiting: give up after 10 s.
    const deadline = setTimeout(() => process.exit(input.exitCode), 10_000)
    deadline.unref()
    void bridge.stop().then(
      () => {
        process.exitCode = input.exitCode
        // Links and sockets are closed; leave nothing (a stuck native handle) to hold the exit.
        process.exit(input.exitCode)
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(input.exitCode === 0 ? 1 : input.exitCode)
      },
    )
  }
  let bridge: ReturnType<typeof startBridge>
  try {
    bridge = startBridge({
      config,
      log,
      onFatal: (reason) => shutdown({ reason, exitCode: EXIT_DEVICE_FAILED }),
    })
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`kqms-bridge: invalid configuration\n${error.message}\n`)
      process.exitCode = EXIT_CONFIG
      return
    }
    throw error
  }
  process.on('SIGINT', () => shutdown({ reason: 'SIGINT', exitCode: 0 }))
  process.on('SIGTERM', () => shutdown({ reason: 'SIGTERM', exitCode: 0 }))
}

try {
  main()
} catch (error) {
  process.stderr.write(
    `kqms-bridge failed to start: ${String(error instanceof Error ? (error.stack ?? error.message) : error)}\n`,
  )
  process.exitCode = 1
}
