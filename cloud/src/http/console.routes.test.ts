import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { consoleRoutes } from './console.routes.js'

describe(consoleRoutes.name, () => {
  const root = mkdtempSync(join(tmpdir(), 'kqms-console-'))
  const dir = join(root, 'dist')
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>KQMS console</title>')
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)')
  writeFileSync(join(root, 'secret.txt'), 'do not serve')
  const app = consoleRoutes({ consoleDir: dir })

  it('redirects / to the console', async () => {
    const response = await app.request('/')
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/console/')
  })

  it('serves built files, immutable assets and index.html for client routes', async () => {
    const index = await app.request('/console/')
    expect(await index.text()).toContain('KQMS console')
    const asset = await app.request('/console/assets/app-1234.js')
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
    expect(asset.headers.get('cache-control')).toContain('immutable')
    const route = await app.request('/console/branches/almaty-demo')
    expect(await route.text()).toContain('KQMS console')
    expect((await app.request('/console/assets/missing.js')).status).toBe(404)
  })

  it('never serves files outside the console folder', async () => {
    for (const path of [
      '/console/../secret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/..%2fsecret.txt',
    ]) {
      const response = await app.request(path)
      expect(await response.text()).not.toContain('do not serve')
    }
  })

  it('says how to build the console when it is missing', async () => {
    const missing = consoleRoutes({ consoleDir: join(dir, 'nope') })
    const response = await missing.request('/console/')
    expect(response.status).toBe(503)
    expect(await response.text()).toContain('pnpm --filter @kqms/cloud build:console')
  })
})
