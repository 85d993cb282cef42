import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createRoute } from '@hono/zod-openapi'
import { swaggerUI } from '@hono/swagger-ui'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from './app-env.js'
import type { HttpDeps } from './http-deps.js'
import { createRouter, jsonContent } from './openapi.js'

const HealthView = z
  .object({
    ok: z.boolean(),
    eventCount: z.number().int().nonnegative(),
    db: z.enum(['ok', 'error']),
  })
  .meta({ id: 'HealthView' })

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness: the database answers and the event log is readable',
  responses: {
    200: jsonContent(HealthView, 'Healthy'),
    503: jsonContent(HealthView, 'The database does not answer'),
  },
})

const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  tags: ['operations'],
  summary: 'Prometheus metrics (text exposition format)',
  responses: {
    200: { description: 'Metrics', content: { 'text/plain': { schema: z.string() } } },
  },
})

export function operationsRoutes(deps: HttpDeps) {
  return createRouter()
    .openapi(health, (c) => {
      try {
        deps.db.sqlite.prepare('SELECT 1').get()
        return c.json({ ok: true, eventCount: deps.runtime.eventCount(), db: 'ok' as const }, 200)
      } catch (error) {
        c.var.log.warn({ err: error }, 'health check failed')
        return c.json({ ok: false, eventCount: 0, db: 'error' as const }, 503)
      }
    })
    .openapi(metricsRoute, async (c) => {
      const text = await deps.metrics.registry.metrics()
      return c.text(text, 200, { 'Content-Type': deps.metrics.registry.contentType })
    })
}

/**
 * Swagger UI at `/api/docs`, with its assets served by the appliance itself (from the
 * `swagger-ui-dist` package): the branch LAN may have no internet, so no CDN.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

export function docsRoutes(options: { openApiPath: string }) {
  const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Promise<Buffer>>()
  return new Hono<AppEnv>()
    .get(
      '/api/docs',
      swaggerUI({ url: options.openApiPath, baseUrl: '/api/docs/assets', title: 'KQMS edge API' }),
    )
    .get('/api/docs/assets/swagger-ui-dist/:file', async (c) => {
      const file = c.req.param('file')
      const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined
      if (type === undefined) return c.notFound()
      let body = cache.get(file)
      if (!body) {
        body = readFile(join(assetsDir, file))
        cache.set(file, body)
        body.catch(() => cache.delete(file)) // retried on the next request
      }
      return c.body(new Uint8Array(await body), 200, {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=86400',
      })
    })
}
