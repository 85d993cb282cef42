import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestHttp, type TestHttp } from '../../test/test-http.js'
import { captureLog } from '../../test/test-runtime.js'
import type { Speech } from '../audio/speech.js'
import { SpeechUnavailable } from '../audio/speech.js'
import { createHttpApp, createMetrics, DEFAULT_HTTP_CONFIG } from './app.js'

/** A fake build: one page per app and a hashed asset. */
function fakeDist(): string {
  const dist = mkdtempSync(path.join(tmpdir(), 'kqms-ui-'))
  for (const app of ['kiosk', 'display', 'counter', 'operator', 'manager', 'status']) {
    mkdirSync(path.join(dist, app))
    writeFileSync(path.join(dist, app, 'index.html'), `<!doctype html><title>${app}</title>`)
  }
  mkdirSync(path.join(dist, 'assets'))
  writeFileSync(path.join(dist, 'assets', 'kiosk-abc123.js'), 'console.log(1)')
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>KQMS</title>')
  return dist
}

describe('web apps and audio', () => {
  let http: TestHttp
  let dist: string
  const spoken: { text: string; language: string }[] = []
  const speech: Speech = {
    render: (input) => {
      spoken.push(input)
      return Promise.resolve(Buffer.from(`RIFF${'x'.repeat(100)}`))
    },
  }
  const appWith = (deps: { speech: Speech; uiDistDir: string }) =>
    createHttpApp({
      clock: http.clock,
      ids: http.ids,
      log: captureLog().log,
      runtime: http.runtime,
      db: http.database,
      metrics: createMetrics(),
      config: DEFAULT_HTTP_CONFIG,
      ...deps,
    })

  beforeAll(() => {
    http = startTestHttp()
    dist = fakeDist()
    return () => http[Symbol.dispose]()
  })
  afterAll(() => rmSync(dist, { recursive: true, force: true }))

  it('serves each app, its client-side paths and hashed assets with the right caching', async () => {
    const app = appWith({ speech, uiDistDir: dist })
    const kiosk = await app.request('/kiosk/')
    expect(kiosk.status).toBe(200)
    expect(kiosk.headers.get('cache-control')).toBe('no-cache')
    expect(await kiosk.text()).toContain('<title>kiosk</title>')
    const status = await app.request('/status/0198c1f0-0000-7000-8000-000000000001')
    expect(await status.text()).toContain('<title>status</title>')
    const redirect = await app.request('/display?lang=kk')
    expect(redirect.status).toBe(301)
    expect(redirect.headers.get('location')).toBe('/display/?lang=kk')
    const asset = await app.request('/assets/kiosk-abc123.js')
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toContain('text/javascript')
    expect(asset.headers.get('cache-control')).toContain('immutable')
    expect((await app.request('/')).status).toBe(200)
  })

  it('never serves a file outside the build', async () => {
    const app = appWith({ speech, uiDistDir: dist })
    for (const probe of [
      '/assets/../../etc/passwd',
      '/assets/%2e%2e/%2e%2e/etc/passwd',
      '/assets/nope.js',
    ]) {
      const response = await app.request(probe)
      expect(response.status).toBe(404)
    }
  })

  it('says how to build when the apps are not built', async () => {
    const app = appWith({ speech, uiDistDir: path.join(dist, 'missing') })
    const response = await app.request('/operator/')
    expect(response.status).toBe(503)
    expect(await response.text()).toContain('build:ui')
  })

  it('speaks a call in the ticket language, letters by name and the number whole', async () => {
    const app = appWith({ speech, uiDistDir: dist })
    const response = await app.request('/audio/call/kk/A042/3.wav')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('audio/wav')
    expect(spoken.at(-1)).toEqual({ text: 'Талон А 42. 3 терезесіне өтіңіз.', language: 'kk' })
    await app.request('/audio/recall/en/C007/12.wav')
    expect(spoken.at(-1)).toEqual({
      text: 'Ticket see 7, once again. Please go to counter 12.',
      language: 'en',
    })
  })

  it('refuses what is not a call with a 400, never a 5xx', async () => {
    const app = appWith({ speech, uiDistDir: dist })
    for (const probe of [
      '/audio/call/xx/A001/1.wav',
      '/audio/call/kk/a001/1.wav',
      '/audio/shout/kk/A001/1.wav',
      '/audio/call/kk/A001/1.mp3',
      "/audio/call/kk/A001/'%3Becho.wav",
    ]) {
      const response = await app.request(probe)
      expect(response.status, probe).toBe(400)
    }
  })

  it('plays the chime, and answers 503 when speech is not installed', async () => {
    const unavailable: Speech = {
      render: () => Promise.reject(new SpeechUnavailable('espeak-ng is not installed')),
    }
    const app = appWith({ speech: unavailable, uiDistDir: dist })
    const chime = await app.request('/audio/chime.wav')
    expect(chime.status).toBe(200)
    const bytes = Buffer.from(await chime.arrayBuffer())
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF')
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE')
    const call = await app.request('/audio/call/ru/A001/1.wav')
    expect(call.status).toBe(503)
  })
})
