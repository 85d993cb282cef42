import { auditLog } from '../db/schema.js'
import type { CloudTx } from '../db/open-database.js'
import type { Actor } from './ports.js'

/**
 * One audit row per administrative change, written in the change's own transaction: who, what,
 * the entity, its state before and after, and when.
 */
export async function recordAudit(
  tx: CloudTx,
  entry: {
    actor: Actor | null
    at: number
    action: string
    entity: string
    entityId: string
    before: unknown
    after: unknown
  },
): Promise<void> {
  await tx.insert(auditLog).values({
    at: entry.at,
    actorId: entry.actor?.id ?? null,
    actorEmail: entry.actor?.email ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    before: stripSecrets(entry.before),
    after: stripSecrets(entry.after),
  })
}

const SECRET_FIELDS = new Set(['passwordHash', 'totpSecret', 'secret', 'password'])

/** Audit rows never hold password hashes, TOTP or webhook secrets: only whether they changed. */
function stripSecrets(value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object' || Array.isArray(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_FIELDS.has(key) ? (field === null ? null : '[secret]') : field
  }
  return out
}
