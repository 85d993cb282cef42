import { LoginResponse } from '@kqms/shared/api'
import { staffUsername } from '@kqms/shared/mqtt'
import { staffClientId, type MqttCredentials } from './mqtt'

/**
 * A staff session (operator terminal, manager dashboard) kept in the tab's sessionStorage: closing
 * the tab signs the browser out; the appliance expires the session after its sliding TTL anyway.
 */
export type StaffSession = LoginResponse

const key = (app: string) => `kqms.session.${app}`

export function loadSession(app: string): StaffSession | null {
  const raw = sessionStorage.getItem(key(app))
  if (raw === null) return null
  try {
    const parsed = LoginResponse.safeParse(JSON.parse(raw))
    return parsed.success && Date.parse(parsed.data.expiresAt) > Date.now() ? parsed.data : null
  } catch {
    return null
  }
}

export function saveSession(app: string, session: StaffSession | null): void {
  if (session === null) sessionStorage.removeItem(key(app))
  else sessionStorage.setItem(key(app), JSON.stringify(session))
}

/** MQTT credentials of a staff tab: `staff-<userId>` with the session token as the password. */
export function staffCredentials(session: StaffSession, app: string): MqttCredentials {
  const username = staffUsername(session.user.id)
  return { username, password: session.token, clientId: staffClientId(username, app) }
}
