import { randomBytes } from 'node:crypto'
import { and, asc, desc, eq, inArray, lt, type Column, type SQL } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type {
  AdminOperator,
  ApplianceView,
  AuditEntry,
  AuditQuery,
  CreateApplianceRequest,
  CreateDeviceRequest,
  CreateWebhookRequest,
  DeviceView,
  PutOperatorRequest,
  WebhookEvent,
  WebhookView,
} from '@kqms/shared/cloud'
import type { BranchId, DeviceKind, OperatorId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { appliances, auditLog, devices, operators, services, webhooks } from '../db/schema.js'
import { recordAudit } from './audit.js'
import { invalidateConfiguration } from './config-cache.js'
import { getBranchOrThrow } from './branches.js'
import type { Actor, CloudDeps } from './ports.js'

/** Operators, appliances, devices, webhooks and the audit trail: administrative records. */

const iso = (ms: number): string => new Date(ms).toISOString()
/** `null`: every branch; otherwise only these (a branch manager's scope). */
export type BranchScope = readonly string[] | null

const inScope = (column: Column, scope: BranchScope): SQL | undefined =>
  scope === null ? undefined : inArray(column, scope.length === 0 ? [''] : [...scope])

type OperatorRow = typeof operators.$inferSelect
const toOperator = (r: OperatorRow): AdminOperator => ({
  branchId: r.branchId as BranchId,
  id: r.id as OperatorId,
  displayName: r.displayName,
  skills: r.skills,
  active: r.active,
  updatedAt: iso(r.updatedAt),
})

export async function listOperators(
  deps: CloudDeps,
  input: { branchId?: string; scope: BranchScope },
): Promise<AdminOperator[]> {
  const rows = await deps.db
    .select()
    .from(operators)
    .where(
      and(
        input.branchId ? eq(operators.branchId, input.branchId) : undefined,
        inScope(operators.branchId, input.scope),
      ),
    )
    .orderBy(asc(operators.branchId), asc(operators.id))
  return rows.map(toOperator)
}

export async function putOperator(
  deps: CloudDeps,
  input: { actor: Actor; branchId: string; operatorId: string; operator: PutOperatorRequest },
): Promise<AdminOperator> {
  const now = deps.clock.now()
  const row: OperatorRow = {
    branchId: input.branchId,
    id: input.operatorId,
    ...input.operator,
    updatedAt: now,
  }
  await deps.db.transaction(async (tx) => {
    await getBranchOrThrow(tx, input.branchId)
    const skillIds = Object.keys(input.operator.skills)
    if (skillIds.length > 0) {
      const known = await tx
        .select({ id: services.id })
        .from(services)
        .where(inArray(services.id, skillIds))
      const unknown = skillIds.filter((id) => !known.some((k) => k.id === id))
      if (unknown.length > 0)
        throw new DomainError(
          'INVALID_CONFIGURATION',
          `Unknown services in skills: ${unknown.join(', ')}`,
        )
    }
    const key = and(eq(operators.branchId, input.branchId), eq(operators.id, input.operatorId))
    const [before] = await tx.select().from(operators).where(key).for('update')
    await tx
      .insert(operators)
      .values(row)
      .onConflictDoUpdate({
        target: [operators.branchId, operators.id],
        set: { ...input.operator, updatedAt: now },
      })
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: before ? 'operator.update' : 'operator.create',
      entity: 'operator',
      entityId: `${input.branchId}/${input.operatorId}`,
      before: before ?? null,
      after: row,
    })
  })
  return toOperator(row)
}

type ApplianceRow = typeof appliances.$inferSelect
const toAppliance = (r: ApplianceRow): ApplianceView => ({
  id: r.id,
  branchId: r.branchId as BranchId,
  name: r.name,
  serialNumber: r.serialNumber,
  registeredAt: iso(r.registeredAt),
  lastSeenAt: r.lastSeenAt === null ? null : iso(r.lastSeenAt),
})

export async function listAppliances(
  deps: CloudDeps,
  input: { branchId?: string; scope: BranchScope },
): Promise<ApplianceView[]> {
  const rows = await deps.db
    .select()
    .from(appliances)
    .where(
      and(
        input.branchId ? eq(appliances.branchId, input.branchId) : undefined,
        inScope(appliances.branchId, input.scope),
      ),
    )
    .orderBy(asc(appliances.branchId), asc(appliances.name))
  return rows.map(toAppliance)
}

export async function createAppliance(
  deps: CloudDeps,
  input: { actor: Actor; appliance: CreateApplianceRequest },
): Promise<ApplianceView> {
  const now = deps.clock.now()
  const row: ApplianceRow = {
    id: uuidv7(),
    ...input.appliance,
    registeredAt: now,
    lastSeenAt: null,
  }
  await deps.db.transaction(async (tx) => {
    await getBranchOrThrow(tx, row.branchId)
    const inserted = await tx
      .insert(appliances)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: appliances.id })
    if (inserted.length === 0)
      throw new DomainError('CONFLICT', `Serial number ${row.serialNumber} is registered already`)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'appliance.create',
      entity: 'appliance',
      entityId: row.id,
      before: null,
      after: row,
    })
  })
  return toAppliance(row)
}

