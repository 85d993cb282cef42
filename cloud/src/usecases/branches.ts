import { and, asc, eq, inArray } from 'drizzle-orm'
import type {
  AdminBranch,
  BranchListQuery,
  BranchLive,
  CreateBranchRequest,
  PublicBranch,
  UpdateBranchRequest,
} from '@kqms/shared/cloud'
import { DomainError } from '@kqms/shared/errors'
import type { BranchId } from '@kqms/shared/domain'
import type { CloudTx } from '../db/open-database.js'
import { branches, branchSyncState } from '../db/schema.js'
import { distanceKm } from '../domain/geo.js'
import { isKnownTimeZone } from '../domain/zoned-time.js'
import { recordAudit } from './audit.js'
import { invalidateConfiguration } from './config-cache.js'
import type { Actor, CloudDeps } from './ports.js'

export type BranchRow = typeof branches.$inferSelect
type SyncRow = typeof branchSyncState.$inferSelect

const iso = (ms: number): string => new Date(ms).toISOString()

export async function getBranchOrThrow(tx: CloudTx, branchId: string): Promise<BranchRow> {
  const [row] = await tx.select().from(branches).where(eq(branches.id, branchId))
  if (!row) throw new DomainError('NOT_FOUND', `No branch ${branchId}`)
  return row
}

/** The branch's appliance synced within the reachability window. */
export function isReachable(
  deps: Pick<CloudDeps, 'clock' | 'settings'>,
  sync: SyncRow | undefined,
): boolean {
  if (!sync) return false
  return deps.clock.now() - sync.lastSeenAt <= deps.settings.branchReachableMinutes * 60_000
}

function liveOf(
  deps: Pick<CloudDeps, 'clock' | 'settings'>,
  sync: SyncRow | undefined,
): BranchLive | null {
  if (!sync?.waitingByService || !isReachable(deps, sync)) return null
  const waiting = Object.values(sync.waitingByService).reduce((a, b) => a + b, 0)
  const waits = Object.values(sync.expectedWaitMinutesByService ?? {})
  return {
    waiting,
    expectedWaitMinutes: waits.length === 0 ? null : Math.max(...waits),
    updatedAt: iso(sync.lastSeenAt),
  }
}

export async function syncStates(
  tx: CloudTx,
  ids: readonly string[],
): Promise<Map<string, SyncRow>> {
  if (ids.length === 0) return new Map()
  const rows = await tx
    .select()
    .from(branchSyncState)
    .where(inArray(branchSyncState.branchId, [...ids]))
  return new Map(rows.map((r) => [r.branchId, r]))
}

/**
 * Records a sync heartbeat of a branch (and optionally its live figures). The sync server calls
 * this on every push; remote join is offered only to branches heard from recently.
 */
export async function recordHeartbeat(
  deps: Pick<CloudDeps, 'db'>,
  input: {
    branchId: string
    at: number
    waitingByService?: Record<string, number>
    expectedWaitMinutesByService?: Record<string, number>
  },
): Promise<void> {
  const values = {
    branchId: input.branchId,
    lastSeenAt: input.at,
    waitingByService: input.waitingByService ?? null,
    expectedWaitMinutesByService: input.expectedWaitMinutesByService ?? null,
  }
  await deps.db
    .insert(branchSyncState)
    .values(values)
    .onConflictDoUpdate({ target: branchSyncState.branchId, set: values })
}

/** `GET /api/v1/branches`: active branches, by city and/or nearest to a point. */
export async function listPublicBranches(
  deps: CloudDeps,
  query: BranchListQuery,
): Promise<PublicBranch[]> {
  const rows = await deps.db
    .select()
    .from(branches)
    .where(eq(branches.active, true))
    .orderBy(asc(branches.id))
  const city = query.city?.trim().toLocaleLowerCase()
  const filtered =
    city === undefined ? rows : rows.filter((b) => b.city.toLocaleLowerCase() === city)
  const origin =
    query.lat !== undefined && query.lon !== undefined ? { lat: query.lat, lon: query.lon } : null
  const sync = await syncStates(
    deps.db,
    filtered.map((b) => b.id),
  )
  const views = filtered.map((b): PublicBranch => {
    const live = liveOf(deps, sync.get(b.id))
    return {
      id: b.id as BranchId,
      name: b.name,
      address: b.address,
      city: b.city,
      location: { lat: b.lat, lon: b.lon },
      timeZone: b.timeZone,
      openingHours: b.openingHours,
      distanceKm:
        origin === null
          ? null
          : Math.round(distanceKm(origin, { lat: b.lat, lon: b.lon }) * 100) / 100,
      waiting: live?.waiting ?? null,
      expectedWaitMinutes: live?.expectedWaitMinutes ?? null,
      live,
    }
  })
  if (origin !== null) views.sort((a, b) => (a.distanceKm ?? 0) - (b.distanceKm ?? 0))
  return views.slice(0, query.limit)
}

