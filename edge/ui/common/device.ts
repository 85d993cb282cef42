import type { PairResponse } from '@kqms/shared/api'
import type { BranchId } from '@kqms/shared/domain'
import { topics } from '@kqms/shared/mqtt'
import { z } from 'zod'
import type { Birth, MqttCredentials } from './mqtt'

/**
 * An enrolled device's identity (kiosk, hall display, counter display), kept in localStorage. It
 * arrives either from pairing with a one-time code from the manager dashboard, or from a
 * provisioning link `?device=<id>&secret=<secret>` (what `kqms-provision` and `pnpm start` hand
 * out), which is stored and then removed from the address bar. Without one the app works over
 * HTTP only, without the broker's live push.
 */
export const DeviceIdentity = z.object({
  deviceId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/),
  secret: z.string().min(16).max(200),
  /** The counter a counter display belongs to. */
  counterId: z.string().nullable(),
  /** Known after pairing; else the branch the appliance serves (`/api/v1/branches`). */
  branchId: z.string().nullable(),
})
export type DeviceIdentity = z.infer<typeof DeviceIdentity>

const key = (app: string) => `kqms.device.${app}`

export function loadDevice(app: string): DeviceIdentity | null {
  const raw = localStorage.getItem(key(app))
  if (raw === null) return null
  try {
    return DeviceIdentity.safeParse(JSON.parse(raw)).data ?? null
  } catch {
    return null
  }
}

export function saveDevice(app: string, device: DeviceIdentity | null): void {
  if (device === null) localStorage.removeItem(key(app))
  else localStorage.setItem(key(app), JSON.stringify(device))
}

export const fromPairing = (paired: PairResponse): DeviceIdentity => ({
  deviceId: paired.deviceId,
  secret: paired.secret,
  counterId: paired.counterId,
  branchId: paired.branchId,
})

/** A provisioning link's identity (`?device=&secret=`, with `&counter=` for counter displays). */
export function deviceFromUrl(search: string): DeviceIdentity | null {
  const params = new URLSearchParams(search)
  return (
    DeviceIdentity.safeParse({
      deviceId: params.get('device'),
      secret: params.get('secret'),
      counterId: params.get('counter'),
      branchId: null,
    }).data ?? null
  )
}

/** The address without the provisioning parameters (the secret must not stay on screen). */
export function withoutCredentials(href: string): string {
  const url = new URL(href)
  url.searchParams.delete('device')
  url.searchParams.delete('secret')
  return url.toString()
}

/** The app's device identity: a provisioning link wins (and is stored), then the stored one. */
export function initialDevice(app: string): DeviceIdentity | null {
  const fromUrl = deviceFromUrl(location.search)
  if (fromUrl) {
    saveDevice(app, fromUrl)
    history.replaceState(null, '', withoutCredentials(location.href))
    return fromUrl
  }
  return loadDevice(app)
}

/** MQTT identity = client id = username = device id; the secret is the password. */
export function deviceCredentials(device: DeviceIdentity): MqttCredentials {
  return { username: device.deviceId, password: device.secret, clientId: device.deviceId }
}

/** The birth a browser device publishes on every connect (its bdSeq kept in localStorage). */
export function deviceBirth(input: {
  device: DeviceIdentity
  branchId: BranchId | null
  kind: Birth['kind']
}): Birth | undefined {
  const { device, branchId } = input
  if (branchId === null) return undefined
  const key = `kqms.bdSeq.${device.deviceId}`
  return {
    kind: input.kind,
    availabilityTopic: topics.deviceAvailability(branchId, device.deviceId),
    metaTopic: topics.deviceMeta(branchId, device.deviceId),
    nextBdSeq() {
      const next = (Number.parseInt(localStorage.getItem(key) ?? '0', 10) || 0) + 1
      localStorage.setItem(key, String(next))
      return next
    },
  }
}
