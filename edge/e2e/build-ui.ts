import { fileURLToPath } from 'node:url'
import { build } from 'vite'

/**
 * Vitest global setup of the e2e project: builds the web apps once (about a second), so the
 * appliance under test serves exactly what `pnpm start` and a release would.
 */
export default async function buildUi(): Promise<void> {
  const started = performance.now()
  await build({
    configFile: fileURLToPath(new URL('../ui/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  })
  process.stdout.write(`e2e: web apps built in ${Math.round(performance.now() - started)} ms\n`)
}
