import { asc, eq, lte } from 'drizzle-orm'
import type { EdgeDb } from './open-database.js'
import { sessions, users } from './schema.js'

/** Staff accounts and their sessions. Hashing and policy live in the auth module, not here. */

export type User = typeof users.$inferSelect
export type UserRole = User['role']
export type Session = typeof sessions.$inferSelect

export function insertUser(db: EdgeDb, user: User): void {
  db.insert(users).values(user).run()
}

export function findUserByLogin(db: EdgeDb, login: string): User | null {
  return db.select().from(users).where(eq(users.login, login)).get() ?? null
}

export function findUserById(db: EdgeDb, id: string): User | null {
  return db.select().from(users).where(eq(users.id, id)).get() ?? null
}

export function listUsers(db: EdgeDb): User[] {
  return db.select().from(users).orderBy(asc(users.login)).all()
}

/** Replaces the password or PIN hash; false when there is no such user. */
export function setUserSecret(db: EdgeDb, input: { userId: string; secretHash: string }): boolean {
  const result = db
    .update(users)
    .set({ secretHash: input.secretHash })
    .where(eq(users.id, input.userId))
    .run()
  return result.changes > 0
}

export function insertSession(db: EdgeDb, session: Session): void {
  db.insert(sessions).values(session).run()
}

/** The session with this token hash, expired or not: the caller decides with its clock. */
export function findSession(db: EdgeDb, tokenHash: string): Session | null {
  return db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).get() ?? null
}

/** Records activity and (sliding expiry) the new expiry; false when the session is gone. */
export function touchSession(
  db: EdgeDb,
  input: { tokenHash: string; lastSeenAt: number; expiresAt: number },
): boolean {
  const result = db
    .update(sessions)
    .set({ lastSeenAt: input.lastSeenAt, expiresAt: input.expiresAt })
    .where(eq(sessions.tokenHash, input.tokenHash))
    .run()
  return result.changes > 0
}

export function deleteSession(db: EdgeDb, tokenHash: string): boolean {
  return db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run().changes > 0
}

/** Deletes sessions that expired at or before `now`; returns how many. */
export function deleteExpiredSessions(db: EdgeDb, now: number): number {
  return db.delete(sessions).where(lte(sessions.expiresAt, now)).run().changes
}