type DeviceRow = typeof devices.$inferSelect
const toDevice = (r: DeviceRow): DeviceView => ({
  id: r.id,
  branchId: r.branchId as BranchId,
  kind: r.kind as DeviceKind,
  label: r.label,
  applianceId: r.applianceId,
  createdAt: iso(r.createdAt),
})

export async function listDevices(
  deps: CloudDeps,
  input: { branchId?: string; scope: BranchScope },
): Promise<DeviceView[]> {
  const rows = await deps.db
    .select()
    .from(devices)
    .where(
      and(
        input.branchId ? eq(devices.branchId, input.branchId) : undefined,
        inScope(devices.branchId, input.scope),
      ),
    )
    .orderBy(asc(devices.branchId), asc(devices.label))
  return rows.map(toDevice)
}

export async function createDevice(
  deps: CloudDeps,
  input: { actor: Actor; device: CreateDeviceRequest },
): Promise<DeviceView> {
  const now = deps.clock.now()
  const row: DeviceRow = { id: uuidv7(), ...input.device, createdAt: now }
  await deps.db.transaction(async (tx) => {
    await getBranchOrThrow(tx, row.branchId)
    if (row.applianceId !== null) {
      const [appliance] = await tx
        .select()
        .from(appliances)
        .where(eq(appliances.id, row.applianceId))
      if (appliance?.branchId !== row.branchId)
        throw new DomainError('INVALID_CONFIGURATION', 'The appliance is not in this branch')
    }
    await tx.insert(devices).values(row)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'device.create',
      entity: 'device',
      entityId: row.id,
      before: null,
      after: row,
    })
  })
  return toDevice(row)
}

export async function getDeviceOrThrow(deps: CloudDeps, id: string): Promise<DeviceView> {
  const [row] = await deps.db.select().from(devices).where(eq(devices.id, id))
  if (!row) throw new DomainError('NOT_FOUND', `No device ${id}`)
  return toDevice(row)
}

export async function deleteDevice(
  deps: CloudDeps,
  input: { actor: Actor; id: string },
): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const [before] = await tx.delete(devices).where(eq(devices.id, input.id)).returning()
    if (!before) throw new DomainError('NOT_FOUND', `No device ${input.id}`)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'device.delete',
      entity: 'device',
      entityId: input.id,
      before,
      after: null,
    })
  })
}

type WebhookRow = typeof webhooks.$inferSelect
const toWebhook = (r: WebhookRow): WebhookView => ({
  id: r.id,
  url: r.url,
  events: r.events as WebhookEvent[],
  active: r.active,
  createdAt: iso(r.createdAt),
})

export async function listWebhooks(deps: CloudDeps): Promise<WebhookView[]> {
  return (await deps.db.select().from(webhooks).orderBy(asc(webhooks.createdAt))).map(toWebhook)
}

/** Registers an integrator's endpoint; the HMAC secret is shown once. */
export async function createWebhook(
  deps: CloudDeps,
  input: { actor: Actor; webhook: CreateWebhookRequest },
): Promise<WebhookView & { secret: string }> {
  const now = deps.clock.now()
  const row: WebhookRow = {
    id: uuidv7(),
    url: input.webhook.url,
    secret: randomBytes(32).toString('base64url'),
    events: [...new Set(input.webhook.events)],
    active: true,
    createdAt: now,
  }
  await deps.db.transaction(async (tx) => {
    await tx.insert(webhooks).values(row)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'webhook.create',
      entity: 'webhook',
      entityId: row.id,
      before: null,
      after: row,
    })
  })
  invalidateConfiguration()
  return { ...toWebhook(row), secret: row.secret }
}

export async function deleteWebhook(
  deps: CloudDeps,
  input: { actor: Actor; id: string },
): Promise<void> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const [before] = await tx
      .update(webhooks)
      .set({ active: false })
      .where(and(eq(webhooks.id, input.id), eq(webhooks.active, true)))
      .returning()
    if (!before) throw new DomainError('NOT_FOUND', `No webhook ${input.id}`)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'webhook.delete',
      entity: 'webhook',
      entityId: input.id,
      before: { ...before, active: true },
      after: before,
    })
  })
  invalidateConfiguration()
}

export async function listAudit(deps: CloudDeps, query: AuditQuery): Promise<AuditEntry[]> {
  const rows = await deps.db
    .select()
    .from(auditLog)
    .where(
      and(
        query.entity ? eq(auditLog.entity, query.entity) : undefined,
        query.entityId ? eq(auditLog.entityId, query.entityId) : undefined,
        query.before ? lt(auditLog.id, query.before) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit)
  return rows.map((r) => ({
    id: r.id,
    at: iso(r.at),
    actorId: r.actorId,
    actorEmail: r.actorEmail,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    before: r.before ?? null,
    after: r.after ?? null,
  }))
}
