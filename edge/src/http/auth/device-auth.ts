import type { DeviceKind } from '@kqms/shared/mqtt'
import type { Context } from 'hono'
import type { DeviceRow } from '../../db/device.store.js'
import type { DeviceRegistry } from '../../usecases/device-registry.js'
import type { AppEnv } from '../app-env.js'
import { HttpError } from '../errors.js'
import type { LoginThrottle } from '@kqms/server-kit/login-throttle'

/**
 * A device calling the HTTP API authenticates as it does on the broker: its device id and secret,
 * sent as `Authorization: Basic base64(<deviceId>:<secret>)`. Wrong credentials count against the
 * caller's address like wrong passwords, and are refused (401) on every route.
 */

export interface DeviceAuthDeps {
  readonly registry: Pick<DeviceRegistry, 'verify'>
  readonly throttle: LoginThrottle
}

const BASIC = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i

function credentialsOf(header: string | undefined): { id: string; secret: string } | null {
  const encoded = header === undefined ? undefined : BASIC.exec(header)?.[1]
  if (encoded === undefined) return null
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon <= 0 || colon === decoded.length - 1) return null
  const id = decoded.slice(0, colon)
  const secret = decoded.slice(colon + 1)
  if (id.length > 64 || secret.length > 200) return null
  return { id, secret }
}

/** The enrolled, unrevoked device of the request's Basic credentials; else 401 (or 429). */
export async function authenticateDevice(
  c: Context<AppEnv>,
  deps: DeviceAuthDeps & { readonly ip: string },
): Promise<DeviceRow> {
  const credentials = credentialsOf(c.req.header('authorization'))
  if (credentials === null)
    throw new HttpError(
      'UNAUTHENTICATED',
      'Send the device id and secret as Authorization: Basic base64(id:secret)',
    )
  const key = { login: `device:${credentials.id}`, ip: deps.ip }
  const retryAfterSeconds = deps.throttle.retryAfterSeconds(key)
  if (retryAfterSeconds > 0)
    throw new HttpError('TOO_MANY_ATTEMPTS', 'Too many wrong device credentials; try again later', {
      retryAfterSeconds,
    })
  const device = await deps.registry.verify(credentials.id, credentials.secret)
  if (!device) {
    deps.throttle.recordFailure(key)
    throw new HttpError('UNAUTHENTICATED', 'Unknown device, wrong secret or revoked device')
  }
  return device
}

/** Route guard: the request authenticated as a device of `kind`; else 401 or 403. */
export function requireDevice(c: Context<AppEnv>, kind: DeviceKind): DeviceRow {
  const device = c.var.device
  if (!device)
    throw new HttpError(
      'UNAUTHENTICATED',
      `Authenticate as the ${kind}: Authorization: Basic base64(<deviceId>:<secret>)`,
    )
  if (device.kind !== kind) throw new HttpError('FORBIDDEN', `Only a ${kind} may do this`)
  return device
}
