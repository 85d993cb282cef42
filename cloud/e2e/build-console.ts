import { fileURLToPath } from 'node:url'
import { build } from 'vite'

/**
 * Vitest global setup of the cloud-e2e project: builds the console once, so the cloud under test
 * serves exactly what a release would (`cloud/console/dist`, at `/console/`).
 */
export default async function buildConsole(): Promise<void> {
  const started = performance.now()
  await build({
    configFile: fileURLToPath(new URL('../console/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
  process.stdout.write(
    `cloud-e2e: console built in ${Math.round(performance.now() - started)} ms\n`,
  )
}
