import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type {
  AnalyticsResponse,
  BranchUnreachableBody,
  PublicBranch,
  QueuesResponse,
  RemoteJoinView,
} from '@kqms/shared/cloud'
import type { CloudDatabase } from '../src/db/open-database.js'
import { recordHeartbeat } from '../src/usecases/branches.js'
import { createTestCloud, driversToRun, openTestDatabase, type TestCloud } from './test-cloud.js'

describe.each(driversToRun())('branch finder and remote join on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  beforeAll(async () => {
    database = await openTestDatabase(driver)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    cloud = await createTestCloud(database)
  })

  const join = (body: unknown, headers: Record<string, string> = {}) =>
    cloud.request('/api/v1/register', { body, headers })

  it('finds branches by city and by distance, with null live figures until they sync', async () => {
    const astana = (await cloud.request('/api/v1/branches?city=astana')).body as {
      branches: PublicBranch[]
    }
    expect(astana.branches.map((b) => b.id).sort()).toEqual([
      'astana-kenesary',
      'astana-mangilik-el',
    ])
    expect(astana.branches[0]).toMatchObject({
      live: null,
      waiting: null,
      expectedWaitMinutes: null,
      distanceKm: null,
    })
    // Near Dostyk Avenue: the Dostyk branch first, Shymkent last.
    const near = (await cloud.request('/api/v1/branches?lat=43.2460&lon=76.9580')).body as {
      branches: PublicBranch[]
    }
    expect(near.branches[0]?.id).toBe('almaty-dostyk')
    expect(near.branches.at(-1)?.id).toMatch(/^astana-/)
    expect(near.branches[0]?.distanceKm).toBeLessThan(0.5)
  })

  it('answers 503 BRANCH_UNREACHABLE with nearby synced branches and next slots, never a made-up number', async () => {
    await recordHeartbeat(cloud.deps, {
      branchId: 'almaty-dostyk',
      at: cloud.clock.now(),
      waitingByService: { loan: 3 },
      expectedWaitMinutesByService: { loan: 12 },
    })
    const answer = await join({ branchId: 'almaty-demo', serviceId: 'loan', language: 'ru' })
    expect(answer.status).toBe(503)
    const body = answer.body as BranchUnreachableBody
    expect(body.error.code).toBe('BRANCH_UNREACHABLE')
    expect(body.alternatives.branches).toEqual([
      expect.objectContaining({ id: 'almaty-dostyk', expectedWaitMinutes: 12, reachable: true }),
    ])
    expect(body.alternatives.slots[0]).toMatchObject({
      localTime: '09:00',
      startsAt: '2026-03-02T04:00:00.000Z',
    })
    expect(JSON.stringify(body)).not.toContain('ticketNumber')
  })

  it('records a pending request for a synced branch; the number comes only from the branch', async () => {
    await recordHeartbeat(cloud.deps, {
      branchId: 'almaty-demo',
      at: cloud.clock.now(),
      waitingByService: { cash: 4 },
    })
    const headers = { 'idempotency-key': 'join-0001-abcdef' }
    const answer = await join(
      { branchId: 'almaty-demo', serviceId: 'cash', language: 'kk' },
      headers,
    )
    expect(answer.status).toBe(202)
    const view = answer.body as RemoteJoinView
    expect(view).toMatchObject({ status: 'pending', ticketNumber: null, language: 'kk' })
    expect(view.statusUrl).toBe(`https://kq.example/api/v1/status/${view.id}`)
    const repeat = await join(
      { branchId: 'almaty-demo', serviceId: 'cash', language: 'kk' },
      headers,
    )
    expect(repeat.status).toBe(200)
    expect((repeat.body as RemoteJoinView).id).toBe(view.id)
    const status = await cloud.request(`/api/v1/status/${view.id}`)
    expect(status.body).toMatchObject({
      kind: 'remote-join',
      remoteJoin: { id: view.id, status: 'pending' },
    })
    const queues = (await cloud.request('/api/v1/queues?branchId=almaty-demo'))
      .body as QueuesResponse
    expect(queues.reachable).toBe(true)
    expect(queues.services.find((s) => s.serviceId === 'cash')?.waiting).toBe(4)

    const admin = await cloud.staffToken('analyst')
    const analytics = (
      await cloud.request('/api/admin/analytics?from=2026-03-01&to=2026-03-31', { token: admin })
    ).body as AnalyticsResponse
    expect(analytics.remoteJoins).toEqual([
      {
        branchId: 'almaty-demo',
        date: '2026-03-02',
        pending: 1,
        accepted: 0,
        rejected: 0,
        expired: 0,
      },
    ])
    expect(analytics.totals.remoteJoins).toBe(1)
  })

  it('treats a branch silent for longer than the window as unreachable again', async () => {
    await recordHeartbeat(cloud.deps, { branchId: 'almaty-demo', at: cloud.clock.now() })
    expect((await join({ branchId: 'almaty-demo', serviceId: 'cash' })).status).toBe(202)
    cloud.clock.advance(5 * 60_000 + 1)
    expect((await join({ branchId: 'almaty-demo', serviceId: 'cash' })).status).toBe(503)
  })

  it('counts appointments per branch and local day for analytics', async () => {
    const token = await cloud.customerToken('+77010000001')
    await cloud.request('/api/v1/appointments', {
      token,
      body: { branchId: 'almaty-demo', serviceId: 'loan', startsAt: '2026-03-03T05:00:00.000Z' },
    })
    const manager = await cloud.staffToken('manager')
    const analytics = (
      await cloud.request('/api/admin/analytics?from=2026-03-01&to=2026-03-31', { token: manager })
    ).body as AnalyticsResponse
    expect(analytics.appointments).toEqual([
      { branchId: 'almaty-demo', date: '2026-03-03', booked: 1, cancelled: 0 },
    ])
    const list = await cloud.request(
      '/api/admin/appointments?branchId=almaty-demo&date=2026-03-03',
      { token: manager },
    )
    expect(list.body).toMatchObject({
      appointments: [{ localStart: '2026-03-03 10:00', phone: '+7701•••••01' }],
    })
  })
})
