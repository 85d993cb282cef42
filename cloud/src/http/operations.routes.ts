import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createRoute } from '@hono/zod-openapi'
import { swaggerUI } from '@hono/swagger-ui'
import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import { z } from 'zod'
import type { CloudDeps } from '../usecases/ports.js'
import type { AppEnv } from './app-env.js'
import { createRouter, jsonContent } from './openapi.js'

const HealthView = z
  .object({ ok: z.boolean(), db: z.enum(['ok', 'error']), driver: z.enum(['pglite', 'postgres']) })
  .meta({ id: 'CloudHealthView' })

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['operations'],
  summary: 'Liveness: the database answers',
  responses: {
    200: jsonContent(HealthView, 'Healthy'),
    503: jsonContent(HealthView, 'The database does not answer'),
  },
})

export function operationsRoutes(deps: CloudDeps & { driver: 'pglite' | 'postgres' }) {
  return createRouter().openapi(health, async (c) => {
    try {
      await deps.db.execute(sql`SELECT 1`)
      return c.json({ ok: true, db: 'ok' as const, driver: deps.driver }, 200)
    } catch (error) {
      c.var.log.warn({ err: error }, 'health check failed')
      return c.json({ ok: false, db: 'error' as const, driver: deps.driver }, 503)
    }
  })
}

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
}

/** Swagger UI at `/api/docs`, its assets served locally (from `swagger-ui-dist`), no CDN. */
export function docsRoutes(options: { openApiPath: string }) {
  const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Promise<Buffer>>()
  return new Hono<AppEnv>()
    .get(
      '/api/docs',
      swaggerUI({ url: options.openApiPath, baseUrl: '/api/docs/assets', title: 'KQMS cloud API' }),
    )
    .get('/api/docs/assets/swagger-ui-dist/:file', async (c) => {
      const file = c.req.param('file')
      const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined
      if (type === undefined) return c.notFound()
      let body = cache.get(file)
      if (!body) {
        body = readFile(join(assetsDir, file))
        cache.set(file, body)
        body.catch(() => cache.delete(file))
      }
      return c.body(new Uint8Array(await body), 200, {
        'Content-Type': type,
        'Cache-Control': 'public, max-age=86400',
      })
    })
}
