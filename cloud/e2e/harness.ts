import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromium } from 'playwright-core'

/**
 * The console's end-to-end harness: the real cloud as its own process (`node --import tsx
 * cloud/src/main.ts`, port 0, demo data, a temporary data folder) and Debian's Chromium driven by
 * playwright-core.
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
]

/** What the suite needs from the machine; elsewhere than CI it is skipped, loudly, without it. */
export function missingPrerequisites(): string[] {
  return existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (apt-get install chromium)`]
}

export interface CloudProcess extends AsyncDisposable {
  readonly url: string
  /** Every stdout line so far (pino JSON after the first line). */
  readonly lines: () => readonly string[]
  /** Waits for a stdout line that matches (already printed or still to come). */
  readonly waitForLine: (match: (line: string) => boolean, timeoutMs?: number) => Promise<string>
}

const LISTENING = /^cloud listening on (http:\/\/\S+)$/

/** Starts the cloud with demo data in a fresh data folder and waits until it listens. */
export async function startCloudProcess(): Promise<CloudProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kqms-cloud-e2e-'))
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'cloud/src/main.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      CLOUD_HTTP_PORT: '0',
      CLOUD_DEMO: 'true',
      CLOUD_LOG_LEVEL: 'info',
      KQMS_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>()
  let pending = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk
    const complete = pending.split('\n')
    pending = complete.pop() ?? ''
    for (const line of complete) {
      lines.push(line)
      for (const waiter of waiters) {
        if (waiter.match(line)) {
          waiters.delete(waiter)
          waiter.resolve(line)
        }
      }
    }
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const waitForLine = (match: (line: string) => boolean, timeoutMs = 15_000) => {
    const seen = lines.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise<string>((resolve, reject) => {
      const waiter = { match, resolve }
      waiters.add(waiter)
      const timer = setTimeout(() => {
        waiters.delete(waiter)
        reject(new Error(`no matching cloud output within ${timeoutMs} ms; stderr:\n${stderr}`))
      }, timeoutMs)
      timer.unref()
    })
  }

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(killer)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    const first = await Promise.race([
      waitForLine((line) => LISTENING.test(line), 90_000),
      exited.then(() => {
        throw new Error(`the cloud exited before listening:\n${stderr}`)
      }),
    ])
    const url = LISTENING.exec(first)?.[1] ?? ''
    return { url, lines: () => lines, waitForLine, [Symbol.asyncDispose]: stop }
  } catch (error) {
    await stop()
    throw error
  }
}

export interface Browsers extends AsyncDisposable {
  readonly browser: Browser
  newPage(options: {
    baseURL: string
    locale?: string
  }): Promise<{ context: BrowserContext; page: Page }>
}

export async function startBrowser(): Promise<Browsers> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  })
  mkdirSync(SCREENSHOTS, { recursive: true })
  const contexts: BrowserContext[] = []
  return {
    browser,
    async newPage(options) {
      const context = await browser.newContext({
        viewport: { width: 1440, height: 900 },
        baseURL: options.baseURL,
        locale: options.locale ?? 'en-GB',
        timezoneId: 'Asia/Almaty',
      })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (error) => process.stderr.write(`page error: ${error.message}\n`))
      return { context, page }
    },
    async [Symbol.asyncDispose]() {
      for (const context of contexts) await context.close().catch(() => undefined)
      await browser.close().catch(() => undefined)
    },
  }
}

/** Saves a full-page screenshot as `.data/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })
}