export function toAdminBranch(
  deps: Pick<CloudDeps, 'clock' | 'settings'>,
  row: BranchRow,
  sync: SyncRow | undefined,
): AdminBranch {
  return {
    id: row.id as BranchId,
    name: row.name,
    address: row.address,
    city: row.city,
    location: { lat: row.lat, lon: row.lon },
    timeZone: row.timeZone,
    openingHours: row.openingHours,
    capacity: row.capacity,
    active: row.active,
    lastSyncAt: sync ? iso(sync.lastSeenAt) : null,
    reachable: isReachable(deps, sync),
    updatedAt: iso(row.updatedAt),
  }
}

/** Staff view: every branch, or only `branchIds` (a branch manager's scope). */
export async function listAdminBranches(
  deps: CloudDeps,
  scope: readonly string[] | null,
): Promise<AdminBranch[]> {
  const rows = await deps.db
    .select()
    .from(branches)
    .where(
      scope === null ? undefined : inArray(branches.id, scope.length === 0 ? [''] : [...scope]),
    )
    .orderBy(asc(branches.id))
  const sync = await syncStates(
    deps.db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => toAdminBranch(deps, r, sync.get(r.id)))
}

export async function getAdminBranch(deps: CloudDeps, branchId: string): Promise<AdminBranch> {
  const row = await getBranchOrThrow(deps.db, branchId)
  const sync = await syncStates(deps.db, [branchId])
  return toAdminBranch(deps, row, sync.get(branchId))
}

function checkTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isKnownTimeZone(timeZone))
    throw new DomainError('INVALID_CONFIGURATION', `Unknown IANA time zone "${timeZone}"`)
}

export async function createBranch(
  deps: CloudDeps,
  input: { actor: Actor; branch: CreateBranchRequest },
): Promise<AdminBranch> {
  checkTimeZone(input.branch.timeZone)
  const now = deps.clock.now()
  const { location, ...rest } = input.branch
  const row: BranchRow = {
    ...rest,
    lat: location.lat,
    lon: location.lon,
    createdAt: now,
    updatedAt: now,
  }
  await deps.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(branches)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: branches.id })
    if (inserted.length === 0)
      throw new DomainError('CONFLICT', `A branch with id ${input.branch.id} exists already`)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'branch.create',
      entity: 'branch',
      entityId: row.id,
      before: null,
      after: row,
    })
  })
  invalidateConfiguration()
  return toAdminBranch(deps, row, undefined)
}

export async function updateBranch(
  deps: CloudDeps,
  input: { actor: Actor; branchId: string; patch: UpdateBranchRequest },
): Promise<AdminBranch> {
  checkTimeZone(input.patch.timeZone)
  const now = deps.clock.now()
  await deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(branches)
      .where(eq(branches.id, input.branchId))
      .for('update')
    if (!before) throw new DomainError('NOT_FOUND', `No branch ${input.branchId}`)
    const { location, ...rest } = input.patch
    const after: BranchRow = {
      ...before,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      ...(location ? { lat: location.lat, lon: location.lon } : {}),
      updatedAt: now,
    }
    await tx
      .update(branches)
      .set(after)
      .where(and(eq(branches.id, input.branchId)))
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'branch.update',
      entity: 'branch',
      entityId: input.branchId,
      before,
      after,
    })
  })
  invalidateConfiguration()
  return getAdminBranch(deps, input.branchId)
}
