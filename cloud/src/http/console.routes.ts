import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { Hono } from 'hono'
import type { AppEnv } from './app-env.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>KQMS console not built</title>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>The KQMS console is not built yet</h1>
<p>Build it once with <code>pnpm --filter @kqms/cloud build:console</code>, then reload this page.</p>
<p>The API works meanwhile: <a href="/api/docs">/api/docs</a>.</p></body></html>`

/**
 * The staff console (a Vite build) at `/console/`, with `index.html` for client-side routes;
 * `/` redirects there, `/s/{id}` (the short link in SMS) to the status API. A missing build
 * gets a page that says how to build it.
 */
export function consoleRoutes(options: { consoleDir: string }) {
  const root = normalize(options.consoleDir)
  const indexFile = join(root, 'index.html')

  const serveFile = async (file: string): Promise<Response | null> => {
    const info = await stat(file).catch(() => null)
    if (!info?.isFile()) return null
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    const immutable = file.includes(`${sep}assets${sep}`)
    return new Response(new Uint8Array(await readFile(file)), {
      headers: {
        'Content-Type': type,
        'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
    })
  }

  return new Hono<AppEnv>()
    .get('/', (c) => c.redirect('/console/', 302))
    .get('/console', (c) => c.redirect('/console/', 302))
    .get('/s/:id', (c) =>
      c.redirect(`/api/v1/status/${encodeURIComponent(c.req.param('id'))}`, 302),
    )
    .get('/console/*', async (c) => {
      if (!existsSync(indexFile)) return c.html(NOT_BUILT, 503)
      const relative = decodeURIComponent(c.req.path.slice('/console/'.length))
      const file = normalize(join(root, relative))
      if (file !== root && !file.startsWith(root + sep)) return c.notFound()
      const served = relative === '' ? null : await serveFile(file)
      if (served) return served
      // A missing asset is a 404; any other path is a client route of the single-page app.
      if (relative.startsWith('assets/') || extname(relative) !== '') return c.notFound()
      return (await serveFile(indexFile)) ?? c.html(NOT_BUILT, 503)
    })
}
