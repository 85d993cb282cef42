import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

describe(loadConfig.name, () => {
  it('runs on embedded defaults with no environment at all', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      branchId: 'almaty-demo',
      http: { port: 8080, publicBaseUrl: 'http://localhost:8080' },
    })
    expect(config.databasePath).toMatch(/\.data\/edge\/almaty-demo\.sqlite$/)
    expect(config.nodeId).toMatch(/^[0-9a-f]{16}$/)
    expect(config.demo, 'no demo credentials unless asked for').toBe(false)
  })

  it('reports every problem at once, naming each setting', () => {
    const problems = problemsOf({
      EDGE_HTTP_PORT: 'eighty',
      EDGE_LOG_LEVEL: 'loud',
      EDGE_PUBLIC_URL: 'not a url',
      EDGE_DAY_CLOSE_AT: '25:00',
    })
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'EDGE_HTTP_PORT',
        'EDGE_LOG_LEVEL',
        'EDGE_PUBLIC_URL',
        'EDGE_DAY_CLOSE_AT',
      ]),
    )
  })

  it('reads an optional JSON file that the environment overrides', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kqms-config-'))
    const file = path.join(dir, 'edge.json')
    writeFileSync(file, JSON.stringify({ EDGE_HTTP_PORT: 9090, EDGE_BRANCH_ID: 'astana-03' }))
    expect(loadConfig({ EDGE_CONFIG_FILE: file })).toMatchObject({
      branchId: 'astana-03',
      http: { port: 9090 },
    })
    expect(loadConfig({ EDGE_CONFIG_FILE: file, EDGE_HTTP_PORT: '7070' }).http.port).toBe(7070)
  })

  it('explains a broken or unknown config file instead of crashing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kqms-config-'))
    const broken = path.join(dir, 'broken.json')
    writeFileSync(broken, '{ "EDGE_HTTP_PORT": ')
    expect(problemsOf({ EDGE_CONFIG_FILE: broken })[0]).toMatch(/not valid JSON/)
    const unknown = path.join(dir, 'unknown.json')
    writeFileSync(unknown, JSON.stringify({ EDGE_HTTP_PROT: 1 }))
    expect(problemsOf({ EDGE_CONFIG_FILE: unknown })[0]).toMatch(/EDGE_HTTP_PROT: unknown setting/)
    expect(problemsOf({ EDGE_CONFIG_FILE: path.join(dir, 'missing.json') })[0]).toMatch(
      /cannot read/,
    )
  })

  it('reads the cloud appointment keys from a file; no keys and no demo: check-in unavailable', () => {
    expect(loadConfig({}).appointments).toEqual({
      keySource: 'none',
      publicJwks: [],
      earlyMinutes: 30,
      lateMinutes: 15,
    })
    const dir = mkdtempSync(path.join(tmpdir(), 'kqms-config-'))
    const file = path.join(dir, 'keys.json')
    const jwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      kid: 'k1',
    }
    writeFileSync(file, JSON.stringify({ keys: [jwk] }))
    expect(
      loadConfig({
        EDGE_APPOINTMENT_KEYS_FILE: file,
        EDGE_APPOINTMENT_EARLY_MINUTES: '20',
        EDGE_APPOINTMENT_LATE_MINUTES: '5',
      }).appointments,
    ).toEqual({ keySource: 'file', publicJwks: [jwk], earlyMinutes: 20, lateMinutes: 5 })
  })

  it('refuses a keys file holding a private key, junk or nothing, naming the setting', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kqms-config-'))
    const privateKey = path.join(dir, 'private.json')
    writeFileSync(
      privateKey,
      JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc', d: 'secret' }] }),
    )
    expect(problemsOf({ EDGE_APPOINTMENT_KEYS_FILE: privateKey })[0]).toMatch(
      /^EDGE_APPOINTMENT_KEYS_FILE: .*keys\.0\.d/,
    )
    const junk = path.join(dir, 'junk.json')
    writeFileSync(junk, '[1, 2')
    expect(problemsOf({ EDGE_APPOINTMENT_KEYS_FILE: junk })[0]).toMatch(/cannot be read as JSON/)
    expect(problemsOf({ EDGE_APPOINTMENT_KEYS_FILE: path.join(dir, 'missing.json') })[0]).toMatch(
      /^EDGE_APPOINTMENT_KEYS_FILE/,
    )
    expect(problemsOf({ EDGE_APPOINTMENT_LATE_MINUTES: '-1' })[0]).toMatch(
      /^EDGE_APPOINTMENT_LATE_MINUTES/,
    )
  })

  it('trusts the derived demo key only in demo mode, and never holds its private part', () => {
    const demo = loadConfig({ EDGE_DEMO: 'true' }).appointments
    expect(demo.keySource).toBe('demo')
    expect(demo.publicJwks).toHaveLength(1)
    expect(demo.publicJwks[0]).not.toHaveProperty('d')
  })
})
