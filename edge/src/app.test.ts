import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEdge } from './app.js'
import { loadConfig } from './config.js'
import { createLogger } from './log.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function start(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kqms-app-'))
  dirs.push(dir)
  const config = loadConfig({
    KQMS_DATA_DIR: dir,
    EDGE_HTTP_HOST: '127.0.0.1',
    EDGE_HTTP_PORT: '0',
    EDGE_MQTT_PORT: '0',
    ...env,
  })
  return startEdge({ config, log: createLogger({ level: 'silent' }) })
}

const login = (url: string, password: string) =>
  fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'admin', password }),
  })

describe(startEdge.name, () => {
  it('carries no demo logins unless asked for', async () => {
    await using edge = await start({})
    expect((await login(edge.url, 'admin-demo-2026')).status).toBe(401)
  })

  it('creates the bootstrap administrator on a first start with no users', async () => {
    await using edge = await start({ EDGE_BOOTSTRAP_ADMIN_PASSWORD: 'a-long-first-password' })
    expect((await login(edge.url, 'a-long-first-password')).status).toBe(200)
  })
})
