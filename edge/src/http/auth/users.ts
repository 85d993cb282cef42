import type { Role, UserView } from '@kqms/shared/api'
import { OperatorId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import type { EdgeDatabase } from '../../db/open-database.js'
import { findUserByLogin, insertUser, type User } from '../../db/user.store.js'
import type { Clock, IdSource } from '../../usecases/ports.js'
import type { SessionUser } from '../app-env.js'
import { hashSecret } from '@kqms/server-kit/password'

/** Staff accounts: creation (admin API and demo seeding) and their views. */

export interface UserDeps {
  readonly database: EdgeDatabase
  readonly clock: Clock
  readonly ids: IdSource
}

export function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    login: user.login,
    displayName: user.displayName,
    role: user.role,
    operatorId:
      user.operatorId === null ? null : (OperatorId.safeParse(user.operatorId).data ?? null),
  }
}

export function toUserView(user: User): UserView {
  return { ...toSessionUser(user), active: user.active }
}

export interface NewUser {
  readonly login: string
  readonly displayName: string
  readonly role: Role
  /** Password or PIN; only its scrypt hash is stored. */
  readonly secret: string
  /** The operator the account works as at counters. */
  readonly operatorId: string | null
}

const loginTaken = (login: string): DomainError =>
  new DomainError('CONFLICT', `Login ${login} is already taken`)

/** Creates a staff account. A taken login is a `CONFLICT`. */
export async function createUser(deps: UserDeps, input: NewUser): Promise<UserView> {
  const db = deps.database.db
  if (input.secret.length === 0)
    throw new DomainError('INVALID_CONFIGURATION', 'A staff account needs a password or PIN')
  const operatorId = input.operatorId === null ? null : OperatorId.safeParse(input.operatorId).data
  if (operatorId === undefined)
    throw new DomainError('INVALID_CONFIGURATION', `Invalid operator id ${input.operatorId}`)
  if (findUserByLogin(db, input.login)) throw loginTaken(input.login)
  const secretHash = await hashSecret(input.secret)
  // Checked again after the await: another request may have taken the login meanwhile.
  if (findUserByLogin(db, input.login)) throw loginTaken(input.login)
  const user: User = {
    id: deps.ids.uuid(),
    login: input.login,
    displayName: input.displayName,
    role: input.role,
    secretHash,
    operatorId,
    active: true,
    createdAt: deps.clock.now(),
  }
  insertUser(db, user)
  return toUserView(user)
}
