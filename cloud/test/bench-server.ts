/**
 * The cloud under `pnpm bench:cloud`, in a process of its own (so the load generator does not
 * compete with it inside one event loop): starts the real cloud (`startCloud`, demo data), signs
 * `BENCH_CUSTOMERS` customers in through the OTP flow, prints one JSON line `{ url, tokens }` on
 * stdout and runs until SIGTERM/SIGINT, then stops cleanly. Configuration is the cloud's own env
 * (`KQMS_DATA_DIR`, `DATABASE_URL`, …), parsed by `loadConfig`.
 */
import { startCloud } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/log.js'
import { signInCustomers } from './bench-support.js'

const config = loadConfig(process.env)
const log = createLogger({ level: 'warn' })
const customers = Number(process.env['BENCH_CUSTOMERS'] ?? 40)
const cloud = await startCloud({ config, log })
try {
  const tokens = await signInCustomers(cloud.deps, customers)
  process.stdout.write(`${JSON.stringify({ url: cloud.url, tokens })}\n`)
} catch (error) {
  await cloud.stop()
  throw error
}
await new Promise<void>((resolve) => {
  process.once('SIGTERM', resolve)
  process.once('SIGINT', resolve)
})
await cloud.stop()
