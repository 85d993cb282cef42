/**
 * `pnpm bench:edge`: ticket issue through the real HTTP stack of the appliance (a child process),
 * sequential and with 32 concurrent clients, next to the raw commit rate of one durable
 * better-sqlite3 insert transaction on the same disk, measured in the same run.
 * The last line is the headline: edge rate at 32 clients / raw commit rate, and p99.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { loginAs, openAroundTheClock, startEdgeProcess } from '../../edge/test/edge-process.js'
import { summarize } from '../lib/stats.js'

const RAW_COMMITS = Number(process.env['BENCH_RAW_COMMITS'] ?? 3000)
const SEQUENTIAL = Number(process.env['BENCH_SEQUENTIAL'] ?? 1500)
const CONCURRENT = Number(process.env['BENCH_CONCURRENT'] ?? 6000)
const CLIENTS = 32

function rawCommitRate(dir: string) {
  const db = new Database(path.join(dir, 'raw.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)')
  const insert = db.prepare('INSERT INTO t (payload) VALUES (?)')
  const commit = db.transaction((payload: string) => insert.run(payload))
  const payload = JSON.stringify({
    type: 'TicketIssuedV1',
    number: 'A001',
    padding: 'x'.repeat(300),
  })
  const latencies: number[] = []
  const start = performance.now()
  for (let i = 0; i < RAW_COMMITS; i++) {
    const t = performance.now()
    commit(payload)
    latencies.push(performance.now() - t)
  }
  const result = summarize(latencies, performance.now() - start)
  db.close()
  return result
}

const SERVICES = ['cash', 'fx', 'transfer', 'card', 'loan', 'consult']
const LANGUAGES = ['kk', 'ru', 'en']

async function register(url: string, i: number): Promise<number> {
  const t = performance.now()
  const response = await fetch(`${url}/api/v1/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `bench-ticket-${i}` },
    body: JSON.stringify({ serviceId: SERVICES[i % SERVICES.length], language: LANGUAGES[i % 3] }),
  })
  await response.arrayBuffer()
  if (response.status !== 201) throw new Error(`register answered ${response.status}`)
  return performance.now() - t
}

/** A branch never has thousands waiting: the queue is reset (day close) every ROUND tickets, untimed. */
const ROUND = 300

async function issueMany(
  url: string,
  options: { from: number; count: number; clients: number; closeDay: () => Promise<void> },
) {
  const latencies: number[] = []
  let elapsed = 0
  for (let round = 0; round * ROUND < options.count; round++) {
    let next = options.from + round * ROUND
    const end = Math.min(options.from + options.count, next + ROUND)
    const start = performance.now()
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (next < end) latencies.push(await register(url, next++))
      }),
    )
    elapsed += performance.now() - start
    await options.closeDay()
  }
  return summarize(latencies, elapsed)
}

const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0)

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kqms-bench-'))
  try {
    const raw = rawCommitRate(dir)
    console.log(
      `raw durable insert (WAL, synchronous=FULL): ${fmt(raw.perSecond)} commits/s, p50 ${fmt(raw.p50)} ms, p99 ${fmt(raw.p99)} ms`,
    )
    await using edge = await startEdgeProcess({
      dataDir: path.join(dir, 'edge'),
    })
    await openAroundTheClock(edge.url)
    const manager = await loginAs(edge.url, 'manager', 'manager-demo-2026')
    const closeDay = async () => {
      const response = await fetch(`${edge.url}/api/admin/day/close`, {
        method: 'POST',
        headers: manager,
        body: '{}',
      })
      if (!response.ok) throw new Error(`day close answered ${response.status}`)
    }
    await issueMany(edge.url, { from: 0, count: 300, clients: 4, closeDay }) // warm-up
    const sequential = await issueMany(edge.url, {
      from: 1000,
      count: SEQUENTIAL,
      clients: 1,
      closeDay,
    })
    console.log(
      `edge register, 1 client:   ${fmt(sequential.perSecond)} tickets/s, p50 ${fmt(sequential.p50)} ms, p99 ${fmt(sequential.p99)} ms`,
    )
    const concurrent = await issueMany(edge.url, {
      from: 100_000,
      count: CONCURRENT,
      clients: CLIENTS,
      closeDay,
    })
    console.log(
      `edge register, ${CLIENTS} clients: ${fmt(concurrent.perSecond)} tickets/s, p50 ${fmt(concurrent.p50)} ms, p99 ${fmt(concurrent.p99)} ms`,
    )
    console.log(`ratio sequential/raw: ${(sequential.perSecond / raw.perSecond).toFixed(2)}`)
    console.log(
      `edge/raw commit-rate ratio at ${CLIENTS} clients: ${(concurrent.perSecond / raw.perSecond).toFixed(2)} (target >= 0.5); p99 ${fmt(concurrent.p99)} ms (target < 10 ms)`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
