import { sql } from 'drizzle-orm'
import type { AnalyticsQuery, AnalyticsResponse } from '@kqms/shared/cloud'
import type { BranchId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { queryRows } from '../db/open-database.js'
import type { BranchScope } from './inventory.js'
import type { CloudDeps } from './ports.js'

/** Longest range one request may cover (keeps the aggregate bounded). */
const MAX_DAYS = 366

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000
}

/**
 * Real counts the cloud holds today: appointments per branch and local day (booked / cancelled)
 * and remote join requests per branch and day by status. Queue analytics arrive with sync.
 */
export async function getAnalytics(
  deps: CloudDeps,
  input: { query: AnalyticsQuery; scope: BranchScope },
): Promise<AnalyticsResponse> {
  const { from, to, branchId } = input.query
  const span = daysBetween(from, to)
  if (!Number.isFinite(span) || span < 0)
    throw new DomainError('INVALID_CONFIGURATION', '`from` must be a date on or before `to`')
  if (span > MAX_DAYS)
    throw new DomainError('INVALID_CONFIGURATION', `At most ${MAX_DAYS} days per request`)
  const scopeIds = input.scope === null ? null : input.scope.length === 0 ? [''] : [...input.scope]
  const filter = sql`local_date BETWEEN ${from} AND ${to}
    ${branchId ? sql`AND branch_id = ${branchId}` : sql``}
    ${
      scopeIds
        ? sql`AND branch_id IN (${sql.join(
            scopeIds.map((id) => sql`${id}`),
            sql`, `,
          )})`
        : sql``
    }`
  const appointmentRows = await queryRows<{
    branch_id: string
    local_date: string
    booked: string | number
    cancelled: string | number
  }>(
    deps.db,
    sql`SELECT branch_id, local_date,
          count(*) FILTER (WHERE status = 'booked') AS booked,
          count(*) FILTER (WHERE status = 'cancelled') AS cancelled
        FROM appointments WHERE ${filter}
        GROUP BY branch_id, local_date ORDER BY branch_id, local_date`,
  )
  const joinRows = await queryRows<{
    branch_id: string
    local_date: string
    pending: string | number
    accepted: string | number
    rejected: string | number
    expired: string | number
  }>(
    deps.db,
    sql`SELECT branch_id, local_date,
          count(*) FILTER (WHERE status = 'pending') AS pending,
          count(*) FILTER (WHERE status = 'accepted') AS accepted,
          count(*) FILTER (WHERE status = 'rejected') AS rejected,
          count(*) FILTER (WHERE status = 'expired') AS expired
        FROM remote_join_requests WHERE ${filter}
        GROUP BY branch_id, local_date ORDER BY branch_id, local_date`,
  )
  const appointments = appointmentRows.map((r) => ({
    branchId: r.branch_id as BranchId,
    date: r.local_date,
    booked: Number(r.booked),
    cancelled: Number(r.cancelled),
  }))
  const remoteJoins = joinRows.map((r) => ({
    branchId: r.branch_id as BranchId,
    date: r.local_date,
    pending: Number(r.pending),
    accepted: Number(r.accepted),
    rejected: Number(r.rejected),
    expired: Number(r.expired),
  }))
  return {
    from,
    to,
    appointments,
    remoteJoins,
    totals: {
      appointmentsBooked: appointments.reduce((sum, r) => sum + r.booked, 0),
      appointmentsCancelled: appointments.reduce((sum, r) => sum + r.cancelled, 0),
      remoteJoins: remoteJoins.reduce(
        (sum, r) => sum + r.pending + r.accepted + r.rejected + r.expired,
        0,
      ),
    },
  }
}
