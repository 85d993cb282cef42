import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEntry, BranchConfigurationResponse, PublishResponse } from '@kqms/shared/cloud'
import type { CloudDatabase } from '../src/db/open-database.js'
import { contentHash } from '../src/usecases/catalogue.js'
import { createTestCloud, driversToRun, openTestDatabase, type TestCloud } from './test-cloud.js'

describe.each(driversToRun())('configuration publishing on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  let admin: string
  beforeAll(async () => {
    database = await openTestDatabase(driver)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    cloud = await createTestCloud(database)
    admin = await cloud.staffToken('admin')
  })

  const override = (token: string, body: Record<string, unknown>) =>
    cloud.request('/api/admin/configuration/branches/almaty-demo/services/loan', {
      method: 'PUT',
      token,
      body: {
        enabled: true,
        dailyCap: null,
        expectedServiceSeconds: null,
        appointmentsPerSlot: null,
        openingHours: null,
        ...body,
      },
    })
  const publish = (token: string) =>
    cloud.request('/api/admin/configuration/branches/almaty-demo/publish', {
      method: 'POST',
      token,
    })

  it('publishes a change as a new immutable, content-hashed version with audit rows', async () => {
    const before = (
      await cloud.request('/api/admin/configuration/branches/almaty-demo', { token: admin })
    ).body as BranchConfigurationResponse
    expect(before.published?.version).toBe(1) // the demo seed published version 1
    expect(before.unpublishedChanges).toBe(false)

    const manager = await cloud.staffToken('manager')
    expect((await override(manager, { appointmentsPerSlot: 4 })).status).toBe(200)
    const draft = (
      await cloud.request('/api/admin/configuration/branches/almaty-demo', { token: admin })
    ).body as BranchConfigurationResponse
    expect(draft.unpublishedChanges).toBe(true)
    expect(draft.draft.services.find((s) => s.id === 'loan')?.appointmentsPerSlot).toBe(4)

    const published = (await publish(manager)).body as PublishResponse
    expect(published).toMatchObject({
      created: true,
      version: { version: 2, publishedBy: 'manager@kqms.demo' },
    })
    expect(published.version.contentHash).toBe(contentHash(draft.draft))
    expect(published.version.contentHash).not.toBe(before.published?.contentHash)

    // Publishing again without a change adds no version.
    const again = (await publish(admin)).body as PublishResponse
    expect(again).toMatchObject({ created: false, version: { version: 2 } })
    const versions = await cloud.request('/api/admin/configuration/branches/almaty-demo/versions', {
      token: admin,
    })
    expect(
      (versions.body as { versions: { version: number }[] }).versions.map((v) => v.version),
    ).toEqual([2, 1])

    const audit = (await cloud.request('/api/admin/audit?limit=10', { token: admin })).body as {
      entries: AuditEntry[]
    }
    const [publishEntry, overrideEntry] = audit.entries
    expect(publishEntry).toMatchObject({
      action: 'config.publish',
      actorEmail: 'manager@kqms.demo',
      entityId: 'almaty-demo/2',
      before: { version: 1 },
      after: { version: 2, contentHash: published.version.contentHash },
    })
    expect(overrideEntry).toMatchObject({
      action: 'service-override.create',
      entity: 'branch-service',
      entityId: 'almaty-demo/loan',
      before: null,
      after: { appointmentsPerSlot: 4 },
    })
  })

  it('applies an override to slots at once: a disabled service is not bookable', async () => {
    expect((await override(admin, { enabled: false })).status).toBe(200)
    const slots = await cloud.request(
      '/api/v1/appointments/slots?branchId=almaty-demo&serviceId=loan&date=2026-03-02',
    )
    expect(slots.status).toBe(422)
    expect(slots.body).toMatchObject({ error: { code: 'SERVICE_NOT_OFFERED' } })
  })

  it('audits every change with who, what, before and after', async () => {
    const policy = (await cloud.request('/api/admin/configuration', { token: admin })).body as {
      priorityPolicy: { maxRecalls: number }
    }
    const changed = { ...policy.priorityPolicy, maxRecalls: 5 }
    expect(
      (
        await cloud.request('/api/admin/configuration/priority-policy', {
          method: 'PUT',
          token: admin,
          body: changed,
        })
      ).status,
    ).toBe(200)
    expect(
      (
        await cloud.request('/api/admin/branches/almaty-demo', {
          method: 'PATCH',
          token: admin,
          body: { city: 'Almaty City' },
        })
      ).status,
    ).toBe(200)
    const audit = (await cloud.request('/api/admin/audit?limit=2', { token: admin })).body as {
      entries: AuditEntry[]
    }
    expect(audit.entries[0]).toMatchObject({
      action: 'branch.update',
      actorEmail: 'admin@kqms.demo',
      before: { city: 'Almaty' },
      after: { city: 'Almaty City' },
      at: new Date(cloud.clock.now()).toISOString(),
    })
    expect(audit.entries[1]).toMatchObject({
      action: 'policy.update',
      before: { maxRecalls: 3 },
      after: { maxRecalls: 5 },
    })
  })

  it('refuses an unknown IANA time zone for a branch', async () => {
    const answer = await cloud.request('/api/admin/branches/almaty-demo', {
      method: 'PATCH',
      token: admin,
      body: { timeZone: 'Mars/Olympus' },
    })
    expect(answer.status).toBe(422)
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_CONFIGURATION' } })
  })
})
