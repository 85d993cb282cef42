import { describe, expect, it } from 'vitest'
import { openDatabase } from './open-database.js'
import {
  deleteExpiredSessions,
  deleteSession,
  findSession,
  findUserById,
  findUserByLogin,
  insertSession,
  insertUser,
  listUsers,
  setUserSecret,
  touchSession,
  type User,
} from './user.store.js'

const aida: User = {
  id: 'u-aida',
  login: 'aida',
  displayName: 'Aida',
  role: 'operator',
  secretHash: 'scrypt$old',
  operatorId: 'aida',
  active: true,
  createdAt: 1_000,
}
const manager: User = {
  ...aida,
  id: 'u-dana',
  login: 'dana',
  displayName: 'Dana',
  role: 'manager',
  operatorId: null,
}

describe('user store', () => {
  it('stores staff accounts, finds them by login or id, and refuses a second account with the same login', () => {
    using database = openDatabase({ path: ':memory:' })
    const { db } = database
    insertUser(db, manager)
    insertUser(db, aida)

    expect(findUserByLogin(db, 'aida')).toEqual(aida)
    expect(findUserById(db, 'u-dana')).toEqual(manager)
    expect(findUserByLogin(db, 'nobody')).toBeNull()
    expect(listUsers(db).map((u) => u.login)).toEqual(['aida', 'dana'])
    expect(() => insertUser(db, { ...aida, id: 'u-other' })).toThrow(/UNIQUE/)
    expect(() =>
      insertUser(db, { ...aida, id: 'u-x', login: 'x', role: 'root' as User['role'] }),
    ).toThrow(/CHECK/)
  })

  it('changes a secret only for an existing user', () => {
    using database = openDatabase({ path: ':memory:' })
    insertUser(database.db, aida)

    expect(setUserSecret(database.db, { userId: 'u-aida', secretHash: 'scrypt$new' })).toBe(true)
    expect(setUserSecret(database.db, { userId: 'u-ghost', secretHash: 'scrypt$new' })).toBe(false)
    expect(findUserById(database.db, 'u-aida')?.secretHash).toBe('scrypt$new')
  })

  it('keeps sessions until they expire or are deleted, and drops them with their user', () => {
    using database = openDatabase({ path: ':memory:' })
    const { db } = database
    insertUser(db, aida)
    insertUser(db, manager)
    insertSession(db, {
      tokenHash: 'old',
      userId: 'u-aida',
      createdAt: 0,
      expiresAt: 100,
      lastSeenAt: 0,
    })
    insertSession(db, {
      tokenHash: 'live',
      userId: 'u-aida',
      createdAt: 0,
      expiresAt: 100,
      lastSeenAt: 0,
    })
    insertSession(db, {
      tokenHash: 'dana',
      userId: 'u-dana',
      createdAt: 0,
      expiresAt: 500,
      lastSeenAt: 0,
    })

    expect(touchSession(db, { tokenHash: 'live', lastSeenAt: 90, expiresAt: 190 })).toBe(true)
    expect(touchSession(db, { tokenHash: 'gone', lastSeenAt: 90, expiresAt: 190 })).toBe(false)
    expect(deleteExpiredSessions(db, 100)).toBe(1)
    expect(findSession(db, 'old')).toBeNull()
    expect(findSession(db, 'live')).toMatchObject({
      userId: 'u-aida',
      lastSeenAt: 90,
      expiresAt: 190,
    })
    expect(deleteSession(db, 'live')).toBe(true)
    expect(deleteSession(db, 'live')).toBe(false)

    database.sqlite.prepare("DELETE FROM users WHERE id = 'u-dana'").run()
    expect(findSession(db, 'dana')).toBeNull()
  })
})
