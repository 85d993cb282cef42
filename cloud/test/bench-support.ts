import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { and, desc, eq } from 'drizzle-orm'
import pg from 'pg'
import { z } from 'zod'
import { customerOtps, notificationOutbox } from '../src/db/schema.js'
import { requestOtp, verifyOtp } from '../src/usecases/customer-auth.js'
import type { CloudDeps } from '../src/usecases/ports.js'

/**
 * Helpers of `pnpm bench:cloud` (scripts/bench/cloud.ts) that need the cloud's own dependencies
 * (pg, PGlite): a throwaway *durable* PostgreSQL cluster, a bare single-row insert rate on a
 * database, and signed-in customers.
 */

const PG_ROOT = '/usr/lib/postgresql'

function postgresBin(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT).filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
    : []
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]
  if (newest === undefined) throw new Error(`PostgreSQL server binaries not found under ${PG_ROOT}`)
  return join(PG_ROOT, newest, 'bin')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** initdb + pg_ctl start with the default durability (fsync on, synchronous_commit on). */
export async function startDurablePostgres(): Promise<{ url: string; stop(): void }> {
  const bin = postgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'kqms-bench-pg-'))
  const asRoot = process.getuid?.() === 0
  const run = (command: string, args: string[]): void => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args]
    execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: tmpdir() })
  }
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  run('initdb', ['-D', data, '-U', 'kqms', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8'])
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c max_connections=200',
  ].join(' ')
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'])
  return {
    url: `postgres://kqms@127.0.0.1:${port}/postgres`,
    stop() {
      const args = ['-D', data, '-m', 'fast', 'stop']
      if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args])
      else spawnSync(join(bin, 'pg_ctl'), args)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface RateResult {
  readonly count: number
  readonly perSecond: number
  readonly latenciesMs: number[]
}

const PAYLOAD = JSON.stringify({ kind: 'appointment', padding: 'x'.repeat(200) })

/** Bare single-row inserts (autocommit) into a scratch table: `clients` concurrent connections. */
export async function bareInsertRatePostgres(input: {
  url: string
  count: number
  clients: number
}): Promise<RateResult> {
  const pool = new pg.Pool({ connectionString: input.url, max: input.clients })
  try {
    await pool.query(
      'CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload jsonb NOT NULL)',
    )
    const latenciesMs: number[] = []
    let next = 0
    const start = performance.now()
    await Promise.all(
      Array.from({ length: input.clients }, async () => {
        while (next++ < input.count) {
          const t = performance.now()
          await pool.query('INSERT INTO bench_insert (payload) VALUES ($1)', [PAYLOAD])
          latenciesMs.push(performance.now() - t)
        }
      }),
    )
    const elapsed = performance.now() - start
    return {
      count: latenciesMs.length,
      perSecond: (latenciesMs.length / elapsed) * 1000,
      latenciesMs,
    }
  } finally {
    await pool.end()
  }
}

/** The same on a PGlite database in a data folder (one connection: concurrency is serialised). */
export async function bareInsertRatePglite(input: {
  dataDir: string
  count: number
  clients: number
}): Promise<RateResult> {
  const db = await PGlite.create(input.dataDir)
  try {
    await db.exec(
      'CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, payload jsonb NOT NULL)',
    )
    const latenciesMs: number[] = []
    let next = 0
    const start = performance.now()
    await Promise.all(
      Array.from({ length: input.clients }, async () => {
        while (next++ < input.count) {
          const t = performance.now()
          await db.query('INSERT INTO bench_insert (payload) VALUES ($1)', [PAYLOAD])
          latenciesMs.push(performance.now() - t)
        }
      }),
    )
    const elapsed = performance.now() - start
    return {
      count: latenciesMs.length,
      perSecond: (latenciesMs.length / elapsed) * 1000,
      latenciesMs,
    }
  } finally {
    await db.close()
  }
}

/** Signs `count` customers in through the real OTP flow (the code read from the outbox). */
export async function signInCustomers(deps: CloudDeps, count: number): Promise<string[]> {
  const tokens: string[] = []
  for (let n = 0; n < count; n++) {
    const phone = `+7705${String(n).padStart(7, '0')}`
    await requestOtp(deps, { phone, language: 'ru' })
    const [otp] = await deps.db
      .select()
      .from(notificationOutbox)
      .where(and(eq(notificationOutbox.recipient, phone), eq(notificationOutbox.kind, 'otp')))
      .orderBy(desc(notificationOutbox.createdAt))
      .limit(1)
    const code = (otp?.payload['data'] as { code?: string } | undefined)?.code
    if (code === undefined) throw new Error(`no code for ${phone}`)
    tokens.push((await verifyOtp(deps, { phone, code })).token)
    await deps.db.delete(customerOtps).where(eq(customerOtps.phone, phone))
  }
  return tokens
}

export interface BenchServer extends AsyncDisposable {
  readonly url: string
  /** Session tokens of the signed-in customers. */
  readonly tokens: string[]
  stop(): Promise<void>
}

const REPO = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Runs `test/bench-server.ts` (the real cloud with signed-in customers) as a child process and
 * resolves once it listens. `nodeArgs` adds Node flags (e.g. `--cpu-prof`).
 */
export async function startBenchServer(input: {
  env: Record<string, string>
  customers: number
  nodeArgs?: readonly string[]
  timeoutMs?: number
}): Promise<BenchServer> {
  // Node itself with tsx's loader (not the tsx CLI, which forks): SIGTERM reaches the cloud.
  const child = spawn(
    process.execPath,
    [...(input.nodeArgs ?? []), '--import', 'tsx', 'cloud/test/bench-server.ts'],
    {
      cwd: REPO,
      env: { ...process.env, ...input.env, BENCH_CUSTOMERS: String(input.customers) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  try {
    const ready = await new Promise<{ url: string; tokens: string[] }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bench server did not start in time\n${stderr}`)),
        input.timeoutMs ?? 120_000,
      )
      const lines = createInterface({ input: child.stdout })
      lines.on('line', (line) => {
        let parsed: unknown
        try {
          parsed = JSON.parse(line)
        } catch {
          return
        }
        const ok = BenchServerReady.safeParse(parsed)
        if (!ok.success) return
        clearTimeout(timer)
        lines.close()
        child.stdout.resume()
        resolve(ok.data)
      })
      void exited.then((code) => {
        clearTimeout(timer)
        reject(new Error(`bench server exited with ${String(code)} before listening\n${stderr}`))
      })
    })
    return { ...ready, stop, [Symbol.asyncDispose]: stop }
  } catch (error) {
    await stop()
    throw error
  }
}

const BenchServerReady = z.object({ url: z.string().url(), tokens: z.array(z.string()) })
