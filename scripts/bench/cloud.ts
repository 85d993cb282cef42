/**
 * `pnpm bench:cloud`: appointment booking through the cloud's real HTTP stack (`startCloud` with
 * the demo data, customers signed in by SMS code) at 32 concurrent clients, on embedded PGlite and
 * on a real PostgreSQL (a throwaway durable cluster started here), each next to a bare single-row
 * insert rate on the same engine and disk, measured in the same run. The cloud runs in a child
 * process (`cloud/test/bench-server.ts`) so the load generator does not share its event loop
 * (`BENCH_IN_PROCESS=1` runs both in one process, as before; `BENCH_SERVER_NODE_ARGS` passes
 * Node flags such as `--cpu-prof` to the cloud process). Every booking re-checks the slot's
 * capacity under the slot's advisory lock (PostgreSQL) or PGlite's exclusive execution, so this is
 * the no-overbooking path under load.
 * The last line is the headline.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { startCloud } from '../../cloud/src/app.js'
import { loadConfig } from '../../cloud/src/config.js'
import { createLogger } from '../../cloud/src/log.js'
import {
  bareInsertRatePglite,
  bareInsertRatePostgres,
  signInCustomers,
  startBenchServer,
  startDurablePostgres,
  type BenchServer,
  type RateResult,
} from '../../cloud/test/bench-support.js'
import { summarize } from '../lib/stats.js'

const CLIENTS = 32
const BOOKINGS = Number(process.env['BENCH_BOOKINGS'] ?? 2000)
const WARMUP = 100
const RAW_INSERTS = Number(process.env['BENCH_RAW_INSERTS'] ?? 3000)
const CUSTOMERS = 40
/** `BENCH_IN_PROCESS=1`: the cloud in this process, sharing its event loop with the load generator. */
const IN_PROCESS = process.env['BENCH_IN_PROCESS'] === '1'
/** Extra Node flags for the cloud process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const SERVER_NODE_ARGS = (process.env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter(Boolean)
const BRANCHES = [
  'almaty-demo',
  'almaty-dostyk',
  'almaty-tole-bi',
  'astana-mangilik-el',
  'astana-kenesary',
  'shymkent-tauke-khan',
]
const SERVICES = ['card', 'loan', 'consult']

interface Booking {
  readonly branchId: string
  readonly serviceId: string
  readonly startsAt: string
  /** Index of the customer: distinct for bookings of one start time (one place per person). */
  readonly customer: number
}

