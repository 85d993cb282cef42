import { and, asc, eq, isNull, lte, or } from 'drizzle-orm'
import type { EdgeDb } from './open-database.js'
import { devices, pairingCodes } from './schema.js'

/** The device registry's rows. Secrets, hashing and policy live in the registry use case. */

export type DeviceRow = typeof devices.$inferSelect
export type PairingCodeRow = typeof pairingCodes.$inferSelect

export function insertDevice(db: EdgeDb, device: DeviceRow): void {
  db.insert(devices).values(device).run()
}

export function findDevice(db: EdgeDb, id: string): DeviceRow | null {
  return db.select().from(devices).where(eq(devices.id, id)).get() ?? null
}

export function listDevices(db: EdgeDb): DeviceRow[] {
  return db.select().from(devices).orderBy(asc(devices.kind), asc(devices.id)).all()
}

/** Marks a device revoked (once); false when there is no such device or it was revoked already. */
export function revokeDevice(db: EdgeDb, input: { id: string; at: number }): boolean {
  return (
    db
      .update(devices)
      .set({ revokedAt: input.at })
      .where(and(eq(devices.id, input.id), isNull(devices.revokedAt)))
      .run().changes > 0
  )
}

export function touchDevice(db: EdgeDb, input: { id: string; at: number }): void {
  db.update(devices).set({ lastSeenAt: input.at }).where(eq(devices.id, input.id)).run()
}

export function insertPairingCode(db: EdgeDb, code: PairingCodeRow): void {
  db.insert(pairingCodes).values(code).run()
}

/** The unused, unexpired code with this hash, or null. */
export function findRedeemableCode(
  db: EdgeDb,
  input: { codeHash: string; now: number },
): PairingCodeRow | null {
  const row = db
    .select()
    .from(pairingCodes)
    .where(and(eq(pairingCodes.codeHash, input.codeHash), isNull(pairingCodes.usedAt)))
    .get()
  return row && row.expiresAt > input.now ? row : null
}

/** Marks a code used by `deviceId`; false when it was used meanwhile. */
export function markCodeUsed(
  db: EdgeDb,
  input: { codeHash: string; at: number; deviceId: string },
): boolean {
  return (
    db
      .update(pairingCodes)
      .set({ usedAt: input.at, deviceId: input.deviceId })
      .where(and(eq(pairingCodes.codeHash, input.codeHash), isNull(pairingCodes.usedAt)))
      .run().changes > 0
  )
}

/** Deletes codes used or expired at or before `before`; returns how many. */
export function deleteStaleCodes(db: EdgeDb, before: number): number {
  return db
    .delete(pairingCodes)
    .where(or(lte(pairingCodes.expiresAt, before), lte(pairingCodes.usedAt, before)))
    .run().changes
}
