/**
 * `pnpm bench:fanout`: 50 hall displays subscribed to `hall/announce` over MQTT/WebSocket on the
 * appliance (a child process: `startEdge` on port 0, demo branch). Measures the time from the
 * operator's HTTP `call-next` request to the moment the LAST of the 50 displays has the announce,
 * next to a bare-aedes baseline in the same run: the same 50 clients, the same broker, a
 * `broker.publish` of an announce-sized message (asked for over IPC). The last line is the
 * headline; the target is p99 < 50 ms.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { connectAsync, type MqttClient } from 'mqtt'
import { startEdge } from '../../edge/src/app.js'
import type { BranchId } from '../../shared/src/domain/ids.js'
import { topics } from '../../shared/src/mqtt/topics.js'
import { loadConfig } from '../../edge/src/config.js'
import { createLogger } from '../../edge/src/log.js'
import { loginAs, openAroundTheClock } from '../../edge/test/edge-process.js'
import { percentile } from '../lib/stats.js'

const DISPLAYS = Number(process.env['BENCH_DISPLAYS'] ?? 50)
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 200)
const WARMUP = 20
const TARGET_P99_MS = 50
const BRANCH = 'almaty-demo' as BranchId

type ToChild = { kind: 'publish'; topic: string; payload: unknown } | { kind: 'stop' }
type FromChild = { kind: 'ready'; url: string } | { kind: 'stopped' }

/** The appliance side: the real `startEdge`, plus an IPC hook for the bare-broker baseline. */
async function runAppliance(): Promise<void> {
  const config = loadConfig()
  const edge = await startEdge({ config, log: createLogger({ level: 'warn' }) })
  const send = (message: FromChild) => process.send?.(message)
  process.on('message', (message: ToChild) => {
    if (message.kind === 'publish')
      void edge.broker.publish(message.topic, message.payload, { retain: false })
    else
      void edge.stop().then(() => {
        send({ kind: 'stopped' })
        process.disconnect()
      })
  })
  send({ kind: 'ready', url: edge.url })
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>
  if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`)
  return body
}

/** Pairs `n` hall displays through the manager API, as the dashboard would. */
async function pairDisplays(url: string, n: number) {
  const manager = await loginAs(url, 'manager', 'manager-demo-2026')
  const displays: { deviceId: string; secret: string }[] = []
  for (let i = 0; i < n; i++) {
    const code = await json(
      await fetch(`${url}/api/admin/devices/pairing-codes`, {
        method: 'POST',
        headers: manager,
        body: JSON.stringify({ kind: 'hall-display', name: `bench display ${i + 1}` }),
      }),
    )
    const paired = await json(
      await fetch(`${url}/api/v1/devices/pair`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: code['code'] }),
      }),
    )
    displays.push({ deviceId: String(paired['deviceId']), secret: String(paired['secret']) })
  }
  return displays
}

/** Every display's arrival times; `round()` resolves when all displays got the next message. */
function trackArrivals(clients: readonly MqttClient[], topic: string) {
  let pending: { got: number; last: number; done: (lastMs: number) => void } | null = null
  for (const client of clients)
    client.on('message', (received) => {
      if (received !== topic || !pending) return
      const now = performance.now()
      pending.got++
      pending.last = now
      if (pending.got === clients.length) pending.done(pending.last)
    })
  return {
    round(): Promise<number> {
      return new Promise((resolve) => {
        pending = {
          got: 0,
          last: 0,
          done: (last) => {
            pending = null
            resolve(last)
          },
        }
      })
    },
  }
}

const fmt = (ms: number) => ms.toFixed(1).padStart(6)
function line(label: string, samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => fmt(percentile(sorted, p))
  return `  ${label.padEnd(44)} n=${sorted.length}  p50 ${at(50)}  p90 ${at(90)}  p99 ${at(99)}  max ${fmt(sorted.at(-1) ?? Number.NaN)} ms`
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kqms-fanout-'))
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--appliance'], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      KQMS_DATA_DIR: dir,
      EDGE_HTTP_HOST: '127.0.0.1',
      EDGE_HTTP_PORT: '0',
      EDGE_MQTT_PORT: '0',
      EDGE_LOG_LEVEL: 'warn',
      EDGE_DEMO: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  })
  const messages: FromChild[] = []
  const nextMessage = () =>
    new Promise<FromChild>((resolve) => {
      const first = messages.shift()
      if (first) return resolve(first)
      child.once('message', () => resolve(messages.shift() as FromChild))
    })
  child.on('message', (m: FromChild) => messages.push(m))
  const clients: MqttClient[] = []
  try {
    const ready = await nextMessage()
    if (ready.kind !== 'ready') throw new Error('appliance did not start')
    const url = ready.url
    await openAroundTheClock(url)

    const displays = await pairDisplays(url, DISPLAYS)
    const announce = topics.hallAnnounce(BRANCH)
    clients.push(
      ...(await Promise.all(
        displays.map((d) =>
          connectAsync(`${url.replace('http://', 'ws://')}/mqtt`, {
            clientId: d.deviceId,
            username: d.deviceId,
            password: d.secret,
            reconnectPeriod: 0,
          }),
        ),
      )),
    )
    await Promise.all(clients.map((c) => c.subscribeAsync(announce, { qos: 1 })))
    const arrivals = trackArrivals(clients, announce)

    // The operator: Aigerim at counter c1, a queue long enough for every round.
    const operator = await loginAs(url, 'aigerim', '1111')
    await json(
      await fetch(`${url}/api/v1/counters/c1/sign-in`, { method: 'POST', headers: operator }),
    )
    for (let i = 0; i < WARMUP + ROUNDS; i++)
      await json(
        await fetch(`${url}/api/v1/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ serviceId: 'cash', language: ['kk', 'ru', 'en'][i % 3] }),
        }),
      )
    const act = (action: string, body?: unknown) =>
      fetch(`${url}/api/v1/counters/c1/${action}`, {
        method: 'POST',
        headers: operator,
        body: body === undefined ? undefined : JSON.stringify(body),
      })

    const callToDisplays: number[] = []
    const httpResponse: number[] = []
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const all = arrivals.round()
      const started = performance.now()
      const response = await act('call-next')
      const responded = performance.now()
      const called = await json(response)
      if (called['outcome'] !== 'called') throw new Error('the queue ran dry')
      const last = await all
      if (i >= WARMUP) {
        callToDisplays.push(last - started)
        httpResponse.push(responded - started)
      }
      await json(await act('start'))
      await json(await act('finish', { outcome: 'served' }))
    }

    const sample = {
      id: 'bench-0000-0000',
      kind: 'call',
      ticketId: '00000000-0000-7000-8000-000000000001',
      number: 'A001',
      counterId: 'c1',
      counterLabel: '1',
      language: 'kk',
      recallCount: 0,
      ts: Date.now(),
      expiresAt: Date.now() + 60_000,
    }
    const bare: number[] = []
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const all = arrivals.round()
      const started = performance.now()
      child.send({ kind: 'publish', topic: announce, payload: { ...sample, id: `bench-${i}` } })
      const last = await all
      if (i >= WARMUP) bare.push(last - started)
    }

    const p99 = percentile(
      [...callToDisplays].sort((a, b) => a - b),
      99,
    )
    const bareP99 = percentile(
      [...bare].sort((a, b) => a - b),
      99,
    )
    const p50 = percentile(
      [...callToDisplays].sort((a, b) => a - b),
      50,
    )
    process.stdout.write(
      [
        `fanout bench: ${DISPLAYS} hall displays over MQTT/WebSocket, appliance in a child process, ${ROUNDS} rounds (+${WARMUP} warm-up)`,
        line('HTTP call-next → announce at every display', callToDisplays),
        line('HTTP call-next response', httpResponse),
        line('bare aedes broker.publish → every display', bare),
        `fanout: call-next → all ${DISPLAYS} displays p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (bare aedes p99 ${bareP99.toFixed(1)} ms); target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'}`,
        '',
      ].join('\n'),
    )
    if (p99 >= TARGET_P99_MS) process.exitCode = 1
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)))
    if (child.connected) {
      child.send({ kind: 'stop' } satisfies ToChild)
      await nextMessage()
    }
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv.includes('--appliance')) await runAppliance()
else await main()
