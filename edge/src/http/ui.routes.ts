import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.js'

/**
 * The built web apps (`edge/ui/dist`, one Vite multi-page build): each app at `/<app>/` with its
 * client-side paths falling back to the app's page (`/status/<ticketId>`), hashed assets under
 * `/assets/` cached for good, pages never cached (a redeploy reaches every kiosk on reload).
 */
export const UI_APPS = ['kiosk', 'display', 'counter', 'operator', 'manager', 'status'] as const
export type UiApp = (typeof UI_APPS)[number]

export const DEFAULT_UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url))

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.map': 'application/json',
}

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>KQMS</title>
<p>The web apps are not built yet: run <code>pnpm --filter @kqms/edge build:ui</code>
(<code>pnpm start</code> does it for you).</p>`

/** A file under `root`, or null for a missing file or a path that climbs out of it. */
async function fileUnder(root: string, relative: string): Promise<Buffer | null> {
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`)
  if (!resolved.startsWith(path.resolve(root) + path.sep)) return null
  try {
    if (!(await stat(resolved)).isFile()) return null
    return await readFile(resolved)
  } catch {
    return null
  }
}

export function uiRoutes(options: { distDir?: string } = {}) {
  const dist = options.distDir ?? DEFAULT_UI_DIST
  const page = async (app: UiApp) => fileUnder(dist, `${app}/index.html`)
  const html = (body: Buffer) =>
    new Response(new Uint8Array(body), {
      headers: {
        'content-type': CONTENT_TYPES['.html'] ?? 'text/html',
        'cache-control': 'no-cache',
      },
    })

  const router = new Hono<AppEnv>()
  router.get('/', async (c) => {
    const index = await fileUnder(dist, 'index.html')
    return index ? html(index) : c.html(NOT_BUILT, 503)
  })
  router.get('/assets/*', async (c) => {
    const relative = decodeURIComponent(c.req.path.slice(1))
    const body = await fileUnder(dist, relative)
    if (!body) return c.notFound()
    const type = CONTENT_TYPES[path.extname(relative)] ?? 'application/octet-stream'
    return c.body(new Uint8Array(body), 200, {
      'content-type': type,
      'cache-control': 'public, max-age=31536000, immutable',
    })
  })
  for (const app of UI_APPS) {
    router.get(`/${app}`, (c) => c.redirect(`/${app}/${new URL(c.req.url).search}`, 301))
    const serve = async () => {
      const body = await page(app)
      return body
        ? html(body)
        : new Response(NOT_BUILT, {
            status: 503,
            headers: { 'content-type': 'text/html; charset=utf-8' },
          })
    }
    router.get(`/${app}/`, serve)
    router.get(`/${app}/*`, serve)
  }
  return router
}
