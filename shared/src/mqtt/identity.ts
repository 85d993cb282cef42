import { COUNTER_BOUND_KINDS, DEVICE_KINDS, DeviceId, DeviceKind } from '../domain/devices.js'

export { COUNTER_BOUND_KINDS, DEVICE_KINDS, DeviceId, DeviceKind }

/**
 * Who may connect to the appliance's broker. Every MQTT client is an enrolled identity whose
 * client id equals its username: an enrolled device (`kiosk-3f9a1c`) or a staff browser app
 * (`staff-<userId>`).
 */

const STAFF_PREFIX = 'staff-'

/** MQTT username of a staff browser app: `staff-<userId>`; the password is the session token. */
export const staffUsername = (userId: string): string => `${STAFF_PREFIX}${userId}`

/** The user id in a staff username, or null when the username is not a staff one. */
export function parseStaffUsername(username: string): string | null {
  if (!username.startsWith(STAFF_PREFIX)) return null
  const userId = username.slice(STAFF_PREFIX.length)
  return userId.length > 0 ? userId : null
}

/**
 * Client ids a staff username may use: the username itself, or the username followed by `-` and
 * a per-tab suffix of 1–40 letters, digits, `_` or `-` (`staff-<userId>-operator-1a2b`), so that
 * two tabs of the same user do not take each other's connection over.
 */
export function isStaffClientId(username: string, clientId: string): boolean {
  if (clientId === username) return true
  if (!clientId.startsWith(`${username}-`)) return false
  return /^[A-Za-z0-9_-]{1,40}$/.test(clientId.slice(username.length + 1))
}
