import { z } from 'zod'
import { OperatorId } from '../domain/ids.js'
import { Role, Timestamp } from './common.js'

export const Login = z
  .string()
  .min(2)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"')
export type Login = z.infer<typeof Login>

export const Password = z.string().min(8).max(128)
/** A PIN for quick sign-in at a counter. */
export const Pin = z.string().regex(/^[0-9]{4,8}$/, 'must be 4 to 8 digits')

/** `POST /api/v1/auth/login`: with a password or a PIN. */
export const LoginRequest = z
  .strictObject({
    login: z.string().min(1).max(64),
    password: z.string().min(1).max(128).optional(),
    pin: z.string().min(1).max(16).optional(),
  })
  .refine((r) => (r.password === undefined) !== (r.pin === undefined), {
    message: 'give exactly one of password or pin',
    path: ['password'],
  })
  .meta({ id: 'LoginRequest' })
export type LoginRequest = z.infer<typeof LoginRequest>

export const UserView = z
  .object({
    id: z.string(),
    login: z.string(),
    displayName: z.string(),
    role: Role,
    operatorId: OperatorId.nullable(),
    active: z.boolean(),
  })
  .meta({ id: 'UserView' })
export type UserView = z.infer<typeof UserView>

export const LoginResponse = z
  .object({
    /** Send as `Authorization: Bearer <token>`; shown once, only its hash is stored. */
    token: z.string(),
    expiresAt: Timestamp,
    user: UserView,
  })
  .meta({ id: 'LoginResponse' })
export type LoginResponse = z.infer<typeof LoginResponse>

export const SessionView = z
  .object({ user: UserView, expiresAt: Timestamp })
  .meta({ id: 'SessionView' })
export type SessionView = z.infer<typeof SessionView>

/** `POST /api/admin/users`: a staff account with a password or a PIN. */
export const CreateUserRequest = z
  .strictObject({
    login: Login,
    displayName: z.string().min(1).max(80),
    role: Role,
    password: Password.optional(),
    pin: Pin.optional(),
    /** The operator this account works as at counters (required to sign in at a counter). */
    operatorId: OperatorId.nullable().optional(),
  })
  .refine((r) => (r.password === undefined) !== (r.pin === undefined), {
    message: 'give exactly one of password or pin',
    path: ['password'],
  })
  .meta({ id: 'CreateUserRequest' })
export type CreateUserRequest = z.infer<typeof CreateUserRequest>

export const UserList = z.object({ users: z.array(UserView) })
export type UserList = z.infer<typeof UserList>
