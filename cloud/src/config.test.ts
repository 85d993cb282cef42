import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe(loadConfig.name, () => {
  it('defaults to embedded PGlite in the data folder on port 8787', () => {
    const config = loadConfig({ KQMS_DATA_DIR: '/var/lib/kqms' })
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '/var/lib/kqms/cloud/pglite' })
    expect(config.keysDir).toBe('/var/lib/kqms/cloud/keys')
    expect(config.http).toMatchObject({
      host: '0.0.0.0',
      port: 8787,
      publicBaseUrl: 'http://localhost:8787',
    })
    expect(config.demo).toBe(false)
    expect(config.bootstrapAdmin).toBeNull()
  })

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://kqms@db:5432/kqms' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://kqms@db:5432/kqms',
    })
  })

  it('reports every problem at once', () => {
    try {
      loadConfig({
        DATABASE_URL: 'mysql://x',
        CLOUD_HTTP_PORT: '70000',
        CLOUD_DEMO: 'maybe',
        CLOUD_BOOTSTRAP_ADMIN_EMAIL: 'root@kqms.test',
      })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      const problems = (error as ConfigError).problems.join('\n')
      expect(problems).toContain('DATABASE_URL')
      expect(problems).toContain('CLOUD_HTTP_PORT')
      expect(problems).toContain('CLOUD_DEMO')
      expect(problems).toContain('give both or neither')
    }
  })

  it('reads a JSON file that the environment overrides, and names unknown settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kqms-cloud-config-'))
    const file = join(dir, 'cloud.json')
    writeFileSync(file, JSON.stringify({ CLOUD_HTTP_PORT: 9000, CLOUD_DEMO: true }))
    expect(loadConfig({ CLOUD_CONFIG_FILE: file, CLOUD_HTTP_PORT: '9100' })).toMatchObject({
      demo: true,
      http: { port: 9100 },
    })
    writeFileSync(file, JSON.stringify({ CLOUD_HTP_PORT: 1 }))
    expect(() => loadConfig({ CLOUD_CONFIG_FILE: file })).toThrow(/CLOUD_HTP_PORT: unknown setting/)
    rmSync(dir, { recursive: true, force: true })
  })
})
