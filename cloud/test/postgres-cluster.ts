import { execFileSync, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A throwaway PostgreSQL cluster's URL, or '' when none could be started (outside CI only). */
    postgresUrl: string
  }
}

const PG_ROOT = '/usr/lib/postgresql'

function findPostgresBin(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined
  const versions = readdirSync(PG_ROOT)
    .filter((name) => existsSync(join(PG_ROOT, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
  const newest = versions[0]
  return newest === undefined ? undefined : join(PG_ROOT, newest, 'bin')
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

/**
 * Vitest global setup of the cloud project: initdb + pg_ctl start of a throwaway cluster on a free
 * loopback port, torn down after the run. As root the server runs as the `postgres` user (initdb
 * refuses root). Outside CI a machine without PostgreSQL runs the PGlite half only, and says so loudly;
 * under CI=true a missing server fails the run.
 */
export default async function startPostgresCluster(project: TestProject): Promise<() => void> {
  const bin = findPostgresBin()
  if (bin === undefined) {
    const message = `PostgreSQL server binaries not found under ${PG_ROOT}`
    if (process.env['CI'] === 'true')
      throw new Error(`${message}; CI must install the postgresql package`)
    process.stderr.write(
      `\n*** cloud: ${message}: SKIPPING the PostgreSQL half of the cloud tests ***\n\n`,
    )
    project.provide('postgresUrl', '')
    return () => {}
  }
  const dir = mkdtempSync(join(tmpdir(), 'kqms-pg-'))
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
  run('initdb', [
    '-D',
    data,
    '-U',
    'kqms',
    '-A',
    'trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ])
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=off', // a throwaway test cluster; the benchmark runs its own durable cluster
    '-c max_connections=200',
  ].join(' ')
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'])
  const url = `postgres://kqms@127.0.0.1:${port}/postgres`
  process.stdout.write(`cloud: throwaway PostgreSQL at ${url}\n`)
  project.provide('postgresUrl', url)
  return () => {
    const stop = asRoot
      ? spawnSync('runuser', [
          '-u',
          'postgres',
          '--',
          join(bin, 'pg_ctl'),
          '-D',
          data,
          '-m',
          'immediate',
          'stop',
        ])
      : spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'])
    if (stop.status !== 0) process.stderr.write(`cloud: pg_ctl stop: ${String(stop.stderr)}\n`)
    rmSync(dir, { recursive: true, force: true })
  }
}
