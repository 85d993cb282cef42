import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { BranchId, CounterId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { COUNTER_BOUND_KINDS, DeviceId, type DeviceKind } from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import {
  deleteStaleCodes,
  findDevice,
  findRedeemableCode,
  insertDevice,
  insertPairingCode,
  listDevices,
  markCodeUsed,
  revokeDevice,
  touchDevice,
  type DeviceRow,
} from '../db/device.store.js'
import type { EdgeDatabase } from '../db/open-database.js'
import { hashSecret, verifySecret } from '@kqms/server-kit/password'
import type { Clock, QueueRuntime } from './ports.js'

/**
 * The device registry: enrolled devices are the broker's identities (client id = username =
 * device id, password = a 256-bit secret shown once, scrypt-hashed). Devices enrol by redeeming a
 * one-time pairing code a manager created; revoking one disconnects it at once. Devices are not
 * queue events: nothing here is synced, and secrets never leave the appliance.
 */

export interface DeviceRegistryDeps {
  readonly database: EdgeDatabase
  readonly clock: Clock
  readonly log: Logger
  readonly runtime: Pick<QueueRuntime, 'state'>
  readonly branchId: BranchId
  /** How long a pairing code may be redeemed (default 10 minutes). */
  readonly pairingTtlMs?: number
}

export type Availability = 'online' | 'offline' | 'unknown'

/** What the broker saw of a device since the appliance started (memory only). */
export interface DevicePresence {
  readonly connected: boolean
  readonly availability: Availability
  readonly bdSeq: number | null
  readonly reason: string | null
  readonly since: number | null
}

export interface NewPairingCode {
  readonly kind: DeviceKind
  readonly name?: string | undefined
  readonly counterId?: CounterId | undefined
  readonly bridgeId?: string | undefined
  /** The kiosk a printer or card reader serves. */
  readonly attachedTo?: string | undefined
}

export interface PairingCodeIssued {
  /** `ABCDE-FGHJK`; shown once, only its hash is stored. */
  readonly code: string
  readonly kind: DeviceKind
  readonly name: string | null
  readonly counterId: CounterId | null
  readonly attachedTo: string | null
  readonly expiresAt: number
}

export interface EnrolledDevice {
  readonly device: DeviceRow
  /** The MQTT password, shown this once. */
  readonly secret: string
}

export interface NewDevice {
  readonly id: string
  readonly kind: DeviceKind
  readonly name: string
  readonly counterId: string | null
  readonly bridgeId?: string | null
  readonly attachedTo?: string | null
  readonly secret: string
}

export type RegistryChange =
  | { readonly kind: 'enrolled'; readonly device: DeviceRow }
  | { readonly kind: 'revoked'; readonly device: DeviceRow }

export interface DeviceRegistry {
  readonly branchId: BranchId
  createPairingCode(input: NewPairingCode): PairingCodeIssued
  /** Redeems a code once: a new device and its secret. Unknown, used or expired: `NOT_FOUND`. */
  redeemPairingCode(code: string): Promise<EnrolledDevice>
  /** Enrols a device with a known id and secret (demo seeding, the provisioning CLI). */
  enrol(input: NewDevice): Promise<DeviceRow>
  /** Revokes a device; the broker disconnects it (listeners) and refuses it from now on. */
  revoke(id: string): DeviceRow
  find(id: string): DeviceRow | null
  list(): DeviceRow[]
  /** The devices a firmware bridge drives. */
  ownedBy(bridgeId: string): DeviceRow[]
  /** The unrevoked devices of this kind attached to a kiosk. */
  attachedTo(input: { kioskId: string; kind: DeviceKind }): DeviceRow[]
  /** The enrolled, unrevoked device with this id and secret, or null. */
  verify(id: string, secret: string): Promise<DeviceRow | null>
  presence(id: string): DevicePresence
  recordConnection(input: { id: string; connected: boolean }): void
  recordAvailability(input: {
    id: string
    state: 'online' | 'offline'
    bdSeq: number
    reason: string | null
  }): void
  onChange(listener: (change: RegistryChange) => void): () => void
}

const PAIRING_TTL_MS = 10 * 60_000
/** Kinds that serve one kiosk (`attachedTo`). */
export const ATTACHABLE_KINDS: readonly DeviceKind[] = ['printer', 'card-reader']
/** Crockford base32: no I, L, O, U (misread as 1, 1, 0, V). */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

/** `n` random characters of a 32-letter alphabet (a byte's low 5 bits: uniform). */
const randomChars = (alphabet: string, n: number): string =>
  [...randomBytes(n)].map((byte) => alphabet[byte & 31] ?? '0').join('')

/** Upper case, no dash, and the look-alikes Crockford allows (I, L → 1; O → 0). */
export function normalizePairingCode(code: string): string {
  return code.toUpperCase().replace(/-/g, '').replace(/[IL]/g, '1').replace(/O/g, '0')
}

const NOT_REDEEMABLE = 'Unknown, used or expired pairing code'

export function createDeviceRegistry(deps: DeviceRegistryDeps): DeviceRegistry {
  const { database, clock, log } = deps
  const db = database.db
  const pairingTtlMs = deps.pairingTtlMs ?? PAIRING_TTL_MS
  const listeners = new Set<(change: RegistryChange) => void>()
  const presences = new Map<string, DevicePresence & { connections: number }>()
  /** sha256 of secrets verified since start: a reconnect storm costs no scrypt. */
  const verified = new Map<string, Buffer>()

  const notify = (change: RegistryChange): void => {
    for (const listener of listeners) {
      try {
        listener(change)
      } catch (error) {
        log.error({ err: error, change: change.kind }, 'device registry listener failed')
      }
    }
  }

  const requireCounter = (kind: DeviceKind, counterId: string | null): void => {
    if (counterId === null) {
      if (COUNTER_BOUND_KINDS.includes(kind))
        throw new DomainError('INVALID_CONFIGURATION', `A ${kind} needs a counterId`)
      return
    }
    if (!deps.runtime.state().counters.has(counterId as CounterId))
      throw new DomainError('NOT_FOUND', `No counter ${counterId}`)
  }

  const requireBridge = (bridgeId: string | null): void => {
    if (bridgeId === null) return
    const bridge = findDevice(db, bridgeId)
    if (bridge?.kind !== 'firmware-bridge' || bridge.revokedAt !== null)
      throw new DomainError('NOT_FOUND', `No firmware bridge ${bridgeId}`)
  }

  /** Only printers and card readers attach to a kiosk, and only to an enrolled, unrevoked one. */
  const requireAttachment = (kind: DeviceKind, attachedTo: string | null): void => {
    if (attachedTo === null) return
    if (!ATTACHABLE_KINDS.includes(kind))
      throw new DomainError('INVALID_CONFIGURATION', `A ${kind} is not attached to a kiosk`)
    const kiosk = findDevice(db, attachedTo)
    if (kiosk?.kind !== 'kiosk' || kiosk.revokedAt !== null)
      throw new DomainError('NOT_FOUND', `No kiosk ${attachedTo}`)
  }

  const newDeviceId = (kind: DeviceKind): string => {
    for (;;) {
      const id = `${kind}-${randomChars(ID_ALPHABET, 8)}`
      if (!findDevice(db, id)) return id
    }
  }

  const presenceOf = (id: string) =>
    presences.get(id) ?? {
      connections: 0,
      connected: false,
      availability: 'unknown' as const,
      bdSeq: null,
      reason: null,
      since: null,
    }

  const registry: DeviceRegistry = {
    branchId: deps.branchId,

    createPairingCode(input) {
      const counterId = input.counterId ?? null
      const bridgeId = input.bridgeId ?? null
      const attachedTo = input.attachedTo ?? null
      requireCounter(input.kind, counterId)
      requireBridge(bridgeId)
      requireAttachment(input.kind, attachedTo)
      const now = clock.now()
      deleteStaleCodes(db, now - 24 * 3600_000)
      const raw = randomChars(CODE_ALPHABET, 10)
      const expiresAt = now + pairingTtlMs
      insertPairingCode(db, {
        codeHash: sha256(raw),
        kind: input.kind,
        name: input.name ?? null,
        counterId,
        bridgeId,
        attachedTo,
        createdAt: now,
        expiresAt,
        usedAt: null,
        deviceId: null,
      })
      log.info({ kind: input.kind, counterId, expiresAt }, 'pairing code created')
      return {
        code: `${raw.slice(0, 5)}-${raw.slice(5)}`,
        kind: input.kind,
        name: input.name ?? null,
        counterId,
        attachedTo,
        expiresAt,
      }
    },

    async redeemPairingCode(code) {
      const codeHash = sha256(normalizePairingCode(code))
      const pending = findRedeemableCode(db, { codeHash, now: clock.now() })
      if (!pending) throw new DomainError('NOT_FOUND', NOT_REDEEMABLE)
      const secret = randomBytes(32).toString('base64url')
      const secretHash = await hashSecret(secret)
      // Checked and marked in one synchronous transaction after the await: redeemed once only.
      const device = database.sqlite
        .transaction((): DeviceRow => {
          const now = clock.now()
          const row = findRedeemableCode(db, { codeHash, now })
          if (!row) throw new DomainError('NOT_FOUND', NOT_REDEEMABLE)
          const id = newDeviceId(row.kind)
          if (!markCodeUsed(db, { codeHash, at: now, deviceId: id }))
            throw new DomainError('NOT_FOUND', NOT_REDEEMABLE)
          const created: DeviceRow = {
            id,
            kind: row.kind,
            name: row.name ?? (row.counterId === null ? row.kind : `${row.kind} ${row.counterId}`),
            counterId: row.counterId,
            bridgeId: row.bridgeId,
            attachedTo: row.attachedTo,
            secretHash,
            createdAt: now,
            revokedAt: null,
            lastSeenAt: null,
          }
          insertDevice(db, created)
          return created
        })
        .immediate()
      log.info({ deviceId: device.id, kind: device.kind }, 'device paired')
      notify({ kind: 'enrolled', device })
      return { device, secret }
    },

    async enrol(input) {
      const id = DeviceId.parse(input.id)
      requireCounter(input.kind, input.counterId)
      requireBridge(input.bridgeId ?? null)
      requireAttachment(input.kind, input.attachedTo ?? null)
      if (findDevice(db, id)) throw new DomainError('CONFLICT', `Device ${id} is already enrolled`)
      const secretHash = await hashSecret(input.secret)
      const device: DeviceRow = {
        id,
        kind: input.kind,
        name: input.name,
        counterId: input.counterId,
        bridgeId: input.bridgeId ?? null,
        attachedTo: input.attachedTo ?? null,
        secretHash,
        createdAt: clock.now(),
        revokedAt: null,
        lastSeenAt: null,
      }
      if (findDevice(db, id)) throw new DomainError('CONFLICT', `Device ${id} is already enrolled`)
      insertDevice(db, device)
      log.info({ deviceId: id, kind: input.kind }, 'device enrolled')
      notify({ kind: 'enrolled', device })
      return device
    },

    revoke(id) {
      const now = clock.now()
      if (!revokeDevice(db, { id, at: now })) {
        const existing = findDevice(db, id)
        if (!existing) throw new DomainError('NOT_FOUND', `No device ${id}`)
        return existing // revoked before: revoking again changes nothing
      }
      verified.delete(id)
      const device = findDevice(db, id)
      if (!device) throw new DomainError('NOT_FOUND', `No device ${id}`)
      log.info({ deviceId: id }, 'device revoked')
      notify({ kind: 'revoked', device })
      return device
    },

    find: (id) => findDevice(db, id),
    list: () => listDevices(db),
    ownedBy: (bridgeId) =>
      listDevices(db).filter((d) => d.bridgeId === bridgeId && d.revokedAt === null),
    attachedTo: ({ kioskId, kind }) =>
      listDevices(db).filter(
        (d) => d.attachedTo === kioskId && d.kind === kind && d.revokedAt === null,
      ),

    async verify(id, secret) {
      const device = findDevice(db, id)
      if (device?.revokedAt !== null) return null
      const digest = createHash('sha256').update(secret, 'utf8').digest()
      const known = verified.get(id)
      if (known && timingSafeEqual(known, digest)) return device
      if (!(await verifySecret(secret, device.secretHash))) return null
      // Revoked while scrypt ran: still refused.
      const current = findDevice(db, id)
      if (current?.revokedAt !== null) return null
      verified.set(id, digest)
      return current
    },

    presence(id) {
      const { connections: _connections, ...presence } = presenceOf(id)
      return presence
    },

    recordConnection({ id, connected }) {
      const before = presenceOf(id)
      const connections = Math.max(0, before.connections + (connected ? 1 : -1))
      presences.set(id, { ...before, connections, connected: connections > 0 })
      touchDevice(db, { id, at: clock.now() })
    },

    recordAvailability({ id, state, bdSeq, reason }) {
      const before = presenceOf(id)
      // A death older than the current birth (Sparkplug bdSeq) is stale: a takeover's old Will.
      if (state === 'offline' && before.bdSeq !== null && bdSeq < before.bdSeq) return
      presences.set(id, {
        ...before,
        availability: state,
        bdSeq,
        reason,
        since: before.availability === state ? before.since : clock.now(),
      })
    },

    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return registry
}