const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0)
const localDate = (ms: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Almaty',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms)

/** Every free place of the next two weeks, grouped by start time. */
async function freePlaces(url: string): Promise<Booking[]> {
  const byStart = new Map<string, { branchId: string; serviceId: string }[]>()
  for (let day = 0; day <= 14; day++) {
    const date = localDate(Date.now() + day * 86_400_000)
    for (const branchId of BRANCHES)
      for (const serviceId of SERVICES) {
        const response = await fetch(
          `${url}/api/v1/appointments/slots?branchId=${branchId}&serviceId=${serviceId}&date=${date}`,
        )
        const body = (await response.json()) as { slots: { startsAt: string; available: number }[] }
        for (const slot of body.slots)
          for (let place = 0; place < slot.available; place++) {
            const list = byStart.get(slot.startsAt) ?? []
            list.push({ branchId, serviceId })
            byStart.set(slot.startsAt, list)
          }
      }
  }
  return [...byStart.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([startsAt, places]) => places.map((p, customer) => ({ ...p, startsAt, customer })))
}

async function bookAll(input: {
  url: string
  tokens: string[]
  bookings: Booking[]
  clients: number
}) {
  const latencies: number[] = []
  const failures = new Map<number, number>()
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: input.clients }, async () => {
      for (;;) {
        const booking = input.bookings[next++]
        if (booking === undefined) return
        const t = performance.now()
        const response = await fetch(`${input.url}/api/v1/appointments`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${input.tokens[booking.customer] ?? ''}`,
          },
          body: JSON.stringify({
            branchId: booking.branchId,
            serviceId: booking.serviceId,
            startsAt: booking.startsAt,
            language: 'ru',
          }),
        })
        await response.arrayBuffer()
        latencies.push(performance.now() - t)
        if (response.status !== 201)
          failures.set(response.status, (failures.get(response.status) ?? 0) + 1)
      }
    }),
  )
  return { ...summarize(latencies, performance.now() - start), failures }
}

/** The cloud under test: a child process (default) or, with BENCH_IN_PROCESS=1, this process. */
async function startServer(env: Record<string, string>): Promise<BenchServer> {
  if (IN_PROCESS) {
    const cloud = await startCloud({
      config: loadConfig(env),
      log: createLogger({ level: 'warn' }),
    })
    const tokens = await signInCustomers(cloud.deps, CUSTOMERS)
    return { url: cloud.url, tokens, stop: cloud.stop, [Symbol.asyncDispose]: cloud.stop }
  }
  return startBenchServer({ env, customers: CUSTOMERS, nodeArgs: SERVER_NODE_ARGS })
}

async function runDriver(input: { name: string; dir: string; databaseUrl?: string }) {
  await using cloud = await startServer({
    KQMS_DATA_DIR: path.join(input.dir, input.name),
    CLOUD_HTTP_HOST: '127.0.0.1',
    CLOUD_HTTP_PORT: '0',
    CLOUD_DEMO: 'true',
    CLOUD_LOG_LEVEL: 'warn',
    ...(input.databaseUrl ? { DATABASE_URL: input.databaseUrl } : {}),
  })
  const tokens = cloud.tokens
  const places = await freePlaces(cloud.url)
  if (places.length < WARMUP + BOOKINGS)
    throw new Error(`only ${places.length} free places for ${WARMUP + BOOKINGS} bookings`)
  await bookAll({ url: cloud.url, tokens, bookings: places.slice(0, WARMUP), clients: 8 })
  const result = await bookAll({
    url: cloud.url,
    tokens,
    bookings: places.slice(WARMUP, WARMUP + BOOKINGS),
    clients: CLIENTS,
  })
  if (result.failures.size > 0)
    throw new Error(`bookings refused: ${JSON.stringify([...result.failures])}`)
  return result
}

function describeRate(label: string, raw: RateResult) {
  const stats = summarize(raw.latenciesMs, (raw.count / raw.perSecond) * 1000)
  console.log(
    `${label}: ${fmt(raw.perSecond)} inserts/s, p50 ${fmt(stats.p50)} ms, p99 ${fmt(stats.p99)} ms`,
  )
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kqms-bench-cloud-'))
  const postgres = await startDurablePostgres()
  try {
    const rawPglite = await bareInsertRatePglite({
      dataDir: path.join(dir, 'raw-pglite'),
      count: RAW_INSERTS,
      clients: CLIENTS,
    })
    describeRate(`bare single-row insert, PGlite (${CLIENTS} clients, one connection)`, rawPglite)
    const pglite = await runDriver({ name: 'pglite', dir })
    console.log(
      `booking over HTTP, PGlite, ${CLIENTS} clients: ${fmt(pglite.perSecond)} bookings/s, p50 ${fmt(pglite.p50)} ms, p99 ${fmt(pglite.p99)} ms (${pglite.count} bookings)`,
    )

    const rawPostgres = await bareInsertRatePostgres({
      url: postgres.url,
      count: RAW_INSERTS,
      clients: CLIENTS,
    })
    describeRate(
      `bare single-row insert, PostgreSQL (${CLIENTS} connections, fsync on)`,
      rawPostgres,
    )
    const pgResult = await runDriver({ name: 'postgres', dir, databaseUrl: postgres.url })
    console.log(
      `booking over HTTP, PostgreSQL, ${CLIENTS} clients: ${fmt(pgResult.perSecond)} bookings/s, p50 ${fmt(pgResult.p50)} ms, p99 ${fmt(pgResult.p99)} ms (${pgResult.count} bookings)`,
    )

    console.log(
      `cloud booking at ${CLIENTS} clients: PGlite ${fmt(pglite.perSecond)}/s p99 ${fmt(pglite.p99)} ms ` +
        `(${(pglite.perSecond / rawPglite.perSecond).toFixed(2)}× bare insert), PostgreSQL ${fmt(pgResult.perSecond)}/s ` +
        `p99 ${fmt(pgResult.p99)} ms (${(pgResult.perSecond / rawPostgres.perSecond).toFixed(2)}× bare insert)`,
    )
  } finally {
    postgres.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
