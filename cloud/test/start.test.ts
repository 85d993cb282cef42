import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startCloud } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { DEMO_ADMIN_TOTP_SECRET } from '../src/demo.js'
import { silentLog, totpCode } from './test-cloud.js'

describe(startCloud.name, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kqms-cloud-start-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
  const config = () =>
    loadConfig({
      KQMS_DATA_DIR: dataDir,
      CLOUD_HTTP_PORT: '0',
      CLOUD_HTTP_HOST: '127.0.0.1',
      CLOUD_DEMO: 'true',
      CLOUD_CONSOLE_DIR: join(dataDir, 'no-console'),
    })

  it('serves the demo on embedded PGlite over real HTTP, and keeps data and keys across restarts', async () => {
    let keyId: string
    {
      await using cloud = await startCloud({
        config: config(),
        log: silentLog,
        outboxWorker: false,
      })
      const branches = (await (await fetch(`${cloud.url}/api/v1/branches`)).json()) as {
        branches: unknown[]
      }
      expect(branches.branches).toHaveLength(6)
      const login = (await (
        await fetch(`${cloud.url}/api/admin/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@kqms.demo', password: 'admin-demo-2026' }),
        })
      ).json()) as { challengeId: string }
      const session = await fetch(`${cloud.url}/api/admin/auth/totp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          challengeId: login.challengeId,
          code: totpCode(DEMO_ADMIN_TOTP_SECRET, Date.now()),
        }),
      })
      expect(session.status).toBe(200)
      keyId = cloud.deps.signingKey.keyId
      const redirect = await fetch(`${cloud.url}/`, { redirect: 'manual' })
      expect(redirect.status).toBe(302)
      expect(redirect.headers.get('location')).toBe('/console/')
      const consolePage = await fetch(`${cloud.url}/console/appointments`)
      expect(consolePage.status).toBe(503)
      expect(await consolePage.text()).toContain('build:console')
      const docs = await fetch(`${cloud.url}/api/docs`)
      expect(docs.status).toBe(200)
    }
    expect(existsSync(join(dataDir, 'cloud', 'pglite'))).toBe(true)
    expect(existsSync(join(dataDir, 'cloud', 'keys', 'appointment-signing-key.json'))).toBe(true)
    await using again = await startCloud({ config: config(), log: silentLog, outboxWorker: false })
    expect(again.deps.signingKey.keyId).toBe(keyId)
    const branches = (await (await fetch(`${again.url}/api/v1/branches`)).json()) as {
      branches: unknown[]
    }
    expect(branches.branches).toHaveLength(6) // not seeded twice
    const keys = (await (await fetch(`${again.url}/api/v1/appointments/keys`)).json()) as {
      keys: { kid: string }[]
    }
    expect(keys.keys.map((k) => k.kid)).toEqual([keyId])
  })
})
