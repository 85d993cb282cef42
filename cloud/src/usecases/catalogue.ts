import { createHash } from 'node:crypto'
import { and, asc, desc, eq, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import type {
  BranchConfigContent,
  BranchConfigurationResponse,
  ConfigurationResponse,
  ConfigVersionView,
  EffectiveService,
  PublishResponse,
  PutServiceMasterRequest,
  PutServiceOverrideRequest,
  ServiceMaster,
  ServiceOverride,
} from '@kqms/shared/cloud'
import type { BranchId, OperatorId, PriorityPolicy, ServiceId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import type { CloudTx } from '../db/open-database.js'
import { branchServices, configVersions, operators, services, settings } from '../db/schema.js'
import { recordAudit } from './audit.js'
import { invalidateConfiguration } from './config-cache.js'
import { getBranchOrThrow, type BranchRow } from './branches.js'
import type { Actor, CloudDeps } from './ports.js'

/** The bank-wide priority policy until an administrator changes it (the appliance's default). */
export const DEFAULT_PRIORITY_POLICY: PriorityPolicy = {
  classes: {
    appointment: { headStart: 30, agingPerMinute: 1, maxWaitMinutes: 10 },
    vip: { headStart: 20, agingPerMinute: 1, maxWaitMinutes: 10 },
    elderly: { headStart: 15, agingPerMinute: 1, maxWaitMinutes: 15 },
    regular: { headStart: 0, agingPerMinute: 1, maxWaitMinutes: 25 },
  },
  selfDeclarable: ['elderly'],
  secondarySkillMargin: 10,
  shortServiceBonusPerMinute: 0,
  maxRecalls: 3,
  recallCooldownSeconds: 20,
  noShowAfterMinutes: 5,
  reactivateWithinMinutes: 60,
}

const POLICY_KEY = 'priority-policy'
const iso = (ms: number): string => new Date(ms).toISOString()

/** JSON with object keys sorted at every level: equal content gives equal bytes and hash. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key]
    return sorted
  })
}

export const contentHash = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex')

type ServiceRow = typeof services.$inferSelect
type OverrideRow = typeof branchServices.$inferSelect

const toMaster = (r: ServiceRow): ServiceMaster => ({
  id: r.id as ServiceId,
  prefix: r.prefix,
  name: r.name,
  category: r.category,
  expectedServiceSeconds: r.expectedServiceSeconds,
  serviceTimeCv: r.serviceTimeCv,
  bookable: r.bookable,
  active: r.active,
})

const toOverride = (r: OverrideRow): ServiceOverride => ({
  serviceId: r.serviceId as ServiceId,
  enabled: r.enabled,
  dailyCap: r.dailyCap,
  expectedServiceSeconds: r.expectedServiceSeconds,
  appointmentsPerSlot: r.appointmentsPerSlot,
  openingHours: r.openingHours,
})

export async function getPriorityPolicy(tx: CloudTx): Promise<PriorityPolicy> {
  const [row] = await tx.select().from(settings).where(eq(settings.key, POLICY_KEY))
  return row?.value ?? DEFAULT_PRIORITY_POLICY
}

export async function getConfiguration(deps: CloudDeps): Promise<ConfigurationResponse> {
  const rows = await deps.db.select().from(services).orderBy(asc(services.id))
  return { services: rows.map(toMaster), priorityPolicy: await getPriorityPolicy(deps.db) }
}

export async function putServiceMaster(
  deps: CloudDeps,
  input: { actor: Actor; serviceId: string; service: PutServiceMasterRequest },
): Promise<ServiceMaster> {
  const now = deps.clock.now()
  const row: ServiceRow = { id: input.serviceId, ...input.service, updatedAt: now }
  await deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(services)
      .where(eq(services.id, input.serviceId))
      .for('update')
    await tx
      .insert(services)
      .values(row)
      .onConflictDoUpdate({ target: services.id, set: { ...input.service, updatedAt: now } })
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: before ? 'service.update' : 'service.create',
      entity: 'service',
      entityId: input.serviceId,
      before: before ?? null,
      after: row,
    })
  })
  invalidateConfiguration()
  return toMaster(row)
}

export async function putPriorityPolicy(
  deps: CloudDeps,
  input: { actor: Actor; policy: PriorityPolicy },
): Promise<PriorityPolicy> {
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const before = await getPriorityPolicy(tx)
    await tx
      .insert(settings)
      .values({ key: POLICY_KEY, value: input.policy, updatedAt: now })
      .onConflictDoUpdate({ target: settings.key, set: { value: input.policy, updatedAt: now } })
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'policy.update',
      entity: 'priority-policy',
      entityId: POLICY_KEY,
      before,
      after: input.policy,
    })
  })
  return input.policy
}

export async function putServiceOverride(
  deps: CloudDeps,
  input: { actor: Actor; branchId: string; serviceId: string; override: PutServiceOverrideRequest },
): Promise<ServiceOverride> {
  const now = deps.clock.now()
  const row: OverrideRow = {
    branchId: input.branchId,
    serviceId: input.serviceId,
    ...input.override,
    updatedAt: now,
  }
  await deps.db.transaction(async (tx) => {
    await getBranchOrThrow(tx, input.branchId)
    const [service] = await tx
      .select({ id: services.id })
      .from(services)
      .where(eq(services.id, input.serviceId))
    if (!service) throw new DomainError('NOT_FOUND', `No service ${input.serviceId}`)
    const key = and(
      eq(branchServices.branchId, input.branchId),
      eq(branchServices.serviceId, input.serviceId),
    )
    const [before] = await tx.select().from(branchServices).where(key).for('update')
    await tx
      .insert(branchServices)
      .values(row)
      .onConflictDoUpdate({
        target: [branchServices.branchId, branchServices.serviceId],
        set: { ...input.override, updatedAt: now },
      })
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: before ? 'service-override.update' : 'service-override.create',
      entity: 'branch-service',
      entityId: `${input.branchId}/${input.serviceId}`,
      before: before ?? null,
      after: row,
    })
  })
  invalidateConfiguration()
  return toOverride(row)
}

/** The services a branch runs: active masters with the branch's overrides applied. */
export async function effectiveServices(
  tx: CloudTx,
  branch: BranchRow,
): Promise<EffectiveService[]> {
  const masters = await tx
    .select()
    .from(services)
    .where(eq(services.active, true))
    .orderBy(asc(services.id))
  const overrides = await tx
    .select()
    .from(branchServices)
    .where(eq(branchServices.branchId, branch.id))
  const byService = new Map(overrides.map((o) => [o.serviceId, o]))
  return masters
    .filter((m) => byService.get(m.id)?.enabled ?? true)
    .map((m): EffectiveService => {
      const o = byService.get(m.id)
      const perSlot = o?.appointmentsPerSlot ?? branch.capacity.appointmentsPerSlot
      return {
        id: m.id as ServiceId,
        prefix: m.prefix,
        name: m.name,
        category: m.category,
        ...(o?.openingHours ? { openingHours: o.openingHours } : {}),
        dailyCap: o?.dailyCap ?? null,
        expectedServiceSeconds: o?.expectedServiceSeconds ?? m.expectedServiceSeconds,
        serviceTimeCv: m.serviceTimeCv,
        active: m.active,
        bookable: m.bookable && perSlot > 0,
        appointmentsPerSlot: perSlot,
      }
    })
}

/** What publishing would ship to the branch now. */
export async function buildBranchConfig(
  tx: CloudTx,
  branchId: string,
): Promise<BranchConfigContent> {
  const branch = await getBranchOrThrow(tx, branchId)
  const operatorRows = await tx
    .select()
    .from(operators)
    .where(eq(operators.branchId, branchId))
    .orderBy(asc(operators.id))
  return {
    branch: {
      id: branch.id as BranchId,
      name: branch.name,
      address: branch.address,
      timeZone: branch.timeZone,
      openingHours: branch.openingHours,
    },
    capacity: branch.capacity,
    services: await effectiveServices(tx, branch),
    priorityPolicy: await getPriorityPolicy(tx),
    operators: operatorRows.map((o) => ({
      id: o.id as OperatorId,
      displayName: o.displayName,
      skills: o.skills,
      active: o.active,
    })),
  }
}

const toVersionView = (r: typeof configVersions.$inferSelect): ConfigVersionView => ({
  branchId: r.branchId as BranchId,
  version: r.version,
  contentHash: r.contentHash,
  publishedAt: iso(r.publishedAt),
  publishedBy: r.publishedBy,
})

async function latestVersion(tx: CloudTx, branchId: string) {
  const [row] = await tx
    .select()
    .from(configVersions)
    .where(eq(configVersions.branchId, branchId))
    .orderBy(desc(configVersions.version))
    .limit(1)
  return row
}

export async function getBranchConfiguration(
  deps: CloudDeps,
  branchId: string,
): Promise<BranchConfigurationResponse> {
  const draft = await buildBranchConfig(deps.db, branchId)
  const draftHash = contentHash(draft)
  const overrides = await deps.db
    .select()
    .from(branchServices)
    .where(eq(branchServices.branchId, branchId))
    .orderBy(asc(branchServices.serviceId))
  const published = await latestVersion(deps.db, branchId)
  return {
    branchId: branchId as BranchId,
    overrides: overrides.map(toOverride),
    draft,
    draftHash,
    published: published ? toVersionView(published) : null,
    unpublishedChanges: published?.contentHash !== draftHash,
  }
}

/**
 * Publishes the branch's current configuration as a new immutable version (content-hashed) for
 * sync to ship; publishing unchanged content returns the last version without a new row.
 */
export async function publishBranchConfig(
  deps: CloudDeps,
  input: { actor: Actor; branchId: string },
): Promise<PublishResponse> {
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    // Serialises publishers of one branch: version numbers stay gapless and unique.
    await tx.execute(
      sql`SELECT pg_advisory_xact_lock(hashtextextended(${`publish:${input.branchId}`}, 0))`,
    )
    const content = await buildBranchConfig(tx, input.branchId)
    const hash = contentHash(content)
    const last = await latestVersion(tx, input.branchId)
    if (last?.contentHash === hash) return { version: toVersionView(last), created: false }
    const row = {
      id: uuidv7(),
      branchId: input.branchId,
      version: (last?.version ?? 0) + 1,
      contentHash: hash,
      content,
      publishedAt: now,
      publishedBy: input.actor.email,
    }
    await tx.insert(configVersions).values(row)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'config.publish',
      entity: 'config-version',
      entityId: `${input.branchId}/${row.version}`,
      before: last ? { version: last.version, contentHash: last.contentHash } : null,
      after: { version: row.version, contentHash: hash },
    })
    return { version: toVersionView(row), created: true }
  })
}

export async function listConfigVersions(
  deps: CloudDeps,
  branchId: string,
): Promise<ConfigVersionView[]> {
  await getBranchOrThrow(deps.db, branchId)
  const rows = await deps.db
    .select()
    .from(configVersions)
    .where(eq(configVersions.branchId, branchId))
    .orderBy(desc(configVersions.version))
  return rows.map(toVersionView)
}
