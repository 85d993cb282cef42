import type { Role } from '@kqms/shared/api'
import type { OperatorId } from '@kqms/shared/domain'
import type { Logger } from 'pino'
import type { DeviceRow } from '../db/device.store.js'

/** The signed-in staff member of a request. */
export interface SessionUser {
  readonly id: string
  readonly login: string
  readonly displayName: string
  readonly role: Role
  readonly operatorId: OperatorId | null
}

export interface Session {
  readonly user: SessionUser
  readonly tokenHash: string
  readonly expiresAt: number
}

/** Hono environment of every route: what middleware puts in `c.var`. */
export interface AppEnv {
  Variables: {
    requestId: string
    log: Logger
    /** Set by the auth middleware when the request carries a valid session. */
    session: Session | undefined
    /** Set when the request carries a device's valid credentials (`Authorization: Basic`). */
    device: DeviceRow | undefined
  }
}
