import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'
import { startEdge, type Edge } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/log.js'
import { openAroundTheClock } from '../test/edge-process.js'

/**
 * The end-to-end harness: the real appliance in-process (port 0, a temporary data folder, the
 * demo branch open around the clock) and Debian's Chromium driven by playwright-core.
 */

export const CHROMIUM = '/usr/bin/chromium'
export const REPO = fileURLToPath(new URL('../..', import.meta.url))
export const SCREENSHOTS = path.join(REPO, '.data', 'screenshots')

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
]

const hasCommand = (command: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * What the e2e suite needs from the machine. Under CI everything must be there (the setup script
 * installs it); elsewhere the suite is skipped, loudly, when something is missing.
 */
export function missingPrerequisites(): string[] {
  const missing: string[] = []
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install chromium)`)
  if (!hasCommand('espeak-ng')) missing.push('espeak-ng (apt-get install espeak-ng)')
  return missing
}

export interface E2e extends AsyncDisposable {
  readonly edge: Edge
  readonly url: string
  readonly browser: Browser
  readonly dataDir: string
  newPage(options: {
    width: number
    height: number
  }): Promise<{ context: BrowserContext; page: Page }>
}

export async function startE2e(): Promise<E2e> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kqms-e2e-'))
  const config = loadConfig({
    KQMS_DATA_DIR: dataDir,
    EDGE_HTTP_PORT: '0',
    EDGE_HTTP_HOST: '127.0.0.1',
    EDGE_MQTT_PORT: '0',
    EDGE_LOG_LEVEL: 'error',
    EDGE_DEMO: 'true',
  })
  const edge = await startEdge({ config, log: createLogger({ level: 'error' }) })
  const url = edge.url
  await openAroundTheClock(url)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  })
  mkdirSync(SCREENSHOTS, { recursive: true })
  const contexts: BrowserContext[] = []
  return {
    edge,
    url,
    browser,
    dataDir,
    async newPage(viewport) {
      const context = await browser.newContext({ viewport, baseURL: url, locale: 'kk-KZ' })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`))
      return { context, page }
    },
    async [Symbol.asyncDispose]() {
      for (const context of contexts) await context.close().catch(() => undefined)
      await browser.close().catch(() => undefined)
      await edge.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Saves a full-page screenshot as `.data/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) })
}

/** Logs in through the staff login form. */
export async function logIn(page: Page, login: string, secret: string): Promise<void> {
  await page.fill('input[name="login"]', login)
  await page.fill('input[name="password"]', secret)
  await page.click('button[type="submit"]')
}
