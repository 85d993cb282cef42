import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { openAroundTheClock, startEdgeProcess } from './edge-process.js'

/** Deterministic "random" moments, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32
}

const SERVICES = ['cash', 'fx', 'transfer', 'card', 'loan', 'consult']
const dir = mkdtempSync(path.join(tmpdir(), 'kqms-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('appliance crash safety', () => {
  it('keeps every acknowledged ticket and never reuses a number across SIGKILLs under load', async () => {
    const seed = 20261122
    const random = lcg(seed)
    const acknowledged = new Map<string, { number: string; key: string; serviceId: string }>()
    let keyCounter = 0

    for (let round = 0; round < 4; round++) {
      const edge = await startEdgeProcess({ dataDir: dir })
      if (round === 0) await openAroundTheClock(edge.url)
      const killAfterMs = 300 + Math.floor(random() * 700)
      let killed = false
      const clients = Array.from({ length: 8 }, async () => {
        while (!killed) {
          const key = `crash-${seed}-${keyCounter++}`
          const serviceId = SERVICES[keyCounter % SERVICES.length]!
          try {
            const response = await fetch(`${edge.url}/api/v1/register`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'idempotency-key': key },
              body: JSON.stringify({ serviceId, language: 'ru' }),
            })
            const body = (await response.json()) as { id: string; number: string }
            if (response.status === 201 || response.status === 200)
              acknowledged.set(body.id, { number: body.number, key, serviceId })
            else throw new Error(`register answered ${response.status}: ${JSON.stringify(body)}`)
          } catch (error) {
            if (!killed) throw error // only requests cut by the kill may fail
          }
        }
      })
      await new Promise((resolve) => setTimeout(resolve, killAfterMs))
      killed = true
      await edge.stop('SIGKILL')
      expect(edge.child.signalCode, 'the appliance itself was killed').toBe('SIGKILL')
      await Promise.all(clients)
    }

    expect(acknowledged.size).toBeGreaterThan(20)
    await using edge = await startEdgeProcess({ dataDir: dir })
    for (const [id, ticket] of acknowledged) {
      const response = await fetch(`${edge.url}/api/v1/status/${id}`)
      expect(response.status, `ticket ${ticket.number} (${id}) after restart`).toBe(200)
      expect(((await response.json()) as { number: string }).number).toBe(ticket.number)
    }
    // A retried request with an acknowledged key returns the same ticket.
    const [firstId, first] = [...acknowledged][0]!
    const retry = await fetch(`${edge.url}/api/v1/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': first.key },
      body: JSON.stringify({ serviceId: first.serviceId, language: 'ru' }),
    })
    expect(retry.status).toBe(200)
    expect(((await retry.json()) as { id: string }).id).toBe(firstId)
    await edge.stop()

    // The event log, the source of truth, holds each number once per day and service.
    const db = new Database(path.join(dir, 'edge', 'almaty-demo.sqlite'), { readonly: true })
    const issued = db
      .prepare("SELECT payload FROM events WHERE type = 'TicketIssuedV1'")
      .all()
      .map(
        (row) =>
          JSON.parse((row as { payload: string }).payload) as {
            day: string
            serviceId: string
            number: string
          },
      )
    db.close()
    const keys = issued.map((e) => `${e.day}/${e.serviceId}/${e.number}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect(issued.length).toBeGreaterThanOrEqual(acknowledged.size)
  }, 120_000)
})
