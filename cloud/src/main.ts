import { startCloud } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { createLogger } from './log.js'

/** `kqms-cloud`: the bank's central service. The only place with process-wide side effects. */
async function main(): Promise<void> {
  let config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`)
      process.exitCode = 2
      return
    }
    throw error
  }
  const log = createLogger({ level: config.logLevel })
  const cloud = await startCloud({ config, log })
  const host =
    config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host
  process.stdout.write(`cloud listening on http://${host}:${cloud.port}\n`)
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    void cloud.stop().then(() => {
      process.exitCode = 0
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kqms-cloud failed to start: ${String(error instanceof Error ? (error.stack ?? error.message) : error)}\n`,
  )
  process.exitCode = 1
})
