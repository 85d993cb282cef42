import { and, eq, ne } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import {
  CloudError,
  type AlternativeBranch,
  type RemoteJoinRequest,
  type RemoteJoinView,
  type StatusResponse,
} from '@kqms/shared/cloud'
import type { BranchId, ServiceId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { branches, remoteJoinRequests } from '../db/schema.js'
import { rankAlternatives } from '../domain/geo.js'
import { enqueueWebhookEvent } from '../notify/outbox.js'
import { findAppointmentStatus, localDateOf, nextFreeSlots } from './appointments.js'
import { getBranchOrThrow, isReachable, syncStates } from './branches.js'
import { effectiveServices } from './catalogue.js'
import type { CustomerPrincipal } from './customer-auth.js'
import type { CloudDeps } from './ports.js'

type RemoteJoinRow = typeof remoteJoinRequests.$inferSelect

/** Alternatives farther than this are not offered (another city is no alternative). */
const ALTERNATIVE_RADIUS_KM = 30

const iso = (ms: number): string => new Date(ms).toISOString()

const toView = (deps: CloudDeps, row: RemoteJoinRow): RemoteJoinView => ({
  id: row.id,
  branchId: row.branchId as BranchId,
  serviceId: row.serviceId as ServiceId,
  language: row.language,
  status: row.status,
  ticketNumber: row.ticketNumber,
  createdAt: iso(row.createdAt),
  statusUrl: `${deps.settings.publicBaseUrl}/api/v1/status/${row.id}`,
})

/** Other reachable branches near the customer (or the branch), best total time first. */
async function alternativeBranches(
  deps: CloudDeps,
  input: { branchId: string; origin: { lat: number; lon: number } },
): Promise<AlternativeBranch[]> {
  const rows = await deps.db
    .select()
    .from(branches)
    .where(and(eq(branches.active, true), ne(branches.id, input.branchId)))
  const sync = await syncStates(
    deps.db,
    rows.map((r) => r.id),
  )
  const candidates = rows
    .filter((r) => isReachable(deps, sync.get(r.id)))
    .map((r) => {
      const waits = Object.values(sync.get(r.id)?.expectedWaitMinutesByService ?? {})
      return {
        id: r.id,
        name: r.name,
        location: { lat: r.lat, lon: r.lon },
        expectedWaitMinutes: waits.length === 0 ? null : Math.max(...waits),
      }
    })
  return rankAlternatives({ origin: input.origin, candidates, limit: 10 })
    .filter((c) => c.distanceKm <= ALTERNATIVE_RADIUS_KM)
    .slice(0, 3)
    .map((c) => ({
      id: c.id as BranchId,
      name: c.name,
      distanceKm: Math.round(c.distanceKm * 100) / 100,
      expectedWaitMinutes: c.expectedWaitMinutes,
      reachable: true,
    }))
}

/**
 * Remote join: the cloud records the wish; only the branch appliance issues the ticket number
 * (it accepts the request through sync). A branch not heard from recently is refused with
 * `BRANCH_UNREACHABLE` and real alternatives, never a made-up number.
 */
export async function requestRemoteJoin(
  deps: CloudDeps,
  input: {
    request: RemoteJoinRequest
    customer: CustomerPrincipal | null
    idempotencyKey: string | null
  },
): Promise<{ view: RemoteJoinView; created: boolean }> {
  const { request } = input
  const now = deps.clock.now()
  if (input.idempotencyKey !== null) {
    const [existing] = await deps.db
      .select()
      .from(remoteJoinRequests)
      .where(eq(remoteJoinRequests.idempotencyKey, input.idempotencyKey))
    if (existing) {
      if (existing.branchId !== request.branchId || existing.serviceId !== request.serviceId)
        throw new DomainError('CONFLICT', 'This Idempotency-Key was used for another request')
      return { view: toView(deps, existing), created: false }
    }
  }
  const branch = await getBranchOrThrow(deps.db, request.branchId)
  if (!branch.active) throw new DomainError('NOT_FOUND', `No branch ${request.branchId}`)
  const service = (await effectiveServices(deps.db, branch)).find((s) => s.id === request.serviceId)
  if (!service)
    throw new DomainError(
      'SERVICE_NOT_OFFERED',
      `Branch ${branch.id} does not offer ${request.serviceId}`,
    )
  const sync = (await syncStates(deps.db, [branch.id])).get(branch.id)
  if (!isReachable(deps, sync)) {
    const origin = request.location ?? { lat: branch.lat, lon: branch.lon }
    const alternatives = {
      branches: await alternativeBranches(deps, { branchId: branch.id, origin }),
      slots: await nextFreeSlots(deps, { branchId: branch.id, serviceId: service.id, limit: 5 }),
    }
    throw new CloudError(
      'BRANCH_UNREACHABLE',
      sync
        ? `Branch ${branch.id} has not synced for over ${deps.settings.branchReachableMinutes} minutes; it cannot take remote requests now`
        : `Branch ${branch.id} is not connected to the cloud yet; it cannot take remote requests`,
      { extra: { alternatives } },
    )
  }
  const row: RemoteJoinRow = {
    id: uuidv7(),
    branchId: branch.id,
    serviceId: service.id,
    customerId: input.customer?.customerId ?? null,
    language: request.language,
    status: 'pending',
    ticketNumber: null,
    idempotencyKey: input.idempotencyKey,
    localDate: localDateOf(now, branch.timeZone),
    createdAt: now,
    updatedAt: now,
  }
  const inserted = await deps.db.transaction(async (tx) => {
    const done = await tx
      .insert(remoteJoinRequests)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: remoteJoinRequests.id })
    if (done.length === 0) return false
    await enqueueWebhookEvent(tx, {
      event: 'remote-join.requested',
      data: { requestId: row.id, branchId: row.branchId, serviceId: row.serviceId },
      at: now,
      subjectId: row.id,
    })
    return true
  })
  if (!inserted && input.idempotencyKey !== null) return requestRemoteJoin(deps, input) // a concurrent twin won the key: answer with its row
  deps.log.info({ requestId: row.id, branchId: row.branchId }, 'remote join recorded')
  return { view: toView(deps, row), created: true }
}

/** `GET /api/v1/status/{id}`: a remote join request or an appointment. */
export async function getStatus(deps: CloudDeps, id: string): Promise<StatusResponse> {
  const [join] = await deps.db
    .select()
    .from(remoteJoinRequests)
    .where(eq(remoteJoinRequests.id, id))
  if (join) {
    const { statusUrl: _omitted, ...remoteJoin } = toView(deps, join)
    return { kind: 'remote-join', remoteJoin }
  }
  const appointment = await findAppointmentStatus(deps, id)
  if (appointment) return { kind: 'appointment', appointment }
  throw new DomainError('NOT_FOUND', `No request or appointment ${id}`)
}
